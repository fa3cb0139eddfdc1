/// The random tensors layers draw while a model is traced for the compiled executor (dropout
/// masks, noise), in the order they are drawn. The executor draws each again before every
/// training step, from the same generator the eager tape draws from, so both draw the same bits.
final class RandomDrawRecording: @unchecked Sendable {
    /// One draw: the leaf variable the traced pass read, and how to fill a buffer of its size
    /// (with the row count of the step) from the layer's generator (`(UnsafeMutableBufferPointer<Scalar>) -> Void`).
    struct Draw {
        let variable: ObjectIdentifier
        let shape: [Int]
        let fill: Any
    }

    private(set) var draws: [Draw] = []

    /// The recording of the trace in progress, if any.
    @TaskLocal static var current: RandomDrawRecording?

    /// Records that the traced pass reads `variable`, drawn by `fill` on every pass.
    func record<Scalar: TensorScalar>(_ variable: Variable<Scalar>, fill: @escaping (UnsafeMutableBufferPointer<Scalar>) -> Void) {
        draws.append(Draw(variable: ObjectIdentifier(variable), shape: variable.shape, fill: fill))
    }
}
