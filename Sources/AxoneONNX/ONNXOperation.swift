import Axone

/// One ONNX operator with its attributes, computed on whole tensors (batch axis included) with
/// Axone's differentiable ``Variable`` operations, so that a model holding it can be fine-tuned.
///
/// Integer inputs that ONNX passes as tensors (`Reshape`'s shape, the reductions' axes, `Clip`'s
/// bounds when constant) are folded into attributes of the same name at import. Every attribute
/// and shape is checked before any kernel runs: what the operator cannot compute exactly throws
/// ``ONNXImportError`` naming the node, the operator and the attribute.
public struct ONNXOperation: Sendable, Equatable {
    /// The node's name (for messages).
    public let node: String
    /// The ONNX operator type (`Add`, `Transpose`, …).
    public let type: String
    /// The attributes, after folding the constant integer inputs.
    public let attributes: [String: ONNXAttribute]

    /// The operators this type computes, with the attributes each accepts.
    static let accepted: [String: Set<String>] = {
        var table: [String: Set<String>] = [:]
        for op in ["Add", "Sub", "Mul", "Div", "Max", "Min", "Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Abs",
                   "Neg", "Softplus", "Identity", "PRelu", "MatMul"] { table[op] = [] }
        table["LeakyRelu"] = ["alpha"]
        table["Elu"] = ["alpha"]
        table["Selu"] = ["alpha", "gamma"]
        table["HardSigmoid"] = ["alpha", "beta"]
        table["Clip"] = ["min", "max"]
        table["Softmax"] = ["axis"]
        table["LogSoftmax"] = ["axis"]
        table["Gemm"] = ["alpha", "beta", "transA", "transB"]
        table["ReduceMean"] = ["axes", "keepdims", "noop_with_empty_axes"]
        table["ReduceSum"] = ["axes", "keepdims", "noop_with_empty_axes"]
        table["Flatten"] = ["axis"]
        table["Reshape"] = ["shape", "allowzero"]
        table["Transpose"] = ["perm"]
        table["Concat"] = ["axis"]
        table["BatchNormalization"] = ["epsilon", "momentum", "training_mode"]
        table["Dropout"] = ["ratio", "training_mode", "seed"]
        table["GlobalAveragePool"] = []
        table["GlobalMaxPool"] = []
        table["Pad"] = ["mode", "pads", "constant_value", "axes"]
        table["Conv"] = ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"]
        table["MaxPool"] = ["auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"]
        table["AveragePool"] = ["auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides"]
        return table
    }()

    /// Creates the operation, checking that `type` is computed here and every attribute is known.
    /// - Throws: ``ONNXImportError`` for another operator or an unknown attribute.
    public init(node: String, type: String, attributes: [String: ONNXAttribute]) throws {
        guard let known = Self.accepted[type] else {
            throw ONNXImportError.unsupportedOperator(node: node, op: type, domain: "")
        }
        if let unknown = attributes.keys.sorted().first(where: { !known.contains($0) }) {
            throw ONNXImportError.unsupportedAttribute(node: node, op: type, attribute: unknown, reason: "is not supported")
        }
        (self.node, self.type, self.attributes) = (node, type, attributes)
        if type == "Dropout", try int("training_mode", default: 0) != 0, try float("ratio", default: 0.5) != 0, attributes["seed"] == nil {
            throw refuse("training_mode", "is true with a non-zero ratio and no seed: the mask is random, and no generator but "
                         + "the producer's reproduces it")
        }
    }

    // MARK: Attributes

    func refuse(_ attribute: String, _ reason: String) -> ONNXImportError {
        .unsupportedAttribute(node: node, op: type, attribute: attribute, reason: reason)
    }

    func refuseInput(_ reason: String) -> ONNXImportError { .unsupportedInput(node: node, op: type, reason: reason) }

    func int(_ key: String, default value: Int) throws -> Int {
        switch attributes[key] {
        case nil: return value
        case .int(let v)?: return v
        default: throw refuse(key, "must be an integer")
        }
    }

    func float(_ key: String, default value: Double) throws -> Double {
        switch attributes[key] {
        case nil: return value
        case .float(let v)?: return v
        case .int(let v)?: return Double(v)
        default: throw refuse(key, "must be a float")
        }
    }

    func ints(_ key: String) throws -> [Int]? {
        switch attributes[key] {
        case nil: return nil
        case .ints(let v)?: return v
        case .int(let v)?: return [v]
        default: throw refuse(key, "must be a list of integers")
        }
    }

