import Foundation

/// A model's compiled executors, one traced in training mode and one in inference mode, each
/// made on first use and dropped when the layers or the parameters change.
final class ExecutorCache<Scalar: TensorScalar>: @unchecked Sendable {
    private var made: [Bool: CompiledModel<Scalar>] = [:]
    private let lock = NSLock()

    /// The executor for `training`, made by `make` unless the cached one is still `current`.
    func executor(training: Bool, current: (CompiledModel<Scalar>) -> Bool,
                  make: () -> CompiledModel<Scalar>) -> CompiledModel<Scalar> {
        lock.withLock {
            if let cached = made[training], current(cached) { return cached }
            let executor = make()
            made[training] = executor
            return executor
        }
    }

    /// The executor made for `training`, if any.
    func cached(training: Bool) -> CompiledModel<Scalar>? { lock.withLock { made[training] } }

    /// Drops both executors.
    func removeAll() { lock.withLock { made.removeAll() } }
}

extension Model {
    /// The compiled executor for training (`true`) or inference, or `nil` when the model runs on
    /// the eager tape (not built, ``usesCompiledPasses`` off, or ``compilation`` gives the reason).
    ///
    /// Checks that the executor still reads the model's parameters (a layer's parameter may have
    /// been replaced since), so call it once per `fit`, `predict` or `evaluate`, not per batch.
    func executor(training: Bool) -> CompiledModel<Scalar>? {
        guard requiredBatchSize == nil else { return nil }   // the executor shards batches by rows
        return compiledModel(training: training).flatMap { $0.refusal == nil ? $0 : nil }
    }

    /// The executor or the reason it could not be made; `nil` when not built or turned off.
    private func compiledModel(training: Bool) -> CompiledModel<Scalar>? {
        // Inference compiles in plain inference mode only: Monte-Carlo passes keep dropout on.
        guard usesCompiledPasses, training || ForwardMode.override == .inference, let shapes = exampleInputShapes else { return nil }
        return executors.executor(training: training, current: { $0.reads(self) }) {
            training ? withMode(training: true) { CompiledModel(self, inputShapes: shapes) }
                : ForwardMode.$override.withValue(.inference) { CompiledModel(self, inputShapes: shapes) }
        }
    }

    /// Whether the model trains on the compiled executor, or why it runs on the eager tape (as
    /// `summary()` prints it): a custom loss, or a layer or operation without a compiled form. Until the model has trained, it tells from the layers alone (tracing
    /// would run a forward pass); an operation that is not a primitive is found when it trains.
    public var compilation: String {
        guard usesCompiledPasses else { return "eager tape (compiled passes turned off)" }
        for objective in configuration?.objectives ?? [] {
            if case .custom(let loss) = objective.loss { return "eager tape: the custom loss \(loss.function.name) runs as tape operations" }
        }
        if let compiled = executors.cached(training: true), compiled.reads(self) {
            if let refusal = compiled.refusal { return "eager tape: \(refusal)" }
            return "compiled executor, \(compiled.callCount) primitive calls"
        }
        let untraceable = withMode(training: true) { allLayers.first { !$0.isTraceable } }
        if let layer = untraceable { return "eager tape: \(CompilationRefusal.untraceable(layer))" }
        return "compiled executor (traced when it first trains)"
    }
}
