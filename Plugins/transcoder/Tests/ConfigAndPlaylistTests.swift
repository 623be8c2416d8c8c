import Foundation
import XCTest
@testable import TranscoderCore

final class ConfigAndPlaylistTests: XCTestCase {
    func testDefaultsAndOverrides() throws {
        let defaults = try TranscoderConfig { ["REEL_DATA_DIR": "/data"][$0] }
        XCTAssertEqual(defaults.workDirectory, "/data/transcode")
        XCTAssertTrue(defaults.runsJobs)
        XCTAssertEqual(defaults.maxJobs, 1)
        XCTAssertEqual(defaults.leaseSeconds, 30)
        let set = try TranscoderConfig {
            ["REEL_TRANSCODER_WORKER": "off", "REEL_TRANSCODER_MAX_JOBS": "2", "REEL_TRANSCODER_LEASE_SECONDS": "6",
             "REEL_TRANSCODER_PRESET": "ultrafast", "REEL_TRANSCODER_WORKER_NAME": "w1"][$0]
        }
        XCTAssertFalse(set.runsJobs)
        XCTAssertEqual(set.maxJobs, 2)
        XCTAssertEqual(set.heartbeatSeconds, 2)
        XCTAssertEqual(set.preset, "ultrafast")
        XCTAssertEqual(set.workerName, "w1")
    }

    func testBadSettingsAreRefused() {
        for (key, value) in [("REEL_TRANSCODER_MAX_JOBS", "0"), ("REEL_TRANSCODER_PRESET", "turbo"),
                             ("REEL_TRANSCODER_WORKER", "maybe"), ("REEL_TRANSCODER_LEASE_SECONDS", "2")] {
            XCTAssertThrowsError(try TranscoderConfig { $0 == key ? value : nil }, "\(key)=\(value)")
        }
    }

    func testRetryDelayGrowsAndIsCapped() throws {
        let config = try TranscoderConfig { _ in nil }
        XCTAssertEqual(config.retryDelay(afterAttempt: 1), 10)
        XCTAssertEqual(config.retryDelay(afterAttempt: 2), 40)
        XCTAssertEqual(config.retryDelay(afterAttempt: 3), 160)
        XCTAssertEqual(config.retryDelay(afterAttempt: 30), 3600)
    }

    func testPlaylistParsingListsOnlyFilesInsideTheOutput() {
        let master = Data("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2\n../../etc/passwd\n/abs.m3u8\n".utf8)
        XCTAssertEqual(StreamPublisher.variantPlaylists(in: master), ["720p/index.m3u8"])
        let withAudio = Data("""
            #EXTM3U
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="Audio",DEFAULT=YES,URI="audio/index.m3u8"
            #EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO="aac"
            720p/index.m3u8
            #EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO="aac"
            480p/index.m3u8
            """.utf8)
        XCTAssertEqual(StreamPublisher.variantPlaylists(in: withAudio), ["audio/index.m3u8", "720p/index.m3u8", "480p/index.m3u8"])
        let media = StreamPublisher.mediaFiles(in: """
            #EXTM3U
            #EXT-X-PLAYLIST-TYPE:EVENT
            #EXT-X-MAP:URI="init.mp4"
            #EXTINF:4.000000,
            seg-00000.m4s
            #EXTINF:4.000000,
            seg-00001.m4s
            #EXTINF:4.0,
            ../escape.m4s
            """)
        XCTAssertEqual(media.initSegments, ["init.mp4"])
        XCTAssertEqual(media.segments, ["seg-00000.m4s", "seg-00001.m4s"])
    }
}
