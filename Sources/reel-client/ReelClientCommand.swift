import ArgumentParser
import Foundation
import ReelClient

/// `reel-client`: the Reel journeys from a terminal, on the ReelClient SDK.
@main
struct ReelClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reel-client",
        abstract: "A command-line client for a Reel server (Connect protocol at /rpc, tus uploads).",
        subcommands: [Register.self, Login.self, Logout.self, WhoAmI.self, Videos.self, VideoCommand.self,
                      Upload.self, Watch.self, Comment.self, Watchlist.self, Follow.self, Notifications.self])
}

/// Options every command takes.
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: "The Reel server (default: $REEL_SERVER or http://127.0.0.1:8080).")
    var server: String?

    @Option(name: .long, help: "The credentials file (default: $XDG_CONFIG_HOME/reel/credentials.json or ~/.config/reel/credentials.json).")
    var credentials: String?

    var credentialsURL: URL {
        credentials.map { URL(fileURLWithPath: $0) } ?? FileCredentialStore.defaultURL()
    }

    /// Files the client keeps besides the credentials (pending uploads) live next to them.
    var configDirectory: URL { credentialsURL.deletingLastPathComponent() }

    /// --server, else $REEL_SERVER, else the local default.
    func serverURL() throws -> URL {
        let text = server ?? ProcessInfo.processInfo.environment["REEL_SERVER"] ?? "http://127.0.0.1:8080"
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("--server must be an http(s) URL, not \(text)")
        }
        return url
    }

    func client() throws -> ReelClient {
        ReelClient(baseURL: try serverURL(), credentials: FileCredentialStore(url: credentialsURL))
    }
}

/// A ReelError as the terminal shows it, with exit code 1.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ error: ReelError) {
        switch error {
        case .notSignedIn: description = "not signed in: run `reel-client login` first"
        default: description = error.description
        }
    }
    init(message: String) { description = message }
}

/// Helpers the commands share (a namespace: each command has its own `run()`).
enum ReelClientCLI {
    /// Runs a ReelClient call, turning its error into what the terminal shows.
    static func run<T>(_ body: () async throws(ReelError) -> T) async throws -> T {
        do { return try await body() } catch { throw Failure(error) }
    }

    /// A password from --password, $REEL_PASSWORD, or the first line of standard input.
    static func password(_ option: String?) throws -> String {
        if let option { return option }
        if let env = ProcessInfo.processInfo.environment["REEL_PASSWORD"] { return env }
        FileHandle.standardError.write(Data("password: ".utf8))
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ValidationError("no password given (--password, $REEL_PASSWORD or standard input)")
        }
        return line
    }

    static func printErr(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
}
