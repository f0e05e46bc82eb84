import Crypto
import Foundation

/// The HTML report's one style sheet and one script, inline, and the Content-Security-Policy
/// that allows exactly these two and nothing else: no request can leave the page (no source is
/// allowed for images, fonts, frames, connections or forms), and a script or style that an
/// escaping mistake let in would not run, as its hash would not be listed.
enum HTMLAssets {
    enum Asset {
        case style
        case script

        var text: String {
            switch self {
            case .style: HTMLAssets.style
            case .script: HTMLAssets.script
            }
        }
    }

    /// Text and background colours of a severity's badge and chart bars. Each pair keeps a WCAG
    /// contrast ratio of at least 4.5:1 (normal text, level AA; checked by the tests).
    static func colors(_ severity: Severity) -> (text: UInt32, background: UInt32) {
        switch severity {
        case .critical: (0xFFFFFF, 0x9B1C1C)
        case .high: (0xFFFFFF, 0xA6460A)
        case .medium: (0x1F1F1F, 0xF2C94C)
        case .low: (0xFFFFFF, 0x2F5D7C)
        }
    }

    /// Body text, muted text and the page background.
    static let ink: UInt32 = 0x1A1A1A
    static let muted: UInt32 = 0x555555
    static let paper: UInt32 = 0xFFFFFF
    /// Chart bars that carry no severity, and the accent of links-to-sections and focus rings.
    static let accent: UInt32 = 0x1F4E79

    static let style: String = {
        func hex(_ color: UInt32) -> String {
            let digits = String(color, radix: 16)
            return "#" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        }
        var severities = ""
        for severity in Severity.allCases {
            let (text, background) = colors(severity)
            severities +=
                ".sev-\(severity.rawValue){color:\(hex(text));background:\(hex(background))}"
                + ".bar-\(severity.rawValue){fill:\(hex(background))}\n"
        }
        return """

            :root{color:\(hex(ink));background:\(hex(paper));font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
            body{margin:0 auto;max-width:1200px;padding:1rem 1.5rem 3rem}
            h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:2px solid \(hex(accent))}
            h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
            .muted,figcaption,caption{color:\(hex(muted))}
            .notice{border-left:4px solid \(hex(accent));padding:.3rem .8rem;background:#eef3f8}
            table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
            caption{text-align:left;font-weight:600;padding:.2rem 0}
            th,td{border:1px solid #c8c8c8;padding:.25rem .45rem;text-align:left;vertical-align:top;unicode-bidi:isolate}
            th{background:#eceff3}
            td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
            td{overflow-wrap:break-word}td code{overflow-wrap:anywhere}.nowrap{white-space:nowrap}
            #findings-table{font-size:.88rem}#findings-table td.source{min-width:10rem}
            .scroll{overflow-x:auto}
            code{font:13px/1.35 ui-monospace,"DejaVu Sans Mono",monospace}
            .counts{display:flex;flex-wrap:wrap;gap:1.5rem}.counts table{width:auto;min-width:16rem}
            .badge{display:inline-block;padding:0 .4rem;border-radius:3px;font-weight:600;white-space:nowrap}
            .tag{display:inline-block;border:1px solid \(hex(muted));border-radius:3px;padding:0 .3rem;font-size:.85em;margin-left:.3rem}
            .sub{display:block;color:\(hex(muted));font-size:.88em}
            \(severities)
            .bar{fill:\(hex(accent))}
            svg{max-width:100%;height:auto;font:12px system-ui,"DejaVu Sans",sans-serif}
            svg text{fill:\(hex(ink))}
            figure{margin:1rem 0 1.5rem}
            .sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
            .controls{display:none;flex-wrap:wrap;gap:.8rem;align-items:end;margin:.5rem 0}
            .scripted .controls{display:flex}
            .controls label{display:flex;flex-direction:column;font-size:.9em}
            input,select,button{font:inherit}
            th button{all:unset;cursor:pointer;font-weight:700}
            th button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid \(hex(accent));outline-offset:2px}
            th[aria-sort=ascending] button::after{content:" \\25B2"}th[aria-sort=descending] button::after{content:" \\25BC"}
            tr[hidden]{display:none}
            dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
            @media print{
            :root{font-size:10pt}body{max-width:none;padding:0}
            .controls,.noprint{display:none!important}.scroll{overflow:visible}
            h2{break-after:avoid}tr,figure{break-inside:avoid}thead{display:table-header-group}
            th button{font-weight:700}th[aria-sort] button::after{content:""}
            .badge,.bar,[class^=bar-],th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
            }

            """
    }()

