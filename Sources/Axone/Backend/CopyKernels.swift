extension TensorScalar {
    public static func copy(_ x: UnsafePointer<Self>, strides xStrides: [Int],
                            into y: UnsafeMutablePointer<Self>, strides yStrides: [Int], shape: [Int]) {
        precondition(xStrides.count == shape.count && yStrides.count == shape.count,
                     "copy kernel: \(xStrides.count) and \(yStrides.count) strides for shape \(shape)")
        guard !shape.contains(0) else { return }
        // Drop axes of size 1 and merge each axis into the next one when both sides step over it
        // as one run (a slice of whole rows, a pad of the first axis), so the innermost run is as
        // long as the layouts allow.
        var axes: [(size: Int, x: Int, y: Int)] = []
        for axis in shape.indices where shape[axis] != 1 {
            let (size, sx, sy) = (shape[axis], xStrides[axis], yStrides[axis])
            if let outer = axes.last, outer.x == sx * size, outer.y == sy * size {
                axes[axes.count - 1] = (outer.size * size, sx, sy)
            } else {
                axes.append((size, sx, sy))
            }
        }
        guard let inner = axes.popLast() else { y[0] = x[0]; return }
        // Walk the outer indices with an odometer; the innermost axis is one run of constant strides.
        var index = [Int](repeating: 0, count: axes.count)
        var offsetX = 0, offsetY = 0
        while true {
            let (source, destination) = (x + offsetX, y + offsetY)
            if inner.x == 1 && inner.y == 1 {
                destination.update(from: source, count: inner.size)
            } else {
                for i in 0..<inner.size { destination[i * inner.y] = source[i * inner.x] }
            }
            var axis = axes.count - 1
            while axis >= 0 {
                index[axis] += 1
                offsetX += axes[axis].x
                offsetY += axes[axis].y
                if index[axis] < axes[axis].size { break }
                offsetX -= axes[axis].x * axes[axis].size
                offsetY -= axes[axis].y * axes[axis].size
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }
}
