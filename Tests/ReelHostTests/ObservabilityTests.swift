import Foundation
import XCTest
@testable import ReelHost

/// W3C trace context parsing, the metrics listener's address, and the
/// metrics registry's exposition.
final class ObservabilityTests: XCTestCase {
    func testTraceparentIsContinuedOrANewTraceStarted() {
        let continued = TraceContext.accept(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                                            tracestate: "congo=t61rcWkgMzE")
        XCTAssertEqual(continued.traceId, "4bf92f3577b34da6a3ce929d0e0e4736")
        XCTAssertEqual(continued.parentSpanId, "00f067aa0ba902b7")
        XCTAssertNotEqual(continued.spanId, "00f067aa0ba902b7")
        XCTAssertEqual(continued.flags, "01")
        XCTAssertEqual(continued.state, "congo=t61rcWkgMzE")
        XCTAssertEqual(continued.traceparent, "00-4bf92f3577b34da6a3ce929d0e0e4736-\(continued.spanId)-01")
        // A later version may add fields after a '-'.
        XCTAssertEqual(TraceContext.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-what")?.flags, "00")
        let refused = [
            "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", // too short
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // zero parent
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x", // extra field in version 00
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
        ]
        for header in refused {
            XCTAssertNil(TraceContext.parse(header), header)
            let fresh = TraceContext.accept(traceparent: header, tracestate: "a=b")
            XCTAssertNil(fresh.parentSpanId)
            XCTAssertNil(fresh.state)
            XCTAssertNotNil(TraceContext.parse(fresh.traceparent), fresh.traceparent)
        }
        let ids = (0..<200).map { _ in TraceContext.accept(traceparent: nil, tracestate: nil).traceId }
        XCTAssertEqual(Set(ids).count, ids.count)
    }

    func testTheMetricsAddress() throws {
        XCTAssertEqual(try HostConfig(environment: [:]).metricsAddress, ListenAddress(host: "127.0.0.1", port: 9464))
        XCTAssertEqual(try HostConfig(environment: ["REEL_HTTP_PORT": "8090"]).metricsAddress?.port, 9474)
        XCTAssertEqual(try HostConfig(environment: ["REEL_HTTP_PORT": "0"]).metricsAddress?.port, 0)
        XCTAssertEqual(try HostConfig(environment: ["REEL_METRICS_ADDR": "0.0.0.0:9100"]).metricsAddress,
                       ListenAddress(host: "0.0.0.0", port: 9100))
        XCTAssertNil(try HostConfig(environment: ["REEL_METRICS_ADDR": "off"]).metricsAddress)
        for value in ["9464", "localhost:9464", "127.0.0.1:x", "127.0.0.1:70000", ""] {
            XCTAssertThrowsError(try HostConfig(environment: ["REEL_METRICS_ADDR": value]), value) { error in
                XCTAssertTrue("\(error)".hasPrefix("REEL_METRICS_ADDR='\(value)' is not usable"), "\(error)")
            }
        }
    }

    func testExpositionHasRouteTemplatesAndOneInfoSeriesPerPlugin() {
        let metrics = HostMetrics()
        metrics.requestStarted()
        metrics.requestFinished(method: "GET", route: "/api/v1/videos/{id}", status: 200, seconds: 0.02,
                                requestBytes: 0, responseBytes: 700)
        metrics.requestStarted()
        metrics.requestFinished(method: "BREW", route: "unmatched", status: 404, seconds: 0.001,
                                requestBytes: 0, responseBytes: 80)
        metrics.pluginInstalled(name: "video", version: "1", generation: 1, sha256: "aa", replaced: false)
        metrics.pluginInstalled(name: "video", version: "2", generation: 3, sha256: "bb", replaced: true)
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        XCTAssertTrue(text.contains(#"http_server_request_duration_seconds_count{http_request_method="GET",http_route="/api/v1/videos/{id}",http_response_status_code="200"} 1"#), text)
        XCTAssertTrue(text.contains(#"http_request_method="_OTHER""#), text)
        XCTAssertTrue(text.contains("http_server_active_requests 0"), text)
        XCTAssertFalse(text.contains(#"generation="1""#), text)
        XCTAssertTrue(text.contains(#"reel_plugin_info{name="video",version="2",generation="3",sha256="bb"} 1"#), text)
        XCTAssertTrue(text.contains(#"reel_plugin_hot_swaps_total{name="video"} 1"#), text)
        XCTAssertTrue(text.contains("process_resident_memory_bytes "), text)
    }
}
