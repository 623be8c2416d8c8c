import CLibAV

/// What the master playlist, the DASH manifest and the result announce: the
/// video rungs, each a variant stream of video-only CMAF segments in
/// `<out>/<rung>/`, and the one audio rendition in `<out>/audio/` that every
/// rung plays with (one track per rendition); for an audio-only source the
/// audio rendition alone, as the only variant. Bitrates are nominal (1.1 ×
/// the targets) until `measure()` reads the finished playlists back.
struct PublishedRenditions {
    struct Video {
        var rung: TranscodeRung
        /// RFC 6381 codec of the rung's own track, e.g. `avc1.64001f`.
        var codecs: String
    }

    struct Audio {
        var bitRate: Int
        var sampleRate: Int
        var channels: Int
        /// RFC 5646 tag from the source; nil when it does not say.
        var language: String?
    }

    /// Bits per second of one rendition's own segments.
    struct Bandwidth: Equatable {
        var peak: Int
        var average: Int

        static let zero = Bandwidth(peak: 0, average: 0)

        static func + (a: Bandwidth, b: Bandwidth) -> Bandwidth {
            Bandwidth(peak: a.peak + b.peak, average: a.average + b.average)
        }
    }

    /// The finished renditions as read back from their media playlists.
    struct Measured {
        /// By rendition name; nominal where a playlist could not be measured.
        var bandwidths: [String: Bandwidth]
        var segmentDurations: [String: [Double]]
        /// The longest rendition's total, in seconds.
        var durationSeconds: Double
    }

    /// GROUP-ID of the audio rendition in the master playlist.
    static let audioGroupID = "aac"
    static let audioDisplayName = "Audio"

    /// The output directory.
    var directory: String
    var videos: [Video]
    var audio: Audio?
    /// The video's frame rate; nil without video.
    var frameRate: AVRational?

    private var audioName: String { TranscodeLadder.audioRenditionName }

    /// Every rendition's directory name: the rungs, then `audio`.
    var names: [String] {
        videos.map(\.rung.name) + (audio == nil ? [] : [audioName])
    }

    func playlistPath(_ name: String) -> String {
        directory + "/" + name + "/index.m3u8"
    }

    /// `<out>/audio/index.m3u8`; nil without audio.
    var audioPlaylistPath: String? {
        audio == nil ? nil : playlistPath(audioName)
    }

    /// Before anything is measured: 1.1 × the target bitrates.
    var nominal: [String: Bandwidth] {
        var bandwidths: [String: Bandwidth] = [:]
        for video in videos {
            let bits = Int(Double(video.rung.videoBitRate) * 1.1)
            bandwidths[video.rung.name] = Bandwidth(peak: bits, average: bits)
        }
        if let audio {
            let bits = Int(Double(audio.bitRate) * 1.1)
            bandwidths[audioName] = Bandwidth(peak: bits, average: bits)
        }
        return bandwidths
    }

    /// Reads every rendition's media playlist and measures its segments.
    func measure() -> Measured {
        var measured = Measured(bandwidths: nominal, segmentDurations: [:], durationSeconds: 0)
        for name in names {
            let path = playlistPath(name)
            if let bandwidth = MasterPlaylist.measure(playlist: path, directory: directory + "/" + name) {
                measured.bandwidths[name] = Bandwidth(peak: bandwidth.peak, average: bandwidth.average)
            }
            let playlist = MediaPlaylist(path: path)
            measured.segmentDurations[name] = playlist?.segments.map(\.duration) ?? []
            measured.durationSeconds = max(measured.durationSeconds, playlist?.totalSeconds ?? 0)
        }
        return measured
    }

    /// Every codec a rung's variant plays: its video and the audio rendition's.
    func variantCodecs(_ video: Video) -> String {
        audio == nil ? video.codecs : video.codecs + "," + CodecString.aacLC
    }

