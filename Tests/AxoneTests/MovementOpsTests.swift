import Testing
@testable import Axone

/// Permutations, slices, splits, padding, broadcasts, batched products and reductions over any
/// axes of rank-3 and rank-4 tensors. Expected values come from index loops written here (or from
/// NumPy, quoted where used); gradients are checked against central finite differences.
@Suite struct MovementOpsTests {
    // MARK: Values

    @Test func permutedMovesEachElementToItsPermutedIndex() throws {
        try expectPermutations(Float.self)
        try expectPermutations(Double.self)
        // NumPy: np.arange(6).reshape(1, 2, 3).transpose(2, 0, 1)
        let small = try counting(Float.self, [1, 2, 3]).permuted([2, 0, 1])
        #expect(small == Tensor(shape: [3, 1, 2], scalars: [0, 3, 1, 4, 2, 5]))
        let matrix = counting(Double.self, [3, 4])
        #expect(try matrix.permuted([1, 0]) == matrix.transposed())
    }

    private func expectPermutations<S: TensorScalar>(_: S.Type) throws {
        let x = counting(S.self, [2, 3, 4, 5])
        for axes in [[0, 2, 3, 1], [3, 2, 1, 0], [1, 0, 2, 3], [0, 1, 2, 3], [-1, 0, -2, 1]] {
            let normalized = axes.map { $0 < 0 ? $0 + 4 : $0 }
            let y = try x.permuted(axes)
            #expect(y.shape == normalized.map { x.shape[$0] })
            for index in allIndices(y.shape) {
                var source = [Int](repeating: 0, count: 4)
                for (i, axis) in normalized.enumerated() { source[axis] = index[i] }
                #expect(y.scalars[flatIndex(index, y.shape)] == x.scalars[flatIndex(source, x.shape)], "\(axes) at \(index)")
            }
        }
    }

    @Test func slicesTakeTheRequestedEntries() throws {
        try expectSlices(Float.self)
        try expectSlices(Double.self)
        // NumPy: np.arange(24).reshape(2, 3, 4)[:, 1:3, :]
        let x = counting(Float.self, [2, 3, 4])
        #expect(try x.slice(alongAxis: 1, range: 1..<3).scalars == [4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23])
        #expect(try x.slice(alongAxis: 0, range: 1..<1).shape == [0, 3, 4])
        #expect(try x.slice(alongAxis: 2, range: 0..<4) == x)
    }

    private func expectSlices<S: TensorScalar>(_: S.Type) throws {
        let x = counting(S.self, [3, 4, 2, 5])
        for (lower, upper) in [([1, 0, 0, 2], [3, 4, 2, 4]), ([0, 1, 1, 0], [3, 3, 2, 5]), ([2, 3, 0, 4], [3, 4, 1, 5]),
                               ([0, 0, 0, 0], [3, 4, 2, 5])] {
            let y = try x.sliced(lower: lower, upper: upper)
            #expect(y.shape == zip(lower, upper).map { $1 - $0 })
            for index in allIndices(y.shape) {
                let source = zip(index, lower).map { $0 + $1 }
                #expect(y.scalars[flatIndex(index, y.shape)] == x.scalars[flatIndex(source, x.shape)])
            }
        }
        for axis in 0..<4 {
            let range = 1..<x.shape[axis]
            var lower = [0, 0, 0, 0], upper = x.shape
            (lower[axis], upper[axis]) = (range.lowerBound, range.upperBound)
            #expect(try x.slice(alongAxis: axis, range: range) == x.sliced(lower: lower, upper: upper))
            #expect(try x.slice(alongAxis: axis - 4, range: range) == x.sliced(lower: lower, upper: upper))
        }
    }

