import Foundation

/// The current generation of every plugin and the indexes built from them:
/// method name -> generation, JSON routes, topic -> subscribers. Swapping a
/// generation rebuilds the indexes under one lock, so every call sees either
/// the old or the new version, never neither.
final class PluginRegistry: @unchecked Sendable {
    struct RouteTarget: Sendable {
        let generation: PluginGeneration
        let route: RouteInfo
        let method: MethodInfo
    }

    enum RouteLookup {
        case found(RouteTarget, parameters: [String: String])
        case methodNotAllowed([String])
        case notFound
        case badPath
    }

    private let lock = NSLock()
    private var plugins: [String: PluginGeneration] = [:]
    private var methods: [String: (PluginGeneration, MethodInfo)] = [:]
    private var router = Router<RouteTarget>()
    private var topics: [String: [PluginGeneration]] = [:]

    /// Makes `generation` the current one of its plugin; returns the one it replaces.
    func install(_ generation: PluginGeneration) throws(PluginLoadError) -> PluginGeneration? {
        lock.lock()
        defer { lock.unlock() }
        do {
            for method in generation.methods {
                if let (owner, _) = methods[method.name], owner.name != generation.name {
                    throw .conflict("method \(method.name) is already served by \(owner.name)")
                }
            }
            for route in generation.routes {
                for (_, other) in plugins where other.name != generation.name {
                    if other.routes.contains(where: { $0.httpMethod == route.httpMethod && $0.pattern.hasSameShape(as: route.pattern) }) {
                        throw .conflict("route \(route.httpMethod) \(route.pattern) is already served by \(other.name)")
                    }
                }
            }
            let previous = plugins[generation.name]
            plugins[generation.name] = generation
            rebuildIndexes()
            return previous
        }
    }

    private func rebuildIndexes() {
        var methods: [String: (PluginGeneration, MethodInfo)] = [:]
        var router = Router<RouteTarget>()
        var topics: [String: [PluginGeneration]] = [:]
        for generation in plugins.values.sorted(by: { $0.name < $1.name }) {
            for method in generation.methods { methods[method.name] = (generation, method) }
            for route in generation.routes {
                if let method = generation.methods.first(where: { $0.name == route.method }) {
                    router.add(route.httpMethod, route.pattern, RouteTarget(generation: generation, route: route, method: method))
                }
            }
            for topic in generation.subscriptions { topics[topic, default: []].append(generation) }
        }
        self.methods = methods
        self.router = router
        self.topics = topics
    }

    /// The generation serving `method`, entered (the caller must make it leave).
    func acquire(method: String) -> (PluginGeneration, MethodInfo)? {
        lock.withLock {
            guard let (generation, info) = methods[method], generation.enter() else { return nil }
            return (generation, info)
        }
    }

    /// The JSON route for a request; when found, its generation is entered.
    func acquireRoute(method: String, path: String) -> RouteLookup {
        lock.withLock {
            switch router.match(method: method, path: path) {
            case .found(let target, let parameters):
                return target.generation.enter() ? .found(target, parameters: parameters) : .notFound
            case .methodNotAllowed(let allowed): return .methodNotAllowed(allowed)
            case .notFound: return .notFound
            case .badPath: return .badPath
            }
        }
    }

    /// Current subscribers of a topic, each entered once.
    func acquireSubscribers(topic: String) -> [PluginGeneration] {
        lock.withLock { (topics[topic] ?? []).filter { $0.enter() } }
    }

    func current(named name: String) -> PluginGeneration? { lock.withLock { plugins[name] } }

    var all: [PluginGeneration] { lock.withLock { plugins.values.sorted { $0.name < $1.name } } }
}