    /// `axis` of a rank-`rank` tensor, in `-rank..<rank` (or `-rank...rank` when `inclusive`), made non-negative.
    func axis(_ value: Int, rank: Int, attribute: String, inclusive: Bool = false) throws -> Int {
        let upper = inclusive ? rank : rank - 1
        guard value >= -rank && value <= upper else {
            throw refuse(attribute, "is \(value), out of range for a tensor of rank \(rank)")
        }
        return value < 0 ? value + rank : value
    }

    // MARK: Evaluation

    /// Computes the operator's first output on `inputs`, one per ONNX input position (`nil` for an
    /// omitted optional input).
    /// - Throws: ``ONNXImportError`` when an input is missing or the shapes or attributes do not fit.
    public func apply<Scalar: TensorScalar>(_ inputs: [Variable<Scalar>?]) throws -> Variable<Scalar> {
        try apply(inputs, outputCount: 1)[0]
    }

    /// Computes the operator's first `outputCount` outputs (at most ``maximumOutputCount()``).
    /// - Throws: ``ONNXImportError`` when an input is missing, the shapes or attributes do not
    ///   fit, or the operator does not give that many outputs.
    public func apply<Scalar: TensorScalar>(_ inputs: [Variable<Scalar>?], outputCount: Int) throws -> [Variable<Scalar>] {
        let available = try maximumOutputCount()
        guard outputCount >= 1, outputCount <= available else {
            throw refuseInput("its output \(outputCount - 1) is used; the importer computes only "
                              + (available == 1 ? "the first output" : "the first \(available) outputs"))
        }
        do {
            if type == "BatchNormalization", try int("training_mode", default: 0) != 0 {
                return Array(try normalizedForTraining(try required(inputs, 0), try (1...4).map { try required(inputs, $0) })
                    .prefix(outputCount))
            }
            return [try computed(inputs)]
        } catch let error as ONNXImportError {
            throw error
        } catch {
            throw refuseInput("\(error)")   // a shape the tensor operations refuse
        }
    }

    /// How many of its outputs the importer computes: 3 for `BatchNormalization` in training mode
    /// (the result and the updated running mean and variance), 1 otherwise (`Dropout`'s mask and
    /// `MaxPool`'s indices are integer tensors).
    public func maximumOutputCount() throws -> Int {
        guard type == "BatchNormalization" else { return 1 }
        return try int("training_mode", default: 0) != 0 ? 3 : 1
    }

    private func required<Scalar>(_ inputs: [Variable<Scalar>?], _ i: Int) throws -> Variable<Scalar> {
        guard i < inputs.count, let value = inputs[i] else { throw refuseInput("input \(i) is missing") }
        return value
    }

