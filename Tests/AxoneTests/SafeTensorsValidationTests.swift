import Testing
@testable import Axone

/// One test per way a safetensors file can be bad, each expecting its specific error.
@Suite struct SafeTensorsValidationTests {
    /// Parses a file made of `header` (padded with `padding` spaces) and `buffer`.
    private func read(
        _ header: String, buffer: [UInt8] = [], padding: Int = 0
    ) throws(SafeTensorsError) -> SafeTensors {
        try SafeTensors(bytes: safeTensorsFile(header: header, buffer: buffer, padding: padding))
    }

    /// A header holding only `entries`.
    private func header(_ entries: String...) -> String { "{\(entries.joined(separator: ","))}" }

    @Test func validMinimalFilesAreAccepted() throws {
        #expect(try read("{}").names.isEmpty)
        #expect(try read("{}", padding: 6).metadata.isEmpty)
        let file = try read(header(safeTensorsEntry("a", "F32", [1], 0, 4), safeTensorsEntry("e", "F32", [0], 4, 4)),
                            buffer: [0, 0, 0x80, 0x3F])
        #expect(file.names == ["a", "e"])
        // Whitespace inside the JSON, escapes in names and unknown extra fields are fine.
        let spaced = #"{ "\u00e9\n" : { "shape" : [ ] , "dtype" : "U8" , "data_offsets" : [ 0 , 1 ], "#
            + #""extra": [null, true, 1.5e3, {}] } }"#
        #expect(try read(spaced, buffer: [7]).names == ["é\n"])
    }

    @Test func fileShorterThanTheLengthFieldIsRejected() {
        #expect(throws: SafeTensorsError.fileTooShort(byteCount: 3)) { try SafeTensors(bytes: [1, 2, 3]) }
        #expect(throws: SafeTensorsError.fileTooShort(byteCount: 0)) { try SafeTensors(bytes: []) }
    }

