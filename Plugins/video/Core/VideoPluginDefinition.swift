import ReelPluginKit

/// The video plugin: tus uploads (raw HTTP routes), video metadata, the
/// public catalog with full-text search, the transcoder's internal methods,
/// and streaming delivery (media routes, signed URLs, positions, views), in
/// the PostgreSQL schema `video`.
public let videoPlugin = PluginDefinition<VideoService>(
    name: "video",
    version: VideoService.version,
    summary: "Resumable uploads (tus), video metadata, the catalog and streaming delivery",
    methods: [
        videoMethod("ListVideos", .public, "ListVideosRequest", "VideoPage") { try await $0.listVideos($1) },
        videoMethod("GetVideo", .public, "GetVideoRequest", "Video") { try await $0.getVideo($1) },
        videoMethod("UpdateVideo", .ownerOrAdmin, "UpdateVideoRequest", "Video", writes: true) { try await $0.updateVideo($1) },
        videoMethod("DeleteVideo", .ownerOrAdmin, "DeleteVideoRequest", "DeleteVideoResponse", writes: true) { try await $0.deleteVideo($1) },
        videoMethod("ListMyVideos", .user, "ListMyVideosRequest", "VideoPage") { try await $0.listMyVideos($1) },
        videoMethod("MarkProgress", .internal, "MarkProgressRequest", "Video", writes: true) { try await $0.markProgress($1) },
        videoMethod("MarkReady", .internal, "MarkReadyRequest", "Video", writes: true) { try await $0.markReady($1) },
        videoMethod("MarkFailed", .internal, "MarkFailedRequest", "Video", writes: true) { try await $0.markFailed($1) },
        // Positions and views do not drop the cached answers: positions are not
        // in them, view counts may lag (CatalogCache) and do not NOTIFY (migration 6).
        videoMethod("ReportPosition", .user, "ReportPositionRequest", "ReportPositionResponse") { try await $0.reportPosition($1) },
        videoMethod("ListContinueWatching", .user, "ListContinueWatchingRequest", "ContinueWatchingPage") {
            try await $0.listContinueWatching($1)
        },
        videoMethod("RecordView", .public, "RecordViewRequest", "RecordViewResponse") { try await $0.recordView($1) },
        videoMethod("BatchGetVideos", .internal, "BatchGetVideosRequest", "BatchGetVideosResponse") { try await $0.batchGetVideos($1) },
        videoMethod("GetVideoAccess", .internal, "GetVideoAccessRequest", "VideoAccess") { try await $0.getVideoAccess($1) },
        videoMethod("ListVideosByOwners", .internal, "ListVideosByOwnersRequest", "VideoPage") { try await $0.listVideosByOwners($1) },
    ],
    routes: [
        Route("GET", "/api/v1/videos", method: videoService + "ListVideos"),
        Route("GET", "/api/v1/videos/{id}", method: videoService + "GetVideo"),
        Route("PATCH", "/api/v1/videos/{id}", method: videoService + "UpdateVideo"),
        Route("DELETE", "/api/v1/videos/{id}", method: videoService + "DeleteVideo", status: 204),
        Route("GET", "/api/v1/users/me/videos", method: videoService + "ListMyVideos"),
        Route("PUT", "/api/v1/videos/{id}/position", method: videoService + "ReportPosition", status: 204),
        Route("GET", "/api/v1/me/continue-watching", method: videoService + "ListContinueWatching"),
        Route("POST", "/api/v1/videos/{id}/views", method: videoService + "RecordView"),
    ],
    httpRoutes: TusRoutes.all + MediaRoutes.all,
    start: { host in try await VideoService.start(host: host) },
    stop: { service in await service.stop() })

let videoService = "reel.video.v1.VideoService/"

/// A method of reel.video.v1.VideoService (the kit answers any error other
/// than PluginError as a bare `internal`, logged with the request id).
/// `writes`: the method may change videos; when it returns (its transaction
/// committed) the cached catalog pages (and the gateway's copies) are dropped, so the caller's next
/// request sees the change (other hosts hear of it through the table's NOTIFY).
func videoMethod(_ name: String, _ access: Access, _ input: String, _ output: String, writes: Bool = false,
                 _ handler: @escaping @Sendable (VideoService, PluginCall) async throws -> [UInt8]) -> Method<VideoService> {
    var body = handler
    if writes {
        body = { @Sendable (service: VideoService, call: PluginCall) async throws -> [UInt8] in
            defer {
                service.catalog.changed()
                GatewayPurges.catalogChanged(service.host)
            }
            return try await handler(service, call)
        }
    }
    return Method(videoService + name, access: access, input: "reel.video.v1." + input, output: "reel.video.v1." + output, body)
}

extension PluginCall {
    var caller: Caller { Caller(userId: callerUserId, role: callerRole) }
}
