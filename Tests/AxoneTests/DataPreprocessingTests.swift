import Testing
@testable import Axone

@Suite struct DataPreprocessingTests {
    /// Column means and population standard deviations of a `[rows, features]` matrix.
    private func columnStatistics(_ x: Tensor<Double>) -> (mean: [Double], std: [Double]) {
        let n = Double(x.shape[0])
        let mean = x.sum(alongAxes: [0]).scalars.map { $0 / n }
        let std = (0..<x.shape[1]).map { j in
            ((0..<x.shape[0]).map { (x[$0, j] - mean[j]) * (x[$0, j] - mean[j]) }.reduce(0, +) / n).squareRoot()
        }
        return (mean, std)
    }

    @Test func standardizerFittedOnTrainingDataReusesItsStatisticsOnTestData() throws {
        var train = randomTensor([200, 3], seed: 3, scale: 4)
        train = train + Tensor(shape: [3], scalars: [10, -5, 0])
        let test = randomTensor([50, 3], seed: 4)
        let scaler = try Standardizer(fittedOn: train)
        let scaled = try scaler.transform(train)
        let (mean, std) = columnStatistics(scaled)
        for j in 0..<3 {
            expectClose(mean[j], 0, absolute: 1e-12)
            expectClose(std[j], 1, absolute: 1e-12)
        }
        let trainStatistics = columnStatistics(train)
        #expect(zip(scaler.mean, trainStatistics.mean).allSatisfy { abs($0 - $1) < 1e-12 })
        let testScaled = try scaler.transform(test)
        expectClose(testScaled[7, 1], (test[7, 1] - trainStatistics.mean[1]) / trainStatistics.std[1], absolute: 1e-12)
        expectClose(try scaler.inverseTransform(testScaled), test, relative: 1e-12)
    }

    @Test func constantFeaturesDoNotDivideByZero() throws {
        let x = Tensor<Float>([[1, 5], [3, 5], [5, 5]])
        let standardizer = try Standardizer(fittedOn: x)
        #expect(standardizer.standardDeviation[1] == 0)
        #expect(try standardizer.transform(x).scalars.allSatisfy(\.isFinite))
        #expect(try standardizer.transform(Tensor([[3, 5]])) == Tensor([[0, 0]]))
        let minMax = try MinMaxScaler(fittedOn: x)
        #expect(try minMax.transform(x) == Tensor([[0, 0], [0.5, 0], [1, 0]]))
    }

    @Test func minMaxScalerMapsTheTrainingRangeOntoTheTargetRange() throws {
        let train = Tensor<Double>([[0, -2], [10, 2], [5, 0]])
        let scaler = try MinMaxScaler(fittedOn: train, range: -1...1)
        #expect(scaler.minimum == [0, -2] && scaler.maximum == [10, 2])
        #expect(try scaler.transform(train) == Tensor([[-1, -1], [1, 1], [0, 0]]))
        // Test values outside the training range are not clipped.
        #expect(try scaler.transform(Tensor([[20, 4]])) == Tensor([[3, 2]]))
        #expect(try scaler.inverseTransform(Tensor([[0, 1]])) == Tensor([[5, 2]]))
    }

    @Test func scalersRejectBadShapes() throws {
        let scaler = try Standardizer(fittedOn: Tensor<Float>([[1, 2], [3, 4]]))
        #expect(throws: DataError.invalidShape(operation: "Standardizer<Float>.transform",
                                               expected: "a last axis of 2 features", got: [2, 3])) {
            try scaler.transform(Tensor<Float>.zeros([2, 3]))
        }
        #expect(throws: DataError.emptyData(source: "the matrix given to MinMaxScaler")) {
            try MinMaxScaler(fittedOn: Tensor<Float>.zeros([0, 2]))
        }
        #expect(throws: DataError.invalidShape(operation: "Standardizer fitting", expected: "a [rows, features] matrix",
                                               got: [4])) {
            try Standardizer(fittedOn: Tensor<Float>.zeros([4]))
        }
    }

    @Test func oneHotMatchesKerasToCategoricalAndChecksTheRange() throws {
        #expect(try Tensor<Float>.oneHot([2, 0, 1], classCount: 3) == Tensor([[0, 0, 1], [1, 0, 0], [0, 1, 0]]))
        let error = DataError.labelOutOfRange(label: 10, classCount: 10, index: 2)
        #expect(throws: error) { try Tensor<Float>.oneHot([0, 9, 10], classCount: 10) }
        #expect(error.description == "label 10 of example 2 is outside 0..<10; pass the right class count or fix the labels")
        #expect(throws: DataError.labelOutOfRange(label: -1, classCount: 3, index: 0)) {
            try Tensor<Double>.oneHot([-1], classCount: 3)
        }
        #expect(throws: DataError.invalidArgument(name: "classCount", expected: "at least 1", received: "0")) {
            try Tensor<Double>.oneHot([], classCount: 0)
        }
    }
}
