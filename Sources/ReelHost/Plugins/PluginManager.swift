import CReelABI
import Foundation
import Logging

/// Loads plugins from the plugins folder, swaps in new versions while the
/// host runs, and retires old ones once they are drained. Loads and swaps
/// run one at a time.
public final class PluginManager: @unchecked Sendable {
    public enum Outcome: Sendable, CustomStringConvertible {
        case loaded(name: String, version: String, generation: Int, replaced: Int?)
        case unchanged(name: String)
        case refused(file: String, reason: String)

        public var description: String {
            switch self {
            case .loaded(let name, let version, let generation, let replaced):
                replaced.map { "\(name) \(version) loaded as generation \(generation), replacing \($0)" }
                    ?? "\(name) \(version) loaded as generation \(generation)"
            case .unchanged(let name): "\(name) unchanged"
            case .refused(let file, let reason): "\(file) refused: \(reason)"
            }
        }

        public var json: [String: Any] {
            switch self {
            case .loaded(let name, let version, let generation, let replaced):
                var result: [String: Any] = ["outcome": "loaded", "name": name, "version": version, "generation": generation]
                if let replaced { result["replaced"] = replaced }
                return result
            case .unchanged(let name): return ["outcome": "unchanged", "name": name]
            case .refused(let file, let reason): return ["outcome": "refused", "file": file, "reason": reason]
            }
        }
    }

    let registry: PluginRegistry
    let bus: Bus
    private let config: HostConfig
    private let cacheDir: String
    private let logger = Logger(label: "reel.plugins")
    private let queue = DispatchQueue(label: "reel.plugins.loader")
    private var nextGeneration = 1
    /// (size, mtime) of each file as last loaded, and as last seen by the watcher.
    private var loadedStamps: [String: FileStamp] = [:]
    private var seenStamps: [String: FileStamp] = [:]
    private var watchTimer: DispatchSourceTimer?
    /// Told about every generation that became current (after its init).
    var onInstalled: (@Sendable (PluginGeneration) -> Void)?

    struct FileStamp: Equatable {
        let size: Int
        let modified: Double
    }

    init(config: HostConfig, registry: PluginRegistry, bus: Bus) {
        self.config = config
        self.registry = registry
        self.bus = bus
        self.cacheDir = config.dataDir + "/plugin-cache"
    }

    /// Loads every plugin file of the folder (the ones that changed since the last scan).
    @discardableResult
    public func scan() -> [Outcome] {
        queue.sync {
            try? FileManager.default.createDirectory(atPath: cacheDir, withIntermediateDirectories: true)
            return pluginFiles().compactMap { file, stamp in
                guard loadedStamps[file] != stamp else { return nil }
                loadedStamps[file] = stamp
                seenStamps[file] = stamp
                return loadLocked(file: file)
            }
        }
    }

    /// Loads one file now, even if it looks unchanged (a same-content file is a no-op).
    public func load(file: String) -> Outcome {
        queue.sync {
            try? FileManager.default.createDirectory(atPath: cacheDir, withIntermediateDirectories: true)
            loadedStamps[file] = Self.stamp(file)
            return loadLocked(file: file)
        }
    }

    /// Polls the folder; a file is reloaded once it has stopped changing for one interval.
    public func startWatching(interval: Double) {
        guard interval > 0 else { return }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "reel.plugins.watch"))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in self?.poll() }
        timer.resume()
        watchTimer = timer
    }

    public func stopWatching() {
        watchTimer?.cancel()
        watchTimer = nil
    }

    private func poll() {
        let changed: [String] = queue.sync {
            var ready: [String] = []
            for (file, stamp) in pluginFiles() where loadedStamps[file] != stamp {
                if seenStamps[file] == stamp { ready.append(file) } else { seenStamps[file] = stamp }
            }
            return ready
        }
        for file in changed {
            let outcome: Outcome = queue.sync {
                loadedStamps[file] = seenStamps[file]
                return loadLocked(file: file)
            }
            logger.info("plugins folder changed", metadata: ["file": "\(file)", "outcome": "\(outcome)"])
        }
    }

    private func pluginFiles() -> [(String, FileStamp)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: config.pluginsDir)) ?? []
        return names.filter { $0.hasSuffix(".so") && !$0.hasPrefix(".") }.sorted().compactMap { name in
            let path = config.pluginsDir + "/" + name
            return Self.stamp(path).map { (path, $0) }
        }
    }

    static func stamp(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileStamp(size: Int(info.st_size),
                         modified: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
    }

    /// Load, check, init, install, drain the previous generation. On the loader queue.
    private func loadLocked(file: String) -> Outcome {
        let fileName = URL(fileURLWithPath: file).lastPathComponent
        do {
            let library = try LoadedLibrary(file: file, cacheDir: cacheDir)
            if let filter = config.pluginFilter, !filter.contains(library.name) { throw PluginLoadError.filteredOut(library.name) }
            if let current = registry.current(named: library.name), current.sha256 == library.sha256 {
                return .unchanged(name: library.name)
            }
            let number = nextGeneration
            nextGeneration += 1
            let context = HostContext(pluginName: library.name, pluginVersion: library.version,
                                      generationNumber: number, environment: config.environment,
                                      grants: config.configGrants,
                                      pluginNames: { [registry] in registry.all.map(\.name) }, bus: bus)
            let generation = PluginGeneration(library: library, number: number, context: context)
            context.generation = generation
            let result = generation.initialize(api: HostAPI.table)
            guard result == 0 else { throw PluginLoadError.initFailed(result) }
            let previous: PluginGeneration?
            do {
                previous = try registry.install(generation)
            } catch {
                generation.drain { _ in }
                throw error
            }
            logger.info("plugin loaded", metadata: [
                "name": "\(generation.name)", "version": "\(generation.version)", "generation": "\(number)",
                "sha256": "\(generation.sha256)", "file": "\(fileName)",
                "methods": "\(generation.methods.count)", "routes": "\(generation.routes.count)",
            ])
            if let previous {
                let logger = self.logger
                previous.drain { retired in
                    logger.info("plugin generation retired", metadata: [
                        "name": "\(retired.name)", "version": "\(retired.version)", "generation": "\(retired.number)",
                        "unmapped": "\(retired.unloadable)",
                    ])
                }
            }
            onInstalled?(generation)
            return .loaded(name: generation.name, version: generation.version, generation: number, replaced: previous?.number)
        } catch let error as PluginLoadError {
            if case .filteredOut = error {
                logger.info("plugin skipped", metadata: ["file": "\(fileName)", "reason": "\(error)"])
            } else {
                logger.error("plugin refused: \(fileName): \(error)", metadata: ["file": "\(fileName)"])
            }
            return .refused(file: fileName, reason: error.description)
        } catch {
            logger.error("plugin refused: \(fileName): \(error)", metadata: ["file": "\(fileName)"])
            return .refused(file: fileName, reason: "\(error)")
        }
    }
}
