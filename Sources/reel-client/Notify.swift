import ArgumentParser
import Foundation
import ReelClient

struct Follow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Follow a creator (without CREATOR_ID: list whom you follow).")
    @OptionGroup var options: ServerOptions
    @Argument var creatorID: String?

    func run() async throws {
        let client = try options.client()
        guard let creatorID else {
            let page = try await Unavailable.run("following") { () async throws(ReelError) in
                try await client.subscriptions(limit: 100)
            }
            if page.items.isEmpty { print("you follow nobody") }
            for item in page.items { print("\(item.creatorID)  \(item.displayName)  since \(item.createdAt)") }
            return
        }
        try await Unavailable.run("following") { () async throws(ReelError) in
            try await client.follow(creatorID: creatorID)
        }
        print("following \(creatorID)")
    }
}

struct Unfollow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop following a creator.")
    @OptionGroup var options: ServerOptions
    @Argument var creatorID: String

    func run() async throws {
        let client = try options.client()
        try await Unavailable.run("following") { () async throws(ReelError) in
            try await client.unfollow(creatorID: creatorID)
        }
        print("unfollowed \(creatorID)")
    }
}

struct Notifications: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Your notifications (--follow: print them as they arrive).")
    @OptionGroup var options: ServerOptions
    @Flag(help: "Keep listening and print each notification as it arrives.") var follow = false
    @Option(help: "With --follow: stop after this many notifications.") var count: Int?
    @Flag(help: "Only unread ones.") var unread = false
    @Flag(help: "Mark them all read.") var readAll = false

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if count != nil && !follow { throw ValidationError("--count goes with --follow") }
    }

    func run() async throws {
        let client = try options.client()
        if readAll {
            try await Unavailable.run("notifications") { () async throws(ReelError) in try await client.markAllRead() }
            print("all read")
            return
        }
        guard follow else {
            let page = try await Unavailable.run("notifications") { () async throws(ReelError) in
                try await client.notifications(unreadOnly: unread, limit: 100)
            }
            print("\(page.unreadCount) unread")
            for item in page.items { print(Self.line(item)) }
            return
        }
        // A server without the notification service: its unary methods answer
        // unimplemented (an unknown streaming method may be refused for its
        // content type instead), so ask the feed first.
        _ = try await Unavailable.run("notifications") { () async throws(ReelError) in
            try await client.notifications(unreadOnly: true, limit: 1)
        }
        var received = 0
        do {
            let stream = client.notificationStream(onOpen: { ReelClientCLI.printErr("listening for notifications") })
            for try await item in stream {
                Self.emit(Self.line(item))
                received += 1
                if let count, received >= count { return }
            }
        } catch ReelError.server(.unimplemented, _, _) {
            try Unavailable.fail("notifications")
        } catch let error as ReelError {
            throw Failure(error)
        }
    }

    /// One line per notification, written at once (stdout may be a pipe).
    static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func line(_ n: ReelNotification) -> String {
        var text = "\(n.id)  \(n.createdAt)  \(n.type)"
        if !n.read { text += " *" }
        if n.hasActor { text += "  from \(n.actor.displayName) (\(n.actor.id))" }
        if n.hasVideo {
            text += "  video \(n.video.id) \"\(n.video.title)\""
            if n.video.hasFailureReason { text += " failed: \(n.video.failureReason)" }
        }
        if n.hasComment { text += "  comment \(n.comment.id)" }
        return text
    }
}
