import ArgumentParser
import Foundation
import ReelClient

/// Commands for services this build of the client has no contract for yet
/// (their plugins and protos are not in this tree): each says so clearly and
/// exits 2, rather than guessing at a wire format.
enum Unavailable {
    static func fail(_ what: String) throws -> Never {
        ReelClientCLI.printErr("\(what) is not available on this server (this reel-client has no \(what) service)")
        throw ExitCode(2)
    }
}

struct Comment: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Comment on a video.")
    @OptionGroup var options: ServerOptions
    @Argument var videoID: String
    @Argument var text: String
    func run() async throws { try Unavailable.fail("comments") }
}

struct Watchlist: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Your watchlist: add, rm or ls.")
    @OptionGroup var options: ServerOptions
    @Argument(help: "add, rm or ls") var action: String
    @Argument var videoID: String?
    func run() async throws {
        guard ["add", "rm", "ls"].contains(action) else { throw ValidationError("watchlist takes add, rm or ls") }
        try Unavailable.fail("the watchlist")
    }
}

struct Follow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Follow a creator.")
    @OptionGroup var options: ServerOptions
    @Argument var userID: String
    func run() async throws { try Unavailable.fail("following") }
}

struct Notifications: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Your notifications (--follow: keep listening).")
    @OptionGroup var options: ServerOptions
    @Flag var follow = false
    func run() async throws { try Unavailable.fail("notifications") }
}
