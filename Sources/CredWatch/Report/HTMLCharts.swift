/// The HTML report's charts, inline SVG: exposures by platform, thefts week by week, infected
/// organisation machines. Each chart is hidden from screen readers and followed by the same
/// numbers as a table they read (visually hidden).
extension HTMLReport {
    /// One bar: a label, its value, what its tooltip and table add, and its colour.
    struct Bar {
        var label: String
        var value: Int
        var note: String = ""
        var severity: Severity? = nil
    }

    /// Bars a chart draws at most; the rest are summed into one last bar.
    static let maxBars = 15
    /// Weeks the timeline draws at most (two years); thefts before them are counted apart.
    static let maxWeeks = 104

    static func charts(_ findings: [Finding], into page: inout HTMLWriter) {
        page.raw("<section id=\"charts\" aria-labelledby=\"charts-title\">\n<h2 id=\"charts-title\">Charts</h2>\n")
        horizontalBars(
            platformBars(findings),
            id: "chart-platforms",
            caption: "Exposures by platform (credentials, cookies and unknown logins on the platform; reuse on "
                + "other sites), coloured by their highest severity",
            valueTitle: "Exposures",
            empty: "No exposure on a platform.",
            into: &page
        )
        timeline(findings, into: &page)
        horizontalBars(
            organisationMachineBars(findings),
            id: "chart-machines",
            caption: "Infected organisation machines, by the number of findings stolen on them (with the log date)",
            valueTitle: "Findings",
            empty: "No organisation machine among the victims.",
            into: &page
        )
        page.raw("</section>\n")
    }

    /// Findings by platform; reuse on other sites and credentials without a URL as bars of their
    /// own; infected machines are not exposures of a platform.
    static func platformBars(_ findings: [Finding]) -> [Bar] {
        var bars: [String: Bar] = [:]
        for finding in findings where finding.kind != .infectedMachine {
            let label = finding.platform ?? (finding.kind == .reuse ? "other sites (reuse)" : "no URL")
            var bar = bars[label] ?? Bar(label: label, value: 0, note: finding.platformName ?? "")
            bar.value += 1
            bar.severity = max(bar.severity ?? finding.severity, finding.severity)
            bars[label] = bar
        }
        return capped(bars.values.sorted { ($0.value, $1.label) > ($1.value, $0.label) }, others: "other platforms")
    }

    /// The distinct organisation machines among the victims, each with the findings that list it.
    static func organisationMachineBars(_ findings: [Finding]) -> [Bar] {
        var bars: [String: Bar] = [:]
        for finding in findings {
            for machine in finding.machines where machine.isOrganisationMachine {
                var bar =
                    bars[machine.identity]
                    ?? Bar(
                        label: machine.label,
                        value: 0,
                        note: [machine.user, machine.logDate.map { "stolen " + $0.date.iso8601 }]
                            .compactMap { $0 }.joined(separator: ", "),
                        severity: .critical
                    )
                bar.value += 1
                bars[machine.identity] = bar
            }
        }
        return capped(bars.values.sorted { ($0.value, $1.label) > ($1.value, $0.label) }, others: "other machines")
    }

    /// The first `maxBars - 1` bars and one summing the rest, when there are more than `maxBars`.
    private static func capped(_ bars: [Bar], others: String) -> [Bar] {
        guard bars.count > maxBars else { return bars }
        let rest = bars[(maxBars - 1)...]
        let sum = rest.reduce(0) { $0 + $1.value }
        return Array(bars.prefix(maxBars - 1)) + [Bar(label: "\(rest.count) \(others)", value: sum)]
    }

