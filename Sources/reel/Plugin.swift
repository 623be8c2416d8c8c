import ArgumentParser
import Foundation

/// Talks to a running host's admin routes on loopback.
struct Plugin: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List or hot-swap the plugins of a running host.",
        subcommands: [List.self, Reload.self])

    struct Target: ParsableArguments {
        @Option(help: "The host's port (default: REEL_HTTP_PORT or 8080).")
        var port: UInt16 = ProcessInfo.processInfo.environment["REEL_HTTP_PORT"].flatMap(UInt16.init) ?? 8080
    }

    struct List: ParsableCommand {
        @OptionGroup var target: Target
        func run() throws { print(try AdminClient(port: target.port).send("GET", "/admin/plugins")) }
    }

    struct Reload: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Swap in every changed plugin file, or one file of the plugins folder.")
        @OptionGroup var target: Target
        @Option(help: "A file name in the plugins folder, e.g. hello-c.so.") var file: String?
        func run() throws {
            let query = file.map { "?file=" + ($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0) } ?? ""
            print(try AdminClient(port: target.port).send("POST", "/admin/plugins/reload" + query))
        }
    }
}
