import Foundation
import Prometheus

/// The host's metrics (README, "Observe it"), kept in one swift-prometheus
/// registry and served in the Prometheus text format by `MetricsHandler` on
/// the metrics listener (REEL_METRICS_ADDR). The names are a contract for
/// dashboards: HTTP ones follow OpenTelemetry's semantic conventions as the
/// OpenTelemetry Prometheus exporter writes them.
public final class HostMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let process: ProcessMetrics

    /// Seconds, OpenTelemetry's default boundaries for HTTP durations.
    static let durationBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]
    /// Bytes, ×4 from 256 B to 1 GiB.
    static let sizeBuckets: [Double] = (0..<12).map { 256 * pow(4, Double($0)) }

    private let activeRequests: Gauge
    /// Series handles per label set: one short lock per finished request
    /// instead of the registry's name validation and lookups.
    private let requestSeries = SeriesCache<RequestKey, RequestSeries>()
    private let busSeries = SeriesCache<BusKey, ValueHistogram>()
    private let eventSeries = SeriesCache<EventKey, Counter>()
    private let plugins: PluginSeries
    /// What plugins register through the ABI (1.4).
    let pluginMetrics: PluginMetrics

    public init() {
        activeRequests = registry.makeGauge(
            name: "http_server_active_requests",
            help: "HTTP requests the public listener is serving now")
        process = ProcessMetrics(registry: registry)
        plugins = PluginSeries(registry: registry)
        pluginMetrics = PluginMetrics(registry: registry)
    }

    // MARK: HTTP (the public listener)

    struct RequestKey: Hashable, Sendable {
        let method: String
        let route: String
        let status: Int
    }

    struct RequestSeries: Sendable {
        let duration: ValueHistogram
        let requestSize: ValueHistogram
        let responseSize: ValueHistogram
    }

    func requestStarted() { activeRequests.increment() }

    /// A finished request. `route` is the matched route template ("/api/v1/videos/{id}"),
    /// never the raw path; "unmatched" when no route took it.
    func requestFinished(method: String, route: String, status: Int, seconds: Double,
                         requestBytes: Int, responseBytes: Int) {
        activeRequests.decrement()
        let key = RequestKey(method: Self.knownMethod(method), route: route, status: status)
        let series = requestSeries.get(key) { [registry] in
            let labels = [("http_request_method", key.method), ("http_route", key.route),
                          ("http_response_status_code", String(key.status))]
            return RequestSeries(
                duration: registry.makeValueHistogram(
                    name: "http_server_request_duration_seconds", labels: labels, buckets: Self.durationBuckets,
                    help: "Duration of HTTP server requests, by method, route template and status"),
                requestSize: registry.makeValueHistogram(
                    name: "http_server_request_body_size_bytes", labels: labels, buckets: Self.sizeBuckets,
                    help: "Size of HTTP request bodies"),
                responseSize: registry.makeValueHistogram(
                    name: "http_server_response_body_size_bytes", labels: labels, buckets: Self.sizeBuckets,
                    help: "Size of HTTP response bodies"))
        }
        series.duration.record(seconds)
        series.requestSize.record(Double(requestBytes))
        series.responseSize.record(Double(responseBytes))
    }

    /// A client may send any method: others are counted as "_OTHER" (as
    /// OpenTelemetry does), so they cannot grow the series without bound.
    static func knownMethod(_ method: String) -> String {
        switch method {
        case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE": method
        default: "_OTHER"
        }
    }

    // MARK: Bus

    struct BusKey: Hashable, Sendable {
        let method: String
        let code: String
    }

    /// A bus call answered (from outside or between plugins), by method and result code.
    func busCall(method: String, code: String, seconds: Double) {
        let key = BusKey(method: method, code: code)
        busSeries.get(key) { [registry] in
            registry.makeValueHistogram(
                name: "reel_bus_call_duration_seconds", labels: [("method", key.method), ("code", key.code)],
                buckets: Self.durationBuckets, help: "Duration of bus calls, by method and result code")
        }.record(seconds)
    }

    struct EventKey: Hashable, Sendable {
        let topic: String
        let stage: String
    }

    /// An event published (once per publish) or delivered (once per subscriber).
    func busEvent(topic: String, stage: String) {
        let key = EventKey(topic: topic, stage: stage)
        eventSeries.get(key) { [registry] in
            registry.makeCounter(name: "reel_bus_events_total", labels: [("topic", key.topic), ("stage", key.stage)],
                                 help: "Bus events, by topic: published, and delivered to each subscriber")
        }.increment()
    }

    // MARK: Plugins

    func pluginInstalled(name: String, version: String, generation: Int, sha256: String, replaced: Bool) {
        plugins.installed(name: name, version: version, generation: generation, sha256: sha256, replaced: replaced)
    }

    /// The exposition text, process metrics read now.
    public func exposition() -> [UInt8] {
        process.update()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        registry.emit(into: &buffer)
        return buffer
    }
}

/// Metric handles by label set, created once under a short lock. Each
/// thread first checks the last one it was handed, without the lock: a run
/// of requests to one route with one status (the usual case) skips hashing
/// the labels, and the I/O threads do not wait for each other here (one
/// shared lock per finished request was one more place where an I/O thread
/// slept, its connections with it, while the other held it).
final class SeriesCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Key: Value] = [:]
    /// The calling thread's last handle.
    private let threadLast = ThreadSlot<Last>()

    private final class Last {
        let key: Key
        let value: Value
        init(key: Key, value: Value) { self.key = key; self.value = value }
    }

    func get(_ key: Key, make: () -> Value) -> Value {
        if let last = threadLast.value, last.key == key { return last.value }
        let value: Value = lock.withLock {
            if let value = values[key] { return value }
            let value = make()
            values[key] = value
            return value
        }
        threadLast.value = Last(key: key, value: value)
        return value
    }

    /// How many label sets have handles.
    var count: Int { lock.withLock { values.count } }
}

/// `reel_plugin_info` (one series per plugin: the current generation) and
/// `reel_plugin_hot_swaps_total`.
final class PluginSeries: @unchecked Sendable {
    private let registry: PrometheusCollectorRegistry
    private let lock = NSLock()
    private var info: [String: Gauge] = [:]
    private var swaps: [String: Counter] = [:]

    init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    func installed(name: String, version: String, generation: Int, sha256: String, replaced: Bool) {
        lock.withLock {
            if let old = info[name] { registry.unregisterGauge(old) }
            let gauge = registry.makeGauge(
                name: "reel_plugin_info",
                labels: [("name", name), ("version", version), ("generation", String(generation)), ("sha256", sha256)],
                help: "The plugin generation serving each plugin name (always 1)")
            gauge.set(to: 1)
            info[name] = gauge
            let counter = swaps[name] ?? registry.makeCounter(
                name: "reel_plugin_hot_swaps_total", labels: [("name", name)],
                help: "Plugin versions swapped in while the host ran")
            swaps[name] = counter
            if replaced { counter.increment() }
        }
    }
}
