import Foundation

/// Operator routes, on the admin listener only (AdminGateway, loopback):
///   GET  /admin/plugins                 what is loaded
///   POST /admin/plugins/reload          rescan the plugins folder, swap what changed
///   POST /admin/plugins/reload?file=X   load the file X of the plugins folder now
struct AdminHandler: Sendable {
    let manager: PluginManager
    let pluginsDir: String

    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let requestId = request.requestId
        guard request.isLoopback else { // the listener is loopback-only; checked again
            return respond(.error(APIError(.permissionDenied, "admin routes answer on loopback only"), requestId: requestId))
        }
        switch (request.method, request.path) {
        case ("GET", "/admin/plugins"):
            let list: [[String: Any]] = manager.registry.all.map {
                ["name": $0.name, "version": $0.version, "generation": $0.number, "sha256": $0.sha256]
            }
            respond(.json(200, ["plugins": list]))
        case ("POST", "/admin/plugins/reload"):
            // Loading runs plugin init code: keep it off libmicrohttpd's threads.
            let file = request.query.first { $0.name == "file" }?.value
            if let file, file.contains("/") || file.hasPrefix(".") || !file.hasSuffix(".so") {
                return respond(.error(.badRequest("file must be a .so file name inside the plugins folder"), requestId: requestId))
            }
            let manager = self.manager
            let path = file.map { pluginsDir + "/" + $0 }
            DispatchQueue.global().async {
                let outcomes = path.map { [manager.load(file: $0)] } ?? manager.scan()
                respond(.json(200, ["outcomes": outcomes.map(\.json)]))
            }
        case (_, "/admin/plugins"), (_, "/admin/plugins/reload"):
            respond(.error(.methodNotAllowed(request.method, allowed: [request.path == "/admin/plugins" ? "GET" : "POST"]),
                           requestId: requestId))
        default:
            respond(.error(.notFound("no admin route \(request.path)"), requestId: requestId))
        }
    }
}
