/// The end-of-run summary written to stderr: counters only, never a login or a password. (The
/// HTML report reads the counters too, for its record of the run.)
public struct RunSummary: Sendable {
    let inputs: Int
    let duplicates: Int
    let members: Int
    let bytesRead: Int
    let bytesDecoded: Int
    let lines: Int
    let records: Int
    let skippedLines: Int
    let skippedByName: Int
    let errors: Int
    let warnings: Int
    let findingsByKind: [(FindingKind, Int)]
    let findingsBySeverity: [(Severity, Int)]
    let findingCount: Int
    let elapsed: Double
    let unread: [UnreadInput]
    let accounts: AccountCensus?

    /// - Parameter accounts: what the account export loaded (a line of its own when given).
    public init(diagnostics: Diagnostics, findings: [Finding], elapsed: Double, accounts: AccountCensus? = nil) {
        self.init(diagnostics: diagnostics, findings: FindingReport(findings), elapsed: elapsed, accounts: accounts)
    }

    public init(diagnostics: Diagnostics, findings: FindingReport, elapsed: Double, accounts: AccountCensus? = nil) {
        unread = diagnostics.unread
        inputs = diagnostics.inputs.load(ordering: .relaxed)
        duplicates = diagnostics.duplicates.load(ordering: .relaxed)
        members = diagnostics.members.load(ordering: .relaxed)
        bytesRead = diagnostics.bytesRead.load(ordering: .relaxed)
        bytesDecoded = diagnostics.bytesDecoded.load(ordering: .relaxed)
        lines = diagnostics.lines.load(ordering: .relaxed)
        records = diagnostics.records.load(ordering: .relaxed)
        skippedLines = diagnostics.skippedLines.load(ordering: .relaxed)
        skippedByName = diagnostics.skippedByName.load(ordering: .relaxed)
        errors = diagnostics.errors.load(ordering: .relaxed)
        warnings = diagnostics.warnings.load(ordering: .relaxed)
        // Read from the report's records: no finding is built to be counted.
        // Counted by position in `allCases` (no hashing per finding).
        var kinds = [Int](repeating: 0, count: FindingKind.allCases.count)
        var severities = [Int](repeating: 0, count: Severity.allCases.count)
        findings.forEachKindAndSeverity { kind, severity in
            kinds[FindingKind.allCases.firstIndex(of: kind)!] += 1
            severities[Severity.allCases.firstIndex(of: severity)!] += 1
        }
        findingsByKind = FindingKind.allCases.enumerated().map { ($1, kinds[$0]) }
        findingsBySeverity = Severity.allCases.enumerated().reversed().map { ($1, severities[$0]) }
        findingCount = findings.count
        self.elapsed = elapsed
        self.accounts = accounts
    }