    @Test func paddingSurroundsTheTensorWithTheValue() throws {
        try expectPadding(Float.self)
        try expectPadding(Double.self)
        // NumPy: np.pad(np.arange(1, 7).reshape(1, 2, 3), ((0, 1), (1, 0), (0, 1)), constant_values=9)
        let x = Tensor<Float>(shape: [1, 2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try x.padded([(0, 1), (1, 0), (0, 1)], value: 9) == Tensor(shape: [2, 3, 4], scalars: [
            9, 9, 9, 9, 1, 2, 3, 9, 4, 5, 6, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
        ]))
    }

    private func expectPadding<S: TensorScalar>(_: S.Type) throws {
        let x = counting(S.self, [2, 3, 1, 4]) + 1
        for padding in [[(1, 0), (0, 2), (2, 1), (1, 1)], [(0, 0), (0, 0), (0, 0), (3, 0)], [(2, 2), (0, 0), (0, 0), (0, 0)],
                        [(0, 0), (0, 0), (0, 0), (0, 0)]] {
            let y = try x.padded(padding.map { (before: $0.0, after: $0.1) }, value: -1)
            #expect(y.shape == zip(x.shape, padding).map { $0 + $1.0 + $1.1 })
            for index in allIndices(y.shape) {
                let source = zip(index, padding).map { $0 - $1.0 }
                let inside = zip(source, x.shape).allSatisfy { $0 >= 0 && $0 < $1 }
                #expect(y.scalars[flatIndex(index, y.shape)] == (inside ? x.scalars[flatIndex(source, x.shape)] : -1))
            }
            #expect(try y.sliced(lower: padding.map(\.0), upper: zip(padding, x.shape).map { $0.0 + $1 }) == x)
        }
    }

    @Test func broadcastRepeatsAxesOfSizeOneAndMissingLeadingAxes() throws {
        try expectBroadcasts(Float.self)
        try expectBroadcasts(Double.self)
        // NumPy: np.broadcast_to(np.array([[1.], [2.]]), (2, 2, 3))
        let column = Tensor<Double>(shape: [2, 1], scalars: [1, 2])
        #expect(try column.broadcast(to: [2, 2, 3]).scalars == [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2])
        #expect(try Tensor<Float>(7).broadcast(to: [2, 2]) == Tensor(shape: [2, 2], repeating: 7))
    }

    private func expectBroadcasts<S: TensorScalar>(_: S.Type) throws {
        for (source, target) in [([3, 1], [2, 3, 4]), ([4], [2, 3, 4]), ([2, 1, 4], [2, 3, 4]), ([1, 3, 1, 1], [2, 3, 4, 5]),
                                 ([2, 3], [2, 3])] {
            let x = counting(S.self, source)
            let y = try x.broadcast(to: target)
            #expect(y.shape == target)
            let offset = target.count - source.count
            for index in allIndices(target) {
                let read = source.indices.map { source[$0] == 1 ? 0 : index[$0 + offset] }
                #expect(y.scalars[flatIndex(index, target)] == x.scalars[flatIndex(read, source)])
            }
            #expect(y == x + Tensor.zeros(target))
        }
    }

    @Test func splitPiecesAreConsecutiveSlicesThatConcatenateBack() throws {
        let x = Variable(counting(Double.self, [2, 5, 3]))
        for axis in [0, 1, 2, -1] {
            let size = x.shape[axis < 0 ? axis + 3 : axis]
            let sizes = [1, size - 1]
            let pieces = try x.split(sizes: sizes, alongAxis: axis)
            #expect(pieces.map(\.value) == x.value.split(sizes: sizes, alongAxis: axis))
            #expect(try pieces[1].value == x.value.slice(alongAxis: axis, range: 1..<size))
            #expect(Variable.concatenate(pieces, alongAxis: axis).value == x.value)
        }
        let float = Variable(counting(Float.self, [2, 5, 3]))
        #expect(try float.split(sizes: [2, 0, 3], alongAxis: 1).map(\.shape) == [[2, 2, 3], [2, 0, 3], [2, 3, 3]])
    }

    @Test func batchedProductsMatchALoopOfMatrixProducts() throws {
        try expectBatchedProducts(Float.self, relative: 1e-5)
        try expectBatchedProducts(Double.self, relative: 1e-12)
        // NumPy: np.matmul(np.arange(8.).reshape(2, 2, 2), np.arange(4.).reshape(2, 2) - 1), and the
        // same with the stack's matrices transposed (.transpose(0, 2, 1)).
        let a = counting(Double.self, [2, 2, 2]), b = counting(Double.self, [2, 2]) - 1
        #expect(try Tensor.batchedMatmul(a, b).scalars == [1, 2, 1, 6, 1, 10, 1, 14])
        #expect(try Tensor.batchedMatmul(a, b, transposeA: true).scalars == [2, 4, 2, 6, 2, 12, 2, 14])
    }

    private func expectBatchedProducts<S: TensorScalar>(_: S.Type, relative: S) throws {
        // Batch axes: equal, broadcast both ways, a stack times one matrix (one BLAS call over the
        // stack's rows), one matrix times a stack, and plain matrices.
        let cases: [([Int], [Int])] = [([2, 3], [2, 3]), ([2, 1], [3]), ([1, 3], [2, 1]), ([4], []), ([], [2, 2]), ([], [])]
        for (batchA, batchB) in cases {
            for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
                let (m, k, n) = (3, 4, 2)
                let a = random(S.self, batchA + (transposeA ? [k, m] : [m, k]), seed: 1)
                let b = random(S.self, batchB + (transposeB ? [n, k] : [k, n]), seed: 2)
                let c = try Tensor.batchedMatmul(a, b, transposeA: transposeA, transposeB: transposeB)
                let batch = Tensor<S>.broadcastShape(batchA, batchB)!
                #expect(c.shape == batch + [m, n])
                for index in allIndices(batch) {
                    let matrixA = matrix(a, batch: batchA, at: index), matrixB = matrix(b, batch: batchB, at: index)
                    var expected = Tensor<S>.zeros([m, n])
                    for i in 0..<m {
                        for j in 0..<n {
                            for p in 0..<k {
                                expected[i, j] += (transposeA ? matrixA[p, i] : matrixA[i, p])
                                    * (transposeB ? matrixB[j, p] : matrixB[p, j])
                            }
                        }
                    }
                    expectClose(matrix(c, batch: batch, at: index), expected, relative: relative, absolute: relative)
                }
                if batchA.isEmpty && batchB.isEmpty {
                    #expect(c == Tensor.matmul(a, b, transposeA: transposeA, transposeB: transposeB))
                }
            }
        }
        let empty = try Tensor.batchedMatmul(Tensor<S>.zeros([2, 3, 0]), Tensor<S>.zeros([0, 4]))
        #expect(empty == Tensor.zeros([2, 3, 4]))
        #expect(try Tensor.batchedMatmul(Tensor<S>.zeros([0, 3, 2]), Tensor<S>.zeros([2, 4])).shape == [0, 3, 4])
    }

