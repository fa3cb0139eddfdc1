import Foundation
import Testing
@testable import Axone

@Suite struct SafeTensorsRoundTripTests {
    static let metadata = [
        "axone.layout": "in,out", "quote\"back\\slash": "line\nbreak\u{01}", "ünï": "☃ 😀", "": "",
    ]

    @Test func float32RoundTripsBitIdenticallyWithMetadata() throws {
        let special: [Float] = [.nan, -.nan, Float(bitPattern: 0x7FC0_1234), -0.0, .infinity, -.infinity,
                                .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1.0 / 3.0, -42]
        let tensors: [(name: String, tensor: Tensor<Float>)] = [
            ("layers.0.weight", Tensor(shape: [2, 5], scalars: special)),
            ("empty", Tensor(shape: [0, 3], scalars: [])),
            ("scalar", Tensor(Float.pi)),
        ]
        let file = try SafeTensors(bytes: SafeTensors.serialize(tensors, metadata: Self.metadata))
        #expect(file.names == ["layers.0.weight", "empty", "scalar"])
        #expect(file.metadata == Self.metadata)
        for (name, tensor) in tensors {
            let read = try file.tensor(named: name, as: Float.self)
            #expect(read.shape == tensor.shape)
            #expect(bitPatterns(read) == bitPatterns(tensor), "\(name)")
            #expect(file.entry(named: name)?.dtype == .float32)
        }
    }

    @Test func float64RoundTripsBitIdenticallyWithMetadata() throws {
        let special: [Double] = [.nan, Double(bitPattern: 0x7FF8_0000_DEAD_BEEF), -0.0, .infinity, -.infinity,
                                 .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1, -1e-300, 7]
        let tensors: [(name: String, tensor: Tensor<Double>)] = [
            ("w", Tensor(shape: [5, 2], scalars: special)),
            ("scalar", Tensor(-2.5)),
            ("empty", Tensor(shape: [4, 0], scalars: [])),
        ]
        let file = try SafeTensors(bytes: SafeTensors.serialize(tensors, metadata: Self.metadata))
        #expect(file.names == ["w", "scalar", "empty"])
        #expect(file.metadata == Self.metadata)
        for (name, tensor) in tensors {
            let read = try file.tensor(named: name, as: Double.self)
            #expect(read.shape == tensor.shape)
            #expect(bitPatterns(read) == bitPatterns(tensor), "\(name)")
            #expect(file.entry(named: name)?.dtype == .float64)
        }
    }

