import Axone

/// Line drawings for the convolutional tutorials, made in code: each class is a figure of straight
/// strokes (a bar, a diagonal, a cross, a square outline, …) drawn at a random size, place and
/// brightness on Gaussian noise, in small single-channel images.
enum SyntheticShape: CaseIterable {
    case horizontalBar, verticalBar, diagonal, antidiagonal, plus, cross, square, corner, tee, vee

    /// The strokes in a unit box, x to the right and y downwards: `(x₀, y₀, x₁, y₁)`.
    private var strokes: [(Double, Double, Double, Double)] {
        switch self {
        case .horizontalBar: [(0, 0.5, 1, 0.5)]
        case .verticalBar: [(0.5, 0, 0.5, 1)]
        case .diagonal: [(0, 0, 1, 1)]
        case .antidiagonal: [(0, 1, 1, 0)]
        case .plus: Self.horizontalBar.strokes + Self.verticalBar.strokes
        case .cross: Self.diagonal.strokes + Self.antidiagonal.strokes
        case .square: [(0, 0, 1, 0), (1, 0, 1, 1), (1, 1, 0, 1), (0, 1, 0, 0)]
        case .corner: [(0, 0, 0, 1), (0, 1, 1, 1)]
        case .tee: [(0, 0, 1, 0), (0.5, 0, 0.5, 1)]
        case .vee: [(0, 0, 0.5, 1), (0.5, 1, 1, 0)]
        }
    }

    /// The images' height and width in pixels.
    static let side = 12

    /// `count` images `[count, side, side, 1]` and their labels `[count]`: image `i` shows
    /// `shapes[i % shapes.count]` (so every class has its share), in a box of 45 to 80 % of the
    /// image's side at a random place, its strokes of a brightness between 0.6 and 1, with Gaussian
    /// noise of standard deviation 0.3 added to every pixel.
    static func images(of shapes: [SyntheticShape], count: Int, seed: UInt64) -> (x: Tensor<Float>, y: Tensor<Float>) {
        var rng = SeededGenerator(seed: seed)
        var pixels = [Float](repeating: 0, count: count * side * side), labels: [Float] = []
        for image in 0..<count {
            let label = image % shapes.count
            let box = Double(side) * (0.45 + 0.35 * rng.nextUnit())
            let left = (Double(side) - box) * rng.nextUnit(), top = (Double(side) - box) * rng.nextUnit()
            let brightness = Float(0.6 + 0.4 * rng.nextUnit())
            for (x0, y0, x1, y1) in shapes[label].strokes {
                let steps = Int(2 * box)
                for step in 0...steps {
                    let t = Double(step) / Double(steps)
                    let column = min(Int(left + (x0 + t * (x1 - x0)) * (box - 1) + 0.5), side - 1)
                    let row = min(Int(top + (y0 + t * (y1 - y0)) * (box - 1) + 0.5), side - 1)
                    pixels[(image * side + row) * side + column] = brightness
                }
            }
            for pixel in image * side * side..<(image + 1) * side * side { pixels[pixel] += Float(0.3 * rng.nextNormal()) }
            labels.append(Float(label))
        }
        return (Tensor(shape: [count, side, side, 1], scalars: pixels), Tensor(shape: [count], scalars: labels))
    }
}
