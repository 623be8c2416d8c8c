import ArgumentParser
import Foundation
import ReelClient
import SwiftProtobuf

struct Videos: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The catalog (or a search, or your own videos).")
    @OptionGroup var options: ServerOptions
    @Option(help: "Full-text search on title, description and tags.") var search: String?
    @Option var tag: String?
    @Flag(help: "Your own videos, in every state.") var mine = false
    @Option var limit: Int32 = 20

    func run() async throws {
        let client = try options.client()
        let page = try await ReelClientCLI.run { () async throws(ReelError) in
            mine ? try await client.myVideos(limit: limit)
                 : try await client.videos(search: search, tag: tag, limit: limit)
        }
        if page.items.isEmpty { print("no videos") }
        for video in page.items {
            let owner = video.owner.displayName.isEmpty ? video.ownerID : video.owner.displayName
            print("\(video.id)  \(video.title)  [\(video.state)]  \(String(format: "%.1f", video.durationSeconds)) s  \(video.views) views  by \(owner)")
        }
    }
}

struct VideoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "video", abstract: "One video's details.")
    @OptionGroup var options: ServerOptions
    @Argument var id: String
    @Flag(help: "Print the video as JSON.") var json = false
    @Option(help: "Wait (up to this many seconds) until the video is ready or failed.") var wait: Int?

    func run() async throws {
        let client = try options.client()
        var video = try await ReelClientCLI.run { () async throws(ReelError) in try await client.video(id: id) }
        if let wait {
            let deadline = Date().addingTimeInterval(TimeInterval(wait))
            while video.state != "ready" && video.state != "failed" && Date() < deadline {
                try await Task.sleep(for: .seconds(1))
                video = try await ReelClientCLI.run { () async throws(ReelError) in try await client.video(id: id) }
            }
        }
        if json {
            print(try video.jsonString())
            return
        }
        print("\(video.title)  [\(video.state)\(video.state == "processing" ? " \(video.progress)%" : "")]")
        print("id \(video.id)  owner \(video.owner.displayName.isEmpty ? video.ownerID : video.owner.displayName)")
        print("\(String(format: "%.1f", video.durationSeconds)) s  \(video.width)x\(video.height)  \(video.views) views  \(video.visibility)")
        if !video.description_p.isEmpty { print(video.description_p) }
        let urls = client.playbackURLs(for: video)
        if let hls = urls.hls { print("HLS  \(hls.absoluteString)") }
        if let dash = urls.dash { print("DASH \(dash.absoluteString)") }
        if video.state == "failed" { print("failed: \(video.failureReason)") }
    }
}