    @Test func headerIsDeterministicAlignedAndInTheGivenOrder() throws {
        let tensors: [(name: String, tensor: Tensor<Float>)] = [
            ("b", Tensor(shape: [2], scalars: [1, 2])), ("a", Tensor(3)),
        ]
        let bytes = try SafeTensors.serialize(tensors, metadata: ["z": "1", "y": "2"])
        #expect(try SafeTensors.serialize(tensors, metadata: ["y": "2", "z": "1"]) == bytes)
        let json = #"{"__metadata__":{"y":"2","z":"1"},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""a":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}"#
        let padding = (8 - json.utf8.count % 8) % 8
        #expect(bytes == safeTensorsFile(header: json, buffer: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40],
                                         padding: padding))
        #expect((bytes.count - 12) % 8 == 0, "the buffer starts at a multiple of 8")
        let file = try SafeTensors(bytes: bytes)
        #expect(file.names == ["b", "a"])
        #expect(file.entries.map(\.byteRange) == [0..<8, 8..<12])
        let nothing = [(name: String, tensor: Tensor<Double>)]()
        #expect(try SafeTensors.serialize(nothing) == safeTensorsFile(header: "{}", padding: 6))
    }

    @Test func storedTypesConvertToFloatAndDouble() throws {
        let file = try SafeTensors(bytes: mixedDTypeFile())
        #expect(file.metadata == ["source": "hand-built"])
        #expect(file.entry(named: "mask")
            == SafeTensors.Entry(name: "mask", dtype: .bool, shape: [2, 2], byteRange: 55..<59))
        let expected: [String: [Double]] = [
            "half": [1, -2, 65504, 0x1p-24, -0.0, .infinity], "brain": [1, -3], "long": [-5, 0x1p53],
            "int": [-7], "short": [-300], "byte": [-128], "ulong": [0x1p63], "uint": [4e9], "ushort": [65535],
            "ubyte": [0, 255], "mask": [0, 1, 1, 0],
        ]
        for (name, values) in expected {
            #expect(try file.tensor(named: name, as: Double.self).scalars == values, "\(name)")
            #expect(try file.tensor(named: name, as: Float.self).scalars == values.map(Float.init), "\(name)")
        }
        #expect(bitPatterns(try file.tensor(named: "half", as: Float.self))[4] == 0x8000_0000, "-0 keeps its sign")
        // A file written as F32 reads as Double and the reverse, rounding to nearest.
        let doubles = try SafeTensors.serialize([("x", Tensor<Double>(shape: [2], scalars: [0.1, 3]))])
        let written = try SafeTensors(bytes: doubles)
        #expect(try written.tensor(named: "x", as: Float.self).scalars == [Float(0.1), 3])
    }

    #if !(os(macOS) && arch(x86_64))
    @Test func halfPrecisionDecodingMatchesFloat16ForEveryBitPattern() {
        let mismatches = (UInt16.min...UInt16.max).filter { bits in
            let ours = SafeTensors.DType.float(fromHalf: bits)
            let reference = Float(Float16(bitPattern: bits))
            return reference.isNaN ? !(ours.isNaN && ours.sign == reference.sign)
                                   : ours.bitPattern != reference.bitPattern
        }
        #expect(mismatches.isEmpty, "first mismatching bit patterns: \(mismatches.prefix(5))")
    }
    #endif

    @Test func unknownNamesListWhatTheFileHolds() throws {
        let file = try SafeTensors(bytes: SafeTensors.serialize([("a", Tensor<Float>(1)), ("b", Tensor<Float>(2))]))
        let error = SafeTensorsError.unknownTensor("c", available: ["a", "b"])
        #expect(throws: error) { try file.tensor(named: "c", as: Float.self) }
        #expect(error.description == #"no tensor named "c"; the file holds "a", "b""#)
        #expect(file.entry(named: "c") == nil)
    }

    @Test func writerRejectsEmptyReservedAndDuplicateNames() {
        let one = Tensor<Float>(1)
        #expect(throws: SafeTensorsError.invalidTensorName("")) { try SafeTensors.serialize([("", one)]) }
        #expect(throws: SafeTensorsError.invalidTensorName("__metadata__")) {
            try SafeTensors.serialize([("__metadata__", one)])
        }
        #expect(throws: SafeTensorsError.duplicateTensorName("w")) {
            try SafeTensors.serialize([("w", one), ("b", one), ("w", one)])
        }
    }

    @Test func writeReplacesAnExistingFileAtomically() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        let path = directory + "/model.safetensors"
        let big: [(name: String, tensor: Tensor<Double>)] = [("w", Tensor(shape: [64], repeating: 1.5))]
        try SafeTensors.write(big, metadata: ["v": "1"], to: path)
        let small: [(name: String, tensor: Tensor<Double>)] = [("b", Tensor(shape: [2], scalars: [3, 4]))]
        try SafeTensors.write(small, metadata: ["v": "2"], to: path)
        // Replaced fully: exactly the new bytes, no tail of the longer old file, no temporary left.
        let stored = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(stored == (try SafeTensors.serialize(small, metadata: ["v": "2"])))
        let file = try SafeTensors(contentsOf: path)
        #expect(file.names == ["b"] && file.metadata == ["v": "2"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["model.safetensors"])
    }

    @Test func failedWritesLeaveTheExistingFileIntact() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        let path = directory + "/model.safetensors"
        let good: [(name: String, tensor: Tensor<Float>)] = [("w", Tensor(shape: [3], scalars: [1, 2, 3]))]
        try SafeTensors.write(good, to: path)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))

        let missing = directory + "/no-such-directory/model.safetensors"
        #expect(throws: IOError.self) { try SafeTensors.write(good, to: missing) }
        #expect(throws: SafeTensorsError.duplicateTensorName("w")) {
            try SafeTensors.write(good + good, to: path)
        }
        // A directory in the way: the rename fails after the temporary file was written.
        try FileManager.default.createDirectory(atPath: directory + "/taken/inner", withIntermediateDirectories: true)
        #expect(throws: IOError.self) { try SafeTensors.write(good, to: directory + "/taken") }

        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
        #expect(try SafeTensors(contentsOf: path).tensor(named: "w", as: Float.self) == good[0].tensor)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(left == ["model.safetensors", "taken"], "no temporary file is left behind")
    }

    @Test func readingAMissingFileThrowsIOError() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        #expect(throws: IOError.self) { try SafeTensors(contentsOf: directory + "/absent.safetensors") }
    }
}
