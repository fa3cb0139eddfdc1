/// The hyper-parameters of one optimiser step, passed to the update kernel.
public enum UpdateRule: Sendable, Hashable {
    /// An ``SGD`` step.
    case sgd(SGD.Configuration, learningRate: Double)
    /// An ``Adagrad`` step.
    case adagrad(Adagrad.Configuration, learningRate: Double)
    /// An ``AdaDelta`` step.
    case adaDelta(AdaDelta.Configuration, learningRate: Double)
    /// An ``RMSProp`` step.
    case rmsProp(RMSProp.Configuration, learningRate: Double)
    /// An ``Adam`` or ``AdamW`` step; `step` (from 1) drives the bias corrections.
    case adam(Adam.Configuration, learningRate: Double, step: Int)
    /// A ``Nadam`` step: `mu` and `nextMu` are the schedule's μₜ and μₜ₊₁, `muProduct` the product μ₁⋯μₜ.
    case nadam(Nadam.Configuration, learningRate: Double, step: Int, mu: Double, nextMu: Double,
               muProduct: Double)
    /// A user-defined update (see ``UpdateFunction``).
    case custom(CustomUpdate)

    /// The number of per-parameter state tensors (slots) the rule keeps.
    var slotCount: Int {
        switch self {
        case .sgd(let c, _): c.momentum == 0 ? 0 : 1
        case .adagrad, .rmsProp: 1
        case .adaDelta, .adam, .nadam: 2
        case .custom(let update): update.function.slotCount
        }
    }
}

/// A gradient-descent optimiser: updates parameters in place from their gradients and keeps
/// per-parameter state (slots), keyed by parameter name so it can be saved and restored.
///
/// Subclasses describe one step with ``rule(step:)``; the element-wise work runs in one
/// vectorised kernel per parameter. Formulas and defaults follow PyTorch (SPEC §7); each subclass
/// documents its formula and the Keras/notes variants it offers.
open class Optimizer {
    /// The step size η (a schedule or callback may change it between steps).
    public var learningRate: Double
    /// The number of steps taken so far (t in the bias corrections).
    public internal(set) var iterations = 0
    /// Per-parameter slots, keyed by parameter name: a `SlotStorage<Scalar>` each, stored type-erased.
    private var slots: [String: Any] = [:] {
        didSet { slotsVersion &+= 1 }
    }
    /// Changes whenever slots are created, restored or forgotten: a caller that keeps the buffers
    /// of ``slotBuffers(for:size:rule:as:)`` (the compiled step) asks again only then.
    private(set) var slotsVersion = 0

    /// Creates an optimiser with step size `learningRate`; ``validate()`` checks it.
    public init(learningRate: Double) {
        self.learningRate = learningRate
    }

    /// Checks every hyper-parameter (the learning rate here; a subclass adds its own and calls
    /// `super`). `fit` calls it before training and at every epoch (a schedule may change the
    /// learning rate), and a checkpoint's optimiser is checked when loaded; the initialisers do
    /// not throw, so an optimiser can be written inline in `compile`.
    /// - Throws: ``OptimizerError`` naming the first value out of range.
    open func validate() throws {
        try require("learning rate", learningRate, .nonNegative)
    }

    /// The names of the slots, in kernel order (e.g. `["m", "v"]` for Adam).
    open var slotNames: [String] { [] }

    /// The hyper-parameters of a user-defined optimiser other than the learning rate, saved in
    /// checkpoints and given back to its registered factory (see ``register(type:factory:)``).
    open var options: [String: Double] { [:] }

    /// The value each slot starts from (zeros unless a rule says otherwise, e.g. Keras' Adagrad).
    open var slotInitialValues: [Double] { slotNames.map { _ in 0 } }

    /// The update of step `t` (1-based).
    open func rule(step t: Int) -> UpdateRule { preconditionFailure("\(type(of: self)) must override rule(step:)") }

    /// Applies one update to every parameter that has a gradient.
    public func step<Scalar: TensorScalar>(_ parameters: [(name: String, variable: Variable<Scalar>)]) {
        let rule = beginStep()
        for (name, parameter) in parameters where parameter.requiresGradient {
            guard let gradient = parameter.gradient else { continue }
            precondition(gradient.shape == parameter.value.shape,
                         "optimizer: gradient \(gradient.shape) for parameter \(name) of shape \(parameter.value.shape)")
            gradient.withUnsafeBufferPointer { update(name, rule, parameter: &parameter.value, gradient: $0) }
        }
    }

    /// Starts a step: counts it and returns its update rule (for callers that update parameters
    /// one by one with ``update(_:_:parameter:gradient:)``).
    public func beginStep() -> UpdateRule {
        iterations += 1
        return rule(step: iterations)
    }

