import CLibAV
import Foundation

/// One transcode, run start to finish on the calling thread: open the
/// source, set up every rendition's encoders and muxers, publish the master
/// playlist, read every packet once, then finish the playlists and write the
/// poster, the final master playlist and the DASH manifest.
struct TranscodeJob {
    let options: TranscodeOptions
    let source: String
    let outputDirectory: String
    let ladder: TranscodeLadder?
    let interrupt: Interrupt

    func run(progress: (Double) -> Void) throws(TranscodeError) -> TranscodeResult {
        do {
            return try transcode(progress: progress)
        } catch {
            // Whatever failed while stopping (libav's EXIT, a half-read
            // packet) is reported as the cancellation it is.
            throw interrupt.stopReason != nil ? .cancelled : error
        }
    }

    private func transcode(progress: (Double) -> Void) throws(TranscodeError) -> TranscodeResult {
        let input = try SourceInput(path: source, interrupt: interrupt)
        let plan = try Plan(input: input, ladder: ladder, threads: options.threads)
        let segmentSeconds = options.effectiveSegmentSeconds
        do {
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw .outputFailed("cannot create \(outputDirectory): \(error.localizedDescription)")
        }

        var audio: AudioTrack?
        if let stream = input.audioStream, let bitRate = plan.audioBitRate {
            audio = try AudioTrack(stream: stream, bitRate: bitRate)
        }
        let audioEncoder = audio?.encoder.map { UnsafePointer($0) }
        var rungs: [RungOutput] = []
        var workers: [RungWorker] = []
        defer { for worker in workers { worker.stop() } }  // joins the encoding threads on any exit
        var audioOnly: HLSMuxer?
        var published: [Published] = []
        if let video = input.videoStream, !plan.rungs.isEmpty {
            try input.openVideoDecoder(threads: plan.threads.decoder)
            for (rung, threads) in zip(plan.rungs, plan.threads.rungs) {
                let settings = RungOutput.Settings(
                    preset: options.preset, timeBase: video.pointee.time_base, frameRate: input.frameRate,
                    rotation: input.rotation, threads: threads, segmentSeconds: segmentSeconds)
                let output = try RungOutput(rung: rung, directory: outputDirectory + "/" + rung.name, settings: settings,
                                            audioEncoder: audioEncoder, interrupt: interrupt)
                rungs.append(output)
                published.append(Published(rung: rung, codecs: output.codecs, audioBitRate: audio == nil ? 0 : plan.audioBitRate))
            }
            workers = plan.threads.workers.enumerated().map { number, members in
                RungWorker(rungs: members.map { rungs[$0] }, name: "reel-encode-\(number)")
            }
        } else if let audioEncoder, let bitRate = plan.audioBitRate {
            input.ignoreVideo()
            let name = TranscodeLadder.audioRenditionName
            audioOnly = try HLSMuxer(directory: outputDirectory + "/" + name, label: name, video: nil,
                                     frameRate: input.frameRate, audio: audioEncoder, segmentSeconds: segmentSeconds,
                                     interrupt: interrupt)
            published.append(Published(audioBitRate: bitRate))
        }
        let fps = input.videoStream == nil ? nil : av_q2d(input.frameRate)
        let master = outputDirectory + "/master.m3u8"
        try MasterPlaylist.write(published.map { $0.entry(frameRate: fps, measured: nil) }, to: master)

        let poster = PosterGrabber(atSeconds: input.durationSeconds * 0.1)
        let thumbnails = ThumbnailGrabber(count: rungs.isEmpty ? 0 : options.effectiveThumbnailCount,
                                          durationSeconds: input.durationSeconds, segmentSeconds: segmentSeconds,
                                          rotation: input.rotation, directory: outputDirectory + "/thumbs")
        let videoLoop = VideoLoop(input: input, workers: workers, segmentSeconds: segmentSeconds, poster: poster,
                                  thumbnails: thumbnails)
        let writeAudio: (UnsafeMutablePointer<AVPacket>, AVRational) throws(TranscodeError) -> Void = { packet, timeBase throws(TranscodeError) in
            for worker in workers { try worker.submit(audio: packet, timeBase: timeBase) }
            try audioOnly?.writeAudio(packet, timeBase: timeBase)
        }

        try readPackets(input: input, videoLoop: rungs.isEmpty ? nil : videoLoop, audio: audio,
                        writeAudio: writeAudio, progress: progress)
        try videoLoop.feed(nil)
        try audio?.feed(UnsafePointer<AVPacket>?.none, sink: writeAudio)
        for worker in workers { try worker.finish() }
        try audioOnly?.finish()
        if interrupt.stopReason != nil { throw .cancelled }

        var posterPath: String?
        if let frame = poster.frame {
            let path = outputDirectory + "/poster.jpg"
            posterPath = (try? PosterGrabber.writeJPEG(frame, rotation: input.rotation, to: path)) == nil ? nil : path
        }
        return try finish(published: published, frameRate: fps, masterPath: master, input: input, audio: audio,
                          posterPath: posterPath, thumbnailPaths: thumbnails.paths, progress: progress)
    }

