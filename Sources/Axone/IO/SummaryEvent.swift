/// The `tensorboard.Event` messages of an event file, encoded by hand. Field numbers from
/// tensorboard's `compat/proto/event.proto` (Event: wall_time 1 double, step 2 int64, file_version 3
/// string, summary 5), `summary.proto` (Summary: value 1 repeated; Summary.Value: tag 1, simple_value
/// 2 float, histo 5) and `histogram.proto` (HistogramProto: min 1, max 2, num 3, sum 4, sum_squares 5
/// doubles, bucket_limit 6 and bucket 7 packed doubles).
enum SummaryEvent {
    /// The first event of every file, `file_version: "brain.Event:2"`.
    static func fileVersion(wallTime: Double) -> [UInt8] {
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.string(3, "brain.Event:2")
        return event.bytes
    }

    /// A summary with one scalar (`simple_value`, a 32-bit float as in TensorFlow).
    static func scalar(_ tag: String, _ value: Float, step: Int, wallTime: Double) -> [UInt8] {
        summary(tag, step: step, wallTime: wallTime) { $0.float(2, value) }
    }

    /// A summary with one histogram (`histo`).
    static func histogram(_ tag: String, _ histogram: HistogramSummary, step: Int, wallTime: Double) -> [UInt8] {
        summary(tag, step: step, wallTime: wallTime) { value in
            value.message(5) { histo in
                histo.double(1, histogram.minimum)
                histo.double(2, histogram.maximum)
                histo.double(3, histogram.count)
                histo.double(4, histogram.sum)
                histo.double(5, histogram.sumOfSquares)
                histo.packedDoubles(6, histogram.bucketLimits)
                histo.packedDoubles(7, histogram.bucketCounts)
            }
        }
    }

    /// An event at `step` whose summary holds one value tagged `tag`, its data written by `body`.
    private static func summary(_ tag: String, step: Int, wallTime: Double,
                                _ body: (inout ProtobufWriter) -> Void) -> [UInt8] {
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.int64(2, Int64(step))
        event.message(5) { summary in
            summary.message(1) { value in
                value.string(1, tag)
                body(&value)
            }
        }
        return event.bytes
    }
}
