import Foundation

/// What one layer's outputs (and the gradient of the loss with respect to them) looked like.
public struct LayerStatistics: Sendable {
    /// The layer's parameter-path prefix, `layers.<index>`.
    public var name: String
    /// The layer's type (`Dense`, `Activation`, …).
    public var typeName: String
    /// The activation the layer ends with, if it is a `Dense` or an `Activation` layer.
    public var activation: Activation?
    /// Statistics of the layer's outputs over the batch.
    public var output: ValueStatistics
    /// For tanh the fraction of outputs with |a| > 0.99, for sigmoid those below 0.01 or above 0.99.
    public var saturatedFraction: Double?
    /// For ReLU the fraction of outputs exactly 0.
    public var deadFraction: Double?
    /// Statistics of ∂loss/∂output, when measured with targets.
    public var outputGradient: ValueStatistics?
}

/// A parameter's values and, when measured with targets, its gradient.
public struct ParameterStatistics: Sendable {
    /// The dotted name (`layers.0.weight`).
    public var name: String
    /// Statistics of the parameter's elements.
    public var value: ValueStatistics
    /// Statistics of the gradient of the loss with respect to the parameter, when measured with targets.
    public var gradient: ValueStatistics?
}

/// Per-layer activation statistics and per-parameter gradient statistics of a ``Sequential`` on
/// one batch — what the seeds' initialisation experiment prints ("hidden layer 1 had mean … and
/// std …") and plots, for vanishing/exploding activations, saturation and dead units.
///
/// ```swift
/// let stats = try NetworkStatistics.measure(model, input: xBatch, targets: yBatch)
/// print(stats)                                   // a table, one row per layer and per parameter
/// let svg = stats.histogramsSVG(.activations)    // one small histogram per layer
/// ```
public struct NetworkStatistics: Sendable, CustomStringConvertible {
    /// Which values ``histogramsSVG(_:title:cellWidth:cellHeight:)`` plots.
    public enum HistogramSource: Sendable { case activations, activationGradients, parameterGradients }

    /// Statistics of the batch fed to the model.
    public var input: ValueStatistics
    /// One entry per layer of the model, in order.
    public var layers: [LayerStatistics]
    /// One entry per parameter (trainable or not), in `namedParameters()` order.
    public var parameters: [ParameterStatistics]
    /// The loss on the batch, when measured with targets.
    public var loss: Double?

    /// Runs `input` through `model` layer by layer and measures each layer's output; with
    /// `targets`, also runs the backward pass of `loss` (default: the compiled loss) and measures
    /// every parameter's gradient and the gradient reaching each layer's output; gradients already
    /// accumulated in the parameters are discarded (all are cleared afterwards). The model's mode is
    /// restored.
    ///
    /// - Parameters:
    ///   - model: a built model.
    ///   - input: a batch of examples, `[batch, features…]` matching the model's input shape.
    ///   - targets: the batch's targets; when given, gradients are measured too.
    ///   - loss: the loss whose gradients are measured (the compiled loss when `nil`).
    ///   - training: run in training mode (dropout active, batch statistics) rather than inference.
    ///   - bins: histogram bins; tanh outputs are binned over [−1, 1], sigmoid over [0, 1],
    ///     everything else over its own range.
    /// - Throws: ``TrainingError`` when the model is not built, the input does not fit, or targets
    ///   are given to an uncompiled model without `loss`; `TensorError` when targets do not fit the loss.
    public static func measure<Scalar: TensorScalar>(
        _ model: Sequential<Scalar>, input: Tensor<Scalar>, targets: Tensor<Scalar>? = nil,
        loss: Loss? = nil, training: Bool = false, bins: Int = 30
    ) throws -> NetworkStatistics {
        guard let inputShape = model.inputShape else { throw TrainingError.notBuilt }
        guard input.rank >= 1, Array(input.shape.dropFirst()) == inputShape else {
            throw TrainingError.dataShape(expected: inputShape, got: input.shape, what: "inputs")
        }
        let objective = targets == nil ? nil : loss ?? model.configuration?.loss
        if targets != nil && objective == nil { throw TrainingError.notCompiled }

        let taps = GradientTaps<Scalar>(count: model.layers.count)
        let (outputs, lossValue) = try model.withMode(training: training) {
            () throws -> ([Tensor<Scalar>], Double?) in
            guard let targets, let objective else {
                return (withoutGradients { forwardLayerByLayer(model, input: input, taps: nil) }.0, nil)
            }
            let (outputs, prediction) = forwardLayerByLayer(model, input: input, taps: taps)
            try objective.validate(predictionShape: prediction.shape, targetShape: targets.shape)
            let value = objective(prediction, targets)
            model.zeroGradients()
            try value.backward()
            return (outputs, Double(value.value.scalar))
        }

        let layers = try zip(model.layers, outputs).enumerated().map { i, pair in
            let (layer, output) = (pair.0, ValueStatistics.doubles(pair.1))
            let activation = (layer as? Dense<Scalar>)?.activation ?? (layer as? ActivationLayer<Scalar>)?.activation
            return LayerStatistics(
                name: "layers.\(i)", typeName: layer.typeName, activation: activation,
                output: try ValueStatistics(output, bins: bins, histogramRange: activation.flatMap(naturalRange)),
                saturatedFraction: activation.flatMap { saturation(of: $0, output) },
                deadFraction: activation == .relu ? ValueStatistics.fraction(of: output) { $0 == 0 } : nil,
                outputGradient: try taps.gradients[i].map { try ValueStatistics($0, bins: bins) })
        }
        let parameters = try model.namedParameters().map { name, p in
            ParameterStatistics(name: name, value: try ValueStatistics(p.value, bins: bins),
                                gradient: try p.gradient.map { try ValueStatistics($0, bins: bins) })
        }
        if targets != nil { model.zeroGradients() }
        return NetworkStatistics(input: try ValueStatistics(input, bins: bins), layers: layers, parameters: parameters,
                                 loss: lossValue)
    }

