import CReelABI

/// A plugin's own Prometheus metrics (ABI 1.4, reel_plugin.h "Plugin
/// metrics"), served by the host on /metrics beside its own:
///
///     let logins = host.metrics.counter("reel_login_succeeded_total", help: "Logins that issued tokens")
///     logins.increment()
///     let encodes = host.metrics.histogram("reel_transcode_encode_duration_seconds", help: "...",
///                                          labels: ["rung"], buckets: [1, 5, 30, 120, 600])
///     encodes.observe(12.5, "720p")
///
/// Register at start: the same plugin registering the same name again (its
/// next generation after a hot-swap) gets the same series. A metric the
/// host refuses (a bad name, a clash; the host logs why) or a host older
/// than 1.4 gives a metric that does nothing, so code using it never checks.
/// Label values must come from a small fixed set, never from user input.
public struct PluginMetrics: Sendable {
    private let registrar: Registrar?

    init(host: PluginHost) {
        let api = host.api.pointee
        guard api.abi_minor >= 4, let table = api.metrics,
              table.pointee.struct_size >= UInt32(MemoryLayout<reel_metrics_api>.size) else {
            registrar = nil
            return
        }
        registrar = Registrar(host: host.host, table: table)
    }

    public func counter(_ name: String, help: String, labels: [String] = []) -> CounterMetric {
        CounterMetric(handle: registrar?.register(REEL_METRIC_COUNTER, name, help, labels, []))
    }

    public func gauge(_ name: String, help: String, labels: [String] = []) -> GaugeMetric {
        GaugeMetric(handle: registrar?.register(REEL_METRIC_GAUGE, name, help, labels, []))
    }

    /// `buckets`: strictly increasing upper bounds; empty: the host's
    /// duration buckets (5 ms to 10 s).
    public func histogram(_ name: String, help: String, labels: [String] = [], buckets: [Double] = []) -> HistogramMetric {
        HistogramMetric(handle: registrar?.register(REEL_METRIC_HISTOGRAM, name, help, labels, buckets))
    }
}

/// Only goes up. `increment(by:)` with a negative amount is dropped by the host.
public struct CounterMetric: Sendable {
    let handle: MetricHandle?
    public func increment(_ labelValues: String..., by amount: Double = 1) {
        handle?.call(\.add, labelValues, amount)
    }
}

public struct GaugeMetric: Sendable {
    let handle: MetricHandle?
    public func set(_ value: Double, _ labelValues: String...) { handle?.call(\.set, labelValues, value) }
    public func add(_ amount: Double, _ labelValues: String...) { handle?.call(\.add, labelValues, amount) }
}

public struct HistogramMetric: Sendable {
    let handle: MetricHandle?
    public func observe(_ value: Double, _ labelValues: String...) { handle?.call(\.observe, labelValues, value) }
}

private struct Registrar: @unchecked Sendable {
    // reel_host * and the metrics table: the table is host-owned for the
    // whole process; the host pointer is used only while registering.
    let host: OpaquePointer
    let table: UnsafePointer<reel_metrics_api>

    func register(_ kind: Int32, _ name: String, _ help: String, _ labels: [String], _ buckets: [Double]) -> MetricHandle? {
        guard let register = table.pointee.register_metric else { return nil }
        let handle = withCStringArray(labels) { labelPointers, labelCount in
            buckets.withUnsafeBufferPointer { bounds in
                register(host, kind, name, help, labelPointers, labelCount, bounds.count > 0 ? bounds.baseAddress : nil, bounds.count)
            }
        }
        return handle.map { MetricHandle(metric: $0, table: table) }
    }
}

/// A registered metric: a host-owned handle that stays valid for the whole
/// process (reel_plugin.h), so a copy outliving this generation is harmless.
struct MetricHandle: @unchecked Sendable {
    typealias Update = @convention(c) (OpaquePointer?, UnsafePointer<UnsafePointer<CChar>?>?, Int, Double) -> Void
    let metric: OpaquePointer
    let table: UnsafePointer<reel_metrics_api>

    func call(_ slot: KeyPath<reel_metrics_api, Update?>, _ labelValues: [String], _ value: Double) {
        guard let update = table.pointee[keyPath: slot] else { return }
        withCStringArray(labelValues) { pointers, count in update(metric, pointers, count, value) }
    }
}

/// `body` gets C strings for `strings` (NULL and 0 when empty), valid during the call.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?, Int) -> R) -> R {
    guard !strings.isEmpty else { return body(nil, 0) }
    var pointers: [UnsafePointer<CChar>?] = []
    pointers.reserveCapacity(strings.count)
    func nest(_ index: Int) -> R {
        guard index < strings.count else { return pointers.withUnsafeBufferPointer { body($0.baseAddress, $0.count) } }
        return strings[index].withCString { pointer in
            pointers.append(pointer)
            return nest(index + 1)
        }
    }
    return nest(0)
}
