import Foundation
import XCTest
@testable import ReelHost

/// Plugin metrics (ABI 1.4): what a plugin may register, and that a plugin
/// registering again (its next generation) continues the same series.
final class PluginMetricsTests: XCTestCase {
    private func family(_ outcome: PluginMetrics.Registration, file: StaticString = #filePath, line: UInt = #line) -> PluginMetric? {
        switch outcome {
        case .registered(let metric): return metric
        case .refused(let reason):
            XCTFail("refused: \(reason)", file: file, line: line)
            return nil
        }
    }

    private func reason(_ outcome: PluginMetrics.Registration) -> String? {
        if case .refused(let reason) = outcome { return reason }
        return nil
    }

    func testNamesLabelsAndBucketsAreChecked() {
        let metrics = HostMetrics().pluginMetrics
        func refused(_ kind: PluginMetricKind, _ name: String, labels: [String] = [], buckets: [Double] = []) -> String? {
            reason(metrics.register(owner: "auth", kind: kind, name: name, help: "h", labelNames: labels, buckets: buckets))
        }
        XCTAssertNotNil(refused(.counter, "login_total"))              // not reel_
        XCTAssertNotNil(refused(.counter, "reel_Login_total"))         // snake_case only
        XCTAssertNotNil(refused(.counter, "reel_login:x_total"))       // no colons
        XCTAssertNotNil(refused(.counter, "reel_logins"))              // a counter ends in _total
        XCTAssertNotNil(refused(.gauge, "reel_queue_total"))           // a gauge does not
        XCTAssertNotNil(refused(.gauge, "reel_queue_count"))           // would clash with a histogram's series
        XCTAssertNotNil(refused(.counter, "reel_bus_calls_total"))     // the host's own families
        XCTAssertNotNil(refused(.gauge, "reel_plugin_state"))
        XCTAssertNotNil(refused(.counter, "reel_x_total", labels: ["a", "a"]))
        XCTAssertNotNil(refused(.counter, "reel_x_total", labels: ["1a"]))
        XCTAssertNotNil(refused(.counter, "reel_x_total", labels: ["__name"]))
        XCTAssertNotNil(refused(.histogram, "reel_x_seconds", labels: ["le"]))
        XCTAssertNotNil(refused(.histogram, "reel_x_seconds", buckets: [1, 1]))
        XCTAssertNotNil(refused(.histogram, "reel_x_seconds", buckets: [1, .infinity]))
        XCTAssertNotNil(refused(.counter, "reel_x_total", buckets: [1]))
        XCTAssertNil(refused(.counter, "reel_login_failed_total", labels: ["reason"]))
        XCTAssertNil(refused(.histogram, "reel_transcode_encode_duration_seconds", labels: ["rung"], buckets: [1, 10]))
    }

    func testAPluginRegisteringAgainGetsTheSameSeriesAndOthersAreRefused() {
        let host = HostMetrics()
        let metrics = host.pluginMetrics
        let first = family(metrics.register(owner: "auth", kind: .counter, name: "reel_login_failed_total",
                                            help: "Failed logins", labelNames: ["reason"], buckets: []))
        first?.update(.add, labelValues: ["password"], value: 1)
        // The next generation of the same plugin (help text may differ): the same family.
        let second = family(metrics.register(owner: "auth", kind: .counter, name: "reel_login_failed_total",
                                             help: "Failed logins (v2)", labelNames: ["reason"], buckets: []))
        XCTAssertTrue(first === second)
        second?.update(.add, labelValues: ["password"], value: 2)
        // Another shape, or another plugin: refused, nothing crashes.
        XCTAssertNotNil(reason(metrics.register(owner: "auth", kind: .gauge, name: "reel_login_failed_total",
                                                help: "", labelNames: ["reason"], buckets: [])))
        XCTAssertNotNil(reason(metrics.register(owner: "auth", kind: .counter, name: "reel_login_failed_total",
                                                help: "", labelNames: [], buckets: [])))
        XCTAssertNotNil(reason(metrics.register(owner: "video", kind: .counter, name: "reel_login_failed_total",
                                                help: "", labelNames: ["reason"], buckets: [])))
        // Updates that do not fit are dropped, not fatal.
        first?.update(.add, labelValues: ["password"], value: -1)
        first?.update(.add, labelValues: [], value: 1)
        first?.update(.set, labelValues: ["password"], value: 9)
        first?.update(.add, labelValues: ["password"], value: .nan)
        let text = String(decoding: host.exposition(), as: UTF8.self)
        XCTAssertTrue(text.contains(#"reel_login_failed_total{reason="password"} 3"#), text)
        XCTAssertEqual(text.components(separatedBy: "# TYPE reel_login_failed_total counter").count, 2, text)
        XCTAssertTrue(text.contains("# HELP reel_login_failed_total Failed logins\n"), text)
    }

    func testGaugesHistogramsAndTheSeriesBound() {
        let host = HostMetrics()
        let metrics = host.pluginMetrics
        let depth = family(metrics.register(owner: "transcoder", kind: .gauge, name: "reel_transcode_queue_depth",
                                            help: "Jobs by state", labelNames: ["state"], buckets: []))
        depth?.update(.set, labelValues: ["queued"], value: 4)
        depth?.update(.add, labelValues: ["queued"], value: -1)
        let encode = family(metrics.register(owner: "transcoder", kind: .histogram, name: "reel_transcode_encode_duration_seconds",
                                             help: "Encode time per rung", labelNames: ["rung"], buckets: [1, 10]))
        encode?.update(.observe, labelValues: ["720p"], value: 5)
        let unlabelled = family(metrics.register(owner: "transcoder", kind: .counter, name: "reel_transcode_jobs_retried_total",
                                                 help: "", labelNames: [], buckets: []))
        XCTAssertNotNil(unlabelled)
        for index in 0..<(PluginMetric.maxSeries + 5) {
            depth?.update(.set, labelValues: ["s\(index)"], value: 1)
        }
        let text = String(decoding: host.exposition(), as: UTF8.self)
        XCTAssertTrue(text.contains(#"reel_transcode_queue_depth{state="queued"} 3"#), text)
        XCTAssertTrue(text.contains(#"reel_transcode_encode_duration_seconds_bucket{rung="720p",le="10.0"} 1"#), text)
        XCTAssertTrue(text.contains("reel_transcode_jobs_retried_total 0"), text)
        XCTAssertFalse(text.contains(#"state="s\#(PluginMetric.maxSeries)""#))
    }
}
