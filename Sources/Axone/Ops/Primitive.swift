/// One value read or written by a ``Primitive``: its elements and its shape.
///
/// Operands are views of storage owned elsewhere (a tensor in eager mode, a planned buffer in a
/// compiled program); a primitive reads its inputs and writes its output or gradients through them.
public struct Operand<Scalar: TensorScalar> {
    /// The elements in row-major order.
    public let buffer: UnsafeMutableBufferPointer<Scalar>
    /// The size of each axis.
    public let shape: [Int]

    /// Creates an operand over `buffer`, which must hold the product of `shape` elements.
    public init(_ buffer: UnsafeMutableBufferPointer<Scalar>, shape: [Int]) {
        precondition(buffer.count == shape.reduce(1, *), "Operand: \(buffer.count) elements for shape \(shape)")
        self.buffer = buffer
        self.shape = shape
    }

    /// The elements, read-only.
    public var elements: UnsafeBufferPointer<Scalar> { UnsafeBufferPointer(buffer) }
    /// The first element (the operand must not be empty).
    public var pointer: UnsafeMutablePointer<Scalar> { buffer.baseAddress! }
    /// The number of elements.
    public var count: Int { buffer.count }
}

/// How a primitive may spread its work: over ``Parallelism``'s pool (eager calls, a compiled
/// program run whole), or on the calling thread alone (a compiled program's row shard, which
/// already runs beside the others).
public struct PrimitiveContext {
    /// Whether matrix products may split their rows over the worker pool.
    public let pooled: Bool
    /// Scratch memory for the call, of at least ``Primitive/workspaceSize(_:output:)`` elements.
    public let workspace: UnsafeMutableRawBufferPointer

    /// Creates a context.
    public init(pooled: Bool, workspace: UnsafeMutableRawBufferPointer = UnsafeMutableRawBufferPointer(start: nil, count: 0)) {
        self.pooled = pooled
        self.workspace = workspace
    }

    /// Work spread over the pool, without workspace.
    public static var pooled: PrimitiveContext { PrimitiveContext(pooled: true) }
    /// Work on the calling thread only, without workspace.
    public static var serial: PrimitiveContext { PrimitiveContext(pooled: false) }

    /// The workspace as `count` elements of `Element` (bound to that type until bound again).
    public func scratch<Element>(_ count: Int, as _: Element.Type = Element.self) -> UnsafeMutableBufferPointer<Element> {
        precondition(workspace.count >= count * MemoryLayout<Element>.stride, "PrimitiveContext: workspace too small")
        return UnsafeMutableBufferPointer(start: workspace.baseAddress?.bindMemory(to: Element.self, capacity: count), count: count)
    }

    /// `C ← α·op(A)·op(B) + β·C` (see ``TensorScalar/gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``),
    /// split over the pool only when the context allows it.
    public func gemm<Scalar: TensorScalar>(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Scalar,
                                           a: UnsafePointer<Scalar>, lda: Int, b: UnsafePointer<Scalar>, ldb: Int,
                                           beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            // BLAS leaves C untouched for k = 0 only when β = 1; the product is then zero.
            if beta != 1 {
                for r in 0..<m { Scalar.fill(0, into: UnsafeMutableBufferPointer(start: c + r * ldc, count: n)) }
            }
            return
        }
        if pooled {
            Scalar.gemmOnPool(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                              a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        } else {
            Scalar.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                        a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }
}

/// A primitive operation, defined once: shape inference, forward kernel, pullback and ONNX form.
///
/// Everything that runs a model reads this one definition: ``Variable/applying(_:to:)`` records it
/// on the autodiff tape (eager mode), the compiled executor (see ``Model/compilation``) replays it into
/// planned buffers, and ONNX export names it. Adding an operation means adding one conforming type
/// (and its kernel, when the backend has none): see `Sources/Axone/Ops/` for the built-in ones.
///
/// ```swift
/// /// y = x·c, a primitive of one's own.
/// struct Scaled: Primitive {
///     let c: Double
///     var name: String { "scaled" }
///     func outputShape(_ shapes: [[Int]]) throws -> [Int] { shapes[0] }
///     func forward(_ inputs: [Operand<Double>], into y: Operand<Double>, _ context: PrimitiveContext) {
///         for i in 0..<y.count { y.buffer[i] = inputs[0].buffer[i] * c }
///     }
///     func backward(_ inputs: [Operand<Double>], output: Operand<Double>, upstream: Operand<Double>,
///                   into gradients: [Operand<Double>?], _ context: PrimitiveContext) {
///         guard let dx = gradients[0] else { return }
///         for i in 0..<dx.count { dx.buffer[i] = upstream.buffer[i] * c }
///     }
/// }
/// let y = Variable.applying(Scaled(c: 3), to: [x])
/// ```
public protocol Primitive<Scalar>: Sendable, CustomStringConvertible {
    /// The element type.
    associatedtype Scalar: TensorScalar

