import RealModule

/// Two-dimensional toy classification problems generated in code (seed 003's XOR, and the
/// classic moons, circles, spirals and Gaussian blobs), for demos, the playground and tests.
public enum Synthetic2D: String, Sendable, CaseIterable {
    /// The problems: `xor` (the four corners (±1, ±1), class 1 where the signs differ), `moons` (two
    /// interleaved half circles), `circles` (radius 1 around radius 0.5), `spirals` (interleaved arms,
    /// one per class) and `blobs` (one cluster per class on the unit circle).
    case xor, moons, circles, spirals, blobs

    /// `count` points `[count, 2]` with class labels `[count]` (two classes, or `classes` for
    /// spirals and blobs), with Gaussian noise of standard deviation `noise`.
    public func generate<Scalar: TensorScalar>(count: Int, noise: Double = 0.1, classes: Int = 2,
                                               seed: UInt64 = 0) -> (points: Tensor<Scalar>, labels: Tensor<Scalar>) {
        var rng = SeededGenerator(seed: seed)
        var points: [Scalar] = [], labels: [Scalar] = []
        points.reserveCapacity(2 * count)
        for i in 0..<count {
            let label: Int, x: Double, y: Double
            switch self {
            case .xor:
                let a = rng.nextUnit() < 0.5, b = rng.nextUnit() < 0.5
                label = a != b ? 1 : 0
                (x, y) = (a ? 1 : -1, b ? 1 : -1)
            case .moons:
                label = i % 2
                let t = Double.pi * rng.nextUnit()
                (x, y) = label == 0 ? (Double.cos(t), Double.sin(t)) : (1 - Double.cos(t), 0.5 - Double.sin(t))
            case .circles:
                label = i % 2
                let t = 2 * Double.pi * rng.nextUnit(), r = label == 0 ? 1.0 : 0.5
                (x, y) = (r * Double.cos(t), r * Double.sin(t))
            case .spirals:
                label = i % classes
                // Radii start at 0.15: nearer the centre the arms touch and no classifier can separate them.
                let r = 0.15 + 0.85 * rng.nextUnit()
                let t = 4 * r + 2 * Double.pi * Double(label) / Double(classes)
                (x, y) = (r * Double.cos(t), r * Double.sin(t))
            case .blobs:
                label = i % classes
                let angle = 2 * Double.pi * Double(label) / Double(classes)
                (x, y) = (Double.cos(angle), Double.sin(angle))
            }
            points += [Scalar(x + noise * rng.nextNormal()), Scalar(y + noise * rng.nextNormal())]
            labels.append(Scalar(label))
        }
        return (Tensor(shape: [count, 2], scalars: points), Tensor(shape: [count], scalars: labels))
    }
}
