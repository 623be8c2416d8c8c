import Foundation

/// `<out>/manifest.mpd`: a static MPEG-DASH manifest (ISO BMFF live
/// profile) over the very files the HLS playlists list, written once the
/// transcode is complete. One AdaptationSet for the video (a Representation
/// per rung) and one for the audio (the one audio rendition), each
/// Representation a single-track CMAF rendition whose SegmentTemplate names
/// `<id>/init.mp4` and `<id>/seg-NNNNN.m4s`, with a SegmentTimeline taken
/// from the rendition's media playlist.
struct DashManifest {
    struct Representation {
        /// Also the directory name (`$RepresentationID$`).
        var id: String
        var bandwidth: Int
        /// Display size and frame rate ("25", "30000/1001"); nil for audio only.
        var width: Int?
        var height: Int?
        var frameRate: String?
        var codecs: String
        /// Set for audio-only Representations.
        var audioSampleRate: Int?
        var audioChannels: Int?
        var segmentDurations: [Double]
    }

    /// Ticks per second of the SegmentTimeline.
    static let timescale = 1000

    var representations: [Representation]
    /// The audio AdaptationSet's `lang` (RFC 5646); nil leaves it out.
    var audioLanguage: String?
    var durationSeconds: Double
    var minBufferSeconds: Double

    var text: String {
        let video = representations.filter { $0.width != nil }
        let audio = representations.filter { $0.width == nil }
        var lines = [
            #"<?xml version="1.0" encoding="utf-8"?>"#,
            #"<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011""#
                + #" type="static" mediaPresentationDuration="\#(Self.duration(durationSeconds))""#
                + #" minBufferTime="\#(Self.duration(minBufferSeconds))">"#,
            #"  <Period id="0" start="PT0S">"#,
        ]
        if !video.isEmpty {
            let maxWidth = video.compactMap(\.width).max() ?? 0, maxHeight = video.compactMap(\.height).max() ?? 0
            lines.append(#"    <AdaptationSet id="0" contentType="video" mimeType="video/mp4" segmentAlignment="true""#
                + #" startWithSAP="1" maxWidth="\#(maxWidth)" maxHeight="\#(maxHeight)">"#)
            for representation in video { lines += Self.lines(for: representation) }
            lines.append("    </AdaptationSet>")
        }
        if !audio.isEmpty {
            let lang = audioLanguage.map { #" lang="\#(Self.escape($0))""# } ?? ""
            lines.append(#"    <AdaptationSet id="\#(video.isEmpty ? 0 : 1)" contentType="audio"\#(lang) mimeType="audio/mp4""#
                + #" segmentAlignment="true" startWithSAP="1">"#)
            for representation in audio { lines += Self.lines(for: representation) }
            lines.append("    </AdaptationSet>")
        }
        lines += ["  </Period>", "</MPD>"]
        return lines.joined(separator: "\n") + "\n"
    }

    func write(to path: String) throws(TranscodeError) {
        try AtomicFile.write(text, to: path)
    }

    private static func lines(for representation: Representation) -> [String] {
        var attributes = #"id="\#(escape(representation.id))" bandwidth="\#(representation.bandwidth)""#
        if let width = representation.width, let height = representation.height {
            attributes += #" width="\#(width)" height="\#(height)" sar="1:1""#
        }
        if let frameRate = representation.frameRate { attributes += #" frameRate="\#(escape(frameRate))""# }
        attributes += #" codecs="\#(escape(representation.codecs))""#
        if let rate = representation.audioSampleRate { attributes += #" audioSamplingRate="\#(rate)""# }
        var lines = ["      <Representation \(attributes)>"]
        if let channels = representation.audioChannels {
            lines.append(#"        <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="\#(channels)"/>"#)
        }
        lines.append(#"        <SegmentTemplate timescale="\#(timescale)" initialization="$RepresentationID$/init.mp4""#
            + #" media="$RepresentationID$/seg-$Number%05d$.m4s" startNumber="0">"#)
        lines.append("          <SegmentTimeline>")
        lines += timeline(representation.segmentDurations).map { "            " + $0 }
        lines += ["          </SegmentTimeline>", "        </SegmentTemplate>", "      </Representation>"]
        return lines
    }

    /// `<S t d r/>` elements: each segment's start rounded to the timescale
    /// (so rounding never accumulates), runs of equal durations merged.
    static func timeline(_ durations: [Double]) -> [String] {
        var ticks: [Int] = []
        var start = 0.0, previousTick = 0
        for duration in durations {
            start += max(0, duration)
            let tick = Int((start * Double(timescale)).rounded())
            ticks.append(tick - previousTick)
            previousTick = tick
        }
        var elements: [String] = []
        var index = 0
        while index < ticks.count {
            var repeats = 0
            while index + repeats + 1 < ticks.count && ticks[index + repeats + 1] == ticks[index] { repeats += 1 }
            let t = index == 0 ? #" t="0""# : ""  // the segments start at 0, back to back
            let r = repeats > 0 ? #" r="\#(repeats)""# : ""
            elements.append(#"<S\#(t) d="\#(ticks[index])"\#(r)/>"#)
            index += repeats + 1
        }
        return elements
    }

    /// xs:duration with millisecond precision, e.g. `PT6.000S`.
    static func duration(_ seconds: Double) -> String {
        "PT" + String(format: "%.3f", max(0, seconds.isFinite ? seconds : 0)) + "S"
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
