/// A fatal problem with what the run was told to load (accounts, profile, patterns, hash
/// exports, state): nothing is scanned. Names the file and, where known, the line.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    var file: String
    var line: Int?
    var message: String

    /// `file:line` or `file`, as messages name a place.
    var location: String { Self.location(file: file, line: line) }

    public var description: String { "\(location): \(message)" }

    /// One spelling of a place in a configuration file, for errors and warnings alike.
    static func location(file: String, line: Int?) -> String {
        line.map { "\(file):\($0)" } ?? file
    }
}

/// Something in a configuration file that is not fatal but changes what the run sees (rows
/// read differently than written, values not understood): said loudly, at start-up.
public struct ConfigurationWarning: Sendable, CustomStringConvertible, Equatable {
    var file: String
    var line: Int?
    public var message: String

    /// `file:line` or `file`, as messages name a place.
    public var location: String { ConfigurationError.location(file: file, line: line) }

    public var description: String { "\(location): \(message)" }
}
