import Testing
@testable import Axone

/// Compiled inference's row blocks: their size follows the model's largest activation, and a
/// prediction keeps its bits whatever the batch size and the thread count, and the tape's maths.
@Suite struct InferenceBlockTests {
    /// The rows per block of `model`'s inference executor (made in inference mode, as `predict` makes it).
    func blockRows<Scalar>(_ model: Model<Scalar>) -> Int? {
        ForwardMode.$override.withValue(.inference) { model.executor(training: false)?.inferenceBlockRows }
    }

    /// The rule (the largest power of two up to 256 rows whose largest value fits in 2 MiB) on the
    /// networks the README measures, the bytes counted by hand: the Fashion-MNIST MLP's largest
    /// value is its input, 784 floats (3,136 B) a row, so 256 rows; the 2-conv network's first
    /// convolution writes 26·26·32 floats (86,528 B) an image, of which 2 MiB hold 24, so 16; in
    /// Double the same network takes twice the bytes, so 8.
    @Test func blocksFollowTheLargestActivation() throws {
        let mlp = try Sequential<Float>(inputShape: [784], seed: 0) {
            Dense(256, activation: .relu)
            Dense(128, activation: .relu)
            Dense(10)
        }
        let cnn = try FashionMNISTNetwork.twoConv.model(seed: 0)
        #expect(blockRows(mlp) == 256)
        #expect(blockRows(cnn) == 16)
        #expect(blockRows(try cnn.converted(to: Double.self)) == 8)
        #expect(CompiledModel<Float>.inferenceBlockRows(largestValueBytesPerRow: 86_528) == 16)
        #expect(CompiledModel<Float>.inferenceBlockRows(largestValueBytesPerRow: 3_136) == 256)
        // A value larger than the budget on its own (VGG16's first block, 224·224·64 floats): one row.
        #expect(CompiledModel<Float>.inferenceBlockRows(largestValueBytesPerRow: 12_845_056) == 1)
    }

    /// A network whose blocks hold 8 rows (a 26×26×32 Double activation, 173 KB a row): the
    /// compiled predictions match the tape's (Double, relative 1e-12 of the largest output: both
    /// sum each convolution tap and product in their own order), and are the same bits for every
    /// batch size (tails of 2 rows included) and thread count.
    @Test func smallBlocksPredictTheTapesValuesWhateverTheBatch() throws {
        let model = try Sequential<Double>(inputShape: [28, 28, 1], seed: 3) {
            Conv2D(filters: 32, kernelSize: 3, activation: .relu)
            MaxPooling2D(poolSize: 2)
            Flatten()
            Dense(10)
        }
        #expect(blockRows(model) == 8)
        let x = randomTensor([50, 28, 28, 1], seed: 4)
        let whole = try model.predict(x, batchSize: 50)
        model.usesCompiledPasses = false
        let taped = try model.predict(x, batchSize: 50)
        model.usesCompiledPasses = true
        let scale = taped.scalars.map(abs).max()!
        #expect(zip(whole.scalars, taped.scalars).allSatisfy { abs($0 - $1) <= 1e-12 * scale })
        for size in [1, 7, 8, 20, 64] { #expect(try model.predict(x, batchSize: size) == whole, "batch \(size)") }
        defer { Parallelism.setThreadCount(2) }
        for threads in [1, 3] {
            Parallelism.setThreadCount(threads)
            #expect(try model.predict(x) == whole, "\(threads) threads")
        }
    }
}
