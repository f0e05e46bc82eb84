import CredWatch
import Foundation

/// The few terminal facts the CLI needs.
enum Terminal {
    /// Standard output was closed when credwatch started (`>&-`): the report cannot go there.
    nonisolated(unsafe) private(set) static var standardOutputWasClosed = false

    /// Opens /dev/null on standard input, output or error when one is closed, before anything
    /// else is opened: otherwise the first file credwatch opens (the state's lock) would take
    /// descriptor 1, and the report would be written into it.
    static func reopenClosedStandardDescriptors() {
        for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", O_RDWR)
            if opened >= 0 && opened != descriptor {
                dup2(opened, descriptor)
                close(opened)
            }
            if descriptor == 1 { standardOutputWasClosed = true }
        }
    }

    static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// Columns of the terminal on `descriptor`, else $COLUMNS, else 120.
    static func width(_ descriptor: Int32) -> Int {
        var size = winsize()
        if ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
            return columns
        }
        return 120
    }

    /// Rewrites the live progress line on stderr.
    static func showProgress(_ progress: ScanProgress) {
        let line = ProgressLine.render(
            bytesDone: progress.bytesRead,
            bytesTotal: progress.bytesTotal,
            elapsed: progress.elapsed,
            findings: progress.findings
        )
        var stderr = StandardError()
        stderr.write("\r\u{1B}[K" + line)
    }

    static func clearProgress() {
        var stderr = StandardError()
        stderr.write("\r\u{1B}[K")
    }
}

/// Command-line arguments as the bytes given. Swift's `CommandLine.arguments` turns bytes that
/// are not UTF-8 into U+FFFD, so a path with a Latin-1 or CP866 name would not open, and two such
/// names would become one. Here each such byte (0x80–0xFF) becomes a private-use character
/// (U+F780–U+F7FF) for the argument parser, and `path` turns it back into the byte.
enum RawArguments {
    /// U+F700 + the byte.
    static let escapeBase: UInt32 = 0xF700

    /// The arguments (program name left out), and those that were not UTF-8, escaped.
    static let decoded: (arguments: [String], escaped: Set<String>) = {
        var arguments: [String] = []
        var escaped = Set<String>()
        for index in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            let bytes = Array(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
            if let valid = String(validating: bytes, as: UTF8.self) {
                arguments.append(valid)
                continue
            }
            let argument = DisplayText.decoding(bytes) { byte in
                String.UnicodeScalarView([Unicode.Scalar(escapeBase + UInt32(byte))!])
            }
            arguments.append(argument)
            escaped.insert(argument)
        }
        return (arguments, escaped)
    }()

    /// The bytes of the argument `argument` came from.
    static func path(_ argument: String) -> InputPath {
        guard decoded.escaped.contains(argument) else { return InputPath(argument) }
        var bytes: [UInt8] = []
        for scalar in argument.unicodeScalars {
            if scalar.value >= escapeBase + 0x80 && scalar.value <= escapeBase + 0xFF {
                bytes.append(UInt8(scalar.value - escapeBase))
            } else {
                bytes += Array(String(scalar).utf8)
            }
        }
        return InputPath(bytes: bytes)
    }
}
