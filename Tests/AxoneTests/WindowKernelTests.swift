import Testing
@testable import Axone

/// The specialised im2col, col2im and pooling loops (Ops/WindowKernels.swift) against per-tap
/// loops written out again, in Float and to the bit: the fast loops move runs of elements and
/// skip the taps outside the image, but must add and compare in the same order.
@Suite struct WindowKernelTests {
    /// One window geometry over 7×6 images with `channels` channels.
    struct WindowCase: CustomStringConvertible, Sendable {
        let window: Window2D, channels: Int
        var description: String {
            "k\(window.kernelHeight)x\(window.kernelWidth) s\(window.strideY) pad \(window.padTop),\(window.padLeft) "
                + "d\(window.dilationY) c\(channels)"
        }
    }

    /// 1 or 3 channels; 3×2 or 2×2 windows; stride 1 or 2; valid or same; dilation 1 or 2.
    static let windows: [WindowCase] = [1, 3].flatMap { channels in
        [(3, 2), (2, 2)].flatMap { kernel in
            [(1, 1), (2, 1)].flatMap { strides in
                Padding2D.allCases.flatMap { padding in
                    [(1, 1), (2, 2)].map { dilation in
                        WindowCase(window: try! Window2D(input: (7, 6), kernel: kernel, strides: strides, dilation: dilation,
                                                         padding: padding, operation: "test"), channels: channels)
                    }
                }
            }
        }
    }

    private static let images = 3

    /// Distinct values with ties every 7 elements (so max pooling meets equal maxima).
    private static func values(_ count: Int) -> [Float] {
        (0..<count).map { i in
            let tie = i % 7 == 0 ? 0 : 1
            return Float((i * 37) % 101 + tie) / 8
        }
    }

    /// The image element of tap `(ky, kx)` of output pixel `(oy, ox)` of image `image`, or `nil` in the padding.
    private static func tap(_ w: Window2D, _ image: Int, _ oy: Int, _ ox: Int, _ ky: Int, _ kx: Int) -> Int? {
        let (y, x) = (oy * w.strideY - w.padTop + ky * w.dilationY, ox * w.strideX - w.padLeft + kx * w.dilationX)
        guard y >= 0, y < w.inputHeight, x >= 0, x < w.inputWidth else { return nil }
        return (image * w.inputHeight + y) * w.inputWidth + x
    }

    /// Calls `body(outputPixel, ky, kx)` for every tap in order.
    private static func forEachTap(_ w: Window2D, _ body: (Int, Int, Int, Int?) -> Void) {
        var outputPixel = 0
        for image in 0..<images { for oy in 0..<w.outputHeight { for ox in 0..<w.outputWidth {
            for ky in 0..<w.kernelHeight { for kx in 0..<w.kernelWidth { body(outputPixel, ky, kx, tap(w, image, oy, ox, ky, kx)) } }
            outputPixel += 1
        } } }
    }

    @Test(arguments: windows) func im2colAndCol2imMatchPerTapLoops(_ test: WindowCase) {
        let (window, c) = (test.window, test.channels)
        let x = Self.values(Self.images * window.inputHeight * window.inputWidth * c)
        let rowCount = Self.images * window.outputHeight * window.outputWidth, width = window.kernelHeight * window.kernelWidth * c
        var expectedRows: [Float] = [], expectedImage = [Float](repeating: 0, count: x.count)
        let upstream = Self.values(rowCount * width).map { $0 - 3 }
        Self.forEachTap(window) { _, _, _, pixel in
            for ch in 0..<c {
                if let pixel { expectedImage[pixel * c + ch] += upstream[expectedRows.count] }
                expectedRows.append(pixel.map { x[$0 * c + ch] } ?? 0)
            }
        }
        var rows = [Float](repeating: .nan, count: rowCount * width), image = [Float](repeating: 0, count: x.count)
        im2col(window, images: Self.images, channels: c, from: x, into: &rows)
        col2im(window, images: Self.images, channels: c, from: upstream, into: &image)
        #expect(rows == expectedRows)
        #expect(image == expectedImage)
    }

    @Test(arguments: windows.filter { $0.window.dilationX == 1 && $0.window.dilationY == 1 }, PoolingMode.allCases)
    func poolingAndItsPullbackMatchPerTapLoops(_ test: WindowCase, mode: PoolingMode) {
        let (window, c) = (test.window, test.channels)
        let x = Self.values(Self.images * window.inputHeight * window.inputWidth * c)
        let outputCount = Self.images * window.outputHeight * window.outputWidth * c
        let upstream = Self.values(outputCount).map { $0 + 1 }
        // Forward: each output element from its taps inside the image, in row-major order.
        var taps = [[Int]](repeating: [], count: outputCount / c)
        Self.forEachTap(window) { outputPixel, _, _, pixel in if let pixel { taps[outputPixel].append(pixel) } }
        var expected: [Float] = [], expectedGradient = [Float](repeating: 0, count: x.count)
        for (outputPixel, pixels) in taps.enumerated() {
            for ch in 0..<c {
                let covered = pixels.map { x[$0 * c + ch] }, g = upstream[outputPixel * c + ch]
                switch mode {
                case .max:
                    expected.append(covered.dropFirst().reduce(covered[0]) { $1 > $0 ? $1 : $0 })
                    let first = pixels[covered.firstIndex(of: expected.last!)!]
                    expectedGradient[first * c + ch] += g
                case .average:
                    expected.append(covered.dropFirst().reduce(covered[0], +) / Float(covered.count))
                }
            }
        }
        // The average pullback adds output pixel by output pixel, tap by tap, each tap's channels in a row.
        if mode == .average {
            for (outputPixel, pixels) in taps.enumerated() {
                for pixel in pixels { for ch in 0..<c { expectedGradient[pixel * c + ch] += upstream[outputPixel * c + ch] / Float(pixels.count) } }
            }
        }
        var output = [Float](repeating: .nan, count: outputCount), gradient = [Float](repeating: 0, count: x.count)
        pool(mode, window, images: Self.images, channels: c, from: x, into: &output)
        switch mode {
        case .max:
            var maxima = [Float](repeating: 0, count: c)
            maxPoolPullback(window, images: Self.images, channels: c, input: x, upstream: upstream, into: &gradient, maxima: &maxima)
        case .average:
            averagePoolPullback(window, images: Self.images, channels: c, upstream: upstream, into: &gradient)
        }
        #expect(output == expected)
        #expect(gradient == expectedGradient)
    }
}
