import Testing
@testable import Axone

/// Softmax cross-entropy and softmax take the exponentials of several rows together (vectorised
/// for Float). These tests hold them to the row-by-row formulas (the notes' softmax and
/// cross-entropy, stabilised by each row's maximum), to the bit, over block boundaries, rows longer
/// than a block, example weights, underflowing exponentials and infinite logits.
@Suite struct SoftmaxBlockTests {
    /// Logits of `rows × columns`, spread wide enough (±40) that some exponentials underflow, with
    /// one −∞ in the fourth row when it exists.
    static func logits<T: TensorScalar>(rows: Int, columns: Int, as _: T.Type) -> [T] {
        var generator = SeededGenerator(seed: UInt64(rows * 1_000 + columns))
        var values = (0..<(rows * columns)).map { _ in T(80 * generator.nextUnit() - 40) }
        if rows > 3 { values[3 * columns] = -.infinity }
        return values
    }

    /// Target distributions: one-hot rows, with a soft row (mass split over two classes) every third row.
    static func targets<T: TensorScalar>(rows: Int, columns: Int, as _: T.Type) -> [T] {
        (0..<rows).flatMap { row in
            (0..<columns).map { column -> T in
                if row % 3 == 2, columns > 1 { return column == (row + 1) % columns ? 0.75 : column == row % columns ? 0.25 : 0 }
                return column == (row * 7) % columns ? 1 : 0
            }
        }
    }

    /// The loss and its gradient computed one row and one exponential at a time.
    static func rowByRow<T: TensorScalar>(_ z: [T], _ t: [T], weights: [T]?, rows: Int, columns: Int,
                                          gradientScale: T) -> (loss: T, gradient: [T]) {
        var total: T = 0, gradient = [T](repeating: 0, count: z.count)
        for i in 0..<rows {
            let row = i * columns
            var m = z[row]
            for k in 1..<columns { m = max(m, z[row + k]) }
            var sum: T = 0, mass: T = 0, dot: T = 0
            for k in 0..<columns {
                sum += T.exp(z[row + k] - m)
                mass += t[row + k]
                dot += t[row + k] * (z[row + k] - m)
            }
            let logSum = T.log(sum), w = weights?[i] ?? 1
            total += w * (mass * logSum - dot)
            let scale = gradientScale * w
            for k in 0..<columns { gradient[row + k] = scale * (T.exp(z[row + k] - m - logSum) * mass - t[row + k]) }
        }
        return (total, gradient)
    }

    static let shapes = [(rows: 64, columns: 10), (rows: 26, columns: 10), (rows: 3, columns: 1), (rows: 5, columns: 300), (rows: 1, columns: 254)]

    @Test(arguments: [false, true]) func softmaxCrossEntropyMatchesTheRowByRowFormulaInFloat(weighted: Bool) {
        checkSoftmaxCrossEntropy(Float.self, weighted: weighted)
    }

    @Test(arguments: [false, true]) func softmaxCrossEntropyMatchesTheRowByRowFormulaInDouble(weighted: Bool) {
        checkSoftmaxCrossEntropy(Double.self, weighted: weighted)
    }

    /// Same bits as ``rowByRow(_:_:weights:rows:columns:gradientScale:)`` for every shape, with the
    /// gradient and without it (the loss alone), NaN where the formula gives NaN.
    func checkSoftmaxCrossEntropy<T: TensorScalar>(_: T.Type, weighted: Bool) {
        for (rows, columns) in Self.shapes {
            let z = Self.logits(rows: rows, columns: columns, as: T.self), t = Self.targets(rows: rows, columns: columns, as: T.self)
            let weights: [T]? = weighted ? (0..<rows).map { T(($0 + 1) % 4) * 0.5 } : nil
            let expected = Self.rowByRow(z, t, weights: weights, rows: rows, columns: columns, gradientScale: 0.125)
            var gradient = [T](repeating: .nan, count: z.count)
            let (loss, lossAlone) = z.withUnsafeBufferPointer { z in
                t.withUnsafeBufferPointer { t in
                    withOptionalBuffer(weights) { w in
                        let loss = gradient.withUnsafeMutableBufferPointer { g in
                            T.softmaxCrossEntropy(logits: z, targets: t, weights: w, rows: rows, columns: columns, gradientScale: 0.125, gradient: g)
                        }
                        let alone = T.softmaxCrossEntropy(logits: z, targets: t, weights: w, rows: rows, columns: columns, gradientScale: 0.125, gradient: nil)
                        return (loss, alone)
                    }
                }
            }
            #expect(KernelCloneTests.sameBits([loss, lossAlone], [expected.loss, expected.loss]), "\(rows)×\(columns)")
            #expect(KernelCloneTests.sameBits(gradient, expected.gradient), "\(rows)×\(columns)")
            #expect(columns == 1 || expected.gradient.contains { $0 != 0 && $0.isFinite }, "the gradient is all zeros or non-finite")
        }
    }

    /// Softmax and log-softmax rows (the Softmax activation's kernel): the same bits as each row's
    /// maximum, exponentials, sum and normalisation taken one row at a time, in Float.
    @Test(arguments: [false, true]) func softmaxRowsMatchTheRowByRowFormula(logarithmic: Bool) {
        for (rows, columns) in Self.shapes {
            let x = Self.logits(rows: rows, columns: columns, as: Float.self)
            var expected = [Float](repeating: 0, count: x.count)
            for row in 0..<rows {
                let r = row * columns
                let m = x[r..<(r + columns)].max()!
                var total: Float = 0
                for k in 0..<columns { expected[r + k] = .exp(x[r + k] - m); total += expected[r + k] }
                for k in 0..<columns { expected[r + k] = logarithmic ? x[r + k] - (m + .log(total)) : expected[r + k] * (1 / total) }
            }
            var y = [Float](repeating: .nan, count: x.count)
            x.withUnsafeBufferPointer { x in
                y.withUnsafeMutableBufferPointer { Float.softmaxRows(x, rows: rows, columns: columns, logarithmic: logarithmic, into: $0) }
            }
            #expect(KernelCloneTests.sameBits(y, expected), "\(rows)×\(columns)")
        }
    }
}

/// Calls `body` with a buffer of `values`, or with nil.
private func withOptionalBuffer<T, R>(_ values: [T]?, _ body: (UnsafeBufferPointer<T>?) -> R) -> R {
    guard let values else { return body(nil) }
    return values.withUnsafeBufferPointer { body($0) }
}
