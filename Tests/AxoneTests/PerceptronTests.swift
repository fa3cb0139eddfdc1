import Testing
@testable import Axone

@Suite struct PerceptronTests {
    let corners: [[Double]] = [[0, 0], [0, 1], [1, 0], [1, 1]]

    /// Seeds 000/001: the perceptron rule converges on linearly separable functions.
    @Test(arguments: [("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1])])
    func learnsLinearlySeparableFunctions(name: String, labels: [Int]) throws {
        var perceptron = try Perceptron(inputs: 2)
        let mistakes = perceptron.train(points: corners, labels: labels, epochs: 50)
        #expect(mistakes.last == 0)
        #expect(perceptron.accuracy(points: corners, labels: labels) == 1)
    }

    /// Hand trace for AND with η = 1 from zero weights, examples in order:
    /// epoch 1: (0,0) predicts 1 (score 0 ≥ 0) → w=(0,0), b=−1; (1,1) predicts 0 → w=(1,1), b=0; …
    @Test func firstUpdatesFollowTheRule() throws {
        var perceptron = try Perceptron(inputs: 2)
        perceptron.train(points: [[0, 0]], labels: [0], epochs: 1)
        #expect(perceptron.weights == [0, 0] && perceptron.bias == -1)
        perceptron.train(points: [[1, 1]], labels: [1], epochs: 1)
        #expect(perceptron.weights == [1, 1] && perceptron.bias == 0)
    }

    /// Seed 003:484: XOR is not linearly separable — at most 3 of 4 points can be right, and the
    /// rule never stops making mistakes.
    @Test func cannotLearnXOR() throws {
        var perceptron = try Perceptron(inputs: 2)
        let labels = [0, 1, 1, 0]
        let mistakes = perceptron.train(points: corners, labels: labels, epochs: 100)
        #expect(mistakes.count == 100 && mistakes.allSatisfy { $0 > 0 })
        #expect(perceptron.accuracy(points: corners, labels: labels) <= 0.75)
    }

    @Test func noInputsIsAnError() {
        #expect(throws: TensorError.self) { try Perceptron(inputs: 0) }
    }
}
