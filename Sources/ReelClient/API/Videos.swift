import Foundation

public typealias Video = Reel_Video_V1_Video
public typealias VideoPage = Reel_Video_V1_VideoPage
public typealias ContinueWatchingPage = Reel_Video_V1_ContinueWatchingPage

/// Where a video plays from, resolved against the server's address.
public struct PlaybackURLs: Sendable, Equatable {
    /// The HLS master playlist (also while processing, once the first segments exist).
    public let hls: URL?
    /// The DASH manifest (once ready).
    public let dash: URL?
    public let poster: URL?
    public let thumbnails: [URL]
}

/// The catalog, search, one video's details, playback, positions and views.
extension ReelClient {
    public enum Sort: String, Sendable { case newest, views }

    /// Public, ready videos, newest first (or by views); `search` is full text
    /// on title, description and tags. Pass the page's `nextCursor` for the next.
    public func videos(search: String? = nil, tag: String? = nil, sort: Sort = .newest,
                       cursor: String? = nil, limit: Int32 = 20) async throws(ReelError) -> VideoPage {
        var request = Reel_Video_V1_ListVideosRequest()
        if let search { request.q = search }
        if let tag { request.tag = tag }
        request.sort = sort.rawValue
        if let cursor { request.cursor = cursor }
        request.limit = limit
        return try await call("reel.video.v1.VideoService/ListVideos", request, caller: .anyone)
    }

    /// The signed-in user's own videos, in every state and visibility.
    public func myVideos(cursor: String? = nil, limit: Int32 = 20) async throws(ReelError) -> VideoPage {
        var request = Reel_Video_V1_ListMyVideosRequest()
        if let cursor { request.cursor = cursor }
        request.limit = limit
        return try await call("reel.video.v1.VideoService/ListMyVideos", request)
    }

    /// One video (a private or unfinished one only for its owner or an admin).
    public func video(id: String) async throws(ReelError) -> Video {
        var request = Reel_Video_V1_GetVideoRequest()
        request.id = id
        return try await call("reel.video.v1.VideoService/GetVideo", request, caller: .anyone)
    }

    /// Changes a video's title, description, tags or visibility (owner or admin); nil leaves a field.
    @discardableResult
    public func updateVideo(id: String, title: String? = nil, description: String? = nil,
                            tags: [String]? = nil, visibility: String? = nil) async throws(ReelError) -> Video {
        var request = Reel_Video_V1_UpdateVideoRequest()
        request.id = id
        if let title { request.title = title }
        if let description { request.description_p = description }
        if let tags {
            if tags.isEmpty { request.clearTags_p = true } else { request.tags = tags }
        }
        if let visibility { request.visibility = visibility }
        return try await call("reel.video.v1.VideoService/UpdateVideo", request)
    }

    /// Deletes a video and its files (owner or admin).
    public func deleteVideo(id: String) async throws(ReelError) {
        var request = Reel_Video_V1_DeleteVideoRequest()
        request.id = id
        _ = try await call("reel.video.v1.VideoService/DeleteVideo", request, as: Reel_Video_V1_DeleteVideoResponse.self)
    }

    /// The video's playback URLs, absolute.
    public func playbackURLs(for video: Video) -> PlaybackURLs {
        PlaybackURLs(hls: video.hasHlsURL ? transport.resolve(video.hlsURL) : nil,
                     dash: video.hasDashURL ? transport.resolve(video.dashURL) : nil,
                     poster: video.hasPosterURL ? transport.resolve(video.posterURL) : nil,
                     thumbnails: video.thumbnailUrls.compactMap { transport.resolve($0) })
    }

    /// Where the signed-in user is in a video (for continue-watching).
    public func reportPosition(videoID: String, seconds: Double) async throws(ReelError) {
        var request = Reel_Video_V1_ReportPositionRequest()
        request.id = videoID
        request.positionSeconds = seconds
        _ = try await call("reel.video.v1.VideoService/ReportPosition", request,
                           as: Reel_Video_V1_ReportPositionResponse.self)
    }

    /// Videos the signed-in user started and has not finished, most recent first.
    public func continueWatching(cursor: String? = nil, limit: Int32 = 20) async throws(ReelError) -> ContinueWatchingPage {
        var request = Reel_Video_V1_ListContinueWatchingRequest()
        if let cursor { request.cursor = cursor }
        request.limit = limit
        return try await call("reel.video.v1.VideoService/ListContinueWatching", request)
    }

    /// Counts a view (once per viewer, video and day); answers the video's views.
    @discardableResult
    public func recordView(videoID: String) async throws(ReelError) -> Reel_Video_V1_RecordViewResponse {
        var request = Reel_Video_V1_RecordViewRequest()
        request.id = videoID
        return try await call("reel.video.v1.VideoService/RecordView", request, caller: .anyone)
    }
}
