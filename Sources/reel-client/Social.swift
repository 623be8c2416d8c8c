import ArgumentParser
import Foundation
import ReelClient

struct Comment: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Comment on a video (without TEXT: list its comments).")
    @OptionGroup var options: ServerOptions
    @Argument var videoID: String
    @Argument var text: String?
    @Option(help: "Answer this comment (on the same video).") var replyTo: String?

    func run() async throws {
        let client = try options.client()
        guard let text else {
            let page = try await Unavailable.run("comments") { () async throws(ReelError) in
                try await client.comments(videoID: videoID)
            }
            if !page.enabled { print("comments are off for this video") }
            if page.items.isEmpty { print("no comments") }
            for comment in page.items {
                let who = comment.deleted ? "[deleted]" : comment.author.displayName
                print("\(comment.id)  \(who): \(comment.text)\(comment.pinned ? "  [pinned]" : "")\(comment.replyCount > 0 ? "  (\(comment.replyCount) replies)" : "")")
            }
            return
        }
        let comment = try await Unavailable.run("comments") { () async throws(ReelError) in
            try await client.comment(videoID: videoID, text: text, inReplyTo: replyTo)
        }
        print("commented \(comment.id)")
    }
}

struct Watchlist: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Your watchlist: add ID, rm ID or ls.")
    @OptionGroup var options: ServerOptions
    @Argument(help: "add, rm or ls") var action: String
    @Argument var videoID: String?

    func validate() throws {
        guard ["add", "rm", "ls"].contains(action) else { throw ValidationError("watchlist takes add, rm or ls") }
        if action != "ls" && videoID == nil { throw ValidationError("watchlist \(action) needs a video id") }
    }

    func run() async throws {
        let client = try options.client()
        switch (action, videoID) {
        case ("add", let id?):
            try await Unavailable.run("the watchlist") { () async throws(ReelError) in
                try await client.addToWatchlist(videoID: id)
            }
            print("added \(id)")
        case ("rm", let id?):
            try await Unavailable.run("the watchlist") { () async throws(ReelError) in
                try await client.removeFromWatchlist(videoID: id)
            }
            print("removed \(id)")
        default:
            let page = try await Unavailable.run("the watchlist") { () async throws(ReelError) in
                try await client.watchlist(limit: 100)
            }
            if page.items.isEmpty { print("your watchlist is empty") }
            for item in page.items { print("\(item.video.id)  \(item.video.title)  added \(item.addedAt)") }
        }
    }
}
