import ArgumentParser
import Foundation
import ReelHost

/// Talks to a running host's admin listener (REEL_ADMIN_ADDR, loopback).
struct Plugin: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List or hot-swap the plugins of a running host.",
        subcommands: [List.self, Reload.self])

    struct Target: ParsableArguments {
        @Option(help: "The host's admin address (default: REEL_ADMIN_ADDR, or 127.0.0.1:REEL_HTTP_PORT+1000, 127.0.0.1:9080).")
        var admin: String?

        func client() throws -> AdminClient {
            var environment = ProcessInfo.processInfo.environment
            if let admin { environment["REEL_ADMIN_ADDR"] = admin }
            let address: ListenAddress?
            do {
                address = try HostConfig.adminAddress(environment: environment)
            } catch {
                throw ValidationError("\(error)")
            }
            guard let address else { throw ValidationError("the admin listener is off (REEL_ADMIN_ADDR=off)") }
            return AdminClient(address: address)
        }
    }

    struct List: ParsableCommand {
        @OptionGroup var target: Target
        func run() throws { print(try target.client().send("GET", "/admin/plugins")) }
    }

    struct Reload: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Swap in every changed plugin file, or one file of the plugins folder.")
        @OptionGroup var target: Target
        @Option(help: "A file name in the plugins folder, e.g. hello-c.so.") var file: String?
        func run() throws {
            let query = file.map { "?file=" + ($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0) } ?? ""
            print(try target.client().send("POST", "/admin/plugins/reload" + query))
        }
    }
}