    /// The forward pass, keeping every layer's output; with `taps`, each output is passed on through
    /// an identity node whose pullback records the gradient arriving at it.
    private static func forwardLayerByLayer<Scalar: TensorScalar>(
        _ model: Sequential<Scalar>, input: Tensor<Scalar>, taps: GradientTaps<Scalar>?
    ) -> ([Tensor<Scalar>], Variable<Scalar>) {
        var x = Variable(input)
        var outputs: [Tensor<Scalar>] = []
        for (i, layer) in model.layers.enumerated() {
            let y = layer(x)
            outputs.append(y.value)
            x = taps.map { taps in Variable(y.value, inputs: [y]) { g in taps.gradients[i] = g; return [g] } } ?? y
        }
        return (outputs, x)
    }

    /// The range an activation's outputs lie in, if bounded.
    private static func naturalRange(_ activation: Activation) -> ClosedRange<Double>? {
        switch activation {
        case .tanh: -1...1
        case .sigmoid, .softmax, .step: 0...1
        default: nil
        }
    }

    /// The fraction of saturated outputs for tanh and sigmoid.
    private static func saturation(of activation: Activation, _ output: [Double]) -> Double? {
        switch activation {
        case .tanh: ValueStatistics.fraction(of: output) { Swift.abs($0) > 0.99 }
        case .sigmoid: ValueStatistics.fraction(of: output) { $0 < 0.01 || $0 > 0.99 }
        default: nil
        }
    }

    /// A table in the seeds' spirit: one row per layer (mean, std, saturated/dead fraction, gradient
    /// std), then one row per parameter.
    public var description: String {
        func number(_ x: Double?) -> String { x.map { String(format: "%11.4g", $0) } ?? String(repeating: " ", count: 11) }
        func percent(_ x: Double?) -> String { x.map { String(format: "%7.1f %%", 100 * $0) } ?? String(repeating: " ", count: 9) }
        func padded(_ s: String, _ width: Int) -> String { s.padding(toLength: Swift.max(width, s.count), withPad: " ", startingAt: 0) }
        var lines = [padded("layer", 22) + "       mean        std  saturated       dead   grad std",
                     padded("input", 22) + number(input.mean) + number(input.standardDeviation)]
        for layer in layers {
            let kind = layer.typeName + (layer.activation.map { "(\($0))" } ?? "")
            lines.append(padded("\(layer.name) \(kind)", 22) + number(layer.output.mean) + number(layer.output.standardDeviation)
                         + "  " + percent(layer.saturatedFraction) + "  " + percent(layer.deadFraction)
                         + number(layer.outputGradient?.standardDeviation))
        }
        lines.append(padded("parameter", 22) + "       mean        std  grad mean   grad std")
        for p in parameters {
            lines.append(padded(p.name, 22) + number(p.value.mean) + number(p.value.standardDeviation)
                         + number(p.gradient?.mean) + number(p.gradient?.standardDeviation))
        }
        if let loss { lines.append("loss \(String(format: "%.6g", loss))") }
        return lines.joined(separator: "\n")
    }

    /// One small histogram per layer (or per parameter gradient) side by side, like the seeds' figures.
    /// Entries without the requested values (no gradients measured) are left out.
    public func histogramsSVG(_ source: HistogramSource = .activations, title: String? = nil,
                              cellWidth: Double = 190, cellHeight: Double = 160) -> String {
        let charts: [HistogramChart]
        switch source {
        case .activations:
            charts = layers.enumerated().map { i, layer in
                HistogramChart(title: "layer \(i + 1) · std \(String(format: "%.3g", layer.output.standardDeviation))",
                               yLabel: "", histogram: layer.output.histogram, color: SVGPlot.color(0))
            }
        case .activationGradients:
            charts = layers.enumerated().compactMap { i, layer in
                layer.outputGradient.map {
                    HistogramChart(title: "∂L/∂a\(i + 1) · std \(String(format: "%.2g", $0.standardDeviation))",
                                   yLabel: "", histogram: $0.histogram, color: SVGPlot.color(3))
                }
            }
        case .parameterGradients:
            charts = parameters.compactMap { p in
                p.gradient.map { HistogramChart(title: "∂L/∂\(p.name)", yLabel: "", histogram: $0.histogram, color: SVGPlot.color(2)) }
            }
        }
        let defaultTitle = switch source {
        case .activations: "Layer outputs"
        case .activationGradients: "Gradients of the loss with respect to each layer's outputs"
        case .parameterGradients: "Parameter gradients"
        }
        return SVGPlot.grid(charts, columns: Swift.min(charts.count, 10), cellWidth: cellWidth, cellHeight: cellHeight,
                            title: title ?? defaultTitle)
    }
}

/// Where the gradient-recording identity nodes of ``NetworkStatistics`` store what they see.
private final class GradientTaps<Scalar: TensorScalar>: @unchecked Sendable {
    var gradients: [Tensor<Scalar>?]
    init(count: Int) { gradients = Array(repeating: nil, count: count) }
}
