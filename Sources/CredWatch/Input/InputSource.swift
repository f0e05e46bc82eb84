/// One thing to read: standard input or a file (named on the command line, or found below a
/// directory that was).
public enum InputSource: Sendable, Equatable {
    /// Standard input, named `-` on the command line and in messages.
    case standardInput
    /// A file to open at `path`; `locator` names it in findings and messages (the path as given,
    /// joined with the relative path inside a directory).
    case file(path: String, locator: String)

    /// The command-line spelling of standard input.
    public static let standardInputLocator = "-"
}
