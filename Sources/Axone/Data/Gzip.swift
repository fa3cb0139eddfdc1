import CZlib

/// gzip compression and strict decompression through the system zlib.
///
/// Decompression reads the whole stream, checks the CRC-32 and length trailer of every member,
/// accepts concatenated members (as `gunzip` does) and rejects anything else after the last one.
/// Corrupt input always throws ``DataError/invalidGzip(path:reason:)``; it never crashes.
///
/// ```swift
/// let packed = try Gzip.compress(Array("hello".utf8))
/// let bytes = try Gzip.decompress(packed)   // [104, 101, 108, 108, 111]
/// ```
public enum Gzip {
    /// The two bytes every gzip member starts with.
    static let magic: [UInt8] = [0x1F, 0x8B]
    private static let chunkSize = 1 << 18

    /// Decompresses one or more concatenated gzip members; `path` only names the source in errors.
    public static func decompress(_ compressed: [UInt8], path: String = "<memory>") throws(DataError) -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 32: the largest window, with automatic gzip/zlib header detection.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            let reason = message(of: stream) ?? "out of memory"
            throw .invalidGzip(path: path, reason: "zlib could not start: \(reason)")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(sizeHint(compressed))
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var consumed = 0
        while true {
            let status = compressed.withUnsafeBufferPointer { input in
                chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + consumed })
                    stream.avail_in = UInt32(clamping: input.count - consumed)
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    consumed = input.count - Int(stream.avail_in)
                    return status
                }
            }
            output.append(contentsOf: chunk[..<(chunkSize - Int(stream.avail_out))])
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                let rest = compressed[consumed...]
                if rest.isEmpty { return output }
                guard rest.starts(with: magic) else {
                    throw .invalidGzip(path: path, reason: "\(rest.count) trailing bytes after the gzip stream")
                }
                inflateReset(&stream)
            case Z_BUF_ERROR:
                // No progress possible: the input ended before the end-of-stream marker and trailer.
                throw .invalidGzip(path: path, reason: "truncated: the stream ends before its end marker")
            default:
                throw .invalidGzip(path: path, reason: message(of: stream) ?? "zlib error \(status)")
            }
        }
    }

    /// Compresses `bytes` into one gzip member at `level` (0 = store … 9 = smallest).
    public static func compress(_ bytes: [UInt8], level: Int = 6) throws(DataError) -> [UInt8] {
        guard (0...9).contains(level) else {
            throw .invalidArgument(name: "level", expected: "in 0...9", received: "\(level)")
        }
        guard bytes.count <= Int(UInt32.max) / 2 else {
            throw .invalidArgument(name: "bytes.count", expected: "below 2 GiB for one gzip member",
                                   received: "\(bytes.count)")
        }
        var stream = z_stream()
        // windowBits 15 + 16: write a gzip header and trailer; memLevel 8 is zlib's default.
        let initStatus = deflateInit2_(&stream, Int32(level), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                       zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else {
            throw .invalidArgument(name: "level", expected: "accepted by zlib", received: "\(level)")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))))
        let status = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        // deflateBound guarantees room for the whole stream, so one Z_FINISH call completes it.
        precondition(status == Z_STREAM_END, "Gzip.compress: deflate returned \(status) within deflateBound")
        output.removeLast(output.count - Int(stream.total_out))
        return output
    }

    /// The uncompressed size from the last member's trailer, capped by deflate's best ratio
    /// (about 1032:1) so a corrupt trailer cannot make us reserve gigabytes.
    private static func sizeHint(_ compressed: [UInt8]) -> Int {
        guard compressed.count >= 18 else { return 0 }
        let trailer = compressed.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        return min(trailer, compressed.count * 1032)
    }

    private static func message(of stream: z_stream) -> String? {
        stream.msg.map { String(cString: $0) }
    }
}