    /// The master playlist's variants (bandwidth: video + audio) and the
    /// audio rendition they name.
    func masterPlaylist(_ bandwidths: [String: Bandwidth]) -> (entries: [MasterPlaylist.Entry], audio: MasterPlaylist.AudioRendition?) {
        guard !videos.isEmpty else {
            // Audio only: the audio rendition is the one variant stream.
            let bandwidth = bandwidths[audioName] ?? .zero
            let entry = MasterPlaylist.Entry(name: audioName, resolution: nil, codecs: CodecString.aacLC, frameRate: nil,
                                             peak: bandwidth.peak, average: bandwidth.average, audioGroup: nil)
            return (audio == nil ? [] : [entry], nil)
        }
        let audioBandwidth = audio == nil ? .zero : bandwidths[audioName] ?? .zero
        let fps = frameRate.map { av_q2d($0) }
        let entries = videos.map { video in
            let bandwidth = (bandwidths[video.rung.name] ?? .zero) + audioBandwidth
            return MasterPlaylist.Entry(name: video.rung.name, resolution: (video.rung.width, video.rung.height),
                                        codecs: variantCodecs(video), frameRate: fps,
                                        peak: bandwidth.peak, average: bandwidth.average,
                                        audioGroup: audio == nil ? nil : Self.audioGroupID)
        }
        let rendition = audio.map {
            MasterPlaylist.AudioRendition(groupID: Self.audioGroupID, name: Self.audioDisplayName, language: $0.language,
                                          channels: $0.channels, directory: audioName)
        }
        return (entries, rendition)
    }

    func writeMasterPlaylist(_ bandwidths: [String: Bandwidth], to path: String) throws(TranscodeError) {
        let master = masterPlaylist(bandwidths)
        try MasterPlaylist.write(master.entries, audio: master.audio, to: path)
    }

    /// The video AdaptationSet (one Representation per rung, video only)
    /// and the audio one (the audio rendition), over the same files.
    func dashManifest(_ measured: Measured, minBufferSeconds: Double) -> DashManifest {
        let frameRateText = frameRate.map { $0.den == 1 ? String($0.num) : "\($0.num)/\($0.den)" }
        var representations = videos.map { video in
            DashManifest.Representation(
                id: video.rung.name, bandwidth: measured.bandwidths[video.rung.name]?.peak ?? 0,
                width: video.rung.width, height: video.rung.height, frameRate: frameRateText, codecs: video.codecs,
                audioSampleRate: nil, audioChannels: nil, segmentDurations: measured.segmentDurations[video.rung.name] ?? [])
        }
        if let audio {
            representations.append(DashManifest.Representation(
                id: audioName, bandwidth: measured.bandwidths[audioName]?.peak ?? 0, width: nil, height: nil,
                frameRate: nil, codecs: CodecString.aacLC, audioSampleRate: audio.sampleRate,
                audioChannels: audio.channels, segmentDurations: measured.segmentDurations[audioName] ?? []))
        }
        return DashManifest(representations: representations, audioLanguage: audio?.language,
                            durationSeconds: measured.durationSeconds, minBufferSeconds: minBufferSeconds)
    }

    /// `TranscodeResult.renditions`: the rungs as the master announces them
    /// (codecs and bandwidth with the audio); audio only: the audio rendition.
    func resultRenditions(_ bandwidths: [String: Bandwidth]) -> [TranscodeResult.Rendition] {
        let entries = masterPlaylist(bandwidths).entries
        guard !videos.isEmpty else {
            let rung = TranscodeRung(name: audioName, width: 0, height: 0, videoBitRate: 0)
            return entries.map {
                .init(rung: rung, playlistPath: playlistPath(audioName), codecs: $0.codecs, bandwidth: $0.peak,
                      averageBandwidth: $0.average)
            }
        }
        return zip(videos, entries).map { video, entry in
            .init(rung: video.rung, playlistPath: playlistPath(video.rung.name), codecs: entry.codecs,
                  bandwidth: entry.peak, averageBandwidth: entry.average)
        }
    }
}