    /// Updates one parameter in place from its gradient, creating its slots on first use.
    public func update<Scalar: TensorScalar>(_ name: String, _ rule: UpdateRule, parameter: inout Tensor<Scalar>,
                                             gradient: UnsafeBufferPointer<Scalar>) {
        precondition(gradient.count == parameter.count,
                     "optimizer: \(gradient.count) gradient values for parameter \(name) of \(parameter.count)")
        let state = slotBuffers(for: name, size: parameter.count, rule: rule, as: Scalar.self)
        parameter.withUnsafeMutableBufferPointer { Scalar.update(rule, parameter: $0, gradient: gradient, slots: state) }
    }

    /// The slots of parameter `name` (`size` elements each, in ``slotNames`` order), created on first
    /// use. The buffers stay valid until the state is reset or restored, so a caller may update
    /// disjoint ranges of them from several threads.
    func slotBuffers<Scalar: TensorScalar>(for name: String, size: Int, rule: UpdateRule,
                                           as _: Scalar.Type) -> [UnsafeMutableBufferPointer<Scalar>] {
        let count = rule.slotCount
        // A contract of the optimiser's own code (a subclass's), not of its user's values: without
        // a name, a slot could not be saved in a checkpoint.
        precondition(slotNames.count >= count, "\(type(of: self)).slotNames must name each of the \(count) slots of its update")
        if let storage = slots[name] as? SlotStorage<Scalar> {
            precondition(storage.buffers.count >= count && storage.size == size,
                         "optimizer: the state of \(name) holds \(storage.buffers.count) slots of \(storage.size) values; the parameter has \(size)")
            return storage.buffers
        }
        let storage = SlotStorage<Scalar>(count: count, size: size)
        for (buffer, value) in zip(storage.buffers, slotInitialValues) { Scalar.fill(Scalar(value), into: buffer) }
        slots[name] = storage
        return storage.buffers
    }

    /// Every slot tensor, named `<parameter>.<slot>` (a checkpoint adds the `optimizer.` prefix).
    public func stateTensors<Scalar: TensorScalar>(_: Scalar.Type = Scalar.self) -> [(name: String, tensor: Tensor<Scalar>)] {
        slots.keys.sorted().flatMap { key -> [(String, Tensor<Scalar>)] in
            guard let storage = slots[key] as? SlotStorage<Scalar> else { return [] }
            return zip(slotNames, storage.buffers).map { name, buffer in
                ("\(key).\(name)", Tensor(shape: [buffer.count], scalars: Array(buffer)))
            }
        }
    }

    /// Restores slots saved by ``stateTensors(_:)`` (flattened per slot) and the step count.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when a parameter misses one of its slots, its
    ///   slots differ in size, or the optimiser keeps no slots at all.
    public func restoreState<Scalar: TensorScalar>(_ tensors: [String: Tensor<Scalar>], iterations: Int) throws {
        var restored: [String: Any] = [:]
        let parameters = Set(tensors.keys.compactMap { key in key.lastIndex(of: ".").map { String(key[..<$0]) } })
        for parameter in parameters {
            let pieces = try slotNames.map { slot in
                guard let t = tensors["\(parameter).\(slot)"] else {
                    throw TensorError.invalidArgument("optimizer state: missing slot '\(slot)' of \(parameter)")
                }
                return t
            }
            guard let size = pieces.first?.count else {
                throw TensorError.invalidArgument("optimizer state: \(type(of: self)) keeps no state per parameter, "
                                                  + "but the state has entries for \(parameter)")
            }
            guard pieces.allSatisfy({ $0.count == size }) else {
                throw TensorError.invalidArgument("optimizer state: the slots of \(parameter) differ in size")
            }
            let storage = SlotStorage<Scalar>(count: pieces.count, size: size)
            for (buffer, piece) in zip(storage.buffers, pieces) {
                piece.withUnsafeBufferPointer { copyElements(from: $0.baseAddress!, to: buffer.baseAddress!, count: size) }
            }
            restored[parameter] = storage
        }
        slots = restored
        self.iterations = iterations
    }

    /// Forgets all slots and the step count.
    public func reset() {
        slots = [:]
        iterations = 0
    }
}

/// One parameter's optimiser slots in a single allocation whose address never changes.
private final class SlotStorage<Scalar: TensorScalar> {
    let size: Int
    let buffers: [UnsafeMutableBufferPointer<Scalar>]
    private let storage: UnsafeMutableBufferPointer<Scalar>

    init(count: Int, size: Int) {
        self.size = size
        let storage = UnsafeMutableBufferPointer<Scalar>.allocate(capacity: max(count * size, 1))
        self.storage = storage
        buffers = (0..<count).map { UnsafeMutableBufferPointer(rebasing: storage[($0 * size)..<(($0 + 1) * size)]) }
    }

    deinit { storage.deallocate() }
}
