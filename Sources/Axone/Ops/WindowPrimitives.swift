// Pooling over channels-last images `[batch, h, w, c]` (see `Window2D` for the geometry; the
// convolution is `Convolution2DPrimitive`). Each image's result is a contiguous block of the
// output, so a batch may run in row shards.

/// Max or average pooling over the windows of an image batch (see ``PoolingMode``): only taps
/// inside the image take part. The max pullback sends each gradient element to the first maximum
/// of its window in row-major order (found again from the input); the average pullback spreads it
/// evenly over the elements the window covers.
struct PoolingPrimitive<Scalar: TensorScalar>: Primitive {
    let mode: PoolingMode
    let window: Window2D

    var name: String { mode == .max ? "max_pool" : "average_pool" }

    func outputShape(_ inputShapes: [[Int]]) throws -> [Int] {
        try checkImage(inputShapes, window, operation: name)
        let x = inputShapes[0]
        return [x[0], window.outputHeight, window.outputWidth, x[3]]
    }

    func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? { [true] }

    func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext) {
        guard output.count > 0 else { return }
        pool(mode, window, images: inputs[0].shape[0], channels: inputs[0].shape[3], from: inputs[0].pointer, into: output.pointer)
    }

    func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                  into gradients: [Operand<Scalar>?], _ context: PrimitiveContext) {
        guard let dx = gradients[0], dx.count > 0 else { return }
        Scalar.fill(0, into: dx.buffer)
        guard upstream.count > 0 else { return }
        let (images, channels) = (dx.shape[0], dx.shape[3])
        switch mode {
        case .max:
            maxPoolPullback(window, images: images, channels: channels, input: inputs[0].pointer, upstream: upstream.pointer,
                            into: dx.pointer, maxima: context.scratch(channels, as: Scalar.self).baseAddress!)
        case .average:
            averagePoolPullback(window, images: images, channels: channels, upstream: upstream.pointer, into: dx.pointer)
        }
    }

    /// Max pooling's backward pass keeps a window's maxima.
    func workspaceSize(_ inputShapes: [[Int]], output: [Int]) -> Int { mode == .max ? output[3] : 0 }

    var backwardReadsInputs: Bool { mode == .max }
    var backwardReadsOutput: Bool { false }

    var onnx: ONNXOperator? { nil }
}

/// Checks that `shapes` is one `[batch, h, w, c]` image batch of the window's size.
func checkImage(_ shapes: [[Int]], _ window: Window2D, operation: String) throws {
    guard shapes.count == 1, shapes[0].count == 4, shapes[0][1] == window.inputHeight, shapes[0][2] == window.inputWidth else {
        throw TensorError.invalidShape(operation: operation, expected: "an image batch [batch, \(window.inputHeight), \(window.inputWidth), channels]",
                                       got: shapes.first ?? [])
    }
}
