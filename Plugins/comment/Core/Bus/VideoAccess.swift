import CReelProtoVideo
import ReelPluginKit

/// What the video plugin says about a video for one caller
/// (VideoService/GetVideoAccess): comments follow the video's visibility.
struct VideoAccess: Sendable, Equatable {
    var exists: Bool
    var mayView: Bool
    var ownerId: String

    static let method = "reel.video.v1.VideoService/GetVideoAccess"

    /// Asks the video plugin; without it, no video can be found (unavailable).
    static func ask(_ host: PluginHost, videoId: String, caller: Caller) async throws(PluginError) -> VideoAccess {
        let arena = ProtoArena()
        var request = Reel__Video__V1__GetVideoAccessRequest()
        reel__video__v1__get_video_access_request__init(&request)
        request.video_id = arena.string(videoId)
        request.user_id = arena.string(caller.userId)
        request.role = arena.string(caller.role)
        let bytes: [UInt8]
        do {
            bytes = try await host.call(method, Proto.pack(&request))
        } catch {
            host.log(.warn, "\(method) failed: \(error)")
            throw .unavailable("videos cannot be looked up right now")
        }
        // Keep the unpacked message alive while its strings are read.
        let unpacked = try Proto.unpack(bytes, as: Reel__Video__V1__VideoAccess.self, "reel.video.v1.VideoAccess")
        let answer = unpacked.message
        return withExtendedLifetime(unpacked) {
            VideoAccess(exists: answer.exists != 0, mayView: answer.may_view != 0, ownerId: Proto.string(answer.owner_id))
        }
    }

    /// The video if the caller may see it; otherwise not_found (a private
    /// video is not revealed to others).
    static func visible(_ host: PluginHost, videoId: String, caller: Caller) async throws(PluginError) -> VideoAccess {
        let access = try await ask(host, videoId: videoId, caller: caller)
        guard access.exists, access.mayView else { throw .notFound("no video with id \(videoId)") }
        return access
    }
}