    /// Demuxes every packet once, feeding the video loop and the audio track,
    /// checking for cancellation between packets.
    private func readPackets(input: SourceInput, videoLoop: VideoLoop?, audio: AudioTrack?,
                             writeAudio: (UnsafeMutablePointer<AVPacket>, AVRational) throws(TranscodeError) -> Void,
                             progress: (Double) -> Void) throws(TranscodeError) {
        var packet = av_packet_alloc()
        defer { av_packet_free(&packet) }
        guard let packet else { throw .outputFailed("out of memory") }
        var meter = ProgressMeter(durationSeconds: input.durationSeconds, fileSize: input.fileSize)
        let videoIndex = videoLoop == nil ? nil : input.videoStream?.pointee.index
        var mainSeconds = 0.0, retries = 0
        while true {
            if interrupt.stopReason != nil { throw .cancelled }
            let read = av_read_frame(input.format, packet)
            if read == LibAVCode.eof { return }
            if read == LibAVCode.again && retries < 1000 {
                retries += 1
                continue
            }
            guard read >= 0 else {
                if interrupt.stopReason != nil { throw .cancelled }
                // An error after (nearly) all the declared media was read, e.g.
                // junk appended to a whole file, ends the input (the probe's rule).
                let declared = input.durationSeconds
                if declared > 0 && declared - mainSeconds <= MediaPolicy.truncationTolerance(declaredDuration: declared) {
                    return
                }
                throw .unreadableSource("reading stopped at \(String(format: "%.1f", mainSeconds)) s: \(LibAVCode.message(read))")
            }
            retries = 0
            defer { av_packet_unref(packet) }
            let seconds = input.mainStreamSeconds(of: packet, videoIsMain: videoIndex != nil)
            if let seconds { mainSeconds = max(mainSeconds, seconds) }
            if let videoLoop, packet.pointee.stream_index == videoIndex {
                try videoLoop.feed(packet)
            } else if let audio, packet.pointee.stream_index == audio.streamIndex {
                try audio.feed(packet, sink: writeAudio)
            }
            let position = packet.pointee.pos >= 0 ? packet.pointee.pos : -1
            if let fraction = meter.advance(seconds: seconds, bytePosition: position) { progress(fraction) }
        }
    }

