import ReelPluginKit

/// The Swift sample plugin: greets people. It shows one handler reached from
/// JSON (`POST /api/v1/hello`, `GET /api/v1/hello/{name}`) and from the binary
/// protocol (`/rpc/reel.hello.v1.HelloService/Greet`), a bus call to the C
/// plugin, an event, and a PostgreSQL schema of its own.
let helloPlugin = PluginDefinition<HelloService>(
    name: "hello",
    version: HelloService.version,
    summary: "Sample Swift plugin: greetings counted in PostgreSQL",
    methods: [
        Method("reel.hello.v1.HelloService/Greet", access: .public,
               input: "reel.hello.v1.GreetRequest", output: "reel.hello.v1.GreetResponse") { service, call in
            try await service.greet(call)
        },
    ],
    routes: [
        Route("POST", "/api/v1/hello", method: "reel.hello.v1.HelloService/Greet"),
        Route("GET", "/api/v1/hello/{name}", method: "reel.hello.v1.HelloService/Greet"),
    ],
    start: { host in try await HelloService.start(host: host) },
    stop: { service in await service.stop() })
