import Foundation
import Testing
@testable import Axone

/// Files cross between Axone and the reference Python `safetensors` package in both directions
/// (through ``PythonOracle``, which sets up the venv on first use).
@Suite(.serialized) struct SafeTensorsInteropTests {
    /// Loads a file with `safetensors.numpy.load_file` and prints, as JSON, its metadata (from
    /// `safe_open(...).metadata()`) and each tensor's numpy dtype, shape and raw bytes in hex.
    static let describeScript = """
        import json, sys
        from safetensors import safe_open
        from safetensors.numpy import load_file
        tensors = load_file(sys.argv[1])
        with safe_open(sys.argv[1], framework="np") as f:
            metadata = f.metadata()
        print(json.dumps({"metadata": metadata, "tensors": {
            name: {"dtype": str(a.dtype), "shape": list(a.shape), "hex": a.tobytes().hex()}
            for name, a in tensors.items()}}))
        """

    /// Writes `sys.argv[1]` with `safetensors.numpy.save_file` and `sys.argv[2]` (BF16, which numpy
    /// lacks) with `safetensors.serialize_file` from raw bytes.
    static let writeScript = """
        import sys
        import numpy as np
        from safetensors import serialize_file
        from safetensors.numpy import save_file
        save_file({
            "f32": np.array([[0.1, -2.5, 3e38], [1e-45, -0.0, np.inf]], dtype=np.float32),
            "f64": np.array([0.1, -1e-300, 2.0**60, -0.0], dtype=np.float64),
            "f16": np.array([1.0, -0.5, 65504.0, 2.0**-24, -np.inf], dtype=np.float16),
            "i64": np.array([-(2**62), 7, 2**53], dtype=np.int64),
            "i32": np.array([[-(2**31), 2**31 - 1]], dtype=np.int32),
            "i16": np.array([-32768, 5], dtype=np.int16),
            "i8": np.array([-128, 127], dtype=np.int8),
            "u8": np.array([[0, 255], [128, 1]], dtype=np.uint8),
            "bool": np.array([True, False, True]),
            "scalar": np.array(3.25, dtype=np.float32),
            "empty": np.zeros((0, 4), dtype=np.float32),
        }, sys.argv[1], metadata={"format": "np", "note": "ünïcode ☃"})
        values = np.array([1.0, -2.0, 0.15625, 65536.0, -np.inf], dtype=np.float32)
        words = (values.view(np.uint32) >> 16).astype(np.uint16)
        try:  # safetensors >= 0.7 describes raw tensors with TensorSpec, older versions with a dict
            from safetensors import TensorSpec
            spec = TensorSpec(dtype="bfloat16", shape=[5], data_ptr=words.ctypes.data, data_len=words.nbytes)
        except ImportError:
            spec = {"dtype": "bfloat16", "shape": [5], "data": words.tobytes()}
        serialize_file({"bf16": spec}, sys.argv[2], metadata=None)
        """

    @Test func referenceLoaderReadsAxoneFiles() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        let metadata = ["axone.layout": "in,out", "quote\"and\\": "☃\n"]
        let floats: [(name: String, tensor: Tensor<Float>)] = [
            ("layers.0.weight", Tensor(shape: [2, 3], scalars: [1.5, -0.0, .infinity, Float(bitPattern: 0x7FC0_0001),
                                                                .leastNormalMagnitude / 4, 3])),
            ("scalar", Tensor(-7.25)),
            ("empty", Tensor(shape: [0, 5], scalars: [])),
        ]
        let doubles: [(name: String, tensor: Tensor<Double>)] = [
            ("w", Tensor(shape: [3, 1], scalars: [0.1, -.greatestFiniteMagnitude, .leastNonzeroMagnitude])),
            ("b", Tensor(2)),
        ]
        try SafeTensors.write(floats, metadata: metadata, to: directory + "/f32.safetensors")
        try SafeTensors.write(doubles, metadata: metadata, to: directory + "/f64.safetensors")

