import Synchronization

/// The secrets that were seen in a source path: a victim folder (or file) may be named after a
/// password, and every record read below it — other accounts, cookies, system information —
/// carries that path too. The match stage notes here each secret it redacted from a record's
/// path (`SecretValues`); once the scan is over, every path of every output is redacted of
/// them (`FindingReport`, the partial), whatever the order the records came in.
///
/// Held in memory only, never written. Bounded: past `capacity` secrets, paths are withheld
/// whole rather than risk one in clear.
public final class PathSecrets: Sendable {
    /// Distinct secrets kept at most (a few per victim folder named after a password).
    static let capacity = 1024

    private let state = Mutex<(secrets: SecretValues, isOverflowing: Bool)>((SecretValues(), false))

    public init() {}

    /// Notes the secrets of `secrets` that occur in `path`.
    func note(_ secrets: SecretValues, in path: String) {
        let found = secrets.occurring(in: path)
        guard !found.isEmpty else { return }
        state.withLock { state in
            for value in found.values where !state.secrets.values.contains(value) {
                if state.secrets.values.count >= Self.capacity {
                    state.isOverflowing = true
                    return
                }
                state.secrets.insertLowered(value)
            }
        }
    }

    /// What redacts paths once every record is matched; nil when no path held a secret.
    var redaction: PathRedaction? {
        state.withLock { state in
            state.secrets.isEmpty ? nil : PathRedaction(secrets: state.secrets, isOverflowing: state.isOverflowing)
        }
    }
}

/// Redacts the secrets seen in paths (`PathSecrets`) from a path.
struct PathRedaction: Sendable {
    let secrets: SecretValues
    /// More secrets were seen than kept: every path is withheld.
    let isOverflowing: Bool

    func callAsFunction(_ path: String) -> String {
        isOverflowing ? SecretValues.marker : secrets.redact(path)
    }

    func callAsFunction(_ input: InputFingerprint) -> InputFingerprint {
        var input = input
        input.path = self(input.path)
        return input
    }

    func callAsFunction(_ source: Source) -> Source {
        var source = source
        source.path = self(source.path)
        return source
    }
}
