/// One output of a run: the report, the reset list, the run summary…
public struct RunOutput: Sendable {
    /// How messages name it (`--output`, `--reset-list`, `the report`).
    public var name: String
    public var target: OutputTarget
    /// Its bytes, or a writer that renders them into the output as it is delivered.
    public var content: OutputContent

    public init(name: String, target: OutputTarget, content: OutputContent) {
        self.name = name
        self.target = target
        self.content = content
    }

    public init(name: String, target: OutputTarget, bytes: [UInt8]) {
        self.init(name: name, target: target, content: .bytes(bytes))
    }

    /// The whole content in memory.
    public var bytes: [UInt8] { content.bytes }
}

/// An output of a run that is sent, not written: the findings as syslog messages.
public struct SentOutput: Sendable {
    /// How messages name it (`--syslog tcp://siem.example:6514`).
    public var name: String
    /// Sends everything, or throws saying why not (part may have been sent: the state then
    /// stays as it was, and the next run sends it all again).
    public var send: @Sendable () throws -> Void

    public init(name: String, send: @escaping @Sendable () throws -> Void) {
        self.name = name
        self.send = send
    }
}

/// An output of the run could not be written: nothing the run found was marked as delivered.
public struct DeliveryError: Error, CustomStringConvertible {
    public var output: String
    public var reason: String

    public var description: String { "cannot deliver \(output): \(reason)" }
}

/// Writes every output of a run completely, or fails having changed as little as possible, and
/// only then lets the run's bookkeeping (the state) follow.
///
/// Files are staged first (written, piece by piece for a writer, and flushed beside their
/// targets), then streams (standard
/// output, FIFOs, devices, sockets) are written whole, then the sent outputs (syslog) are sent,
/// then the staged files are renamed into place and `commit` runs — that last step with signals deferred (`RunInterruption`). A
/// failure before it removes every staged file, so no output is half-written and `commit` does
/// not run; a failure while renaming stops there, and `commit` does not run either. So an
/// exposure is marked as reported only once every output holds it ("at least once").
public enum Delivery {
    public static func deliver(
        _ outputs: [RunOutput],
        sending sent: [SentOutput] = [],
        commit: () throws(DeliveryError) -> Void
    ) throws(DeliveryError) {
        var staged: [(output: RunOutput, file: StagedFile)] = []
        func abandon() { for entry in staged { entry.file.discard() } }
        for output in outputs {
            guard case .regularFile(_, let file) = output.target else { continue }
            do {
                staged.append((output, try SecureFile.stage(output.content, to: file)))
            } catch {
                abandon()
                throw DeliveryError(output: output.name, reason: "\(error)")
            }
        }
        for output in outputs {
            if case .regularFile = output.target { continue }
            do {
                try output.target.write(output.content)
            } catch {
                abandon()
                throw DeliveryError(output: output.name, reason: "\(error)")
            }
        }
        for output in sent {
            do {
                try output.send()
            } catch {
                abandon()
                throw DeliveryError(output: output.name, reason: "\(error)")
            }
        }
        try RunInterruption.deferring { () throws(DeliveryError) in
            for (index, entry) in staged.enumerated() {
                do {
                    try entry.file.commit()
                } catch {
                    for later in staged[(index + 1)...] { later.file.discard() }
                    throw DeliveryError(output: entry.output.name, reason: "\(error)")
                }
            }
            try commit()
        }
    }
}
