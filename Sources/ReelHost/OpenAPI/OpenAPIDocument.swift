import CProtobufC
import Foundation

/// The OpenAPI 3.1 document of the JSON API, built from the routes the
/// running host has registered (every plugin's JSON and raw HTTP routes, and
/// the host's own), so it cannot drift from them. Served at
/// `GET /api/openapi.json`. JSON routes get their request and response
/// schemas from the methods' protobuf descriptors (ProtoSchemas); raw routes
/// (uploads, media files, the web client) are described by path and access.
enum OpenAPIDocument {
    static let path = "/api/openapi.json"

    static func build(registry: PluginRegistry) -> [String: Any] {
        var schemas = ProtoSchemas()
        var paths: [String: [String: Any]] = [:]
        var operationIds = Set<String>()

        func add(_ httpMethod: String, _ pattern: RoutePattern, _ operation: [String: Any]) {
            let template = openAPIPath(pattern)
            var operation = operation
            var id = operationId(httpMethod, template)
            while operationIds.contains(id) { id += "_" }
            operationIds.insert(id)
            operation["operationId"] = id
            paths[template, default: [:]][httpMethod.lowercased()] = operation
        }

        for (method, route, operation) in hostRoutes() { add(method, route, operation) }
        for generation in registry.all {
            // Held while its descriptors are read: a retired C plugin may be unmapped.
            guard generation.enter() else { continue }
            defer { generation.leave() }
            let methods = Dictionary(generation.methods.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            for route in generation.routes {
                guard let method = methods[route.method] else { continue }
                add(route.httpMethod, route.pattern,
                    jsonOperation(route, method: method, plugin: generation.name, schemas: &schemas))
            }
            for route in generation.httpRoutes {
                add(route.httpMethod, route.pattern, rawOperation(route, plugin: generation.name))
            }
        }
        var components = schemas.components
        components["Error"] = errorSchema
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Reel API",
                "version": "1",
                "description": "The JSON API of every plugin this host has loaded. Fields are camelCase, times ISO-8601 "
                    + "UTC, 64-bit integers decimal strings; every error is {\"error\": {\"code\", \"message\", \"requestId\"}}. "
                    + "Built from the registered routes (GET \(path)).",
            ],
            "paths": paths,
            "components": [
                "schemas": components,
                "securitySchemes": ["bearerAuth": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"]],
            ],
        ]
    }

