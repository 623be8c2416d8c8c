import CLibAV

/// One pass over every packet of the file: the main stream's packets go to
/// its decoder until the first frame comes out; all others are only counted
/// and timed (no decoding), to notice data that stops early.
struct PacketScan {
    /// Packets read, all streams.
    var packetCount = 0
    /// The end of the last packet, in seconds from the container's start.
    var dataEnd: Double?
    /// av_read_frame's error, if it stopped with something else than EOF.
    var readError: Int32?
    /// Set if the deadline passed or the task was cancelled.
    var stopped: StopReason?

    init(input: InputFile, decoder: FirstFrameDecoder, interrupt: Interrupt) {
        guard let packet = av_packet_alloc() else {
            readError = reel_averror(ENOMEM)
            return
        }
        defer {
            var optional: UnsafeMutablePointer<AVPacket>? = packet
            av_packet_free(&optional)
        }
        let streams = input.streams
        let start = input.startTime
        while true {
            if let reason = interrupt.stopReason {
                stopped = reason
                return
            }
            let read = av_read_frame(input.context, packet)
            if read < 0 {
                if let reason = interrupt.stopReason {
                    stopped = reason
                } else if read != LibAVCode.eof {
                    readError = read
                }
                break
            }
            packetCount += 1
            let index = Int(packet.pointee.stream_index)
            if index < streams.count, let stream = streams[index],
               let end = Self.end(of: packet.pointee, in: stream.pointee) {
                dataEnd = max(dataEnd ?? 0, end - start)
            }
            if packet.pointee.stream_index == decoder.streamIndex {
                decoder.feed(packet)
            }
            av_packet_unref(packet)
        }
        decoder.feed(nil)  // drain: decoders hold back frames for reordering
    }

    /// Where `packet` ends on the timeline, in seconds, if it has a timestamp.
    /// Packets without a duration (e.g. Matroska video) last one frame.
    private static func end(of packet: AVPacket, in stream: AVStream) -> Double? {
        let nopts = reel_av_nopts_value()
        let timestamp = packet.pts != nopts ? packet.pts : packet.dts
        let base = stream.time_base
        guard timestamp != nopts, base.num > 0, base.den > 0 else { return nil }
        var end = Double(timestamp) * Double(base.num) / Double(base.den)
        if packet.duration > 0 {
            end += Double(packet.duration) * Double(base.num) / Double(base.den)
        } else if stream.avg_frame_rate.num > 0 && stream.avg_frame_rate.den > 0 {
            end += Double(stream.avg_frame_rate.den) / Double(stream.avg_frame_rate.num)
        }
        return end
    }
}
