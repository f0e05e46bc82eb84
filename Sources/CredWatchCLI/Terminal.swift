import CredWatch
import Foundation

/// The few terminal facts the CLI needs.
enum Terminal {
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
/// are not UTF-8 into U+FFFD, so a path with a Latin-1 or CP866 name would not open.
enum RawArguments {
    /// The bytes of the argument that decodes to `argument` (itself when it is valid UTF-8).
    static func path(_ argument: String) -> InputPath {
        guard argument.unicodeScalars.contains("\u{FFFD}") else { return InputPath(argument) }
        for index in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            let bytes = UnsafeRawBufferPointer(start: pointer, count: strlen(pointer))
            if String(decoding: bytes, as: UTF8.self) == argument { return InputPath(bytes: Array(bytes)) }
        }
        return InputPath(argument)
    }
}
