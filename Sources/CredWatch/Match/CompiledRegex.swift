import CPCRE2

/// A PCRE2 pattern compiled, and JIT-compiled when the platform allows, once at start-up and
/// then shared read-only by every worker (PCRE2 documents compiled code as thread-safe once
/// JIT compilation is done).
///
/// Patterns are matched case-insensitively, in UTF mode that tolerates invalid UTF-8
/// (`PCRE2_MATCH_INVALID_UTF`): subjects come from hostile text.
final class CompiledRegex: Sendable {
    nonisolated(unsafe) let code: OpaquePointer
    let isJIT: Bool
    let pattern: String
    /// Lower-cased literals one of which every match contains; empty when none could be
    /// proven, and then the regex runs on every subject it is offered.
    let requiredLiterals: [RequiredLiteral]

    /// Why a pattern did not compile: PCRE2's message and the offset in the pattern.
    struct CompileError: Error, CustomStringConvertible {
        var message: String
        var offset: Int
        var description: String { "\(message) at offset \(offset)" }
    }

    init(_ pattern: String) throws(CompileError) {
        var errorCode: Int32 = 0
        var errorOffset = 0
        var source = pattern
        let options = PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF
        let compiled = source.withUTF8 { utf8 in
            pcre2_compile_8(utf8.baseAddress, utf8.count, options, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw CompileError(message: Self.message(for: errorCode), offset: errorOffset)
        }
        code = compiled
        isJIT = pcre2_jit_compile_8(compiled, PCRE2_JIT_COMPLETE) == 0
        self.pattern = pattern
        requiredLiterals = RequiredLiterals.of(pattern).map(RequiredLiteral.init)
    }

    deinit { pcre2_code_free_8(code) }

    /// False when the raw URL cannot normalise into a subject holding a required literal (see
    /// `RequiredLiteral.mayOccur(inRawURL:)`); true when the regex has none.
    func mayMatch(rawURL: UnsafeRawBufferPointer) -> Bool {
        requiredLiterals.isEmpty || requiredLiterals.contains { $0.mayOccur(inRawURL: rawURL) }
    }

    /// Whether the pattern matches the empty string (`''`, `.*`, `x?`, `a|`): such a pattern
    /// matches every subject somewhere.
    var matchesEmptyString: Bool {
        let scratch = RegexScratch()
        // An empty view with an address: PCRE2 before 10.43 refuses a NULL subject.
        return [UInt8(0)].withUnsafeBytes {
            scratch.matches(self, UnsafeRawBufferPointer(start: $0.baseAddress, count: 0))
        }
    }

    static func message(for errorCode: Int32) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { buffer in
            let length = pcre2_get_error_message_8(errorCode, buffer.baseAddress, buffer.count)
            guard length > 0 else { return "PCRE2 error \(errorCode)" }
            return String(decoding: buffer.prefix(Int(length)), as: UTF8.self)
        }
    }
}

/// One worker's PCRE2 state: match data, a match context with limits and a JIT stack. PCRE2
/// requires each thread to have its own; a worker creates one and keeps it.
///
/// The limits make a catastrophic pattern give up instead of stalling the worker: such a
/// subject counts as no match and is counted in `limitHits`.
final class RegexScratch {
    private let matchData: OpaquePointer
    private let matchContext: OpaquePointer
    private let jitStack: OpaquePointer?
    /// Matches abandoned because a limit was reached.
    private(set) var limitHits = 0

    /// Backtracking steps one match may take (PCRE2's default, 10 million, takes seconds).
    static let matchLimit: UInt32 = 200_000
    /// Nesting depth of the interpreter's backtracking (JIT uses its stack instead).
    static let depthLimit: UInt32 = 10_000

    init() {
        // One ovector pair serves every pattern: a match only needs to be detected.
        matchData = pcre2_match_data_create_8(1, nil)!
        matchContext = pcre2_match_context_create_8(nil)!
        pcre2_set_match_limit_8(matchContext, Self.matchLimit)
        pcre2_set_depth_limit_8(matchContext, Self.depthLimit)
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 512 * 1024, nil)
        if let jitStack { pcre2_jit_stack_assign_8(matchContext, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    deinit {
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
        pcre2_match_context_free_8(matchContext)
        pcre2_match_data_free_8(matchData)
    }

    /// Whether `regex` matches somewhere in `subject` (no literal prefilter).
    func matches(_ regex: CompiledRegex, _ subject: UnsafeRawBufferPointer) -> Bool {
        let base = subject.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let result =
            regex.isJIT
            ? pcre2_jit_match_8(regex.code, base, subject.count, 0, 0, matchData, matchContext)
            : pcre2_match_8(regex.code, base, subject.count, 0, 0, matchData, matchContext)
        if result >= 0 { return true }
        if result != PCRE2_ERROR_NOMATCH { limitHits += 1 }
        return false
    }

    /// `matches`, after checking that `subject` (lower-cased) holds one of the regex's
    /// required literals: most subjects are rejected without entering PCRE2.
    func matchesPrefiltered(_ regex: CompiledRegex, lowercasedSubject subject: UnsafeRawBufferPointer) -> Bool {
        if !regex.requiredLiterals.isEmpty && !regex.requiredLiterals.contains(where: { $0.occurs(in: subject) }) {
            return false
        }
        return matches(regex, subject)
    }
}
