@testable import CredWatch

/// Test values written as their ISO 8601 text (`"2024-11-03T10:22:14Z"`). The text must be
/// what `iso8601` writes back, so comparing a value with a literal compares their texts.
extension Timestamp: Swift.ExpressibleByStringLiteral {
    public init(stringLiteral text: String) {
        guard let value = Timestamp(iso8601: text) else {
            fatalError("'\(text)' is not a date as Timestamp.iso8601 writes it")
        }
        self = value
    }
}