    /// Bars left to right, labels on the left, values at the end of each bar.
    private static func horizontalBars(
        _ bars: [Bar],
        id: StaticString,
        caption: String,
        valueTitle: StaticString,
        empty: StaticString,
        into page: inout HTMLWriter
    ) {
        page.raw("<figure id=\"")
        page.raw(id)
        page.raw("\">\n<figcaption>")
        page.text(caption)
        page.raw("</figcaption>\n")
        guard !bars.isEmpty else {
            page.raw("<p>")
            page.raw(empty)
            page.raw("</p>\n</figure>\n")
            return
        }
        let row = 26.0
        let labelWidth = 230.0
        let barSpace = 400.0
        let height = Double(bars.count) * row + 8
        let largest = Double(bars.map(\.value).max() ?? 1)
        page.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 720 ")
        page.number(height)
        page.raw("\" width=\"720\" height=\"")
        page.number(height)
        page.raw("\" aria-hidden=\"true\" focusable=\"false\">\n")
        for (index, bar) in bars.enumerated() {
            let y = Double(index) * row + 4
            let width = max(2, barSpace * Double(bar.value) / max(largest, 1))
            page.raw("<g><title>")
            tooltip(bar, into: &page)
            page.raw("</title><text x=\"")
            page.number(labelWidth - 8)
            page.raw("\" y=\"")
            page.number(y + 14)
            page.raw("\" text-anchor=\"end\">")
            page.text(bar.label, limit: 32)
            page.raw("</text><rect class=\"")
            if let severity = bar.severity {
                page.raw("bar-")
                page.text(severity.rawValue)
            } else {
                page.raw("bar")
            }
            page.raw("\" x=\"")
            page.number(labelWidth)
            page.raw("\" y=\"")
            page.number(y)
            page.raw("\" width=\"")
            page.number(width)
            page.raw("\" height=\"18\"></rect><text x=\"")
            page.number(labelWidth + width + 6)
            page.raw("\" y=\"")
            page.number(y + 14)
            page.raw("\">")
            page.number(bar.value)
            page.raw("</text></g>\n")
        }
        page.raw("</svg>\n")
        dataTable(bars, labelTitle: "Name", valueTitle: valueTitle, into: &page)
        page.raw("</figure>\n")
    }

    private static func tooltip(_ bar: Bar, into page: inout HTMLWriter) {
        page.text(bar.label)
        if !bar.note.isEmpty {
            page.raw(" (")
            page.text(bar.note)
            page.raw(")")
        }
        page.raw(": ")
        page.number(bar.value)
    }

    /// The chart's numbers as a table for screen readers (visually hidden).
    private static func dataTable(
        _ bars: [Bar],
        labelTitle: StaticString,
        valueTitle: StaticString,
        into page: inout HTMLWriter
    ) {
        page.raw("<table class=\"sr-only\"><thead><tr><th scope=\"col\">")
        page.raw(labelTitle)
        page.raw("</th><th scope=\"col\">Details</th><th scope=\"col\">")
        page.raw(valueTitle)
        page.raw("</th></tr></thead><tbody>\n")
        for bar in bars {
            page.raw("<tr><th scope=\"row\">")
            page.text(bar.label)
            page.raw("</th><td>")
            page.text(bar.note)
            page.raw("</td><td>")
            page.number(bar.value)
            page.raw("</td></tr>\n")
        }
        page.raw("</tbody></table>\n")
    }

    // MARK: Timeline

    /// Thefts (distinct victim machines, by their log date) per week, Monday to Sunday, from
    /// the first week with one to the last; at most `maxWeeks`, the latest.
    static func weeklyThefts(_ findings: [Finding]) -> (
        weeks: [(monday: CivilDate, thefts: Int)], earlier: Int, undated: Int
    ) {
        var seen = Set<String>()
        var perWeek: [Int64: Int] = [:]
        var undated = 0
        for finding in findings {
            for machine in finding.machines where seen.insert(machine.identity).inserted {
                if let date = machine.logDate {
                    perWeek[monday(of: date.date), default: 0] += 1
                } else {
                    undated += 1
                }
            }
        }
        guard let last = perWeek.keys.max(), let first = perWeek.keys.min() else { return ([], 0, undated) }
        let start = max(first, last - Int64(maxWeeks - 1) * 7)
        let earlier = perWeek.filter { $0.key < start }.values.reduce(0, +)
        let weeks = stride(from: start, through: last, by: 7).map {
            (monday: CivilDate(daysSinceEpoch: $0), thefts: perWeek[$0] ?? 0)
        }
        return (weeks, earlier, undated)
    }