    /// Measures the finished renditions, rewrites the master playlist with
    /// the measured bandwidths and writes the DASH manifest.
    private func finish(published: [Published], frameRate: Double?, masterPath: String, input: SourceInput,
                        audio: AudioTrack?, posterPath: String?, thumbnailPaths: [String],
                        progress: (Double) -> Void) throws(TranscodeError) -> TranscodeResult {
        var entries: [MasterPlaylist.Entry] = []
        var renditions: [TranscodeResult.Rendition] = []
        var representations: [DashManifest.Representation] = []
        var durationSeconds = 0.0
        for item in published {
            let directory = outputDirectory + "/" + item.rung.name
            let playlistPath = directory + "/index.m3u8"
            let playlist = MediaPlaylist(path: playlistPath)
            let entry = item.entry(frameRate: frameRate, measured: MasterPlaylist.measure(playlist: playlistPath, directory: directory))
            entries.append(entry)
            renditions.append(.init(rung: item.rung, playlistPath: playlistPath, codecs: item.codecs,
                                    bandwidth: entry.peak, averageBandwidth: entry.average))
            let segments = playlist?.segments.map(\.duration) ?? []
            durationSeconds = max(durationSeconds, playlist?.totalSeconds ?? 0)
            representations.append(DashManifest.Representation(
                id: item.rung.name, bandwidth: entry.peak,
                width: item.isAudioOnly ? nil : item.rung.width, height: item.isAudioOnly ? nil : item.rung.height,
                frameRate: item.isAudioOnly ? nil : Self.frameRateText(input.frameRate), codecs: item.codecs,
                audioSampleRate: item.isAudioOnly ? audio?.sampleRate : nil,
                audioChannels: item.isAudioOnly ? audio?.channels : nil, segmentDurations: segments))
        }
        try MasterPlaylist.write(entries, to: masterPath)
        let dashPath = outputDirectory + "/manifest.mpd"
        try DashManifest(representations: representations, durationSeconds: durationSeconds,
                         minBufferSeconds: options.effectiveSegmentSeconds).write(to: dashPath)
        progress(1)
        let hasVideo = published.contains { !$0.isAudioOnly }
        return TranscodeResult(masterPlaylistPath: masterPath, dashManifestPath: dashPath, renditions: renditions,
                               posterPath: posterPath, thumbnailPaths: thumbnailPaths,
                               durationSeconds: durationSeconds > 0 ? durationSeconds : input.durationSeconds,
                               hasVideo: hasVideo, hasAudio: audio != nil)
    }

    /// "25", "30000/1001": the DASH frameRate attribute.
    static func frameRateText(_ rate: AVRational) -> String {
        rate.den == 1 ? String(rate.num) : "\(rate.num)/\(rate.den)"
    }
}

extension TranscodeJob {
    /// What will be made from this source: the rungs (none for audio-only
    /// output), the audio bitrate (nil: no audio) and the thread split.
    struct Plan {
        var rungs: [TranscodeRung]
        var audioBitRate: Int?
        var threads: ThreadBudget

        init(input: SourceInput, ladder given: TranscodeLadder?, threads: Int) throws(TranscodeError) {
            let hasAudio = input.audioStream != nil
            if let video = input.videoStream, let parameters = video.pointee.codecpar?.pointee {
                let ladder = given ?? TranscodeLadder(sourceWidth: Int(parameters.width), sourceHeight: Int(parameters.height),
                                                      rotation: input.rotation, hasAudio: hasAudio)
                rungs = ladder.rungs
                audioBitRate = hasAudio ? ladder.audioBitRate : nil
            } else {
                // Audio only: whatever ladder was asked for, one AAC rendition.
                rungs = []
                audioBitRate = given?.audioBitRate ?? TranscodeLadder.defaultAudioBitRate
            }
            guard !rungs.isEmpty || audioBitRate != nil else { throw .encoderFailed("the ladder has no rungs") }
            self.threads = ThreadBudget(total: threads, rungAreas: rungs.map { $0.width * $0.height })
        }
    }

    /// A rendition as the playlists and the manifest announce it.
    struct Published {
        var rung: TranscodeRung
        var codecs: String
        /// Bits per second before anything is measured (1.1 × the targets).
        var nominal: Int
        var isAudioOnly: Bool

        init(rung: TranscodeRung, codecs: String, audioBitRate: Int?) {
            self.rung = rung
            self.codecs = codecs
            nominal = Int(Double(rung.videoBitRate + (audioBitRate ?? 0)) * 1.1)
            isAudioOnly = false
        }

        /// The audio-only rendition.
        init(audioBitRate bitRate: Int) {
            rung = TranscodeRung(name: TranscodeLadder.audioRenditionName, width: 0, height: 0, videoBitRate: 0)
            codecs = CodecString.aacLC
            nominal = Int(Double(bitRate) * 1.1)
            isAudioOnly = true
        }

        func entry(frameRate: Double?, measured: (peak: Int, average: Int)?) -> MasterPlaylist.Entry {
            MasterPlaylist.Entry(name: rung.name, resolution: isAudioOnly ? nil : (rung.width, rung.height),
                                 codecs: codecs, frameRate: isAudioOnly ? nil : frameRate,
                                 peak: measured?.peak ?? nominal, average: measured?.average ?? nominal)
        }
    }
}
