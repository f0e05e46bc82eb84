/// Tells whether a leaked password is still an account's current one, from hash exports.
public protocol PasswordChecking: Sendable {
    /// nil when no hash is known for the account.
    func check(account: Account, password: UnsafeRawBufferPointer) -> PasswordCheck?
}

/// The verdict of a `PasswordChecking`.
public struct PasswordCheck: Sendable, Equatable {
    public var isCurrent: Bool
    /// Last password change, when the export records it.
    public var lastChange: Timestamp?

    public init(isCurrent: Bool, lastChange: Timestamp? = nil) {
        self.isCurrent = isCurrent
        self.lastChange = lastChange
    }
}