    private func computed<Scalar: TensorScalar>(_ inputs: [Variable<Scalar>?]) throws -> Variable<Scalar> {
        func input(_ i: Int) throws -> Variable<Scalar> { try required(inputs, i) }
        let x = try input(0)
        switch type {
        case "Add": return try broadcasting(x, try input(1), .add)
        case "Sub": return try broadcasting(x, try input(1), .subtract)
        case "Mul": return try broadcasting(x, try input(1), .multiply)
        case "Div": return try broadcasting(x, try input(1), .divide)
        case "Max", "Min":
            return try inputs.indices.dropFirst().reduce(x) { try broadcasting($0, try input($1), type == "Max" ? .maximum : .minimum) }
        case "Relu": return x.relu()
        case "Sigmoid": return x.sigmoid()
        case "Tanh": return x.tanh()
        case "Exp": return x.exp()
        case "Log": return x.log()
        case "Sqrt": return x.squareRoot()
        case "Abs": return x.abs()
        case "Neg": return -x
        case "Softplus": return x.applying(.softplus)
        case "Identity": return x
        case "Dropout": return try droppedOut(x)
        case "LeakyRelu": return x.applying(.leakyRelu(alpha: Scalar(try float("alpha", default: 0.01))))
        case "Elu": return x.applying(.elu(alpha: Scalar(try float("alpha", default: 1))))
        case "Selu":
            let alpha = try float("alpha", default: 1.67326319217681884765625)
            return x.applying(.elu(alpha: Scalar(alpha))) * Scalar(try float("gamma", default: 1.05070102214813232421875))
        case "HardSigmoid":
            let y = (x * Scalar(try float("alpha", default: 0.2)) + Scalar(try float("beta", default: 0.5))).relu()
            return 1 - (1 - y).relu()
        case "PRelu":
            let slope = try input(1)
            guard Tensor<Scalar>.broadcastShape(x.shape, slope.shape) == x.shape else {
                throw refuseInput("slope of shape \(slope.shape) does not broadcast to the input's \(x.shape)")
            }
            return x.relu() - slope * (-x).relu()
        case "Clip": return try clipped(x, inputs)
        case "Softmax", "LogSoftmax": return try softmax(x)
        case "MatMul": return try matmul(x, try input(1))
        case "Gemm": return try gemm(x, try input(1), inputs.count > 2 ? inputs[2] : nil)
        case "ReduceMean", "ReduceSum": return try reduced(x)
        case "Flatten":
            let axis = try self.axis(try int("axis", default: 1), rank: x.shape.count, attribute: "axis", inclusive: true)
            return x.reshaped([x.shape[..<axis].reduce(1, *), x.shape[axis...].reduce(1, *)])
        case "Reshape": return x.reshaped(try reshapeTarget(x.shape))
        case "Transpose":
            let perm = try ints("perm") ?? Array((0..<x.shape.count).reversed())
            guard perm.count == x.shape.count, Set(perm) == Set(0..<x.shape.count) else {
                throw refuse("perm", "\(perm) is not a permutation of the \(x.shape.count) axes")
            }
            return try x.permuted(perm)
        case "Concat": return try concatenated(try inputs.indices.map(input))
        case "BatchNormalization": return try normalized(x, try (1...4).map(input))
        case "Conv": return try convolution(x, try input(1), inputs.count > 2 ? inputs[2] : nil)
        case "GlobalAveragePool", "GlobalMaxPool":
            guard x.shape.count >= 3 else { throw refuseInput("needs a [batch, channels, spatial…] input, got \(x.shape)") }
            let spatial = Array(2..<x.shape.count)
            return type == "GlobalMaxPool" ? x.max(alongAxes: spatial, keepingDimensions: true) : x.mean(alongAxes: spatial, keepingDimensions: true)
        case "Pad": return try padded(x)
        case "MaxPool", "AveragePool": return try pooled(x)
        default: throw ONNXImportError.unsupportedOperator(node: node, op: type, domain: "")
        }
    }

