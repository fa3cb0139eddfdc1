/// A behaviour forced on every layer run by the current thread (or task), whatever the layers' own
/// training flags.
enum ForwardModeOverride: Sendable {
    /// Inference behaviour (dropout off, BatchNorm on running statistics): `predict` and `evaluate`.
    case inference
    /// Inference behaviour except for ``Dropout``, which stays active (Monte-Carlo dropout).
    case inferenceWithDropout
}

/// The override in force, bound by `predict` and `evaluate` for the duration of the call: binding
/// it, rather than flipping the layers' shared flags, lets several threads infer with one model at
/// once.
enum ForwardMode {
    @TaskLocal static var override: ForwardModeOverride?
}
