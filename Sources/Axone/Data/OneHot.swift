extension Tensor {
    /// One row per label with a 1 in the label's column: Keras's `to_categorical(y, classCount)`.
    ///
    /// ```swift
    /// let y = try Tensor<Float>.oneHot([2, 0], classCount: 3)   // [[0, 0, 1], [1, 0, 0]], shape [2, 3]
    /// ```
    /// - Throws: ``DataError/labelOutOfRange(label:classCount:index:)`` for a label outside `0..<classCount`.
    public static func oneHot(_ labels: [Int], classCount: Int) throws(DataError) -> Tensor {
        try validateLabels(labels, classCount: classCount)
        var encoded = Tensor.zeros([labels.count, classCount])
        encoded.withUnsafeMutableBufferPointer { out in
            for (row, label) in labels.enumerated() { out[row * classCount + label] = 1 }
        }
        return encoded
    }
}

/// Checks that `classCount` is positive and every label lies in `0..<classCount`.
func validateLabels(_ labels: [Int], classCount: Int) throws(DataError) {
    guard classCount > 0 else {
        throw .invalidArgument(name: "classCount", expected: "at least 1", received: "\(classCount)")
    }
    if let index = labels.firstIndex(where: { !(0..<classCount).contains($0) }) {
        throw .labelOutOfRange(label: labels[index], classCount: classCount, index: index)
    }
}
