import Axone
import Foundation

/// The data sets the page offers: the two-class ``Synthetic2D`` sets, two regression sets as in
/// the TensorFlow Playground, and the reader's own points (clicked on the plot).
public enum PlaygroundDataset: String, CaseIterable, Sendable {
    case xor, moons, circles, spirals, blobs
    /// Regression: the value is `(x + y) / 2` over the square [−1, 1]².
    case plane
    /// Regression: a mixture of Gaussian bumps, some positive and some negative, over [−1, 1]².
    case gaussian
    /// Two classes, the points of ``PlaygroundSettings/ownPoints``.
    case own

    /// Whether the targets are numbers (a regression) rather than the classes 0 and 1.
    public var isRegression: Bool { self == .plane || self == .gaussian }

    /// The data set's name in the page's menu.
    var label: String {
        switch self {
        case .xor: "XOR"
        case .moons: "Two moons"
        case .circles: "Circles"
        case .spirals: "Spirals"
        case .blobs: "Gaussian blobs"
        case .plane: "Plane (regression)"
        case .gaussian: "Gaussian mixture (regression)"
        case .own: "Your own points"
        }
    }

    /// The points `[n, 2]` and their targets `[n]` (a class, or a value in [−1, 1] for a
    /// regression) that `settings` describe, in the order the training/test split takes them.
    func generate(_ settings: PlaygroundSettings) -> (points: Tensor<Float>, targets: Tensor<Float>) {
        switch self {
        case .xor, .moons, .circles, .spirals, .blobs:
            // The Synthetic2D cases share their raw values with this enum's first five.
            let (points, labels): (Tensor<Float>, Tensor<Float>) = Synthetic2D(rawValue: rawValue)!.generate(
                count: settings.points, noise: settings.noise, seed: settings.seed)
            return (points, labels)
        case .plane, .gaussian:
            var rng = SeededGenerator(seed: settings.seed)
            var points: [Float] = [], targets: [Float] = []
            for _ in 0..<settings.points {
                let x = 2 * rng.nextUnit() - 1, y = 2 * rng.nextUnit() - 1
                let value = self == .plane ? (x + y) / 2 : Self.bumps(x, y)
                points += [Float(x), Float(y)]
                targets.append(Float(Swift.min(Swift.max(value + settings.noise * rng.nextNormal(), -1), 1)))
            }
            return (Tensor(shape: [settings.points, 2], scalars: points), Tensor(shape: [settings.points], scalars: targets))
        case .own:
            let points = settings.ownPoints
            return (Tensor(shape: [points.count, 2], scalars: points.flatMap { [Float($0[0]), Float($0[1])] }),
                    Tensor(shape: [points.count], scalars: points.map { Float($0[2]) }))
        }
    }

    /// The Gaussian mixture's centres and signs, and the bumps' width.
    private static let centres: [(x: Double, y: Double, sign: Double)] = [
        (-0.6, 0.6, 1), (0.6, 0.6, -1), (-0.6, -0.6, -1), (0.6, -0.6, 1), (0, 0, 1), (0, 0.9, -1),
    ]
    private static let width = 0.3

    private static func bumps(_ x: Double, _ y: Double) -> Double {
        centres.reduce(0) { sum, c in
            sum + c.sign * exp(-((x - c.x) * (x - c.x) + (y - c.y) * (y - c.y)) / (2 * width * width))
        }
    }
}
