// Differentiable 2-D convolution and pooling on channels-last images (geometry in
// Tensor/TensorConvolution.swift, kernels in Ops/WindowPrimitives.swift), and the tensor forms of
// both, which run the same primitives without recording a tape.

extension Variable {
    /// The 2-D convolution (cross-correlation, as in Keras and PyTorch) of a `[batch, h, w, inC]`
    /// image with a `[kh, kw, inC, outC]` kernel (Keras's layout), plus an optional `[outC]` bias:
    /// a `[batch, oh, ow, outC]` result.
    ///
    /// The image's windows are laid out, a few images at a time, as the rows of a
    /// `[images·oh·ow, kh·kw·inC]` matrix (im2col) and multiplied by the kernel viewed, without a
    /// copy, as a `[kh·kw·inC, outC]` matrix in one GEMM. The pullback is that product's —
    /// `dW = colsᵀ·dY` and `d(cols) = dY·Wᵀ` by GEMMs with transpose flags, `db = Σ dY` — with
    /// `d(cols)` added back onto the image (col2im).
    ///
    /// - Parameters:
    ///   - input: the images, `[batch, height, width, inC]` (channels last).
    ///   - kernel: the filters, `[kh, kw, inC, outC]`.
    ///   - bias: one value per output channel, `[outC]`, or `nil` for none.
    ///   - strides: the window's step (rows, columns).
    ///   - padding: ``Padding2D/valid`` or ``Padding2D/same`` (TensorFlow's split: the extra row or
    ///     column of padding goes to the bottom or right).
    ///   - dilation: the spacing between kernel taps (rows, columns); 1 is a plain convolution.
    /// - Throws: ``TensorError`` when the image is not of rank 4, the kernel's shape does not match
    ///   its channels, the bias is not `[outC]`, or the window does not fit the image.
    public static func convolution2D(_ input: Variable, kernel: Variable, bias: Variable? = nil,
                                     strides: (Int, Int) = (1, 1), padding: Padding2D = .valid,
                                     dilation: (Int, Int) = (1, 1)) throws -> Variable {
        let (x, k) = (input.shape, kernel.shape)
        guard x.count == 4 else {
            throw TensorError.invalidShape(operation: "convolution2D", expected: "an image batch [batch, height, width, channels]", got: x)
        }
        guard k.count == 4, k[2] == x[3] else {
            throw TensorError.incompatibleShapes(operation: "convolution2D (image [batch, h, w, c], kernel [kh, kw, c, filters])", lhs: x, rhs: k)
        }
        if let bias, bias.shape != [k[3]] {
            throw TensorError.incompatibleShapes(operation: "convolution2D (kernel [kh, kw, c, filters], bias [filters])", lhs: k, rhs: bias.shape)
        }
        let window = try Window2D(input: (x[1], x[2]), kernel: (k[0], k[1]), strides: strides, dilation: dilation,
                                  padding: padding, operation: "convolution2D")
        return Variable.applying(Convolution2DPrimitive(window: window), to: [input, kernel] + (bias.map { [$0] } ?? []))
    }

    /// Max or average pooling of a `[batch, h, w, c]` image over `poolSize` windows moved by
    /// `strides` (by default the pool size, as in Keras), giving `[batch, oh, ow, c]`.
    ///
    /// Only elements inside the image take part (see ``PoolingMode``). The max pullback sends each
    /// gradient element to the first maximum of its window in row-major order; the average
    /// pullback spreads it evenly over the elements the window covers.
    /// - Throws: ``TensorError`` when the image is not of rank 4 or the window does not fit it.
    public func pooled2D(_ mode: PoolingMode, poolSize: (Int, Int), strides: (Int, Int)? = nil,
                         padding: Padding2D = .valid) throws -> Variable {
        let shape = self.shape
        guard shape.count == 4 else {
            throw TensorError.invalidShape(operation: "pooled2D", expected: "an image batch [batch, height, width, channels]", got: shape)
        }
        let window = try Window2D(input: (shape[1], shape[2]), kernel: poolSize, strides: strides ?? poolSize,
                                  dilation: (1, 1), padding: padding, operation: "pooled2D")
        return Variable.applying(PoolingPrimitive(mode: mode, window: window), to: [self])
    }
}

extension Tensor {
    /// The 2-D convolution (cross-correlation, as in Keras) of a `[batch, h, w, inC]` image with a
    /// `[kh, kw, inC, outC]` kernel, plus an optional `[outC]` bias: a `[batch, oh, ow, outC]` tensor.
    /// See ``Variable/convolution2D(_:kernel:bias:strides:padding:dilation:)``.
    /// - Throws: ``TensorError`` when the shapes do not fit or the window does not fit the image.
    public func convolved2D(kernel: Tensor, bias: Tensor? = nil, strides: (Int, Int) = (1, 1),
                            padding: Padding2D = .valid, dilation: (Int, Int) = (1, 1)) throws -> Tensor {
        try Variable.convolution2D(Variable(self), kernel: Variable(kernel), bias: bias.map { Variable($0) },
                                   strides: strides, padding: padding, dilation: dilation).value
    }
}

extension Tensor {
    /// Max or average pooling of a `[batch, h, w, c]` image (see
    /// ``Variable/pooled2D(_:poolSize:strides:padding:)``).
    /// - Throws: ``TensorError`` when the tensor is not of rank 4 or the window does not fit.
    public func pooled2D(_ mode: PoolingMode, poolSize: (Int, Int), strides: (Int, Int)? = nil,
                         padding: Padding2D = .valid) throws -> Tensor {
        try Variable(self).pooled2D(mode, poolSize: poolSize, strides: strides, padding: padding).value
    }
}
