/// The outcome of one of the ``SanityChecks``.
public struct SanityCheckResult: Sendable {
    /// Passed, failed, or not applicable to this model.
    public enum Status: String, Sendable { case passed = "PASS", failed = "FAIL", skipped = "SKIP" }

    /// Which check.
    public var check: SanityChecks.Check
    /// Whether the check passed, failed or was skipped.
    public var status: Status
    /// The measured numbers by name (e.g. `loss`, `expected`, `maxRelativeError`).
    public var numbers: [String: Double]
    /// The numbers in words.
    public var summary: String
    /// What to do about a failure, or why the check was skipped.
    public var advice: String?

    /// Whether the check passed.
    public var passed: Bool { status == .passed }
}

/// The results of ``SanityChecks/run(model:features:labels:options:)``, printable as a report.
public struct SanityReport: Sendable, CustomStringConvertible {
    /// One result per check run, in the order of ``SanityChecks/Check``.
    public var results: [SanityCheckResult]

    /// Whether no check failed (skipped checks do not count against it).
    public var allPassed: Bool { !results.contains { $0.status == .failed } }

    /// The result of `check`, if it was run.
    public subscript(check: SanityChecks.Check) -> SanityCheckResult? { results.first { $0.check == check } }

    /// One line per check — `[PASS] initial loss ≈ ln C: …` — with advice under each failure.
    public var description: String {
        let counts = [SanityCheckResult.Status.passed, .failed, .skipped].compactMap { status -> String? in
            let n = results.filter { $0.status == status }.count
            return n == 0 ? nil : "\(n) \(status == .passed ? "passed" : status == .failed ? "failed" : "skipped")"
        }
        var lines = ["Sanity checks (seed 001): " + counts.joined(separator: ", ")]
        for result in results {
            lines.append("[\(result.status.rawValue)] \(result.check.title): \(result.summary)")
            if let advice = result.advice { lines.append("       → \(advice)") }
        }
        return lines.joined(separator: "\n")
    }
}
