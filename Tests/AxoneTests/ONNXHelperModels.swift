import Foundation
@testable import Axone

/// Small models written with `onnx.helper`, the way exporters other than Axone's write them
/// (PyTorch's initializer names `fc1.weight`, `Gemm` with `transB`, `MatMul` + `Add`, NCHW
/// convolutions with BatchNormalization, a residual `Add`, the `Shape` → `Gather` → `Unsqueeze`
/// → `Concat` → `Reshape` flatten of `x.view(x.size(0), -1)`), with onnxruntime's outputs on a
/// random input. Weights and inputs come from NumPy's generator seeded with 0.
enum ONNXHelperModel: String, CaseIterable, CustomStringConvertible {
    /// `Gemm(transB) → Relu → MatMul + Add → Relu → Gemm → LogSoftmax` on `[batch, 12]`.
    case mlp
    /// LeNet-style: `Conv(pads 1) → BatchNormalization → Relu → MaxPool → Conv(stride 2) → Relu →
    /// AveragePool → Shape/Gather/Concat/Reshape flatten → Gemm → Softmax` on `[batch, 1, 12, 12]`.
    case cnn
    /// A residual block: `Conv(same) → BatchNormalization → Relu → Conv → Add(input) → Relu →
    /// GlobalAveragePool → Flatten → Gemm` on `[batch, 4, 6, 6]`.
    case residual

    var description: String { rawValue }

