import CReelProtoHello
import CReelProtoHelloc
import Foundation
import ReelPluginKit
import ReelPostgres

/// The hello plugin's state and logic.
final class HelloService: Sendable {
    static let version = "1.0.0"
    static let greetedTopic = "hello.greeted"
    /// Code points, as the greetings table's key counts them (issue #19).
    static let nameRule = TextRule(field: "name", maxScalars: 100, minScalars: 1,
                                   lengthMessage: "name must be 1 to 100 characters")

    let host: PluginHost
    let database: PostgresClient

    init(host: PluginHost, database: PostgresClient) {
        self.host = host
        self.database = database
    }

    static func start(host: PluginHost) async throws -> HelloService {
        guard let url = host.config("REEL_DATABASE_URL") else {
            throw PluginError.failedPrecondition("the hello plugin needs REEL_DATABASE_URL")
        }
        let database = PostgresClient(configuration: PostgresConfiguration(url: url, applicationName: "reel-hello"), poolSize: 2)
        let applied = try await HelloSchema.migrator.migrate(database)
        host.log(.info, "hello \(version) ready (migrations applied: \(applied))")
        return HelloService(host: host, database: database)
    }

    func stop() async {
        database.close()
    }

    func greet(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Hello__V1__GreetRequest.self, "reel.hello.v1.GreetRequest")
        let name = try Self.nameRule.validate(Proto.string(request.message.name))
        let greeting = "Hello, \(name)!"

        let echo = try await echoThroughCPlugin(greeting)
        let count = try await countGreeting(name)
        publishGreeted(name: name, count: count)
        // From a child task: the line still carries the request's trace (PluginTrace).
        await Task { host.log(.debug, "greeted \(name) (\(count) times)") }.value

        let strings = CStrings()
        var response = Reel__Hello__V1__GreetResponse()
        reel__hello__v1__greet_response__init(&response)
        response.greeting = strings(greeting)
        response.count = count
        response.echo = strings(echo)
        response.plugin_version = strings(Self.version)
        return Proto.pack(&response)
    }

    /// Asks the C plugin, over the bus, to echo the greeting.
    private func echoThroughCPlugin(_ text: String) async throws -> String {
        let strings = CStrings()
        var request = Reel__Helloc__V1__EchoRequest()
        reel__helloc__v1__echo_request__init(&request)
        request.text = strings(text)
        let bytes = try await host.call("reel.helloc.v1.EchoService/Echo", Proto.pack(&request))
        let response = try Proto.unpack(bytes, as: Reel__Helloc__V1__EchoResponse.self, "reel.helloc.v1.EchoResponse")
        return Proto.string(response.message.text)
    }

    private func countGreeting(_ name: String) async throws -> Int64 {
        let rows = try await database.query(
            """
            INSERT INTO hello.greetings (name, count) VALUES ($1, 1)
            ON CONFLICT (name) DO UPDATE SET count = greetings.count + 1, last_greeted_at = now()
            RETURNING count
            """, [.string(name)])
        guard let count = try rows.first?.int64("count") else { throw PluginError.internal("no count returned") }
        return count
    }

    private func publishGreeted(name: String, count: Int64) {
        let strings = CStrings()
        var event = Reel__Hello__V1__Greeted()
        reel__hello__v1__greeted__init(&event)
        event.name = strings(name)
        event.count = count
        host.publish(Self.greetedTopic, Proto.pack(&event))
    }
}

/// The hello schema, owned by this plugin alone.
enum HelloSchema {
    static let migrator = Migrator(schema: "hello", migrations: [
        Migration(version: 1, name: "greetings", sql: """
            CREATE TABLE greetings (
                name text PRIMARY KEY,
                count bigint NOT NULL,
                last_greeted_at timestamptz NOT NULL DEFAULT now()
            );
            """),
    ])
}
