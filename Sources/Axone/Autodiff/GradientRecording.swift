/// Whether operations on ``Variable`` record the graph needed for `backward()`.
///
/// Recording is on by default; inference (`predict`, `evaluate`) turns it off so that no graph
/// or pullback closure is built. The flag is task-local, so concurrent tasks do not interfere.
public enum GradientRecording {
    @TaskLocal static var isEnabledValue = true

    /// Whether the current task records gradients.
    public static var isEnabled: Bool { isEnabledValue }

    @TaskLocal static var isTracingValue = false

    /// Whether the current task traces a model for the compiled executor: every operation then
    /// keeps its inputs, even those that need no gradient.
    public static var isTracing: Bool { isTracingValue }
}

/// Runs `body` without recording the computation graph (like PyTorch's `torch.no_grad()`).
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradientRecording.$isEnabledValue.withValue(false, operation: body)
}