    static func json(registry: PluginRegistry) -> [UInt8] {
        let data = (try? JSONSerialization.data(withJSONObject: build(registry: registry),
                                                 options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Array(data)
    }

    // MARK: Operations

    private static func jsonOperation(_ route: RouteInfo, method: MethodInfo, plugin: String,
                                      schemas: inout ProtoSchemas) -> [String: Any] {
        var operation = base(plugin: plugin, summary: method.name, access: method.access)
        let input = method.input.map { $0.raw.assumingMemoryBound(to: ProtobufCMessageDescriptor.self) }
        let output = method.output.map { $0.raw.assumingMemoryBound(to: ProtobufCMessageDescriptor.self) }
        let inputFields = input.map(ProtoSchemas.fields) ?? []
        let pathNames = parameterNames(route.pattern)
        var parameters: [[String: Any]] = []
        for name in pathNames {
            var schema: [String: Any] = ["type": "string"]
            // The gateway fills the field of that name (proto or JSON spelling).
            if let field = inputFields.first(where: { $0.name == ProtoSchemas.jsonName(name) })?.field {
                schema = schemas.singleSchema(field)
            }
            parameters.append(["name": name, "in": "path", "required": true, "schema": schema])
        }
        let bodyless = ["GET", "HEAD", "DELETE"].contains(route.httpMethod)
        if bodyless, let input {
            // Query parameters fill the input's other scalar fields (an empty value: unset).
            for (name, field) in inputFields where !pathNames.map(ProtoSchemas.jsonName).contains(name)
                && field.pointee.type != PROTOBUF_C_TYPE_MESSAGE {
                parameters.append(["name": name, "in": "query", "required": false,
                                   "schema": schemas.fieldSchema(field, in: input)])
            }
        }
        if !parameters.isEmpty { operation["parameters"] = parameters }
        if !bodyless, let input {
            operation["requestBody"] = ["required": false,
                                        "content": ["application/json": ["schema": schemas.reference(input)]]]
        }
        var responses = errorResponses(access: method.access)
        if route.successStatus == 204 {
            responses["204"] = ["description": "done"]
        } else {
            var success: [String: Any] = ["description": "the method's output"]
            if let output { success["content"] = ["application/json": ["schema": schemas.reference(output)]] }
            responses[String(route.successStatus)] = success
        }
        operation["responses"] = responses
        return operation
    }

    private static func rawOperation(_ route: HTTPRouteInfo, plugin: String) -> [String: Any] {
        var operation = base(plugin: plugin, summary: "\(plugin): raw HTTP route", access: route.access)
        operation["description"] = "Access: \(route.access.name). Served by the plugin itself (bodies streamed; "
            + "uploads, media files, pages); errors in the JSON error shape."
        let parameters: [[String: Any]] = parameterNames(route.pattern).map {
            ["name": $0, "in": "path", "required": true, "schema": ["type": "string"]]
        }
        if !parameters.isEmpty { operation["parameters"] = parameters }
        if !["GET", "HEAD", "DELETE"].contains(route.httpMethod) {
            operation["requestBody"] = ["required": false, "content": ["*/*": ["schema": [:] as [String: Any]]]]
        }
        var responses = errorResponses(access: route.access)
        responses["2XX"] = ["description": "the plugin's answer"]
        operation["responses"] = responses
        return operation
    }

    private static func base(plugin: String, summary: String, access: Access) -> [String: Any] {
        [
            "tags": [plugin],
            "summary": summary,
            "description": "Access: \(access.name).",
            "security": access == .public ? [] : [["bearerAuth": [String]()]],
        ]
    }

    private static func errorResponses(access: Access) -> [String: Any] {
        let error: [String: Any] = ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]
        var responses: [String: Any] = [
            "4XX": ["description": "a client error", "content": error],
            "5XX": ["description": "a server error", "content": error],
        ]
        if access != .public {
            responses["401"] = ["description": "no valid bearer token", "content": error]
            responses["403"] = ["description": "the caller's role may not call this", "content": error]
        }
        return responses
    }

    /// The host's own routes: health and this document.
    private static func hostRoutes() -> [(String, RoutePattern, [String: Any])] {
        func op(_ summary: String, _ schema: [String: Any]) -> [String: Any] {
            ["tags": ["host"], "summary": summary, "description": "Access: public.", "security": [Any](),
             "responses": ["200": ["description": summary, "content": ["application/json": ["schema": schema]]],
                           "503": ["description": "not ready", "content": ["application/json": ["schema": ["type": "object"]]]]]]
        }
        return [
            ("GET", RoutePattern("/healthz")!, op("the process is up", ["type": "object"])),
            ("GET", RoutePattern("/readyz")!, op("the database answers and plugins are loaded", ["type": "object"])),
            ("GET", RoutePattern(path)!, op("this document", ["type": "object"])),
        ]
    }

    static var errorSchema: [String: Any] { [
        "type": "object",
        "required": ["error"],
        "properties": [
            "error": [
                "type": "object",
                "required": ["code", "message"],
                "properties": [
                    "code": ["type": "string", "description": "a stable code name, e.g. not_found, invalid_argument"],
                    "message": ["type": "string"],
                    "requestId": ["type": "string"],
                ],
            ] as [String: Any],
        ],
    ] }

    // MARK: Paths

    /// "/api/v1/media/{path...}" -> "/api/v1/media/{path}".
    static func openAPIPath(_ pattern: RoutePattern) -> String {
        let parts = pattern.segments.map { segment -> String in
            switch segment {
            case .literal(let text): text
            case .parameter(let name), .rest(let name): "{\(name)}"
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    static func parameterNames(_ pattern: RoutePattern) -> [String] {
        pattern.segments.compactMap { segment in
            switch segment {
            case .literal: nil
            case .parameter(let name), .rest(let name): name
            }
        }
    }

    static func operationId(_ method: String, _ template: String) -> String {
        let words = template.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        return ([method.lowercased()] + words).joined(separator: "_")
    }
}
