import ArgumentParser

/// A command-line option given a value outside its range; ArgumentParser prints it as one line
/// (`Error: --batch-size must be at least 1, got 0`) and exits with status 1.
struct OptionError: Error, CustomStringConvertible {
    let description: String

    /// Throws unless `value` passes `isValid`; `allowed` completes "--option must be …".
    static func require<Value>(_ value: Value, _ option: String, _ allowed: String, _ isValid: (Value) -> Bool) throws {
        guard isValid(value) else { throw OptionError(description: "--\(option) must be \(allowed), got \(value)") }
    }

    /// Throws unless `value` is at least `minimum`.
    static func require(_ value: Int, _ option: String, atLeast minimum: Int) throws {
        try require(value, option, "at least \(minimum)") { $0 >= minimum }
    }

    /// Throws unless `value` is a finite number > 0.
    static func requirePositive(_ value: Double, _ option: String) throws {
        try require(value, option, "a positive number") { $0 > 0 && $0.isFinite }
    }

    /// Throws unless `threads` is a thread count the worker pool accepts.
    static func requireThreads(_ threads: Int) throws {
        try require(threads, "threads", "in 1...\(maximumThreads)") { (1...maximumThreads).contains($0) }
    }

    /// The most threads an option may ask for.
    static let maximumThreads = 256
}
