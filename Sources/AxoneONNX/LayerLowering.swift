import Axone

/// How each layer becomes ONNX operators, in inference mode; the table is on ``ONNXExport``.
extension GraphBuilder {
    /// Appends the nodes computing `layer`'s inference outputs from the values `inputs`, whose
    /// example shapes are `inputShapes`, and returns the values holding its outputs.
    mutating func lower(_ layer: Layer<Float>, path: String, inputs: [String], inputShapes: [[Int]]) throws -> [String] {
        current = inputs[0]
        switch layer {
        case let concatenate as Concatenate<Float>:
            // The batch axis comes first in ONNX: example axis a ≥ 0 is a + 1; from the end, the same.
            let axis = concatenate.axis < 0 ? concatenate.axis : concatenate.axis + 1
            apply("Concat", in: path, extraInputs: Array(inputs.dropFirst()), attributes: [.int("axis", Int64(axis))])
        case is Add<Float>:
            // Left to right, as Axone adds them.
            for input in inputs.dropFirst() { apply("Add", in: path, extraInputs: [input]) }
        case let model as Model<Float>:
            return try lower(model, prefix: path, inputs: inputs)
        case let operation as ONNXOperatorLayer<Float>:
            // The exported graph's batch axis is symbolic: an operator mixing a fixed batch has no form there.
            guard operation.requiredBatchSize == nil else { throw ONNXExportError.batchDependentLayer(path: path, type: layer.typeName) }
            lowerOperator(operation, path: path, inputs: inputs)
        default:
            try lowerSingleInput(layer, path: path, inputShape: inputShapes[0])
        }
        return [current]
    }

    /// Appends the nodes computing the output of `layer`, which reads one input (``current``);
    /// `inputShape` excludes the batch axis.
    private mutating func lowerSingleInput(_ layer: Layer<Float>, path: String, inputShape: [Int]) throws {
        switch layer {
        case let dense as Dense<Float>:
            try applyAffine(of: dense, path: path)
            applyActivation(dense.activation, in: path)
        case let activation as ActivationLayer<Float>:
            applyActivation(activation.activation, in: path)
        case let norm as BatchNormalization<Float>:
            try applyBatchNormalization(norm, path: path, inputShape: inputShape)
        case let dropout as Dropout<Float>:
            if dropout.style == .vanilla && dropout.rate > 0 {
                let keep = addInitializer("\(path).keep_probability", Tensor(Float(1 - dropout.rate)))
                apply("Mul", in: path, extraInputs: [keep])
            }
        case is GaussianNoise<Float>:
            break
        case is Flatten<Float>:
            apply("Flatten", in: path, attributes: [.int("axis", 1)])
        case let reshape as Reshape<Float>:
            // −1 keeps the batch axis symbolic; row-major in both, so no data moves.
            let shape = addInitializer("\(path).shape", int64s: ([-1] + reshape.targetShape).map(Int64.init))
            apply("Reshape", in: path, extraInputs: [shape])
        case let prelu as PReLU<Float>:
            // One slope per feature, laid out as the features so it broadcasts over the batch axis.
            let slope = try addParameter("alpha", of: prelu, path: path, shape: prelu.perUnit ? inputShape : nil)
            apply("PRelu", in: path, extraInputs: [slope])
        case let rrelu as RReLU<Float>:
            apply("LeakyRelu", in: path, attributes: [.float("alpha", Float((rrelu.lower + rrelu.upper) / 2))])
        case let conv as Conv2D<Float>:
            try applyConvolution(conv, path: path, inputShape: inputShape)
        case let pool as Pooling2D<Float>:
            try applyPooling(pool, path: path, inputShape: inputShape)
        case let pool as GlobalPooling2D<Float>:
            try applyGlobalPooling(pool, path: path, inputShape: inputShape)
        case let padding as ZeroPadding2D<Float>:
            try applyZeroPadding(padding, path: path, inputShape: inputShape)
        case let maxout as Maxout<Float>:
            // Output unit u is the maximum over columns u·pieces ..< (u+1)·pieces: a row-major reshape.
            try applyAffine(of: maxout, path: path)
            let shape = addInitializer("\(path).pieces_shape", int64s: [-1, Int64(maxout.units), Int64(maxout.pieces)])
            apply("Reshape", in: path, extraInputs: [shape])
            apply("ReduceMax", in: path, attributes: [.ints("axes", [2]), .int("keepdims", 0)])
        default:
            guard layer.isTraceable else { throw ONNXExportError.unsupportedLayer(path: path, type: layer.typeName) }
            try lowerTraced(layer, path: path, inputShape: inputShape)
        }
    }