    private func broadcasting<Scalar>(_ a: Variable<Scalar>, _ b: Variable<Scalar>, _ op: BinaryOperator) throws -> Variable<Scalar> {
        guard let shape = Tensor<Scalar>.broadcastShape(a.shape, b.shape) else {
            throw refuseInput("shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        try checkResult(shape)
        return Variable.combine(a, b, op)
    }

    /// Refuses a result of more than ``ONNXImport/maximumElements`` elements before computing it
    /// (broadcasting, products and padding can make a result much larger than their inputs).
    func checkResult(_ shape: [Int]) throws {
        try ONNXImport.checkSize(shape, name: "\(node) (\(type)) result")
    }

    private func clipped<Scalar>(_ x: Variable<Scalar>, _ inputs: [Variable<Scalar>?]) throws -> Variable<Scalar> {
        var y = x
        for (position, key) in [(1, "min"), (2, "max")] {
            let bound: Variable<Scalar>?
            if let value = attributes[key] {
                guard case .float(let v) = value else { throw refuse(key, "must be a float") }
                bound = Variable(Tensor(Scalar(v)))
            } else {
                bound = position < inputs.count ? inputs[position] : nil
            }
            guard let bound else { continue }
            guard bound.value.count == 1 else { throw refuse(key, "must be a scalar, got shape \(bound.shape)") }
            y = try broadcasting(y, bound, key == "min" ? .maximum : .minimum)
        }
        return y
    }

    private func softmax<Scalar>(_ x: Variable<Scalar>) throws -> Variable<Scalar> {
        let rank = x.shape.count
        guard rank >= 1 else { throw refuseInput("needs at least one axis") }
        let axis = try self.axis(try int("axis", default: -1), rank: rank, attribute: "axis")
        let logarithmic = type == "LogSoftmax"
        guard axis != rank - 1 else { return logarithmic ? x.logSoftmax() : x.softmax() }
        var swap = Array(0..<rank)
        swap.swapAt(axis, rank - 1)
        let last = try x.permuted(swap)
        return try (logarithmic ? last.logSoftmax() : last.softmax()).permuted(swap)
    }

    /// NumPy's `matmul`: a rank-1 operand is a row (left) or a column (right), removed from the result.
    private func matmul<Scalar>(_ a: Variable<Scalar>, _ b: Variable<Scalar>) throws -> Variable<Scalar> {
        guard !a.shape.isEmpty, !b.shape.isEmpty else { throw refuseInput("scalar operands \(a.shape), \(b.shape)") }
        let left = a.shape.count == 1 ? a.reshaped([1, a.shape[0]]) : a
        let right = b.shape.count == 1 ? b.reshaped([b.shape[0], 1]) : b
        guard left.shape.last == right.shape[right.shape.count - 2] else {
            throw refuseInput("inner dimensions of \(a.shape) and \(b.shape) differ")
        }
        if let batch = Tensor<Scalar>.broadcastShape(Array(left.shape.dropLast(2)), Array(right.shape.dropLast(2))) {
            try checkResult(batch + [left.shape[left.shape.count - 2], right.shape[right.shape.count - 1]])
        }
        var product = left.shape.count == 2 && right.shape.count == 2
            ? Variable.matmul(left, right)
            : try Variable.batchedMatmul(left, right)
        var shape = product.shape
        if b.shape.count == 1 { shape.removeLast() }
        if a.shape.count == 1 { shape.remove(at: shape.count - (b.shape.count == 1 ? 1 : 2)) }
        if shape != product.shape { product = product.reshaped(shape) }
        return product
    }

    private func gemm<Scalar>(_ a: Variable<Scalar>, _ b: Variable<Scalar>, _ c: Variable<Scalar>?) throws -> Variable<Scalar> {
        let (transA, transB) = (try int("transA", default: 0) != 0, try int("transB", default: 0) != 0)
        guard a.shape.count == 2, b.shape.count == 2 else { throw refuseInput("needs matrices, got \(a.shape) and \(b.shape)") }
        guard a.shape[transA ? 0 : 1] == b.shape[transB ? 1 : 0] else {
            throw refuseInput("inner dimensions of \(a.shape) and \(b.shape) differ")
        }
        let (alpha, beta) = (try float("alpha", default: 1), try float("beta", default: 1))
        try checkResult([a.shape[transA ? 1 : 0], b.shape[transB ? 0 : 1]])
        var y = Variable.matmul(a, b, transposeA: transA, transposeB: transB)
        if alpha != 1 { y = y * Scalar(alpha) }
        guard let c else { return y }
        guard Tensor<Scalar>.broadcastShape(y.shape, c.shape) == y.shape else {
            throw refuseInput("C of shape \(c.shape) does not broadcast to \(y.shape)")
        }
        return y + (beta == 1 ? c : c * Scalar(beta))
    }

    private func reduced<Scalar>(_ x: Variable<Scalar>) throws -> Variable<Scalar> {
        let keep = try int("keepdims", default: 1) != 0
        var axes = try ints("axes") ?? []
        if axes.isEmpty {
            if try int("noop_with_empty_axes", default: 0) != 0 { return x }
            axes = Array(0..<x.shape.count)
        }
        let normalized = try axes.map { try axis($0, rank: x.shape.count, attribute: "axes") }
        guard Set(normalized).count == normalized.count else { throw refuse("axes", "\(axes) repeats an axis") }
        return type == "ReduceSum"
            ? x.sum(alongAxes: normalized, keepingDimensions: keep)
            : x.mean(alongAxes: normalized, keepingDimensions: keep)
    }

    /// ONNX `Reshape`'s target: `0` copies the input's dimension (unless `allowzero`), `-1` is inferred.
    func reshapeTarget(_ input: [Int]) throws -> [Int] {
        guard var target = try ints("shape") else { throw refuseInput("the shape must be a constant") }
        let allowZero = try int("allowzero", default: 0) != 0
        for (i, d) in target.enumerated() where d == 0 && !allowZero {
            guard i < input.count else { throw refuse("shape", "\(target) copies dimension \(i) of a rank-\(input.count) input") }
            target[i] = input[i]
        }
        let count = input.reduce(1, *)
        guard target.allSatisfy({ $0 >= -1 }), target.filter({ $0 == -1 }).count <= 1 else {
            throw refuse("shape", "\(target) is not a valid shape")
        }
        let known = target.filter { $0 != -1 }.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        if let unknown = target.firstIndex(of: -1) {
            guard known > 0, count % known == 0 else { throw refuse("shape", "\(target) does not fit \(count) elements") }
            target[unknown] = count / known
        } else if known != count {
            throw refuse("shape", "\(target) does not hold the \(count) elements of shape \(input)")
        }
        return target
    }

    private func concatenated<Scalar>(_ parts: [Variable<Scalar>]) throws -> Variable<Scalar> {
        let rank = parts[0].shape.count
        guard let raw = attributes["axis"], case .int(let value) = raw else { throw refuse("axis", "is required") }
        let axis = try self.axis(value, rank: rank, attribute: "axis")
        for part in parts {
            guard part.shape.count == rank,
                  part.shape.indices.allSatisfy({ $0 == axis || part.shape[$0] == parts[0].shape[$0] }) else {
                throw refuseInput("shapes \(parts.map(\.shape)) do not concatenate along axis \(axis)")
            }
        }
        return Variable.concatenate(parts, alongAxis: axis)
    }

    /// Inference-mode batch normalisation over axis 1 with the given scale, bias, mean and variance.
    private func normalized<Scalar>(_ x: Variable<Scalar>, _ p: [Variable<Scalar>]) throws -> Variable<Scalar> {
        let shape = try channelShape(x, p)
        let (scale, bias, mean, variance) = (p[0].reshaped(shape), p[1].reshaped(shape), p[2].reshaped(shape), p[3].reshaped(shape))
        let deviation = (variance + Scalar(try float("epsilon", default: 1e-5))).squareRoot()
        return (x - mean) / deviation * scale + bias
    }

    /// Training-mode batch normalisation (opset 14): the input normalised with the statistics of
    /// the batch (over every axis but 1; the variance divided by the count, not count − 1), and the
    /// running mean and variance updated as `running · momentum + batch · (1 − momentum)`.
    private func normalizedForTraining<Scalar>(_ x: Variable<Scalar>, _ p: [Variable<Scalar>]) throws -> [Variable<Scalar>] {
        let shape = try channelShape(x, p)
        let axes = [0] + Array(2..<x.shape.count)
        let mean = x.mean(alongAxes: axes, keepingDimensions: true)
        let centered = x - mean
        let variance = (centered * centered).mean(alongAxes: axes, keepingDimensions: true)
        let deviation = (variance + Scalar(try float("epsilon", default: 1e-5))).squareRoot()
        let y = centered / deviation * p[0].reshaped(shape) + p[1].reshaped(shape)
        let momentum = Scalar(try float("momentum", default: 0.9))
        let channels = [x.shape[1]]
        return [y, p[2] * momentum + mean.reshaped(channels) * (1 - momentum), p[3] * momentum + variance.reshaped(channels) * (1 - momentum)]
    }

    /// The shape `[C, 1, …]` that broadcasts a per-channel vector against `x` `[N, C, …]`, after
    /// checking that the four vectors `p` have `C` elements.
    private func channelShape<Scalar>(_ x: Variable<Scalar>, _ p: [Variable<Scalar>]) throws -> [Int] {
        guard x.shape.count >= 2 else { throw refuseInput("needs a [batch, channels, …] input, got \(x.shape)") }
        let channels = x.shape[1]
        guard p.allSatisfy({ $0.shape == [channels] }) else {
            throw refuseInput("scale, bias, mean and variance must be [\(channels)], got \(p.map(\.shape))")
        }
        return [channels] + Array(repeating: 1, count: x.shape.count - 2)
    }

    /// `Dropout`: the input itself in inference mode or with a zero ratio; in training mode, the
    /// input scaled by 1 / (1 − ratio) where a mask drawn from the `seed` attribute keeps it, as
    /// ONNX's reference does (NumPy's legacy generator seeded with `seed`, one uniform draw per
    /// element in row-major order, kept where the draw is at least the ratio), so the same seed
    /// gives the same mask on every call.
    private func droppedOut<Scalar>(_ x: Variable<Scalar>) throws -> Variable<Scalar> {
        let ratio = try float("ratio", default: 0.5)
        guard ratio >= 0 && ratio < 1 else { throw refuse("ratio", "is \(ratio), outside [0, 1)") }
        guard try int("training_mode", default: 0) != 0, ratio > 0 else { return x }
        guard case .int(let value)? = attributes["seed"], let seed = UInt32(exactly: value) else {
            throw refuse("seed", "must be an integer in 0…2³² − 1")
        }
        var generator = NumPyLegacyGenerator(seed: seed)
        let scale = Scalar(1 / (1 - ratio))
        let mask = (0..<x.value.count).map { _ in generator.nextDouble() >= ratio ? scale : 0 }
        return x * Variable(Tensor(shape: x.shape, scalars: mask))
    }
}
