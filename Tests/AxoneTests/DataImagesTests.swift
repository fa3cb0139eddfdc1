import Foundation
import Testing
@testable import Axone

@Suite struct DataImagesTests {
    /// 5 images of 2×3 pixels, image i filled with 50·i, labelled i % 3.
    private func smallSet() throws -> LabeledImages {
        try LabeledImages(rows: 2, columns: 3, pixels: (0..<5).flatMap { [UInt8](repeating: UInt8(50 * $0), count: 6) },
                          labels: (0..<5).map { $0 % 3 }, classCount: 3)
    }

    @Test func batchesAreGatheredAndScaledIntoAReusedBuffer() throws {
        let data = try smallSet()
        var x = Tensor<Float>.zeros([0, 6])
        data.batch(indices: [4, 1][...], into: &x)
        #expect(x.shape == [2, 6])
        #expect(x.scalars == [Float](repeating: 200 / 255, count: 6) + [Float](repeating: 50 / 255, count: 6))
        let storage = x.withUnsafeBufferPointer { $0.baseAddress }
        data.batch(indices: [0, 2][...], into: &x)
        #expect(x.withUnsafeBufferPointer { $0.baseAddress } == storage, "a full batch reuses the buffer")
        #expect(x.scalars[0] == 0 && x.scalars[6] == 100 / 255)
        data.batch(indices: [3][...], into: &x)   // the last, partial batch of an epoch
        #expect(x.shape == [1, 6] && x.scalars.allSatisfy { $0 == 150 / 255 })
        #expect(data.labels(at: [4, 1, 3][...]) == [1, 1, 0])
        #expect(data.allImages().shape == [5, 6] && data.allImages().scalars.max() == 200 / 255)
    }

    @Test func prefetchingLeavesTheBatchAsItIsAndIgnoresIndicesOutOfRange() throws {
        let data = try smallSet()
        var before = Tensor<Float>.zeros([0, 6]), after = Tensor<Float>.zeros([0, 6])
        data.batch(indices: [3, 0, 4][...], into: &before)
        data.prefetch([3, 0, 4][...])
        data.prefetch([2, -1, 5][...])   // a hint about rows that do not exist reads nothing
        data.prefetch([][...])
        data.batch(indices: [3, 0, 4][...], into: &after)
        #expect(after.scalars == before.scalars && after.scalars.count == 18)
        #expect(after.scalars.prefix(6) == ArraySlice([Float](repeating: 150 / 255, count: 6)))
    }

    @Test func batchesOfManyRowsAreGatheredInPartsAndEmptyOnesLeftEmpty() throws {
        // 129 rows, repeated and in any order: in two parts (64 and 65 rows, side by side when the pool
        // has two threads, one after the other otherwise), and in as many as the pool has threads.
        let data = try smallSet()
        let indices = (0..<129).map { ($0 * 7 + $0 / 5) % 5 }
        let expected = indices.flatMap { [Float](repeating: Float(50 * $0) / 255, count: 6) }
        for parts in [2, nil] {
            var x = Tensor<Float>.zeros([0, 6])
            data.gather(indices[...], into: &x, channelsLast: false, parts: parts)
            #expect(x.shape == [129, 6] && x.scalars == expected, "parts \(parts.map(String.init) ?? "default")")
        }
        var x = Tensor<Float>.zeros([0, 6])
        data.batch(indices: [][...], into: &x)
        #expect(x.shape == [0, 6])
    }

    @Test func subsetsAndClassSelectionsKeepPixelsWithTheirLabels() throws {
        let data = try smallSet()
        let subset = data.subset([3, 0])
        #expect(subset.count == 2 && subset.labels == [0, 0] && subset.pixels.first == 150)
        // Keep classes 2 and 0 (in that order): images 2 (label 2 → 0), 0 and 3 (label 0 → 1).
        let pair = try data.relabelled(keeping: [2, 0])
        #expect(pair.classCount == 2 && pair.labels == [1, 0, 1])
        #expect(pair.pixels == [UInt8](repeating: 0, count: 6) + [UInt8](repeating: 100, count: 6)
            + [UInt8](repeating: 150, count: 6))
        #expect(throws: DataError.invalidArgument(name: "classes", expected: "distinct labels in 0..<3", received: "[1, 1]")) {
            try data.relabelled(keeping: [1, 1])
        }
    }

    @Test func imageAndLabelFilesMustAgree() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        let images = directory + "/images.gz", labels = directory + "/labels.gz", extra = directory + "/extra.gz"
        try sampleImages(count: 3).write(toPath: images)
        try IDXFile(dimensions: [3], bytes: [0, 9, 2]).write(toPath: labels)
        try IDXFile(dimensions: [4], bytes: [0, 1, 2, 3]).write(toPath: extra)
        let data = try LabeledImages(imagesPath: images, labelsPath: labels, classCount: 10)
        #expect(data.count == 3 && data.rows == 4 && data.columns == 5 && data.labels == [0, 9, 2])
        #expect(throws: DataError.labelOutOfRange(label: 9, classCount: 5, index: 1)) {
            try LabeledImages(imagesPath: images, labelsPath: labels, classCount: 5)
        }
        let mismatch = DataError.countMismatch(images: 3, labels: 4, imagesPath: images, labelsPath: extra)
        #expect(throws: mismatch) { try LabeledImages(imagesPath: images, labelsPath: extra, classCount: 10) }
        #expect(mismatch.description.hasSuffix("pair the image and label files of the same split"))
    }

    @Test func aMissingDataSetSaysWhichPackageToInstall() throws {
        let empty = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(empty) }
        let error = DataError.datasetNotInstalled(name: "Fashion-MNIST", directory: empty, package: "dataset-fashion-mnist")
        #expect(throws: error) { try FashionMNIST.load(directory: empty, split: .train) }
        #expect(error.description.contains("apt-get install dataset-fashion-mnist"))
        // A damaged file is not reported as a missing package.
        try writeRawFile([1, 2, 3], toPath: empty + "/t10k-images-idx3-ubyte.gz")
        try writeRawFile([1, 2, 3], toPath: empty + "/t10k-labels-idx1-ubyte.gz")
        guard case .invalidGzip? = dataError({ () throws(DataError) in try FashionMNIST.load(directory: empty, split: .test) })
        else { Issue.record("expected invalidGzip"); return }
    }

    /// The installed Fashion-MNIST test split (Debian `dataset-fashion-mnist`): 10,000 images of 28×28,
    /// 1,000 per class. Where the package is missing, loading must say how to install it.
    @Test func fashionMNISTTestSplitHas1000ImagesPerClass() throws {
        #expect(FashionMNIST.classNames.count == 10 && FashionMNIST.classNames[9] == "Ankle boot")
        guard FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory) else {
            let error = dataError { () throws(DataError) in try FashionMNIST.load(split: .test) }
            #expect(error?.description.contains("apt-get install dataset-fashion-mnist") == true)
            return
        }
        let test = try FashionMNIST.load(split: .test)
        #expect(test.count == 10_000 && test.rows == 28 && test.columns == 28 && test.classCount == 10)
        #expect(test.pixels.count == 10_000 * 784)
        var perClass = [Int](repeating: 0, count: 10)
        for label in test.labels { perClass[label] += 1 }
        #expect(perClass == [Int](repeating: 1000, count: 10))
        #expect(test.pixels.contains(255) && test.pixels.contains(0))
    }
}
