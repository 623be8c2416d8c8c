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
        let segmentSeconds = options.effectiveSegmentSeconds, grid = options.segmentGrid
        do {
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw .outputFailed("cannot create \(outputDirectory): \(error.localizedDescription)")
        }

        var audio: AudioTrack?
        if let stream = input.audioStream, let bitRate = plan.audioBitRate {
            audio = try AudioTrack(stream: stream, bitRate: bitRate)
        }
        var rungs: [RungOutput] = []
        var workers: [RungWorker] = []
        defer { for worker in workers { worker.stop() } }  // joins the encoding threads on any exit
        var published = PublishedRenditions(directory: outputDirectory, videos: [], audio: nil, frameRate: nil)
        if let video = input.videoStream, !plan.rungs.isEmpty {
            try input.openVideoDecoder(threads: plan.threads.decoder)
            published.frameRate = input.frameRate
            for (rung, threads) in zip(plan.rungs, plan.threads.rungs) {
                let settings = RungOutput.Settings(
                    preset: options.preset, timeBase: video.pointee.time_base, frameRate: input.frameRate,
                    rotation: input.rotation, threads: threads, grid: grid)
                let output = try RungOutput(rung: rung, directory: outputDirectory + "/" + rung.name, settings: settings,
                                            interrupt: interrupt)
                rungs.append(output)
                published.videos.append(.init(rung: rung, codecs: output.codecs))
            }
            let scaling = ScalingPlan(sizes: plan.rungs.map { ($0.width, $0.height) }, workers: plan.threads.workers,
                                      cascade: options.cascadeScaling)
            // Last first: a worker is handed the later workers its rungs feed.
            var built: [RungWorker] = []
            for (number, indexes) in plan.threads.workers.enumerated().reversed() {
                let members = indexes.map { RungWorker.Member(index: $0, input: scaling.inputs[$0], output: rungs[$0]) }
                let feeders = scaling.feeders(of: indexes, workers: plan.threads.workers)
                built.insert(RungWorker(members: members, later: built, feeders: feeders, name: "reel-encode-\(number)"),
                             at: 0)
            }
            workers = built
        } else {
            input.ignoreVideo()
        }
        // The one audio rendition, muxed on this thread: the AAC packets go
        // nowhere else.
        var audioMuxer: HLSMuxer?
        if let audio, let encoder = audio.encoder, let bitRate = plan.audioBitRate {
            let name = TranscodeLadder.audioRenditionName
            audioMuxer = try HLSMuxer(directory: outputDirectory + "/" + name, label: name, video: nil,
                                      frameRate: input.frameRate, audio: encoder, segmentSeconds: grid.muxerSeconds,
                                      interrupt: interrupt)
            published.audio = .init(bitRate: bitRate, sampleRate: audio.sampleRate, channels: audio.channels,
                                    language: input.audioLanguage)
        }
        let master = outputDirectory + "/master.m3u8"
        try published.writeMasterPlaylist(published.nominal, to: master)

        let poster = PosterGrabber(atSeconds: input.durationSeconds * 0.1)
        let thumbnails = ThumbnailGrabber(count: rungs.isEmpty ? 0 : options.effectiveThumbnailCount,
                                          durationSeconds: input.durationSeconds, segmentSeconds: segmentSeconds,
                                          rotation: input.rotation, directory: outputDirectory + "/thumbs")
        let videoLoop = VideoLoop(input: input, workers: workers, grid: grid, poster: poster,
                                  thumbnails: thumbnails)
        let writeAudio: (UnsafeMutablePointer<AVPacket>, AVRational) throws(TranscodeError) -> Void = { packet, timeBase throws(TranscodeError) in
            try audioMuxer?.writeAudio(packet, timeBase: timeBase)
        }

        try readPackets(input: input, videoLoop: rungs.isEmpty ? nil : videoLoop, audio: audio,
                        writeAudio: writeAudio, progress: progress)
        try videoLoop.feed(nil)
        try audio?.feed(UnsafePointer<AVPacket>?.none, sink: writeAudio)
        // Every worker drains at once (each closes the ones it feeds); joined in order.
        for worker in workers where worker.inputs.contains(.decoded) { try worker.close() }
        try audioMuxer?.finish()  // while the rungs drain
        for worker in workers { try worker.join() }
        if interrupt.stopReason != nil { throw .cancelled }

        var posterPath: String?
        if let frame = poster.frame {
            let path = outputDirectory + "/poster.jpg"
            posterPath = (try? PosterGrabber.writeJPEG(frame, rotation: input.rotation, to: path)) == nil ? nil : path
        }
        return try finish(published: published, masterPath: master, input: input, posterPath: posterPath,
                          thumbnailPaths: thumbnails.paths, progress: progress)
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
    private func finish(published: PublishedRenditions, masterPath: String, input: SourceInput, posterPath: String?,
                        thumbnailPaths: [String], progress: (Double) -> Void) throws(TranscodeError) -> TranscodeResult {
        let measured = published.measure()
        try published.writeMasterPlaylist(measured.bandwidths, to: masterPath)
        let dashPath = outputDirectory + "/manifest.mpd"
        try published.dashManifest(measured, minBufferSeconds: options.effectiveSegmentSeconds).write(to: dashPath)
        progress(1)
        let duration = measured.durationSeconds
        return TranscodeResult(masterPlaylistPath: masterPath, dashManifestPath: dashPath,
                               renditions: published.resultRenditions(measured.bandwidths),
                               audioPlaylistPath: published.audioPlaylistPath,
                               posterPath: posterPath, thumbnailPaths: thumbnailPaths,
                               durationSeconds: duration > 0 ? duration : input.durationSeconds,
                               hasVideo: !published.videos.isEmpty, hasAudio: published.audio != nil)
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
            if audioBitRate != nil && rungs.contains(where: { $0.name == TranscodeLadder.audioRenditionName }) {
                throw .encoderFailed("a rung cannot be named \"\(TranscodeLadder.audioRenditionName)\": that is the audio rendition")
            }
            self.threads = ThreadBudget(total: threads, rungAreas: rungs.map { $0.width * $0.height })
        }
    }
}
