import ArgumentParser
import Axone

/// `axone demo`: trains a small MLP on two interleaved spirals generated in code.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train an MLP on 2-D spirals generated in code and report the accuracy.")

    @Option(help: "Training epochs.") var epochs = 200
    @Option(help: "Seed of the data, weights and shuffling.") var seed: UInt64 = 0

    func run() throws {
        BLAS.setThreadCount(1)
        let train = Synthetic2D.spirals.generate(count: 1000, noise: 0.02, seed: seed) as (points: Tensor<Float>, labels: Tensor<Float>)
        let test = Synthetic2D.spirals.generate(count: 500, noise: 0.02, seed: seed &+ 1) as (points: Tensor<Float>, labels: Tensor<Float>)
        let model = try Sequential<Float>(inputShape: [2], seed: seed) {
            Dense(64, activation: .tanh)
            Dense(64, activation: .tanh)
            Dense(2)
        }
        model.compile(optimizer: Adam(learningRate: 0.01), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        print(model.summary())
        print("Training on 1000 points of two interleaved spirals (test: 500 other points).")
        let every = max(epochs / 10, 1)
        let history = try model.fit(train.points, train.labels, epochs: epochs, batchSize: 50, verbose: .silent, seed: seed)
        for (epoch, loss) in zip(history.epochs, history["loss"]) where epoch % every == 0 || epoch == epochs - 1 {
            print("epoch \(epoch + 1): loss \(loss), accuracy \(history["accuracy"][epoch])")
        }
        let result = try model.evaluate(test.points, test.labels)
        print("test loss \(result["loss"]!), test accuracy \(result["accuracy"]! * 100) %")
    }
}
