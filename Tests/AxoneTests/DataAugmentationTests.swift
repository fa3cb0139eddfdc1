import Testing
@testable import Axone

@Suite struct DataAugmentationTests {
    /// `count` 5×6 images with distinct values, so moves can be traced.
    private func images(count: Int) -> Tensor<Float> {
        Tensor(shape: [count, 30], scalars: (0..<(count * 30)).map { Float($0 % 30 + 1) })
    }

    @Test func aCertainFlipMirrorsEveryRow() throws {
        var batch = images(count: 2)
        var rng = SeededGenerator(seed: 1)
        try ImageAugmentation(rows: 5, columns: 6, flipProbability: 1).apply(to: &batch, using: &rng)
        for image in 0..<2 {
            for y in 0..<5 {
                for x in 0..<6 { #expect(batch[image, y * 6 + x] == Float(y * 6 + (5 - x) + 1)) }
            }
        }
    }

    @Test func shiftsMoveWholeImagesAndFillTheBorderWithZeros() throws {
        var batch = images(count: 200)
        var rng = SeededGenerator(seed: 2)
        try ImageAugmentation(rows: 5, columns: 6, maxShift: 2).apply(to: &batch, using: &rng)
        var shifts = Set<[Int]>()
        for image in 0..<200 {
            let pixels = Array(batch.scalars[(image * 30)..<((image + 1) * 30)])
            // The original pixel value v came from (y, x) = ((v−1) / 6, (v−1) % 6); every kept pixel
            // must have moved by the same (dy, dx), within ±2.
            let moves = Set(pixels.enumerated().filter { $0.element != 0 }.map { position, value in
                [position / 6 - (Int(value) - 1) / 6, position % 6 - (Int(value) - 1) % 6]
            })
            #expect(moves.count == 1)
            guard let move = moves.first else { continue }
            #expect(move.allSatisfy { abs($0) <= 2 })
            #expect(pixels.filter { $0 != 0 }.count == (5 - abs(move[0])) * (6 - abs(move[1])))
            shifts.insert(move)
        }
        #expect(shifts.count == 25, "every shift in -2...2 × -2...2 occurs in 200 draws")
    }

    @Test func noiseHasTheRequestedSpreadAndTheSameSeedRepeats() throws {
        let augmentation = try ImageAugmentation(rows: 5, columns: 6, maxShift: 1, flipProbability: 0.5,
                                                 noiseStandardDeviation: 0.1)
        var first = Tensor<Float>.zeros([100, 30]), second = first
        var rng1 = SeededGenerator(seed: 3), rng2 = SeededGenerator(seed: 3)
        try augmentation.apply(to: &first, using: &rng1)
        try augmentation.apply(to: &second, using: &rng2)
        #expect(first == second)
        let values = first.scalars.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        expectClose(mean, 0, absolute: 0.01)
        expectClose(std, 0.1, absolute: 0.005)
    }

    @Test func badArgumentsAndShapesAreErrors() throws {
        #expect(throws: DataError.invalidArgument(name: "flipProbability", expected: "in 0...1", received: "1.5")) {
            try ImageAugmentation(rows: 2, columns: 2, flipProbability: 1.5)
        }
        #expect(throws: DataError.invalidArgument(name: "maxShift", expected: "at least 0", received: "-1")) {
            try ImageAugmentation(rows: 2, columns: 2, maxShift: -1)
        }
        var wrong = Tensor<Float>.zeros([3, 5])
        var rng = SeededGenerator(seed: 0)
        #expect(throws: DataError.invalidShape(operation: "ImageAugmentation(2×2).apply",
                                               expected: "[batch, 4] or [batch, 2, 2, 1]", got: [3, 5])) {
            try ImageAugmentation(rows: 2, columns: 2).apply(to: &wrong, using: &rng)
        }
        let colour = try TensorDataset<Float>(features: .zeros([3, 2, 2, 3]), targets: .zeros([3]))
        #expect(throws: DataError.invalidShape(operation: "AugmentedImages", expected: "examples of [4] or [2, 2, 1]",
                                               got: [2, 2, 3])) {
            try AugmentedImages(colour, augmentation: ImageAugmentation(rows: 2, columns: 2), seed: 0)
        }
    }

    /// Served batches are the base's batches augmented with the wrapper's generator (a fresh
    /// variant each time); the base's images, the targets and channels-last shapes are kept.
    @Test func augmentedImagesServeNewVariantsOfUnchangedImages() throws {
        let flat = images(count: 4)
        let base = try TensorDataset(features: flat.reshaped([4, 5, 6, 1]),
                                     targets: Tensor(shape: [4], scalars: [0, 1, 2, 3]))
        let augmentation = try ImageAugmentation(rows: 5, columns: 6, maxShift: 1, flipProbability: 0.5)
        let augmented = try AugmentedImages(base, augmentation: augmentation, seed: 9)
        #expect(augmented.count == 4 && augmented.featureShape == [5, 6, 1] && augmented.targetShape == [])
        var rng = SeededGenerator(seed: 9)
        var expected = base.features.rows(at: [2, 0])
        try augmentation.apply(to: &expected, using: &rng)
        var features = Tensor<Float>.zeros([0]), targets = Tensor<Float>.zeros([0])
        augmented.batch([2, 0], features: &features, targets: &targets)
        #expect(features == expected && features.shape == [2, 5, 6, 1])
        #expect(targets.scalars == [2, 0])
        var next = base.features.rows(at: [2, 0])
        try augmentation.apply(to: &next, using: &rng)
        let again = augmented.batch([2, 0]).features
        #expect(again == next && again != features, "the second batch draws the generator's next moves")
        #expect(base.features == flat.reshaped([4, 5, 6, 1]), "the base's images are unchanged")
    }
}
