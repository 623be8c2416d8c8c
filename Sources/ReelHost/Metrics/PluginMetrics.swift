import CReelABI
import Foundation
import Logging
import Prometheus

/// The metrics plugins register through the ABI (1.4, `reel_metrics_api`),
/// kept in the host's registry beside its own. A family belongs to the
/// plugin *name* that registered it first and lives as long as the process:
/// a new generation registering it again gets the same family, so its
/// series go on across a hot-swap, and a handle an old generation kept
/// stays valid.
final class PluginMetrics: @unchecked Sendable {
    enum Registration {
        case registered(PluginMetric)
        case refused(String)
    }

    private let registry: PrometheusCollectorRegistry
    private let lock = NSLock()
    private var families: [String: PluginMetric] = [:]

    init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    func register(owner: String, kind: PluginMetricKind, name: String, help: String,
                  labelNames: [String], buckets: [Double]) -> Registration {
        if let reason = PluginMetricRules.refusal(kind: kind, name: name, labelNames: labelNames, buckets: buckets) {
            return .refused(reason)
        }
        let buckets = kind == .histogram && buckets.isEmpty ? HostMetrics.durationBuckets : buckets
        return lock.withLock {
            if let existing = families[name] {
                guard existing.owner == owner else {
                    return .refused("\(name) is already registered by plugin \(existing.owner)")
                }
                guard existing.kind == kind, existing.labelNames == labelNames, existing.buckets == buckets else {
                    return .refused("\(name) is already registered as a \(existing.kind) with labels \(existing.labelNames)"
                                    + (existing.kind == .histogram ? " and buckets \(existing.buckets)" : "")
                                    + "; a changed metric needs a host restart")
                }
                return .registered(existing)
            }
            let metric = PluginMetric(owner: owner, kind: kind, name: name, help: help,
                                      labelNames: labelNames, buckets: buckets, registry: registry)
            families[name] = metric
            return .registered(metric)
        }
    }
}

/// One registered family: what a `reel_metric *` points to (never freed).
final class PluginMetric: @unchecked Sendable {
    enum Update { case add, set, observe }

    let owner: String
    let kind: PluginMetricKind
    let name: String
    let help: String
    let labelNames: [String]
    let buckets: [Double]
    private let registry: PrometheusCollectorRegistry
    private let logger: Logger
    private let lock = NSLock()
    private var series: [[String]: Series] = [:]
    private var warned: Set<String> = []

    /// Label sets per family (REEL_METRIC_MAX_SERIES): a bound on what a plugin can add.
    static let maxSeries = Int(REEL_METRIC_MAX_SERIES)

    private enum Series {
        case counter(Counter)
        case gauge(Gauge)
        case histogram(ValueHistogram)
    }

    init(owner: String, kind: PluginMetricKind, name: String, help: String, labelNames: [String],
         buckets: [Double], registry: PrometheusCollectorRegistry) {
        self.owner = owner
        self.kind = kind
        self.name = name
        // One line, never empty: promtool wants a HELP for every family.
        let line = help.split(whereSeparator: \.isNewline).joined(separator: " ")
        self.help = line.isEmpty ? "\(name) (plugin \(owner))" : line
        self.labelNames = labelNames
        self.buckets = buckets
        self.registry = registry
        logger = Logger(label: "reel.plugin.\(owner)")
        // An unlabelled family has its one series from the start (0).
        if labelNames.isEmpty { lock.withLock { _ = seriesLocked([]) } }
    }

    /// The pointer handed to plugins; the family is retained by PluginMetrics forever.
    var opaque: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }

    static func from(_ pointer: OpaquePointer?) -> PluginMetric? {
        guard let pointer else { return nil }
        return Unmanaged<PluginMetric>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }

    func update(_ update: Update, labelValues: [String], value: Double) {
        guard value.isFinite else { return warnOnce("non-finite", "\(name): a non-finite value was dropped") }
        guard labelValues.count == labelNames.count else {
            return warnOnce("labels", "\(name): \(labelValues.count) label values for \(labelNames.count) labels; the update was dropped")
        }
        let found = lock.withLock { seriesLocked(labelValues) }
        guard let found else {
            return warnOnce("series", "\(name): more than \(PluginMetric.maxSeries) label sets; updates of new ones are dropped")
        }
        switch (found, update) {
        case (.counter(let counter), .add):
            guard value >= 0 else { return warnOnce("negative", "\(name): a counter cannot go down; a negative add was dropped") }
            counter.increment(by: value)
        case (.gauge(let gauge), .add): gauge.increment(by: value)
        case (.gauge(let gauge), .set): gauge.set(to: value)
        case (.histogram(let histogram), .observe): histogram.record(value)
        default: warnOnce("kind-\(update)", "\(name): \(update) does not apply to a \(kind); dropped")
        }
    }

    private func seriesLocked(_ values: [String]) -> Series? {
        if let existing = series[values] { return existing }
        guard series.count < PluginMetric.maxSeries else { return nil }
        let labels = Array(zip(labelNames, values))
        let made: Series = switch kind {
        case .counter:
            .counter(labels.isEmpty ? registry.makeCounter(name: name, help: help)
                                    : registry.makeCounter(name: name, labels: labels, help: help))
        case .gauge:
            .gauge(labels.isEmpty ? registry.makeGauge(name: name, help: help)
                                  : registry.makeGauge(name: name, labels: labels, help: help))
        case .histogram:
            .histogram(labels.isEmpty ? registry.makeValueHistogram(name: name, buckets: buckets, help: help)
                                      : registry.makeValueHistogram(name: name, labels: labels, buckets: buckets, help: help))
        }
        series[values] = made
        return made
    }

    private func warnOnce(_ key: String, _ message: String) {
        guard lock.withLock({ warned.insert(key).inserted }) else { return }
        logger.warning("metric \(message)")
    }
}
