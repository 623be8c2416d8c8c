import CReelABI
import Foundation

// MARK: - Plugin metrics (ABI 1.4): the reel_metrics_api table

extension HostAPI {
    /// Host-owned for the whole process, like the handles it hands out.
    nonisolated(unsafe) static let metricsTable: UnsafePointer<reel_metrics_api> = {
        let table = UnsafeMutablePointer<reel_metrics_api>.allocate(capacity: 1)
        table.initialize(to: reel_metrics_api())
        table.pointee.struct_size = UInt32(MemoryLayout<reel_metrics_api>.size)
        table.pointee.register_metric = hostRegisterMetric
        table.pointee.add = { metric, values, count, value in update(metric, .add, values, count, value) }
        table.pointee.set = { metric, values, count, value in update(metric, .set, values, count, value) }
        table.pointee.observe = { metric, values, count, value in update(metric, .observe, values, count, value) }
        return UnsafePointer(table)
    }()
}

private func strings(_ pointers: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int) -> [String]? {
    guard count > 0 else { return [] }
    guard let pointers else { return nil }
    var result: [String] = []
    result.reserveCapacity(count)
    for index in 0..<count {
        guard let pointer = pointers[index] else { return nil }
        result.append(String(cString: pointer))
    }
    return result
}

private func update(_ metric: OpaquePointer?, _ kind: PluginMetric.Update,
                    _ values: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int, _ value: Double) {
    guard let family = PluginMetric.from(metric) else { return }
    // A NULL among the values counts as a wrong label count: dropped and logged.
    family.update(kind, labelValues: strings(values, count) ?? [], value: value)
}

private let hostRegisterMetric: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
                                                UnsafePointer<UnsafePointer<CChar>?>?, Int,
                                                UnsafePointer<Double>?, Int) -> OpaquePointer? = {
    host, kind, name, help, labelNames, labelCount, buckets, bucketCount in
    guard let context = HostContext.from(host) else { return nil }
    let metricName = name.map { String(cString: $0) } ?? ""
    func refuse(_ reason: String) -> OpaquePointer? {
        context.logger.warning("metric \(metricName.isEmpty ? "(no name)" : metricName) refused: \(reason)")
        return nil
    }
    guard let metrics = context.bus.metrics?.pluginMetrics else { return refuse("this host keeps no metrics") }
    guard let metricKind = PluginMetricKind(rawValue: kind) else { return refuse("unknown kind \(kind)") }
    guard let labels = strings(labelNames, labelCount) else { return refuse("a label name is NULL") }
    guard bucketCount == 0 || buckets != nil else { return refuse("bucket_count without buckets") }
    let bounds = buckets.map { Array(UnsafeBufferPointer(start: $0, count: bucketCount)) } ?? []
    switch metrics.register(owner: context.pluginName, kind: metricKind, name: metricName,
                            help: help.map { String(cString: $0) } ?? "", labelNames: labels, buckets: bounds) {
    case .registered(let family): return family.opaque
    case .refused(let reason): return refuse(reason)
    }
}