    /// ONNX `BatchNormalization` (inputs X, scale, B, input_mean, input_var; `training_mode`
    /// defaults to 0, inference). ONNX normalises axis 1 and Axone the last axis, so an input with
    /// more axes than `[batch, features]` — channels-last images — is moved channels-first by a
    /// `Transpose` before the node and back after it.
    private mutating func applyBatchNormalization(_ norm: BatchNormalization<Float>, path: String, inputShape: [Int]) throws {
        let operands = try ["gamma", "beta", "runningMean", "runningVariance"].map {
            try addParameter($0, of: norm, path: path)
        }
        let rank = inputShape.count + 1   // with the batch axis
        let middle = (1..<(rank - 1)).map(Int64.init)
        if rank > 2 { apply("Transpose", in: path, attributes: [.ints("perm", [0, Int64(rank - 1)] + middle)]) }
        apply("BatchNormalization", in: path, extraInputs: operands, attributes: [.float("epsilon", Float(norm.epsilon))])
        if rank > 2 { apply("Transpose", in: path, attributes: [.ints("perm", [0] + middle.map { $0 + 1 } + [1])]) }
    }

    /// `x·W (+ b)` from the layer's `weight` `[in, out]` and `bias` (when it has one).
    private mutating func applyAffine(of layer: Layer<Float>, path: String) throws {
        apply("MatMul", in: path, extraInputs: [try addParameter("weight", of: layer, path: path)])
        if layer.namedParameters().contains(where: { $0.name == "bias" }) {
            apply("Add", in: path, extraInputs: [try addParameter("bias", of: layer, path: path)])
        }
    }

    /// Adds the layer's parameter or buffer `property` as the initializer `<path>.<property>` — the
    /// name Axone's checkpoints use — optionally with another `shape`, and returns that name.
    mutating func addParameter(_ property: String, of layer: Layer<Float>, path: String,
                                       shape: [Int]? = nil) throws -> String {
        let value = layer.namedParameters().first { $0.name == property }?.variable.value
            ?? layer.namedBuffers().first { $0.name == property }?.buffer.value
        guard let value else { throw ONNXExportError.notBuilt(path: path) }
        return addInitializer("\(path).\(property)", value, shape: shape)
    }

    /// Appends the nodes of `activation` (none for linear): the ONNX form its primitive declares,
    /// or, for the step function, which has none, a comparison and a cast.
    mutating func applyActivation(_ activation: Activation, in scope: String) {
        switch activation {
        case .linear:
            break
        case .step:
            let zero = addInitializer("\(scope).step_threshold", Tensor(Float(0)))
            apply("GreaterOrEqual", in: scope, extraInputs: [zero])
            apply("Cast", in: scope, attributes: [.int("to", Int64(Onnx_TensorProto.DataType.float.rawValue))])
        case .softmax, .logSoftmax:
            apply(SoftmaxPrimitive<Float>(logarithmic: activation == .logSoftmax), in: scope)
        default:
            apply(ElementwisePrimitive(activation.elementwise(Float.self)!), in: scope)
        }
    }

    /// Appends the one node of `primitive`, as the op registry describes it (``Primitive/onnx``),
    /// reading ``current`` then `extraInputs` then the form's constants (initializers named
    /// `<constantPrefix>_<i>`, by default after the scope and the primitive).
    mutating func apply(_ primitive: some Primitive, in scope: String, extraInputs: [String] = [],
                        constantPrefix: String? = nil) {
        let prefix = constantPrefix ?? "\(scope).\(primitive.name)"
        guard let form = primitive.onnx else { preconditionFailure("\(primitive.name) has no single-node ONNX form") }
        let constants = form.constantInputs.enumerated().map { index, constant in
            switch constant {
            case .int64s(let values): addInitializer("\(prefix)_\(index)", int64s: values.map(Int64.init))
            case .float(let value): addInitializer("\(prefix)_\(index)", Tensor(Float(value)))
            }
        }
        apply(form.type, in: scope, extraInputs: extraInputs + constants, attributes: form.attributes.sorted { $0.key < $1.key }.map { name, value in
            switch value {
            case .int(let v): .int(name, Int64(v))
            case .float(let v): .float(name, Float(v))
            case .ints(let v): .ints(name, v.map(Int64.init))
            }
        })
    }
}
