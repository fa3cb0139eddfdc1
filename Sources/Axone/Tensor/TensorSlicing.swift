import Foundation

extension Tensor {
    /// The number of elements in one entry of the first (batch) axis.
    var rowSize: Int { rank == 0 ? 1 : shape.dropFirst().reduce(1, *) }

    /// The entries `range` of the first (batch) axis.
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "rows(\(range)): out of bounds for shape \(shape)")
        var newShape = shape
        newShape[0] = range.count
        return Tensor(shape: newShape, scalars: Array(scalars[(range.lowerBound * rowSize)..<(range.upperBound * rowSize)]))
    }

    /// The entries at `indices` of the first (batch) axis, in that order (a batch gather).
    public func rows(at indices: [Int]) -> Tensor {
        precondition(rank >= 1, "rows(at:): needs a batch axis, got a scalar")
        var newShape = shape
        newShape[0] = indices.count
        return Tensor(shape: newShape) { out in copyRows(indices[...], into: out) }
    }

    /// Writes the entries at `indices` of the first axis into `target` (a batch gather like
    /// ``rows(at:)``), reusing its storage when it already holds that many elements and no other
    /// tensor shares it, so that a training loop gathers its batches without allocating.
    public func gatherRows(_ indices: ArraySlice<Int>, into target: inout Tensor) {
        precondition(rank >= 1, "gatherRows(_:into:): needs a batch axis, got a scalar")
        // Compared in place: a new shape array per call would be an allocation per step.
        if target.rank != rank || target.shape[0] != indices.count || !target.shape.dropFirst().elementsEqual(shape.dropFirst()) {
            var newShape = shape
            newShape[0] = indices.count
            target = target.count == newShape.reduce(1, *) ? target.reshaped(newShape) : Tensor(shape: newShape, repeating: 0)
        }
        target.withUnsafeMutableBufferPointer { copyRows(indices, into: $0) }
    }

    /// Copies the rows at `indices` one after another into `out`.
    private func copyRows(_ indices: ArraySlice<Int>, into out: UnsafeMutableBufferPointer<Scalar>) {
        let size = rowSize
        guard size > 0 else { return }
        withUnsafeBufferPointer { src in
            for (r, i) in zip(0..., indices) {
                precondition(i >= 0 && i < shape[0], "rows(at:): index \(i) out of bounds for shape \(shape)")
                copyElements(from: src.baseAddress! + i * size, to: out.baseAddress! + r * size, count: size)
            }
        }
    }

    /// Concatenates tensors along `axis`; all other axes must agree.
    public static func concatenate(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        guard let first = tensors.first else { preconditionFailure("concatenate: no tensors") }
        let axis = axis < 0 ? axis + first.rank : axis
        precondition(axis >= 0 && axis < first.rank, "concatenate: axis \(axis) out of range for shape \(first.shape)")
        for t in tensors {
            var a = t.shape, b = first.shape
            if a.count == b.count { a[axis] = 0; b[axis] = 0 }
            precondition(a == b, TensorError.incompatibleShapes(
                operation: "concatenate along axis \(axis)", lhs: first.shape, rhs: t.shape).description)
        }
        let outer = first.shape[..<axis].reduce(1, *)
        var shape = first.shape
        shape[axis] = tensors.map { $0.shape[axis] }.reduce(0, +)
        var scalars = [Scalar]()
        scalars.reserveCapacity(shape.reduce(1, *))
        for o in 0..<outer {
            for t in tensors {
                let chunk = t.shape[axis...].reduce(1, *)
                scalars.append(contentsOf: t.scalars[(o * chunk)..<((o + 1) * chunk)])
            }
        }
        return Tensor(shape: shape, scalars: scalars)
    }

    /// Splits along `axis` into pieces of the given sizes (the inverse of ``concatenate(_:alongAxis:)``).
    public func split(sizes: [Int], alongAxis axis: Int = 0) -> [Tensor] {
        let axis = axis < 0 ? axis + rank : axis
        precondition(axis >= 0 && axis < rank && sizes.reduce(0, +) == shape[axis],
                     "split: sizes \(sizes) do not add up to axis \(axis) of shape \(shape)")
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var start = 0
        return sizes.map { size in
            var pieceShape = shape
            pieceShape[axis] = size
            var piece = [Scalar]()
            piece.reserveCapacity(outer * size * inner)
            for o in 0..<outer {
                let base = (o * shape[axis] + start) * inner
                piece.append(contentsOf: scalars[base..<(base + size * inner)])
            }
            start += size
            return Tensor(shape: pieceShape, scalars: piece)
        }
    }
}

/// Copies `count` elements with `memcpy` (element-wise copies in unspecialised generic code would
/// go through the value witness table for every element).
@inline(__always)
func copyElements<Scalar: TensorScalar>(from source: UnsafePointer<Scalar>, to destination: UnsafeMutablePointer<Scalar>,
                                        count: Int) {
    guard count > 0 else { return }
    memcpy(destination, source, count * MemoryLayout<Scalar>.stride)
}

/// Writes `row` (`columns` elements) into each of the `rows` rows at `destination`: one copy, then
/// copies of the filled part doubling in size, so a few `memcpy` calls fill the block whatever the
/// number of rows (a copy per row costs a call per row, which shows for narrow rows).
func fillRows<Scalar: TensorScalar>(_ destination: UnsafeMutablePointer<Scalar>, rows: Int, columns: Int,
                                    with row: UnsafePointer<Scalar>) {
    guard rows > 0 else { return }
    copyElements(from: row, to: destination, count: columns)
    var filled = 1
    while filled < rows {
        let count = Swift.min(filled, rows - filled)
        copyElements(from: destination, to: destination + filled * columns, count: count * columns)
        filled += count
    }
}
