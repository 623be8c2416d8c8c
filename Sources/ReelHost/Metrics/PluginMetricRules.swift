/// What a plugin's metric may be called and look like (reel_plugin.h,
/// "Plugin metrics"): checked before anything reaches the Prometheus
/// registry, which would stop the process on a clash.
enum PluginMetricKind: Int32, Sendable, CustomStringConvertible {
    case counter = 1, gauge = 2, histogram = 3

    var description: String {
        switch self {
        case .counter: "counter"
        case .gauge: "gauge"
        case .histogram: "histogram"
        }
    }
}

enum PluginMetricRules {
    static let maxNameBytes = 128
    static let maxLabels = 8
    static let maxBuckets = 64
    /// The host's own families: no plugin may register inside them.
    static let hostPrefixes = ["reel_bus_", "reel_plugin_"]
    /// Suffixes the exposition gives histograms and info metrics: a gauge or
    /// histogram named so would collide with another family's series.
    static let reservedSuffixes = ["_bucket", "_sum", "_count", "_info", "_total"]

    /// Why the metric is refused, or nil when it is fine.
    static func refusal(kind: PluginMetricKind, name: String, labelNames: [String], buckets: [Double]) -> String? {
        if let reason = nameRefusal(kind: kind, name: name) { return reason }
        if labelNames.count > maxLabels { return "at most \(maxLabels) labels" }
        var seen = Set<String>()
        for label in labelNames {
            guard isLabelName(label) else { return "label name \"\(label)\" is not [a-zA-Z_][a-zA-Z0-9_]*" }
            if label.hasPrefix("__") { return "label name \"\(label)\" starts with __ (reserved)" }
            if kind == .histogram && label == "le" { return "a histogram cannot have a label \"le\"" }
            guard seen.insert(label).inserted else { return "label \"\(label)\" appears twice" }
        }
        if kind != .histogram && !buckets.isEmpty { return "only a histogram has buckets" }
        if buckets.count > maxBuckets { return "at most \(maxBuckets) buckets" }
        for (index, bound) in buckets.enumerated() {
            guard bound.isFinite else { return "bucket bounds must be finite" }
            if index > 0 && bound <= buckets[index - 1] { return "bucket bounds must increase strictly" }
        }
        return nil
    }

    static func nameRefusal(kind: PluginMetricKind, name: String) -> String? {
        guard name.utf8.count <= maxNameBytes else { return "a name has at most \(maxNameBytes) bytes" }
        guard name.hasPrefix("reel_"), name.utf8.count > 5,
              name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }) else {
            return "a plugin metric is named reel_ then [a-z0-9_]"
        }
        if let prefix = hostPrefixes.first(where: { name.hasPrefix($0) }) {
            return "\(prefix)* names are the host's own metrics"
        }
        switch kind {
        case .counter:
            guard name.hasSuffix("_total"), name != "reel__total" else { return "a counter's name ends in _total" }
        case .gauge, .histogram:
            if let suffix = reservedSuffixes.first(where: { name.hasSuffix($0) }) {
                return "a \(kind)'s name may not end in \(suffix)"
            }
        }
        return nil
    }

    static func isLabelName(_ label: String) -> Bool {
        guard let first = label.utf8.first, !(first >= 0x30 && first <= 0x39) else { return false }
        return label.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }
}
