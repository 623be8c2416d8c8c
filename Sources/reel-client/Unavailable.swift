import ArgumentParser
import Foundation
import ReelClient

/// Services a server may not run: a method it does not know answers
/// `unimplemented`, which the commands turn into a clear message and exit 2.
enum Unavailable {
    static func fail(_ what: String) throws -> Never {
        ReelClientCLI.printErr("\(what) is not available on this server")
        throw ExitCode(2)
    }

    /// Runs a call; `unimplemented` means the server lacks the service.
    static func run<T>(_ what: String, _ body: () async throws(ReelError) -> T) async throws -> T {
        do { return try await body() } catch .server(.unimplemented, _, _) {
            try fail(what)
        } catch {
            throw Failure(error)
        }
    }
}

struct Follow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Follow a creator.")
    @OptionGroup var options: ServerOptions
    @Argument var userID: String
    // The notification service's contract is not in this tree yet.
    func run() async throws { try Unavailable.fail("following") }
}

struct Notifications: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Your notifications (--follow: keep listening).")
    @OptionGroup var options: ServerOptions
    @Flag var follow = false
    func run() async throws { try Unavailable.fail("notifications") }
}
