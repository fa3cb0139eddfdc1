import Foundation

/// An optimiser's type, hyper-parameters and step count as JSON, so a checkpoint can recreate it
/// (its slots are stored as tensors beside it).
public struct OptimizerSpecification: Codable, Equatable, Sendable {
    /// The optimiser's class name (`SGD`, `Adam`, … or a registered user-defined optimiser).
    public var type: String
    /// The current learning rate (JSON `learning_rate`).
    public var learningRate: Double
    /// The number of steps taken, which drives bias corrections and schedules.
    public var iterations: Int
    /// The hyper-parameters of an ``SGD``.
    public var sgd: SGD.Configuration?
    /// The hyper-parameters of an ``Adagrad``.
    public var adagrad: Adagrad.Configuration?
    /// An ``Adagrad``'s starting accumulator value (JSON `initial_accumulator_value`).
    public var initialAccumulatorValue: Double?
    /// The hyper-parameters of an ``AdaDelta`` (JSON `adadelta`).
    public var adaDelta: AdaDelta.Configuration?
    /// The hyper-parameters of an ``RMSProp`` (JSON `rmsprop`).
    public var rmsProp: RMSProp.Configuration?
    /// The hyper-parameters of an ``Adam`` or ``AdamW``.
    public var adam: Adam.Configuration?
    /// The hyper-parameters of a ``Nadam``.
    public var nadam: Nadam.Configuration?
    /// A user-defined optimiser's ``Optimizer/options``.
    public var options: [String: Double]?

    enum CodingKeys: String, CodingKey {
        case type, iterations, sgd, adagrad, rmsProp = "rmsprop", adaDelta = "adadelta", adam, nadam, options
        case learningRate = "learning_rate", initialAccumulatorValue = "initial_accumulator_value"
    }

    /// The largest step count a checkpoint may hold (exactly representable as a `Double`).
    public static let maximumIterations = 1 << 53

    /// Describes `optimizer`.
    public init(_ optimizer: Optimizer) {
        type = String(describing: Swift.type(of: optimizer))
        learningRate = optimizer.learningRate
        iterations = optimizer.iterations
        switch optimizer {
        case let o as SGD: sgd = o.configuration
        case let o as Adagrad: adagrad = o.configuration; initialAccumulatorValue = o.initialAccumulatorValue
        case let o as AdaDelta: adaDelta = o.configuration
        case let o as RMSProp: rmsProp = o.configuration
        case let o as Adam: adam = o.configuration
        case let o as Nadam: nadam = o.configuration
        default: options = optimizer.options
        }
    }

    /// A new optimiser of this type and configuration, with its step count (slots are restored separately).
    /// - Throws: ``OptimizerError`` when a hyper-parameter is out of range, ``TensorError`` when the
    ///   type is unknown or its configuration missing.
    public func makeOptimizer() throws -> Optimizer {
        func missing() -> TensorError { .invalidArgument("optimizer '\(type)': its configuration is missing from the checkpoint") }
        let optimizer: Optimizer
        switch type {
        case "SGD":
            guard let c = sgd else { throw missing() }
            optimizer = SGD(learningRate: learningRate, momentum: c.momentum, nesterov: c.nesterov,
                            weightDecay: c.weightDecay, style: c.style)
        case "Adagrad":
            guard let c = adagrad else { throw missing() }
            optimizer = Adagrad(learningRate: learningRate, epsilon: c.epsilon, weightDecay: c.weightDecay,
                                epsilonInsideRoot: c.epsilonInsideRoot, initialAccumulatorValue: initialAccumulatorValue ?? 0)
        case "AdaDelta":
            guard let c = adaDelta else { throw missing() }
            optimizer = AdaDelta(learningRate: learningRate, rho: c.rho, epsilon: c.epsilon, weightDecay: c.weightDecay)
        case "RMSProp":
            guard let c = rmsProp else { throw missing() }
            optimizer = RMSProp(learningRate: learningRate, alpha: c.alpha, epsilon: c.epsilon, weightDecay: c.weightDecay,
                                epsilonInsideRoot: c.epsilonInsideRoot)
        case "Adam", "AdamW":
            guard let c = adam else { throw missing() }
            let adam = type == "AdamW" ? AdamW(learningRate: learningRate) : Adam(learningRate: learningRate)
            adam.configuration = c
            optimizer = adam
        case "Nadam":
            guard let c = nadam else { throw missing() }
            optimizer = Nadam(learningRate: learningRate, beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon,
                              weightDecay: c.weightDecay, momentumDecay: c.momentumDecay)
        default:
            guard let factory = Optimizer.factory(for: type) else {
                throw TensorError.invalidArgument(
                    "unknown optimizer type '\(type)' in the checkpoint; a user-defined optimiser must be registered with Optimizer.register(type:factory:)")
            }
            optimizer = try factory(learningRate, options ?? [:])
        }
        guard (0...OptimizerSpecification.maximumIterations).contains(iterations) else {
            throw OptimizerError.outOfRange(optimizer: type, parameter: "iterations", value: Double(iterations),
                                            allowed: "an integer in 0...2⁵³")
        }
        try optimizer.validate()
        optimizer.iterations = iterations
        return optimizer
    }
}
