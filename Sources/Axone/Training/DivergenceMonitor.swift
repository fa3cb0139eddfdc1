import Foundation

/// A sign that training is diverging, reported once per `fit` through ``Model/divergenceHandler``:
/// a batch loss that is NaN or infinite, or more than 10 times the
/// first epoch's loss.
public struct DivergenceWarning: Sendable, Equatable, CustomStringConvertible {
    /// The 0-based epoch and step (batch) whose loss diverged.
    public let epoch: Int, step: Int
    /// That batch's loss.
    public let loss: Double
    /// The loss it is compared with (the first epoch's; the first batch's during the first epoch).
    public let reference: Double?
    /// For a NaN or infinite loss, the first layer whose output on the batch is not finite
    /// (`layers.<i> (<name>)` in a ``Sequential`` model), if one is.
    public let nonFiniteLayer: String?

    /// `training diverged at epoch 3, step 5: loss nan; first non-finite output: layers.0 (Dense)`.
    public var description: String {
        var text = "training diverged at epoch \(epoch + 1), step \(step + 1): loss \(loss)"
        if loss.isFinite, let reference {
            text += ", more than \(DivergenceMonitor.growthLimit)× the first epoch's \(reference)"
        }
        if !loss.isFinite {
            text += nonFiniteLayer.map { "; first non-finite output: \($0)" } ?? "; every layer's output is finite"
        }
        return text + "; lower the learning rate"
    }

    /// The default handler: prints `warning: …` to standard error.
    public static func printToStandardError(_ warning: DivergenceWarning) {
        FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
    }
}

/// Watches the batch losses of one `fit` and reports the first that looks divergent.
struct DivergenceMonitor {
    /// How many times the first epoch's loss a batch loss may reach before it counts as divergent.
    static let growthLimit = 10.0
    /// Whether losses are compared with the first epoch's: only when the run starts at epoch 0 (a
    /// resumed run, or one fitted an epoch at a time, does not know the first epoch's loss, and a
    /// late epoch's small losses may well vary tenfold).
    let checksGrowth: Bool
    private var firstBatchLoss: Double?
    private var firstEpochLoss: Double?
    private var warned = false

    init(checksGrowth: Bool) { self.checksGrowth = checksGrowth }

    /// The warning for a batch `loss` at `epoch`, `step`, unless one was given already;
    /// `nonFiniteLayer` is only called for a NaN or infinite loss.
    mutating func check(loss: Double, epoch: Int, step: Int, nonFiniteLayer: () -> String?) -> DivergenceWarning? {
        if firstBatchLoss == nil { firstBatchLoss = loss }
        let reference = firstEpochLoss ?? firstBatchLoss!
        let diverged = !loss.isFinite || (checksGrowth && reference.isFinite && reference > 0 && loss > Self.growthLimit * reference)
        guard diverged, !warned else { return nil }
        warned = true
        return DivergenceWarning(epoch: epoch, step: step, loss: loss, reference: reference.isFinite ? reference : nil,
                                 nonFiniteLayer: loss.isFinite ? nil : nonFiniteLayer())
    }

    /// Records an epoch's mean loss; the first becomes the reference.
    mutating func epochDidEnd(loss: Double) {
        if firstEpochLoss == nil { firstEpochLoss = loss }
    }
}

extension Model {
    /// The first layer whose output on `inputs` has a NaN or infinite value, from a forward pass
    /// in inference mode without gradients (so no dropout mask or random state is used up):
    /// `layers.<i> (<name>)` in a ``Sequential`` model, the layer's name in a graph model, the
    /// model's own name otherwise; nil when every output is finite.
    func firstNonFiniteLayer(_ inputs: [Tensor<Scalar>]) -> String? {
        func finite(_ v: Variable<Scalar>) -> Bool { v.value.scalars.allSatisfy(\.isFinite) }
        return withMode(training: false) {
            withoutGradients {
                if let graph {
                    var culprit: String?
                    _ = graph.run(inputs.map { Variable($0) }) { node, outputs in
                        if outputs.allSatisfy(finite) { return true }
                        culprit = graph.name(of: node.layer)
                        return false
                    }
                    return culprit
                }
                guard let layers = chainLayers else {
                    return forward(inputs.map { Variable($0) }).allSatisfy(finite) ? nil : displayName
                }
                var output = Variable(inputs[0])
                for (i, layer) in layers.enumerated() {
                    output = layer(output)
                    if !finite(output) { return "layers.\(i) (\(layer.displayName))" }
                }
                return nil
            }
        }
    }
}