    /// The operation's name in summaries and errors (e.g. `linear`, `relu`).
    var name: String { get }

    /// The shape of the result for inputs of `inputShapes`.
    /// - Throws: ``TensorError`` when the inputs do not fit the operation.
    func outputShape(_ inputShapes: [[Int]]) throws -> [Int]

    /// Computes the result into `output` (shaped by ``outputShape(_:)``).
    func forward(_ inputs: [Operand<Scalar>], into output: Operand<Scalar>, _ context: PrimitiveContext)

    /// Writes into each non-`nil` `gradients[i]` (shaped like input `i`, overwritten) the gradient of
    /// the objective with respect to input `i`, given `upstream`, its gradient with respect to the output.
    func backward(_ inputs: [Operand<Scalar>], output: Operand<Scalar>, upstream: Operand<Scalar>,
                  into gradients: [Operand<Scalar>?], _ context: PrimitiveContext)

    /// Whether ``backward(_:output:upstream:into:_:)`` reads the inputs' values (the compiler keeps
    /// them until then).
    var backwardReadsInputs: Bool { get }
    /// Whether ``backward(_:output:upstream:into:_:)`` reads the output's value.
    var backwardReadsOutput: Bool { get }
    /// Which inputs carry a gradient (e.g. not the targets of a loss).
    func isDifferentiable(input: Int) -> Bool
    /// The scratch elements the forward and backward kernels need (see ``PrimitiveContext/workspace``).
    func workspaceSize(_ inputShapes: [[Int]], output: [Int]) -> Int
    /// When rows of the output (axis 0) depend only on the same rows of some inputs, which ones
    /// (the others are read whole), so that a batch may run in row shards; `nil` otherwise.
    func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]?
    /// The operation as one ONNX node, when it is one.
    var onnx: ONNXOperator? { get }
    /// Whether the output is input 0's elements in the same order under another shape (a view,
    /// such as a reshape): the tape then shares input 0's storage, and the compiler places the
    /// output in input 0's buffer (and the input's gradient in the output gradient's), so that
    /// ``forward(_:into:_:)`` and ``backward(_:output:upstream:into:_:)`` find their operands
    /// already in place. They must still copy when the operands are apart.
    var isView: Bool { get }
}

extension Primitive {
    /// The primitive's ``name``.
    public var description: String { name }
    public var backwardReadsInputs: Bool { true }
    public var backwardReadsOutput: Bool { true }
    public func isDifferentiable(input: Int) -> Bool { true }
    public func workspaceSize(_ inputShapes: [[Int]], output: [Int]) -> Int { 0 }
    public func rowLocalInputs(_ inputShapes: [[Int]]) -> [Bool]? { nil }
    public var onnx: ONNXOperator? { nil }
    public var isView: Bool { false }
}

/// An ONNX operator with its attributes: how a ``Primitive`` is written in an ONNX graph.
public struct ONNXOperator: Sendable, Hashable {
    /// An attribute value.
    public enum Attribute: Sendable, Hashable {
        case int(Int)
        case float(Double)
        case ints([Int])
    }

    /// A constant the node reads as an input tensor (from opset 13, `Reshape`'s shape, `Slice`'s
    /// bounds, `Pad`'s amounts and `ReduceSum`'s axes are inputs rather than attributes).
    public enum Constant: Sendable, Hashable {
        /// A 1-D `int64` tensor.
        case int64s([Int])
        /// A `float` scalar.
        case float(Double)
    }

    /// The operator type (`Relu`, `Gemm`, …).
    public let type: String
    /// The attributes by name.
    public let attributes: [String: Attribute]
    /// The constants read after the data inputs, in order.
    public let constantInputs: [Constant]

    /// Creates the description.
    public init(_ type: String, attributes: [String: Attribute] = [:], constantInputs: [Constant] = []) {
        self.type = type
        self.attributes = attributes
        self.constantInputs = constantInputs
    }
}