        let f32 = floats.map { ($0.name, $0.tensor.shape, bitPatterns($0.tensor).flatMap(littleEndianBytes)) }
        let f64 = doubles.map { ($0.name, $0.tensor.shape, bitPatterns($0.tensor).flatMap(littleEndianBytes)) }
        let expectations: [(file: String, dtype: String, tensors: [(String, [Int], [UInt8])])] = [
            ("f32", "float32", f32), ("f64", "float64", f64),
        ]
        for expected in expectations {
            let path = directory + "/\(expected.file).safetensors"
            let output = try PythonOracle.run(Self.describeScript, arguments: [path], importing: "safetensors, safetensors.numpy, numpy", packages: ["safetensors", "numpy"])
            let json = try JSONSerialization.jsonObject(with: Data(output.utf8))
            let loaded = try #require(json as? [String: Any], "\(output)")
            #expect(loaded["metadata"] as? [String: String] == metadata)
            let tensors = try #require(loaded["tensors"] as? [String: [String: Any]])
            #expect(Set(tensors.keys) == Set(expected.tensors.map(\.0)))
            for (name, shape, bytes) in expected.tensors {
                let tensor = try #require(tensors[name], "\(name)")
                #expect(tensor["dtype"] as? String == expected.dtype, "\(name)")
                #expect(tensor["shape"] as? [Int] == shape, "\(name)")
                #expect(tensor["hex"] as? String == bytes.map { String(format: "%02x", $0) }.joined(), "\(name)")
            }
        }
    }

    /// The values of the script's "f32" tensor, before numpy rounds them to float32.
    static let float32Values: [Double] = [0.1, -2.5, 3e38, 1e-45, -0.0, .infinity]

    @Test func axoneReadsReferenceWriterFiles() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        let path = directory + "/numpy.safetensors", bf16Path = directory + "/bf16.safetensors"
        _ = try PythonOracle.run(Self.writeScript, arguments: [path, bf16Path], importing: "safetensors, safetensors.numpy, numpy", packages: ["safetensors", "numpy"])

        let file = try SafeTensors(contentsOf: path)
        #expect(file.metadata == ["format": "np", "note": "ünïcode ☃"])
        // numpy converts Python floats (doubles) to float32, as `Float(Double)` does.
        let expected: [String: (SafeTensors.DType, [Int], [Double])] = [
            "f32": (.float32, [2, 3], Self.float32Values.map { Double(Float($0)) }),
            "f64": (.float64, [4], [0.1, -1e-300, 0x1p60, -0.0]),
            "f16": (.float16, [5], [1, -0.5, 65504, 0x1p-24, -.infinity]),
            "i64": (.int64, [3], [-0x1p62, 7, 0x1p53]),
            "i32": (.int32, [1, 2], [-0x1p31, 0x1p31 - 1]),
            "i16": (.int16, [2], [-32768, 5]),
            "i8": (.int8, [2], [-128, 127]),
            "u8": (.uint8, [2, 2], [0, 255, 128, 1]),
            "bool": (.bool, [3], [1, 0, 1]),
            "scalar": (.float32, [], [3.25]),
            "empty": (.float32, [0, 4], []),
        ]
        #expect(Set(file.names) == Set(expected.keys))
        for (name, (dtype, shape, values)) in expected {
            #expect(file.entry(named: name)?.dtype == dtype, "\(name)")
            let tensor = try file.tensor(named: name, as: Double.self)
            #expect(tensor.shape == shape, "\(name)")
            #expect(bitPatterns(tensor) == values.map(\.bitPattern), "\(name): \(tensor.scalars) vs \(values)")
        }
        let floats = try file.tensor(named: "f32", as: Float.self)
        #expect(bitPatterns(floats) == Self.float32Values.map { Float($0).bitPattern })

        let bf16 = try SafeTensors(contentsOf: bf16Path)
        #expect(bf16.entry(named: "bf16")
            == SafeTensors.Entry(name: "bf16", dtype: .bfloat16, shape: [5], byteRange: 0..<10))
        #expect(try bf16.tensor(named: "bf16", as: Float.self).scalars == [1, -2, 0.15625, 65536, -.infinity])
        #expect(bf16.metadata.isEmpty)
    }
}
