/// The example indices of a training part and a held-out validation part.
///
/// Two ways to hold out a `fraction` of `count` examples, both leaving
/// `⌊count · (1 − fraction)⌋` for training:
/// - ``last(_:of:)`` is Keras's `validation_split`: the **last** examples, in order, without
///   shuffling — so data sorted by class must be shuffled first.
/// - ``random(_:of:seed:)`` draws the validation examples at random from a seed.
///
/// ```swift
/// let split = try ValidationSplit.last(0.2, of: 1000)   // training 0..<800, validation 800..<1000
/// let xTrain = x.rows(at: split.training), xValidation = x.rows(at: split.validation)
/// let (train, validation) = (images.subset(split.training), images.subset(split.validation))
/// ```
public struct ValidationSplit: Sendable, Equatable {
    /// The indices of the training examples.
    public let training: [Int]
    /// The indices of the validation examples.
    public let validation: [Int]

    /// Holds out the last `fraction` of the examples, in order (Keras's `validation_split`).
    /// - Throws: ``DataError/invalidArgument(name:expected:received:)`` when either part would be empty.
    public static func last(_ fraction: Double, of count: Int) throws(DataError) -> ValidationSplit {
        let order = Array(0..<count)
        let trainingCount = try trainingCount(fraction, of: count)
        return ValidationSplit(training: Array(order[..<trainingCount]), validation: Array(order[trainingCount...]))
    }

    /// Holds out a random `fraction` of the examples drawn from `seed`; both parts are sorted.
    /// - Throws: ``DataError/invalidArgument(name:expected:received:)`` when either part would be empty.
    public static func random(_ fraction: Double, of count: Int, seed: UInt64) throws(DataError) -> ValidationSplit {
        let trainingCount = try trainingCount(fraction, of: count)
        var generator = SeededGenerator(seed: seed)
        let order = permutation(count, using: &generator)
        return ValidationSplit(training: order[..<trainingCount].sorted(), validation: order[trainingCount...].sorted())
    }

    /// Keras's `split_at = floor(count · (1 − fraction))`, refusing a split that leaves a part empty.
    private static func trainingCount(_ fraction: Double, of count: Int) throws(DataError) -> Int {
        guard fraction > 0, fraction < 1 else {
            throw .invalidArgument(name: "fraction", expected: "strictly between 0 and 1", received: "\(fraction)")
        }
        let trainingCount = Int((Double(count) * (1 - fraction)).rounded(.down))
        guard trainingCount > 0, trainingCount < count else {
            throw .invalidArgument(name: "fraction", expected: "a value leaving examples in both parts of \(count)",
                                   received: "\(fraction)")
        }
        return trainingCount
    }
}
