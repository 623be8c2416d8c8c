import Foundation
import Prometheus

/// The Prometheus client conventions' process metrics, read from /proc at
/// each scrape: resident and virtual memory, open and maximum descriptors,
/// threads, CPU seconds and the start time.
final class ProcessMetrics: @unchecked Sendable {
    private let resident: Gauge
    private let virtual: Gauge
    private let openFDs: Gauge
    private let maxFDs: Gauge
    private let threads: Gauge
    private let startTime: Gauge
    private let cpu: Counter
    private let lock = NSLock()
    private var cpuReported = 0.0

    init(registry: PrometheusCollectorRegistry) {
        resident = registry.makeGauge(name: "process_resident_memory_bytes", help: "Resident memory size in bytes.")
        virtual = registry.makeGauge(name: "process_virtual_memory_bytes", help: "Virtual memory size in bytes.")
        openFDs = registry.makeGauge(name: "process_open_fds", help: "Number of open file descriptors.")
        maxFDs = registry.makeGauge(name: "process_max_fds", help: "Maximum number of open file descriptors.")
        threads = registry.makeGauge(name: "process_threads", help: "Number of OS threads in the process.")
        startTime = registry.makeGauge(name: "process_start_time_seconds",
                                       help: "Start time of the process since unix epoch in seconds.")
        cpu = registry.makeCounter(name: "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.")
        if let stat = Self.stat(), let boot = Self.bootTime() {
            startTime.set(to: boot + stat.startTicks / Self.ticksPerSecond)
        }
    }

    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    static let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))

    func update() {
        if let stat = Self.stat() {
            resident.set(to: stat.rssPages * Self.pageSize)
            virtual.set(to: stat.virtualBytes)
            threads.set(to: stat.threads)
            let seconds = stat.cpuTicks / Self.ticksPerSecond
            // A counter only grows: add what was used since the last scrape.
            lock.withLock {
                if seconds > cpuReported {
                    cpu.increment(by: seconds - cpuReported)
                    cpuReported = seconds
                }
            }
        }
        if let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            openFDs.set(to: Double(names.count))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { maxFDs.set(to: Double(limit.rlim_cur)) }
    }

    struct Stat {
        var cpuTicks: Double
        var threads: Double
        var startTicks: Double
        var virtualBytes: Double
        var rssPages: Double
    }

    /// /proc/self/stat: fields after the command name (which may hold spaces) in ")".
    static func stat() -> Stat? {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // Field 3 (state) is the first after ")"; utime is 14, stime 15,
        // num_threads 20, starttime 22, vsize 23, rss 24.
        let fields = text[text.index(after: close)...].split(separator: " ").map { Double($0) ?? 0 }
        func field(_ number: Int) -> Double { number - 3 < fields.count ? fields[number - 3] : 0 }
        return Stat(cpuTicks: field(14) + field(15), threads: field(20), startTicks: field(22),
                    virtualBytes: field(23), rssPages: field(24))
    }

    static func bootTime() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}
