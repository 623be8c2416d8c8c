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
    private var httpRouter = Router<HTTPRouteTarget>()

    struct HTTPRouteTarget: Sendable {
        let generation: PluginGeneration
        let route: HTTPRouteInfo
    }

    enum HTTPRouteLookup {
        case found(HTTPRouteTarget, parameters: [String: String])
        case notFound
    }

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
            let claimed = generation.routes.map { ($0.httpMethod, $0.pattern) } + generation.httpRoutes.map { ($0.httpMethod, $0.pattern) }
            for (verb, pattern) in claimed {
                for (_, other) in plugins where other.name != generation.name {
                    let taken = other.routes.map { ($0.httpMethod, $0.pattern) } + other.httpRoutes.map { ($0.httpMethod, $0.pattern) }
                    if taken.contains(where: { $0.0 == verb && $0.1.hasSameShape(as: pattern) }) {
                        throw .conflict("route \(verb) \(pattern) is already served by \(other.name)")
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
        var httpRouter = Router<HTTPRouteTarget>()
        for generation in plugins.values.sorted(by: { $0.name < $1.name }) {
            for method in generation.methods { methods[method.name] = (generation, method) }
            for route in generation.routes {
                if let method = generation.methods.first(where: { $0.name == route.method }) {
                    router.add(route.httpMethod, route.pattern, RouteTarget(generation: generation, route: route, method: method))
                }
            }
            for topic in generation.subscriptions { topics[topic, default: []].append(generation) }
            for route in generation.httpRoutes {
                httpRouter.add(route.httpMethod, route.pattern, HTTPRouteTarget(generation: generation, route: route))
            }
        }
        self.httpRouter = httpRouter
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
        // Matched outside the lock, as acquireHTTPRoute: a generation retired
        // meanwhile refuses to be entered, and the match is redone.
        for _ in 0..<3 {
            let router = lock.withLock { self.router }
            switch router.match(method: method, path: path) {
            case .found(let target, let parameters):
                if target.generation.enter() { return .found(target, parameters: parameters) }
            case .methodNotAllowed(let allowed): return .methodNotAllowed(allowed)
            case .notFound: return .notFound
            case .badPath: return .badPath
            }
        }
        return .notFound
    }

    /// The raw HTTP route for a request; when found, its generation is entered.
    /// (Method mismatches fall through to the JSON routes, which answer 405.)
    func acquireHTTPRoute(method: String, path: String) -> HTTPRouteLookup {
        // Matched outside the lock (every request on every I/O thread comes
        // here). A generation swapped out meanwhile may still be entered
        // while it drains; once retired it refuses, and the match is redone
        // on the current routes.
        for _ in 0..<3 {
            let router = lock.withLock { httpRouter }
            guard case .found(let target, let parameters) = router.match(method: method, path: path) else { return .notFound }
            if target.generation.enter() { return .found(target, parameters: parameters) }
        }
        return .notFound
    }

    /// The methods raw HTTP routes answer at `path` (for 405 answers).
    func httpMethodsAllowed(path: String) -> [String] {
        lock.withLock {
            if case .methodNotAllowed(let allowed) = httpRouter.match(method: "\u{0}", path: path) { return allowed }
            return []
        }
    }

    /// Current subscribers of a topic, each entered once.
    func acquireSubscribers(topic: String) -> [PluginGeneration] {
        lock.withLock { (topics[topic] ?? []).filter { $0.enter() } }
    }

    func current(named name: String) -> PluginGeneration? { lock.withLock { plugins[name] } }

    var all: [PluginGeneration] { lock.withLock { plugins.values.sorted { $0.name < $1.name } } }
}