    @Test func headerLengthAboveTheCapIsRejected() {
        let limit = SafeTensors.maximumHeaderSize
        #expect(throws: SafeTensorsError.headerTooLarge(declared: 100_000_001, limit: limit)) {
            try SafeTensors(bytes: littleEndianBytes(UInt64(100_000_001)) + Array("{}".utf8))
        }
        #expect(throws: SafeTensorsError.headerTooLarge(declared: .max, limit: limit)) {
            try SafeTensors(bytes: littleEndianBytes(UInt64.max) + Array("{}".utf8))
        }
    }

    @Test func headerLengthBeyondTheFileIsRejected() {
        let error = SafeTensorsError.headerBeyondFile(declared: 50, available: 2)
        #expect(throws: error) { try SafeTensors(bytes: littleEndianBytes(UInt64(50)) + Array("{}".utf8)) }
        #expect(error.description.contains("truncated"))
    }

    @Test func headerThatIsNotUTF8IsRejected() {
        let bytes = littleEndianBytes(UInt64(4)) + [UInt8(ascii: "{"), 0xFF, 0xFE, UInt8(ascii: "}")]
        #expect(throws: SafeTensorsError.headerNotUTF8) { try SafeTensors(bytes: bytes) }
    }

    @Test func headerThatIsNotAnObjectIsRejected() {
        #expect(throws: SafeTensorsError.headerNotObject(firstByte: UInt8(ascii: "["))) { try read("[]") }
        #expect(throws: SafeTensorsError.headerNotObject(firstByte: UInt8(ascii: " "))) { try read(" {}") }
        #expect(throws: SafeTensorsError.headerNotObject(firstByte: nil)) { try read("") }
        #expect(SafeTensorsError.headerNotObject(firstByte: 0x5B).description.hasSuffix("it starts with byte 0x5B '['"))
    }

    @Test func malformedJSONIsRejectedWithItsOffset() {
        let cases: [(String, Int, String)] = [
            (#"{"a":"#, 5, "unexpected end of header"),
            (#"{"a":{},}"#, 8, "expected a string key"),
            (#"{"a" {}}"#, 5, "expected ':'"),
            (#"{"a":{} "b":{}}"#, 8, "expected ',' or '}' after an object member"),
            (#"{"a":tru}"#, 8, "expected true"),
            (#"{"a":01}"#, 6, "expected ',' or '}' after an object member"),
            (#"{"a":[1 2]}"#, 8, "expected ',' or ']' after an array element"),
            (#"{"a":-}"#, 6, "expected a digit"),
            (#"{"a":"\x"}"#, 7, "invalid escape in a string"),
            (#"{"a":"\ud800"}"#, 12, "unpaired UTF-16 surrogate in \\u escape"),
            (#"{"a":"\ud800\u0041"}"#, 12, "unpaired UTF-16 surrogate in \\u escape"),
            (#"{"a":"\udc00"}"#, 12, "unpaired UTF-16 surrogate in \\u escape"),
            (#"{"a":"\u12G4"}"#, 10, "expected 4 hex digits after \\u"),
            ("{\"a\":\"\t\"}", 6, "control character in a string (escape it)"),
            (#"{"a":@}"#, 5, "expected a JSON value"),
            ("{\"a\":" + String(repeating: "[", count: 100), 68, "nesting deeper than 64 levels"),
        ]
        for (json, offset, reason) in cases {
            #expect(throws: SafeTensorsError.malformedHeader(offset: offset, reason: reason), "\(json)") {
                try read(json)
            }
        }
    }

    @Test func paddingOtherThanSpacesIsRejected() {
        #expect(throws: SafeTensorsError.invalidPadding(offset: 2, byte: 0x0A)) { try read("{}\n") }
        #expect(throws: SafeTensorsError.invalidPadding(offset: 4, byte: 0)) {
            try SafeTensors(bytes: littleEndianBytes(UInt64(5)) + Array("{}  ".utf8) + [0])
        }
        #expect(throws: SafeTensorsError.invalidPadding(offset: 3, byte: UInt8(ascii: "}"))) { try read("{} }") }
    }

    @Test func entriesMustBeObjectsWithAllThreeFields() {
        #expect(throws: SafeTensorsError.entryNotObject(tensor: "a")) { try read(#"{"a":[0]}"#) }
        #expect(throws: SafeTensorsError.missingField(tensor: "a", field: "dtype")) {
            try read(#"{"a":{"shape":[],"data_offsets":[0,4]}}"#, buffer: [0, 0, 0, 0])
        }
        #expect(throws: SafeTensorsError.missingField(tensor: "a", field: "shape")) {
            try read(#"{"a":{"dtype":"F32","data_offsets":[0,4]}}"#, buffer: [0, 0, 0, 0])
        }
        #expect(throws: SafeTensorsError.missingField(tensor: "a", field: "data_offsets")) {
            try read(#"{"a":{"dtype":"F32","shape":[]}}"#)
        }
    }

    @Test func fieldsOfTheWrongJSONTypeAreRejected() {
        let dtype = SafeTensorsError.wrongFieldType(tensor: "a", field: "dtype", expected: "a string such as \"F32\"")
        #expect(throws: dtype) {
            try read(#"{"a":{"dtype":32,"shape":[],"data_offsets":[0,4]}}"#, buffer: [0, 0, 0, 0])
        }
        let shape = SafeTensorsError.wrongFieldType(tensor: "a", field: "shape",
                                                    expected: "an array of non-negative integers")
        #expect(throws: shape) {
            try read(#"{"a":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}"#, buffer: [0, 0, 0, 0])
        }
        let offsets = SafeTensorsError.wrongFieldType(tensor: "a", field: "data_offsets",
                                                      expected: "an array of two non-negative integers [begin, end]")
        let bads = [#"[4]"#, #"[0,4,4]"#, #"[0,"4"]"#, #"[0,4.0]"#, #"[-1,4]"#, #"{"0":4}"#, "[0,99999999999999999999]"]
        for bad in bads {
            #expect(throws: offsets, "\(bad)") {
                try read(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":"# + bad + "}}", buffer: [0, 0, 0, 0])
            }
        }
    }

    @Test func unknownDTypesAreRejectedCaseSensitively() {
        for dtype in ["f32", "FLOAT32", "F128", ""] {
            let error = SafeTensorsError.unknownDType(tensor: "a", dtype: dtype)
            #expect(throws: error) { try read(header(safeTensorsEntry("a", dtype, [1], 0, 4)), buffer: [0, 0, 0, 0]) }
        }
        #expect(SafeTensorsError.unknownDType(tensor: "a", dtype: "f32").description.contains("F32, F16, BF16"))
    }

    @Test func shapeDimensionsMustBeNonNegativeIntegers() {
        for bad in ["-1", "2.0", "1e3", "\"2\"", "true", "null", "[1]", "99999999999999999999", "-0"] {
            #expect(throws: SafeTensorsError.invalidDimension(tensor: "a", value: bad == "[1]" ? "an array" : bad)) {
                try read(#"{"a":{"dtype":"U8","shape":["# + bad + #"],"data_offsets":[0,1]}}"#, buffer: [0])
            }
        }
    }

    @Test func offsetsThatBeginAfterTheyEndAreRejected() {
        #expect(throws: SafeTensorsError.reversedOffsets(tensor: "a", begin: 8, end: 4)) {
            try read(header(safeTensorsEntry("a", "F32", [1], 8, 4)), buffer: Array(repeating: 0, count: 8))
        }
    }

    @Test func offsetsPastTheBufferAreRejected() {
        #expect(throws: SafeTensorsError.offsetsBeyondBuffer(tensor: "a", end: 16, bufferSize: 8)) {
            try read(header(safeTensorsEntry("a", "F32", [4], 0, 16)), buffer: Array(repeating: 0, count: 8))
        }
    }

    @Test func byteRangeMustMatchShapeAndDType() {
        #expect(throws: SafeTensorsError.sizeMismatch(tensor: "a", dtype: "F32", shape: [3],
                                                      expectedBytes: 12, actualBytes: 8)) {
            try read(header(safeTensorsEntry("a", "F32", [3], 0, 8)), buffer: Array(repeating: 0, count: 8))
        }
        #expect(throws: SafeTensorsError.sizeMismatch(tensor: "a", dtype: "F64", shape: [],
                                                      expectedBytes: 8, actualBytes: 0)) {
            try read(header(safeTensorsEntry("a", "F64", [], 0, 0)))
        }
    }

    @Test func sizesThatOverflowAreRejectedNotTrapped() {
        let huge = 1 << 62
        #expect(throws: SafeTensorsError.sizeOverflow(tensor: "a", dtype: "F32", shape: [huge, 4])) {
            try read(header(safeTensorsEntry("a", "F32", [huge, 4], 0, 4)), buffer: [0, 0, 0, 0])
        }
        #expect(throws: SafeTensorsError.sizeOverflow(tensor: "a", dtype: "F64", shape: [huge])) {
            try read(header(safeTensorsEntry("a", "F64", [huge], 0, 8)), buffer: Array(repeating: 0, count: 8))
        }
        // Zero elements, but the other dimensions' product still has to exist (strides are computed from it).
        #expect(throws: SafeTensorsError.sizeOverflow(tensor: "a", dtype: "U8", shape: [0, 1 << 40, 1 << 40])) {
            try read(header(safeTensorsEntry("a", "U8", [0, 1 << 40, 1 << 40], 0, 0)))
        }
    }

    @Test func subByteTypesMustFillWholeBytes() throws {
        #expect(throws: SafeTensorsError.fractionalByteCount(tensor: "a", dtype: "F4", shape: [3])) {
            try read(header(safeTensorsEntry("a", "F4", [3], 0, 2)), buffer: [0, 0])
        }
        let packed = try read(header(safeTensorsEntry("a", "F4", [4], 0, 2)), buffer: [0, 0])
        #expect(packed.entry(named: "a")?.dtype == .float4)
        #expect(try read(header(safeTensorsEntry("a", "F6_E2M3", [4], 0, 3)), buffer: [0, 0, 0]).names == ["a"])
    }

    @Test func overlappingTensorsAreRejected() {
        #expect(throws: SafeTensorsError.overlappingTensors("a", "b")) {
            try read(header(safeTensorsEntry("b", "F32", [2], 4, 12), safeTensorsEntry("a", "F32", [2], 0, 8)),
                     buffer: Array(repeating: 0, count: 12))
        }
        #expect(throws: SafeTensorsError.overlappingTensors("a", "b")) {
            try read(header(safeTensorsEntry("a", "F32", [1], 0, 4), safeTensorsEntry("b", "F32", [1], 0, 4)),
                     buffer: Array(repeating: 0, count: 8))
        }
        #expect(throws: SafeTensorsError.overlappingTensors("a", "e")) {
            try read(header(safeTensorsEntry("a", "F32", [2], 0, 8), safeTensorsEntry("e", "F32", [0], 4, 4)),
                     buffer: Array(repeating: 0, count: 8))
        }
    }

    @Test func gapsBetweenTensorsAreRejected() {
        #expect(throws: SafeTensorsError.gapBeforeTensor("b", begin: 4, end: 8)) {
            try read(header(safeTensorsEntry("a", "F32", [1], 0, 4), safeTensorsEntry("b", "F32", [1], 8, 12)),
                     buffer: Array(repeating: 0, count: 12))
        }
        #expect(throws: SafeTensorsError.gapBeforeTensor("a", begin: 0, end: 4)) {
            try read(header(safeTensorsEntry("a", "F32", [1], 4, 8)), buffer: Array(repeating: 0, count: 8))
        }
    }

    @Test func trailingBytesAreRejected() {
        #expect(throws: SafeTensorsError.trailingBytes(begin: 4, count: 3)) {
            try read(header(safeTensorsEntry("a", "F32", [1], 0, 4)), buffer: Array(repeating: 0, count: 7))
        }
        #expect(throws: SafeTensorsError.trailingBytes(begin: 0, count: 1)) { try read("{}", buffer: [0]) }
    }

    @Test func duplicateTensorNamesAreRejected() {
        let a = safeTensorsEntry("a", "U8", [1], 0, 1)
        #expect(throws: SafeTensorsError.duplicateTensorName("a")) { try read(header(a, a), buffer: [0]) }
        // The same name spelled with an escape is still the same name.
        let escaped = safeTensorsEntry(#"\u0061"#, "U8", [1], 1, 2)
        #expect(throws: SafeTensorsError.duplicateTensorName("a")) { try read(header(a, escaped), buffer: [0, 0]) }
        let metadata = #""__metadata__":{}"#
        #expect(throws: SafeTensorsError.duplicateTensorName("__metadata__")) { try read(header(metadata, metadata)) }
        #expect(throws: SafeTensorsError.duplicateKey("dtype", in: "a")) {
            try read(#"{"a":{"dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, buffer: [0])
        }
    }

    @Test func boolBytesOtherThanZeroAndOneAreRejected() {
        #expect(throws: SafeTensorsError.invalidBool(tensor: "m", index: 2, byte: 2)) {
            try read(header(safeTensorsEntry("u", "U8", [1], 0, 1), safeTensorsEntry("m", "BOOL", [3], 1, 4)),
                     buffer: [9, 1, 0, 2])
        }
    }

    @Test func metadataMustMapStringsToStrings() {
        #expect(throws: SafeTensorsError.invalidMetadata(reason: "it is an array")) {
            try read(#"{"__metadata__":[]}"#)
        }
        #expect(throws: SafeTensorsError.invalidMetadata(reason: "it is \"v\"")) { try read(#"{"__metadata__":"v"}"#) }
        #expect(throws: SafeTensorsError.invalidMetadata(reason: "the value of \"k\" is 1, not a string")) {
            try read(#"{"__metadata__":{"k":1}}"#)
        }
        #expect(throws: SafeTensorsError.duplicateKey("k", in: "__metadata__")) {
            try read(#"{"__metadata__":{"k":"1","k":"2"}}"#)
        }
    }

    @Test func dtypesWithoutAConversionAreRejectedOnRequest() throws {
        let file = try read(header(safeTensorsEntry("q", "F8_E4M3", [2], 0, 2),
                                   safeTensorsEntry("c", "C64", [1], 2, 10)),
                            buffer: Array(repeating: 0, count: 10))
        #expect(file.names == ["q", "c"])
        #expect(throws: SafeTensorsError.unsupportedConversion(tensor: "q", from: "F8_E4M3", to: "Float")) {
            try file.tensor(named: "q", as: Float.self)
        }
        #expect(throws: SafeTensorsError.unsupportedConversion(tensor: "c", from: "C64", to: "Double")) {
            try file.tensor(named: "c", as: Double.self)
        }
        #expect(!SafeTensors.DType.complex64.isConvertible && SafeTensors.DType.bfloat16.isConvertible)
    }
}