    /// The model file, an input batch of 5 and onnxruntime's output, made once and cached beside
    /// the oracle venv (`~/.cache/axone/onnx-helper-<model>-<hash of the script>`).
    func files() throws -> (path: String, input: Tensor<Float>, output: Tensor<Float>) {
        let key = Self.script.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        let directory = (PythonOracle.venvPath as NSString).deletingLastPathComponent + "/onnx-helper-\(rawValue)-\(String(key, radix: 16))"
        let shapesFile = directory + "/shapes.txt"
        if !FileManager.default.fileExists(atPath: shapesFile) {
            let staging = "\(directory).tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
            defer { try? FileManager.default.removeItem(atPath: staging) }
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
            let printed = try PythonOracle.run(Self.script, arguments: [rawValue, staging, "5"],
                                               importing: "onnx, onnxruntime, numpy", packages: ["onnx", "onnxruntime", "numpy"])
            try printed.write(toFile: staging + "/shapes.txt", atomically: true, encoding: .utf8)
            if !FileManager.default.fileExists(atPath: shapesFile) { try FileManager.default.moveItem(atPath: staging, toPath: directory) }
        }
        let shapes = try String(contentsOfFile: shapesFile, encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ").map { Int($0)! } }
        func read(_ file: String, _ shape: [Int]) throws -> Tensor<Float> {
            Tensor(shape: shape, scalars: LittleEndianFloats.decode(try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + file)))))
        }
        return (directory + "/\(rawValue).onnx", try read("\(rawValue).in", shapes[0]), try read("\(rawValue).out", shapes[1]))
    }

    /// argv: model kind, folder, batch; writes `<kind>.onnx`, `<kind>.in`, `<kind>.out`, prints the two shapes.
    private static let script = """
        import sys
        import numpy as np, onnx, onnxruntime as ort
        from onnx import helper, numpy_helper, TensorProto
        kind, root, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
        rng = np.random.default_rng(0)
        inits = []
        def w(name, *shape, scale=0.5, positive=False):
            v = rng.standard_normal(shape).astype(np.float32) * scale
            inits.append(numpy_helper.from_array(np.abs(v) + 0.5 if positive else v, name))
            return name
        def i64(name, values):
            inits.append(numpy_helper.from_array(np.array(values, dtype=np.int64), name)); return name
        def bn(name, x, c, out):
            return helper.make_node("BatchNormalization", [x, w(name + ".weight", c), w(name + ".bias", c),
                                    w(name + ".running_mean", c), w(name + ".running_var", c, positive=True)], [out],
                                    name=name, epsilon=1e-5)
        N = helper.make_node
        if kind == "mlp":
            shape = [batch, 12]
            nodes = [N("Gemm", ["x", w("fc1.weight", 16, 12), w("fc1.bias", 16)], ["h1"], name="fc1", transB=1),
                     N("Relu", ["h1"], ["a1"], name="relu1"),
                     N("MatMul", ["a1", w("fc2.weight", 16, 10)], ["m2"], name="fc2"),
                     N("Add", ["m2", w("fc2.bias", 10)], ["h2"], name="fc2_add"),
                     N("Relu", ["h2"], ["a2"], name="relu2"),
                     N("Gemm", ["a2", w("head.weight", 3, 10), w("head.bias", 3)], ["logits"], name="head", transB=1),
                     N("LogSoftmax", ["logits"], ["y"], name="log_softmax", axis=-1)]
        elif kind == "cnn":
            shape = [batch, 1, 12, 12]
            nodes = [N("Conv", ["x", w("conv1.weight", 4, 1, 3, 3), w("conv1.bias", 4)], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
                     bn("bn1", "c1", 4, "b1"),
                     N("Relu", ["b1"], ["r1"], name="relu1"),
                     N("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
                     N("Conv", ["p1", w("conv2.weight", 6, 4, 3, 3), w("conv2.bias", 6)], ["c2"], name="conv2", strides=[2, 2], pads=[1, 1, 0, 0]),
                     N("Relu", ["c2"], ["r2"], name="relu2"),
                     N("AveragePool", ["r2"], ["p2"], name="pool2", kernel_shape=[2, 2], strides=[1, 1]),
                     N("Shape", ["p2"], ["s"], name="shape"),
                     N("Gather", ["s", i64("zero", 0)], ["n"], name="gather", axis=0),
                     N("Unsqueeze", ["n", i64("axes0", [0])], ["n1"], name="unsqueeze"),
                     N("Concat", ["n1", i64("minus_one", [-1])], ["target"], name="concat", axis=0),
                     N("Reshape", ["p2", "target"], ["flat"], name="flatten"),
                     N("Gemm", ["flat", w("fc.weight", 5, 24), w("fc.bias", 5)], ["logits"], name="fc", transB=1),
                     N("Softmax", ["logits"], ["y"], name="softmax", axis=1)]
        else:
            shape = [batch, 4, 6, 6]
            nodes = [N("Conv", ["x", w("block.conv1.weight", 4, 4, 3, 3)], ["c1"], name="block.conv1", auto_pad="SAME_UPPER"),
                     bn("block.bn1", "c1", 4, "b1"),
                     N("Relu", ["b1"], ["r1"], name="block.relu1"),
                     N("Conv", ["r1", w("block.conv2.weight", 4, 4, 3, 3), w("block.conv2.bias", 4)], ["c2"], name="block.conv2", pads=[1, 1, 1, 1]),
                     N("Add", ["c2", "x"], ["sum"], name="block.add"),
                     N("Relu", ["sum"], ["r2"], name="block.relu2"),
                     N("GlobalAveragePool", ["r2"], ["g"], name="pool"),
                     N("Flatten", ["g"], ["f"], name="flatten"),
                     N("Gemm", ["f", w("fc.weight", 3, 4), w("fc.bias", 3)], ["y"], name="fc", transB=1)]
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch"] + shape[1:])
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", None])
        graph = helper.make_graph(nodes, kind, [x], [y], inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="onnx.helper")
        model.ir_version = 8
        onnx.checker.check_model(model, full_check=True)
        path = f"{root}/{kind}.onnx"
        onnx.save(model, path)
        data = rng.standard_normal(shape).astype(np.float32)
        options = ort.SessionOptions(); options.intra_op_num_threads = 1
        out = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"]).run(None, {"x": data})[0]
        np.ascontiguousarray(data, dtype="<f4").tofile(f"{root}/{kind}.in")
        np.ascontiguousarray(out, dtype="<f4").tofile(f"{root}/{kind}.out")
        print(" ".join(map(str, data.shape))); print(" ".join(map(str, out.shape)))
        """
}
