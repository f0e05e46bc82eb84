/// The terminal table: aligned columns that fit the width, severities coloured on request,
/// and a total line.
enum Table {
    private struct Column {
        let title: String
        /// The column is never narrowed below this (or its natural width, if smaller).
        let minimumWidth: Int
        /// Short fixed words (severity, action, kind, count): narrowed only once the free-text
        /// columns are at their minimum.
        var isVocabulary = false
        let cell: (Finding) -> String
    }

    private static let gap = "  "

    static func render(_ findings: [Finding], options: ReportOptions) -> String {
        let columns = columns(revealPasswords: options.revealPasswords)
        let rows = findings.map { finding in columns.map { sanitized($0.cell(finding)) } }
        let width = max(options.terminalWidth, 1)
        let widths = layout(columns, rows: rows, width: width)

        var text = ""
        let header = line(columns.map(\.title), widths: widths, width: width)
        text += options.useColor ? Color.bold + header + Color.reset : header
        text += "\n"
        for (finding, row) in zip(findings, rows) {
            var rendered = line(row, widths: widths, width: width)
            if options.useColor {
                // The severity is the first column: colour exactly its padded width.
                let split = rendered.index(rendered.startIndex, offsetBy: min(widths[0], rendered.count))
                rendered = Color.of(finding.severity) + rendered[..<split] + Color.reset + rendered[split...]
            }
            text += rendered + "\n"
        }
        text += fitted(total(findings), width: width) + "\n"
        return text
    }

    private static func columns(revealPasswords: Bool) -> [Column] {
        var columns = [
            Column(title: "SEVERITY", minimumWidth: 8, isVocabulary: true) { $0.severity.rawValue },
            Column(title: "ACTION", minimumWidth: 6, isVocabulary: true) { $0.action.rawValue },
            Column(title: "KIND", minimumWidth: 6, isVocabulary: true) { $0.kind.rawValue },
            Column(title: "ACCOUNT", minimumWidth: 8) { $0.account ?? "-" },
            Column(title: "PLATFORM", minimumWidth: 8) { $0.platform ?? $0.host ?? "-" },
            Column(title: "DETAIL", minimumWidth: 8) { detail(of: $0) },
        ]
        if revealPasswords {
            // A cut password is useless to whoever asked to see it: never narrowed.
            columns.append(Column(title: "PASSWORD", minimumWidth: .max) { $0.passwordEvidence?.cleartext ?? "-" })
        }
        columns += [
            Column(title: "MACHINE", minimumWidth: 7) { finding in
                guard let machine = finding.machine else { return "-" }
                let others = finding.machines.count - 1 + finding.machinesOmitted
                return machine.label + (machine.isOrganisationMachine ? " [org]" : "")
                    + (others > 0 ? " +\(others)" : "")
            },
            Column(title: "SEEN", minimumWidth: 4, isVocabulary: true) { String($0.count) },
            Column(title: "SOURCE", minimumWidth: 8) { finding in
                guard let first = finding.sources.first else { return "-" }
                let more = finding.placesSeen > 1 ? " +\(finding.placesSeen - 1)" : ""
                return "\(first.path):\(first.line)\(more)"
            },
        ]
        return columns
    }

    /// The login, or what stands for it: the cookie's name and domain, the machine's user.
    private static func detail(of finding: Finding) -> String {
        switch finding.kind {
        case .cookie: finding.cookie.map { "\($0.name) @ \($0.domain)" } ?? "-"
        case .infectedMachine: finding.machine?.user ?? "-"
        case .credential, .reuse, .unknownAccount: finding.login ?? "-"
        }
    }

    /// Natural widths, then the widest narrowable column loses one character at a time until
    /// the line fits: free-text columns first, then the vocabulary ones (when nothing can
    /// narrow further, `line` cuts the line itself).
    private static func layout(_ columns: [Column], rows: [[String]], width: Int) -> [Int] {
        var widths = columns.map(\.title.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        let minimums = zip(columns, widths).map { min($0.minimumWidth, $1) }
        var total = widths.reduce(0, +) + gap.count * (columns.count - 1)
        for narrowingVocabulary in [false, true] {
            while total > width {
                var widest: Int?
                for index in widths.indices
                where columns[index].isVocabulary == narrowingVocabulary && widths[index] > minimums[index] {
                    if widest.map({ widths[index] > widths[$0] }) ?? true { widest = index }
                }
                guard let widest else { break }
                widths[widest] -= 1
                total -= 1
            }
        }
        return widths
    }

    private static func line(_ cells: [String], widths: [Int], width: Int) -> String {
        var parts: [String] = []
        for (cell, columnWidth) in zip(cells, widths) {
            let cut = fitted(cell, width: columnWidth)
            parts.append(cut + String(repeating: " ", count: max(columnWidth - cut.count, 0)))
        }
        var text = parts.joined(separator: gap)
        while text.last == " " { text.removeLast() }
        return fitted(text, width: width)
    }

    /// `text`, cut to `width` characters with a trailing `…` when longer.
    static func fitted(_ text: String, width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 0 else { return "" }
        return String(text.prefix(width - 1)) + "…"
    }

    /// Unsafe characters (`DisplayText.isUnsafe`) become `?`, one column each: a hostile login
    /// must not move the cursor, recolour the terminal or reverse the text shown.
    static func sanitized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: DisplayText.isUnsafe) else { return text }
        var clean = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { clean.append(DisplayText.isUnsafe(scalar) ? "?" : scalar) }
        return String(clean)
    }

    /// `3 findings: 1 critical, 1 high, 0 medium, 1 low`.
    private static func total(_ findings: [Finding]) -> String {
        let noun = findings.count == 1 ? "finding" : "findings"
        let bySeverity = Severity.allCases.reversed().map { severity in
            "\(findings.count { $0.severity == severity }) \(severity.rawValue)"
        }
        return "\(findings.count) \(noun): " + bySeverity.joined(separator: ", ")
    }

    private enum Color {
        static let reset = "\u{1B}[0m"
        static let bold = "\u{1B}[1m"

        static func of(_ severity: Severity) -> String {
            switch severity {
            case .critical: "\u{1B}[1;31m"
            case .high: "\u{1B}[31m"
            case .medium: "\u{1B}[33m"
            case .low: "\u{1B}[36m"
            }
        }
    }
}