    /// The matrix of a stack at batch `index` of the broadcast batch axes.
    private func matrix<S: TensorScalar>(_ stack: Tensor<S>, batch: [Int], at index: [Int]) -> Tensor<S> {
        let own = index.suffix(batch.count).enumerated().map { batch[$0.offset] == 1 ? 0 : $0.element }
        let (rows, columns) = (stack.shape[stack.rank - 2], stack.shape[stack.rank - 1])
        let start = flatIndex(own, batch) * rows * columns
        return Tensor(shape: [rows, columns], scalars: Array(stack.scalars[start..<(start + rows * columns)]))
    }

    @Test func reductionsOverAnyAxesOfRank3And4() {
        expectReductions(Float.self, tolerance: 1e-5)
        expectReductions(Double.self, tolerance: 1e-12)
    }

    private func expectReductions<S: TensorScalar>(_: S.Type, tolerance: S) {
        for shape in [[2, 3, 4], [2, 3, 4, 5]] {
            let x = random(S.self, shape, seed: 3)
            var axisSets: [[Int]] = [[0], [1], [-1], [0, 2], [1, shape.count - 1], Array(0..<shape.count)]
            if shape.count == 4 { axisSets += [[0, 2, 3], [3, 1]] }
            for axes in axisSets {
                for keep in [false, true] {
                    let normalized = axes.map { $0 < 0 ? $0 + shape.count : $0 }
                    let sums = reference(x, axes: normalized, keep: keep, start: 0, +)
                    let count = S(normalized.map { shape[$0] }.reduce(1, *))
                    expectClose(x.sum(alongAxes: axes, keepingDimensions: keep), sums, relative: tolerance, absolute: tolerance)
                    expectClose(x.mean(alongAxes: axes, keepingDimensions: keep), sums * (1 / count),
                                relative: tolerance, absolute: tolerance)
                    #expect(x.max(alongAxes: axes, keepingDimensions: keep)
                            == reference(x, axes: normalized, keep: keep, start: -.infinity) { Swift.max($0, $1) })
                    #expect(x.min(alongAxes: axes, keepingDimensions: keep)
                            == reference(x, axes: normalized, keep: keep, start: .infinity) { Swift.min($0, $1) })
                }
            }
        }
    }

    /// `x` reduced over `axes` by visiting every element and folding it into its output slot.
    private func reference<S: TensorScalar>(_ x: Tensor<S>, axes: [Int], keep: Bool, start: S,
                                            _ fold: (S, S) -> S) -> Tensor<S> {
        let keptShape = x.shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        var out = [S](repeating: start, count: keptShape.reduce(1, *))
        for index in allIndices(x.shape) {
            let slot = flatIndex(index.enumerated().map { axes.contains($0.offset) ? 0 : $0.element }, keptShape)
            out[slot] = fold(out[slot], x.scalars[flatIndex(index, x.shape)])
        }
        let shape = keep ? keptShape : x.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        return Tensor(shape: shape, scalars: out)
    }

    // MARK: Gradients
    // Central finite differences in Double, step 1e-6; tolerance: relative error (as GradientCheck
    // defines it) below 1e-6, through `expectGradientsMatch`.

    @Test func permutationGradients() throws {
        let x = randomTensor([2, 3, 4, 5], seed: 20)
        try expectGradientsMatch(inputs: [x]) { try $0[0].permuted([0, 2, 3, 1]) }
        try expectGradientsMatch(inputs: [x]) { try $0[0].permuted([3, -2, 0, 1]) }
        try expectGradientsMatch(inputs: [randomTensor([3, 2, 4], seed: 21)]) { try $0[0].permuted([2, 0, 1]) }
    }

    @Test func sliceAndPaddingGradients() throws {
        let x = randomTensor([3, 4, 5], seed: 22)
        try expectGradientsMatch(inputs: [x]) { try $0[0].slice(alongAxis: 1, range: 1..<3) }
        try expectGradientsMatch(inputs: [x]) { try $0[0].slice(alongAxis: -1, range: 0..<2) }
        try expectGradientsMatch(inputs: [x]) { try $0[0].sliced(lower: [1, 0, 2], upper: [3, 3, 5]) }
        try expectGradientsMatch(inputs: [x]) { try $0[0].padded([(1, 0), (0, 2), (2, 1)], value: 0.5) }
        let images = randomTensor([2, 3, 4, 4], seed: 23)
        try expectGradientsMatch(inputs: [images]) { try $0[0].padded([(0, 0), (0, 0), (1, 1), (1, 1)]) }
    }

    @Test func splitGradientsFlowFromEachUsedPiece() throws {
        let x = randomTensor([2, 5, 3], seed: 24)
        try expectGradientsMatch(inputs: [x]) {
            let pieces = try $0[0].split(sizes: [2, 1, 2], alongAxis: 1)
            return Variable.concatenate([pieces[2], pieces[0] * pieces[0]], alongAxis: 1)
        }
        // Only the last piece is used: the gradient is 1 there and 0 on the unused pieces.
        let v = Variable(x, requiresGradient: true)
        try v.split(sizes: [1, 1, 1], alongAxis: -1)[2].sum().backward()
        let ones = Tensor<Double>.ones([2, 5, 1]), zeros = Tensor<Double>.zeros([2, 5, 1])
        #expect(v.gradient == Tensor.concatenate([zeros, zeros, ones], alongAxis: 2))
    }

    @Test func concatenationGradientsAlongAnyAxis() throws {
        let x = randomTensor([2, 3, 4], seed: 25), y = randomTensor([2, 3, 1], seed: 26), z = randomTensor([2, 2, 4], seed: 27)
        try expectGradientsMatch(inputs: [x, y]) { Variable.concatenate($0, alongAxis: 2) }
        try expectGradientsMatch(inputs: [x, y]) { Variable.concatenate($0, alongAxis: -1) }
        try expectGradientsMatch(inputs: [x, z]) { Variable.concatenate($0, alongAxis: 1) }
    }

    @Test func broadcastGradients() throws {
        try expectGradientsMatch(inputs: [randomTensor([3, 1], seed: 28)]) { try $0[0].broadcast(to: [2, 3, 4]) }
        try expectGradientsMatch(inputs: [randomTensor([1, 3, 1, 5], seed: 29)]) { try $0[0].broadcast(to: [2, 3, 4, 5]) }
        try expectGradientsMatch(inputs: [randomTensor([], seed: 30)]) { try $0[0].broadcast(to: [2, 2]) }
    }

    /// The objective is linear in each element of either operand, so central differences carry no
    /// truncation error and a larger step (1e-3) only shrinks their rounding error, which at 1e-6
    /// reaches a few 1e-6 relative on the smallest gradients. Tolerance: Double, relative 1e-6.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func batchedProductGradients(transposeA: Bool, transposeB: Bool) throws {
        let (m, k, n) = (3, 4, 2)
        for (batchA, batchB) in [([2, 3], [2, 3]), ([2, 1], [3]), ([4], []), ([], [2])] {
            let a = randomTensor(batchA + (transposeA ? [k, m] : [m, k]), seed: 31)
            let b = randomTensor(batchB + (transposeB ? [n, k] : [k, n]), seed: 32)
            try expectGradientsMatch(inputs: [a, b], step: 1e-3) {
                try Variable.batchedMatmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB)
            }
        }
    }

    @Test func reductionGradientsOverAnyAxes() throws {
        for shape in [[2, 3, 4], [2, 3, 2, 3]] {
            let x = randomTensor(shape, seed: 33)
            for axes in [[0], [-1], [0, 2], [1, shape.count - 1], Array(0..<shape.count)] {
                for keep in [false, true] {
                    try expectGradientsMatch(inputs: [x]) { $0[0].sum(alongAxes: axes, keepingDimensions: keep) }
                    try expectGradientsMatch(inputs: [x]) { $0[0].mean(alongAxes: axes, keepingDimensions: keep) }
                    try expectGradientsMatch(inputs: [x]) { $0[0].max(alongAxes: axes, keepingDimensions: keep) }
                    try expectGradientsMatch(inputs: [x]) { $0[0].min(alongAxes: axes, keepingDimensions: keep) }
                }
            }
        }
    }

    @Test func tiedMinimumSharesItsGradient() throws {
        let x = Variable(Tensor<Double>(shape: [1, 2, 2], scalars: [3, 1, 1, 2]), requiresGradient: true)
        try x.min(alongAxes: [1, 2]).sum().backward()
        #expect(x.gradient == Tensor(shape: [1, 2, 2], scalars: [0, 0.5, 0.5, 0]))
    }

    // MARK: Errors

    @Test func badPermutationsThrow() {
        let x = Tensor<Float>.zeros([2, 3, 4])
        for axes in [[0, 0, 1], [0, 1], [0, 1, 3], [0, 1, 2, 3], [-4, 0, 1]] {
            #expect(throws: TensorError.invalidArgument(
                "permuted(_:): \(axes) is not a permutation of the 3 axes of shape [2, 3, 4]")) { try x.permuted(axes) }
            #expect(throws: TensorError.self) { try Variable(x).permuted(axes) }
        }
    }

    @Test func outOfRangeSlicesThrow() {
        let x = Tensor<Double>.zeros([2, 3, 4])
        #expect(throws: TensorError.invalidArgument("slice(alongAxis:range:): axis 3 does not exist in shape [2, 3, 4]")) {
            try x.slice(alongAxis: 3, range: 0..<1)
        }
        #expect(throws: TensorError.invalidArgument("slice(alongAxis:range:): axis -4 does not exist in shape [2, 3, 4]")) {
            try x.slice(alongAxis: -4, range: 0..<1)
        }
        #expect(throws: TensorError.invalidArgument("slice(alongAxis:range:): range 2..<5 is not within axis 1 of shape [2, 3, 4]")) {
            try x.slice(alongAxis: 1, range: 2..<5)
        }
        #expect(throws: TensorError.invalidArgument("slice(alongAxis:range:): range -1..<2 is not within axis 2 of shape [2, 3, 4]")) {
            try Variable(x).slice(alongAxis: -1, range: -1..<2)
        }
        for (lower, upper) in [([0, 0], [2, 3]), ([0, 0, 0], [2, 3, 5]), ([1, 2, 0], [0, 3, 4]), ([0, -1, 0], [2, 3, 4])] {
            #expect(throws: TensorError.invalidArgument(
                "sliced(lower:upper:): bounds \(lower)..<\(upper) are not within shape [2, 3, 4]")) {
                try x.sliced(lower: lower, upper: upper)
            }
            #expect(throws: TensorError.self) { try Variable(x).sliced(lower: lower, upper: upper) }
        }
    }

    @Test func badSplitsThrow() {
        let x = Variable(Tensor<Double>.zeros([2, 5]))
        #expect(throws: TensorError.invalidArgument("split(sizes:alongAxis:): sizes [2, 2] do not add up to axis 1 of shape [2, 5]")) {
            try x.split(sizes: [2, 2], alongAxis: 1)
        }
        #expect(throws: TensorError.invalidArgument("split(sizes:alongAxis:): sizes [3, -1] do not add up to axis 0 of shape [2, 5]")) {
            try x.split(sizes: [3, -1])
        }
        #expect(throws: TensorError.invalidArgument("split(sizes:alongAxis:): axis 2 does not exist in shape [2, 5]")) {
            try x.split(sizes: [1, 1], alongAxis: 2)
        }
    }

    @Test func badPaddingThrows() {
        let x = Tensor<Float>.zeros([2, 3])
        #expect(throws: TensorError.invalidArgument(
            "padded(_:value:): padding [(before: 1, after: 1)] does not give a non-negative (before, after) pair to each axis of shape [2, 3]")) {
            try x.padded([(1, 1)])
        }
        #expect(throws: TensorError.invalidArgument(
            "padded(_:value:): padding [(before: 0, after: 0), (before: -1, after: 2)] does not give a non-negative (before, after) pair to each axis of shape [2, 3]")) {
            try Variable(x).padded([(0, 0), (-1, 2)])
        }
    }

    @Test func incompatibleBroadcastsThrow() {
        let x = Tensor<Double>.zeros([2, 3])
        for target in [[3, 3], [3], [2, 1], [4, 2, 6], [2, -3]] {
            #expect(throws: TensorError.incompatibleShapes(operation: "broadcast(to:)", lhs: [2, 3], rhs: target)) {
                try x.broadcast(to: target)
            }
            #expect(throws: TensorError.self) { try Variable(x).broadcast(to: target) }
        }
    }

    @Test func incompatibleBatchedProductsThrow() throws {
        let stack = Tensor<Float>.zeros([2, 3, 4])
        #expect(throws: TensorError.invalidShape(operation: "batchedMatmul", expected: "stacks of matrices (rank 2 or more)", got: [4])) {
            try Tensor.batchedMatmul(stack, Tensor<Float>.zeros([4]))
        }
        #expect(throws: TensorError.incompatibleShapes(operation: "batchedMatmul (inner dimensions)", lhs: [2, 3, 4], rhs: [2, 3, 4])) {
            try Tensor.batchedMatmul(stack, stack)
        }
        #expect(throws: TensorError.incompatibleShapes(
            operation: "batchedMatmul (inner dimensions, a transposed, b transposed)", lhs: [2, 3, 4], rhs: [2, 3, 4])) {
            try Tensor.batchedMatmul(stack, stack, transposeA: true, transposeB: true)
        }
        #expect(throws: TensorError.incompatibleShapes(operation: "batchedMatmul (batch axes)", lhs: [2, 3, 4], rhs: [3, 4, 5])) {
            try Variable.batchedMatmul(Variable(stack), Variable(Tensor<Float>.zeros([3, 4, 5])))
        }
        #expect(try Tensor.batchedMatmul(stack, stack, transposeB: true).shape == [2, 3, 3])
    }
}

// MARK: Helpers

/// 0, 1, 2, … in row-major order.
private func counting<S: TensorScalar>(_: S.Type, _ shape: [Int]) -> Tensor<S> {
    Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { S($0) })
}

private func random<S: TensorScalar>(_: S.Type, _ shape: [Int], seed: UInt64) -> Tensor<S> {
    randomTensor(shape, seed: seed).converted()
}

/// Every index of `shape`, in row-major order.
private func allIndices(_ shape: [Int]) -> [[Int]] {
    shape.reduce([[]]) { prefixes, size in prefixes.flatMap { prefix in (0..<size).map { prefix + [$0] } } }
}

private func flatIndex(_ index: [Int], _ shape: [Int]) -> Int {
    zip(index, shape).reduce(0) { $0 * $1.1 + $1.0 }
}