    /// Days since 1970-01-01 of the Monday that starts `date`'s week (1970-01-01 was a Thursday).
    static func monday(of date: CivilDate) -> Int64 {
        let days = date.daysSinceEpoch
        let sinceMonday = ((days + 3) % 7 + 7) % 7
        return days - sinceMonday
    }

    private static func timeline(_ findings: [Finding], into page: inout HTMLWriter) {
        let (weeks, earlier, undated) = weeklyThefts(findings)
        page.raw("<figure id=\"chart-timeline\">\n<figcaption>Thefts week by week: victim machines by the date of ")
        page.raw("their log (weeks start on Monday)")
        if earlier > 0 {
            page.raw("; ")
            page.number(earlier)
            page.raw(" earlier, not drawn")
        }
        if undated > 0 {
            page.raw("; ")
            page.number(undated)
            page.raw(undated == 1 ? " victim machine without a log date" : " victim machines without a log date")
        }
        page.raw("</figcaption>\n")
        guard !weeks.isEmpty else {
            page.raw("<p>No victim machine with a log date.</p>\n</figure>\n")
            return
        }
        let left = 70.0
        let right = 710.0
        let top = 12.0
        let bottom = 170.0
        let largest = Double(weeks.map(\.thefts).max() ?? 1)
        // A few weeks make narrow bars on the left, not a few slabs across the page.
        let step = min((right - left) / Double(weeks.count), 40)
        page.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 720 240\" width=\"720\" height=\"240\" ")
        page.raw("aria-hidden=\"true\" focusable=\"false\">\n")
        // Axes and the scale: 0 and the largest week.
        page.raw("<line x1=\"70\" y1=\"170\" x2=\"710\" y2=\"170\" stroke=\"#555555\"></line>")
        page.raw("<text x=\"64\" y=\"174\" text-anchor=\"end\">0</text><text x=\"64\" y=\"")
        page.number(top + 4)
        page.raw("\" text-anchor=\"end\">")
        page.number(Int(largest))
        page.raw("</text>\n")
        // Date labels are slanted, about 14 units apart at least: one every so many bars.
        let labelEvery = max(1, Int((14 / step).rounded(.up)))
        for (index, week) in weeks.enumerated() {
            let height = (bottom - top) * Double(week.thefts) / max(largest, 1)
            let x = left + Double(index) * step
            page.raw("<g><title>Week of ")
            page.text(week.monday.iso8601)
            page.raw(": ")
            page.number(week.thefts)
            page.raw(week.thefts == 1 ? " theft" : " thefts")
            page.raw("</title><rect class=\"bar\" x=\"")
            page.number(x + min(2, step / 4))
            page.raw("\" y=\"")
            page.number(bottom - height)
            page.raw("\" width=\"")
            page.number(max(1, step - 2 * min(2, step / 4)))
            page.raw("\" height=\"")
            page.number(height)
            page.raw("\"></rect>")
            if index % labelEvery == 0 {
                page.raw("<text x=\"")
                page.number(x + step / 2 + 4)
                page.raw("\" y=\"184\" text-anchor=\"end\" transform=\"rotate(-40 ")
                page.number(x + step / 2 + 4)
                page.raw(" 184)\">")
                page.text(week.monday.iso8601)
                page.raw("</text>")
            }
            if week.thefts > 0 && step >= 14 {
                page.raw("<text x=\"")
                page.number(x + step / 2)
                page.raw("\" y=\"")
                page.number(bottom - height - 3)
                page.raw("\" text-anchor=\"middle\">")
                page.number(week.thefts)
                page.raw("</text>")
            }
            page.raw("</g>\n")
        }
        page.raw("</svg>\n")
        let bars = weeks.filter { $0.thefts > 0 }.map { Bar(label: "week of " + $0.monday.iso8601, value: $0.thefts) }
        dataTable(bars, labelTitle: "Week", valueTitle: "Thefts", into: &page)
        page.raw("</figure>\n")
    }
}