    /// Shows the filter controls (hidden without scripts) and makes the findings table filterable
    /// and sortable. It reads the page's own text and never writes markup: values only ever go
    /// into `textContent`, `value` and attributes it sets itself.
    static let script = #"""

        (function () {
          'use strict';
          var table = document.getElementById('findings-table');
          if (!table) { return; }
          document.body.classList.add('scripted');
          var rows = Array.prototype.slice.call(table.tBodies[0].rows);
          var search = document.getElementById('filter-text');
          var selects = ['severity', 'kind', 'action'].map(function (name) {
            return { name: name, element: document.getElementById('filter-' + name) };
          });
          var shown = document.getElementById('findings-shown');
          function apply() {
            var query = search.value.trim().toLowerCase();
            var count = 0;
            rows.forEach(function (row) {
              var visible = (!query || row.textContent.toLowerCase().indexOf(query) >= 0) &&
                selects.every(function (select) {
                  return !select.element.value || row.getAttribute('data-' + select.name) === select.element.value;
                });
              row.hidden = !visible;
              if (visible) { count += 1; }
            });
            shown.textContent = 'Showing ' + count + ' of ' + rows.length + ' findings';
          }
          search.addEventListener('input', apply);
          selects.forEach(function (select) { select.element.addEventListener('change', apply); });
          var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
          headers.forEach(function (header, column) {
            var button = header.querySelector('button');
            if (!button) { return; }
            button.addEventListener('click', function () {
              var ascending = header.getAttribute('aria-sort') !== 'ascending';
              headers.forEach(function (other) { other.removeAttribute('aria-sort'); });
              header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
              var numeric = header.getAttribute('data-type') === 'number';
              var keyed = rows.map(function (row, position) {
                var cell = row.cells[column];
                var key = cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent.trim();
                return { row: row, key: numeric ? Number(key) : key.toLowerCase(), position: position };
              });
              keyed.sort(function (a, b) {
                var order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
                return (ascending ? order : -order) || a.position - b.position;
              });
              rows = keyed.map(function (entry) { return entry.row; });
              var body = table.tBodies[0];
              rows.forEach(function (row) { body.appendChild(row); });
            });
          });
          apply();
        })();

        """#

    /// The policy: nothing but the style sheet and the script above, by hash.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src '\(hash(style))'; script-src '\(hash(script))'; img-src 'none'; "
        + "font-src 'none'; connect-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'"

    /// `sha256-BASE64` of `text` as a CSP source expression.
    static func hash(_ text: String) -> String {
        "sha256-" + Data(SHA256.hash(data: Array(text.utf8))).base64EncodedString()
    }

    /// WCAG 2 contrast ratio of two sRGB colours (1 to 21).
    static func contrast(_ first: UInt32, _ second: UInt32) -> Double {
        func luminance(_ color: UInt32) -> Double {
            func channel(_ shift: UInt32) -> Double {
                let value = Double((color >> shift) & 0xFF) / 255
                return value <= 0.039_28 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
            }
            return 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
        }
        let (light, dark) = (max(luminance(first), luminance(second)), min(luminance(first), luminance(second)))
        return (light + 0.05) / (dark + 0.05)
    }
}
