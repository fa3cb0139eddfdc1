import Axone
import Foundation

/// The inputs the network may see of a point (x₁, x₂), as in the TensorFlow Playground: the
/// coordinates, their squares and product, and their sines.
public enum InputFeature: String, CaseIterable, Sendable {
    case x1, x2
    case x1Squared = "x1sq", x2Squared = "x2sq"
    case x1TimesX2 = "x1x2"
    case sinX1 = "sinx1", sinX2 = "sinx2"

    /// The feature's name in the page and in the Swift snippet.
    var label: String {
        switch self {
        case .x1: "x₁"
        case .x2: "x₂"
        case .x1Squared: "x₁²"
        case .x2Squared: "x₂²"
        case .x1TimesX2: "x₁x₂"
        case .sinX1: "sin x₁"
        case .sinX2: "sin x₂"
        }
    }

    /// The feature's value at (x₁, x₂).
    func value(_ x1: Float, _ x2: Float) -> Float {
        switch self {
        case .x1: x1
        case .x2: x2
        case .x1Squared: x1 * x1
        case .x2Squared: x2 * x2
        case .x1TimesX2: x1 * x2
        case .sinX1: sin(x1)
        case .sinX2: sin(x2)
        }
    }

    /// The Swift expression of the feature of a point `p` (`[x₁, x₂]`), for the snippet.
    var swiftExpression: String {
        switch self {
        case .x1: "p[0]"
        case .x2: "p[1]"
        case .x1Squared: "p[0] * p[0]"
        case .x2Squared: "p[1] * p[1]"
        case .x1TimesX2: "p[0] * p[1]"
        case .sinX1: "sin(p[0])"
        case .sinX2: "sin(p[1])"
        }
    }

    /// The rows of `points` (`[n, 2]`) as the network's inputs `[n, features.count]`.
    static func inputs(_ points: Tensor<Float>, _ features: [InputFeature]) -> Tensor<Float> {
        let xy = points.scalars, n = points.shape[0]
        var scalars: [Float] = []
        scalars.reserveCapacity(n * features.count)
        for row in 0..<n {
            let (x1, x2) = (xy[2 * row], xy[2 * row + 1])
            for feature in features { scalars.append(feature.value(x1, x2)) }
        }
        return Tensor(shape: [n, features.count], scalars: scalars)
    }
}
