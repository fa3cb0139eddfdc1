extension Loss {
    /// `targets` as ``LossPrimitive`` reads them, shaped like predictions of `predictionShape`
    /// (batch axis first): class indices or one-hot rows become the (label-smoothed) target
    /// distribution for the categorical losses, the multiclass hinges and the multiclass perceptron;
    /// the binary hinge and the one-output perceptron read signs (0/1 targets become −1/+1 when
    /// every target of the batch is 0 or 1, as Keras' `convert_binary_labels_to_hinge`); the other
    /// losses read the targets as they are.
    ///
    /// The whole batch is prepared at once, so a sign mapping is decided over all its targets.
    public func preparedTargets<Scalar: TensorScalar>(_ targets: Tensor<Scalar>, predictionShape: [Int]) -> Tensor<Scalar> {
        Tensor(shape: predictionShape) { prepareTargets(targets, rows: predictionShape.first ?? 0, into: $0) }
    }

    /// ``preparedTargets(_:predictionShape:)`` for `rows` examples written into `prepared` (as many
    /// elements as their predictions).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func prepareTargets<Scalar: TensorScalar>(_ targets: Tensor<Scalar>, rows: Int, into prepared: UnsafeMutableBufferPointer<Scalar>) {
        let width = rows == 0 ? 0 : prepared.count / rows
        switch self {
        case .categoricalCrossEntropy(_, let smoothing):
            Loss.writeTargetDistribution(targets, classes: width, smoothing: Scalar(smoothing), into: prepared)
        case .categoricalHinge, .multiclassHinge,
             .perceptron where width > 1:
            Loss.writeTargetDistribution(targets, classes: width, smoothing: 0, into: prepared)
        case .hinge, .perceptron:
            precondition(targets.count == prepared.count, "loss \(self): one target per prediction expected")
            targets.withUnsafeBufferPointer { t in
                let binary = t.allSatisfy { $0 == 0 || $0 == 1 }
                for i in t.indices { prepared[i] = binary ? t[i] * 2 - 1 : t[i] }
            }
        case .meanSquaredError, .meanAbsoluteError, .binaryCrossEntropy, .custom:
            precondition(targets.count == prepared.count, "loss \(self): one target per prediction expected")
            targets.withUnsafeBufferPointer { _ = prepared.update(fromContentsOf: $0) }
        }
    }

    /// Class indices `[n]` become one-hot rows (smoothed by ε: `(1 − ε)·y + ε/classes`); `[n, classes]`
    /// targets are smoothed as they are. Writes `n × classes` values into `distribution`.
    private static func writeTargetDistribution<Scalar: TensorScalar>(_ targets: Tensor<Scalar>, classes: Int, smoothing: Scalar,
                                                                      into distribution: UnsafeMutableBufferPointer<Scalar>) {
        precondition(distribution.count == targets.shape[0] * classes, "loss: target distribution of the wrong size")
        let off = smoothing / Scalar(classes), on = 1 - smoothing + off
        targets.withUnsafeBufferPointer { t in
            if targets.rank == 1 {
                Scalar.fill(off, into: distribution)
                for i in 0..<t.count {
                    let label = t[i], k = label.truncatedInt
                    precondition(Scalar(k) == label && k >= 0 && k < classes, "loss: label \(label) is not a class index in 0..<\(classes)")
                    distribution[i * classes + k] = on
                }
            } else {
                for i in 0..<t.count { distribution[i] = t[i] * (1 - smoothing) + off }
            }
        }
    }
}