    /// Four lines (five with the accounts loaded, first), each prefixed like every other
    /// credwatch message, ending with a newline.
    public func render() -> String {
        let kinds = findingsByKind.map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", ")
        let severities = findingsBySeverity.map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", ")
        let rate = Quantity.megabytesPerSecond(bytesDecoded, elapsed)
        let summary = [
            "inputs \(inputs)\(duplicates > 0 ? " (\(duplicates) duplicate paths not read again)" : ""), archive members \(members), read \(Quantity.bytes(bytesRead)), "
                + "decoded \(Quantity.bytes(bytesDecoded))",
            "lines \(lines), records \(records), skipped lines \(skippedLines)"
                + (skippedByName > 0
                    ? ", files skipped by name (history, screenshots, wallets…) \(skippedByName)" : ""),
            "findings \(findingCount) (\(kinds)); \(severities)",
            "errors \(errors), warnings \(warnings), \(Quantity.decimal(elapsed)) s, \(rate) MB/s",
        ]
        return ((accounts.map { [$0.summary] } ?? []) + summary).map { "credwatch: " + $0 + "\n" }.joined()
    }

    /// How a run's delivery ended, for the JSON summary.
    public enum Delivery: Sendable {
        /// Every output written, the state (if any) committed.
        case delivered
        /// Some output could not be written (or the state committed): the state is unchanged.
        case failed(String)
    }

    /// The summary as one JSON object (`--summary FILE`), so that a script knows what was not
    /// read whatever the exit status (1 hides incompleteness behind findings). Counters, the
    /// inputs and members not read completely with their reasons, and how the delivery ended;
    /// never a login or a password.
    public func json(exitStatus: Int32, delivery: Delivery) -> [UInt8] {
        var output: [UInt8] = []
        func key(_ name: String) {
            output.append(output.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
            JSON.appendString(name, to: &output)
            output.append(UInt8(ascii: ":"))
        }
        func number(_ name: String, _ value: Int) {
            key(name)
            output += Array(String(value).utf8)
        }
        func counts(_ name: String, _ pairs: [(String, Int)]) {
            key(name)
            output.append(UInt8(ascii: "{"))
            for (index, (label, count)) in pairs.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                JSON.appendString(label, to: &output)
                output += Array(":\(count)".utf8)
            }
            output.append(UInt8(ascii: "}"))
        }
        number("version", 1)
        number("exit_status", Int(exitStatus))
        key("delivery")
        switch delivery {
        case .delivered:
            output += Array("{\"status\":\"delivered\"}".utf8)
        case .failed(let reason):
            output += Array("{\"status\":\"failed\",\"reason\":".utf8)
            JSON.appendString(reason, to: &output)
            output.append(UInt8(ascii: "}"))
        }
        key("complete")
        output += Array((errors == 0 ? "true" : "false").utf8)
        number("inputs", inputs)
        number("duplicate_paths", duplicates)
        number("archive_members", members)
        number("bytes_read", bytesRead)
        number("bytes_decoded", bytesDecoded)
        number("lines", lines)
        number("records", records)
        number("skipped_lines", skippedLines)
        number("files_skipped_by_name", skippedByName)
        number("findings", findingCount)
        counts("findings_by_kind", findingsByKind.map { ($0.0.rawValue, $0.1) })
        counts("findings_by_severity", findingsBySeverity.map { ($0.0.rawValue, $0.1) })
        number("errors", errors)
        number("warnings", warnings)
        key("elapsed_seconds")
        output += Array(Quantity.decimal(elapsed).utf8)
        key("incomplete")
        output.append(UInt8(ascii: "["))
        for (index, entry) in unread.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output += Array("{\"input\":".utf8)
            JSON.appendString(entry.locator, to: &output)
            output += Array(",\"reason\":".utf8)
            JSON.appendString(entry.reason, to: &output)
            output.append(UInt8(ascii: "}"))
        }
        output.append(UInt8(ascii: "]"))
        number("incomplete_not_listed", max(0, errors - unread.count))
        output += Array("}\n".utf8)
        return output
    }
}

/// The live progress line (the CLI rewrites it in place with `\r` on a terminal).
public enum ProgressLine {
    /// `1.2 GB of 4.0 GB (30%), 85.3 MB/s, 12 findings, 14 s`, without a line end.
    public static func render(bytesDone: Int, bytesTotal: Int?, elapsed: Double, findings: Int) -> String {
        var text = Quantity.bytes(bytesDone)
        if let bytesTotal, bytesTotal > 0 {
            let done = min(max(bytesDone, 0), bytesTotal)
            // Multiplying first could overflow for totals near Int.max; divide the total instead.
            let percent = bytesTotal >= Int.max / 100 ? done / (bytesTotal / 100) : done * 100 / bytesTotal
            text += " of \(Quantity.bytes(bytesTotal)) (\(percent)%)"
        }
        let noun = findings == 1 ? "finding" : "findings"
        text += ", \(Quantity.megabytesPerSecond(bytesDone, elapsed)) MB/s, \(findings) \(noun)"
        text += ", \(Quantity.decimal(elapsed.rounded(.down), digits: 0)) s"
        return text
    }
}

/// Human-readable quantities in decimal units, without locale (the decimal mark is `.`).
enum Quantity {
    /// `532 B`, `1.2 kB`, `3.4 MB`, `1.0 GB`, `2.3 TB`.
    static func bytes(_ count: Int) -> String {
        let units = ["kB", "MB", "GB", "TB", "PB", "EB"]
        guard count >= 1000 else { return "\(max(count, 0)) B" }
        var value = Double(count) / 1000
        var unit = 0
        while value >= 999.95 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return "\(decimal(value)) \(units[unit])"
    }

    /// Decoded megabytes per second; 0.0 when no time has passed.
    static func megabytesPerSecond(_ bytes: Int, _ seconds: Double) -> String {
        guard seconds > 0 else { return decimal(0) }
        return decimal(Double(max(bytes, 0)) / 1_000_000 / seconds)
    }

    /// `value` with `digits` decimals (0 or 1); 0 for negative, NaN or absurd values.
    static func decimal(_ value: Double, digits: Int = 1) -> String {
        guard value.isFinite, value > 0, value < 1e15 else { return digits == 0 ? "0" : "0.0" }
        if digits == 0 { return String(Int(value.rounded())) }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
