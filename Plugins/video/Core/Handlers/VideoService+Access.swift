import CReelProtoVideo
import ReelPluginKit

/// GetVideoAccess (internal): for plugins whose data hangs off a video
/// (comments, watchlist) and never read video.videos themselves.
extension VideoService {
    func getVideoAccess(_ call: PluginCall) async throws -> [UInt8] {
        let request = try Proto.unpack(call.payload, as: Reel__Video__V1__GetVideoAccessRequest.self,
                                       "reel.video.v1.GetVideoAccessRequest")
        let m = request.message
        let caller = Caller(userId: Proto.string(m.user_id), role: Proto.string(m.role))
        // An id that is no UUID names no video: exists=false, like an unknown one.
        var video: Video?
        if let id = UUIDs.canonical(Proto.string(m.video_id)) {
            video = try await database.withConnection { c in try VideoStore.byID(c, id) }
        }
        let arena = ProtoArena()
        var answer = Reel__Video__V1__VideoAccess()
        reel__video__v1__video_access__init(&answer)
        answer.has_exists = 1
        answer.exists = video != nil ? 1 : 0
        answer.has_may_view = 1
        answer.may_view = video.map { $0.isVisible(to: caller) } == true ? 1 : 0
        if let video {
            answer.owner_id = arena.string(video.ownerId)
            answer.visibility = arena.string(video.visibility.rawValue)
            answer.state = arena.string(video.state.rawValue)
        }
        return Proto.pack(&answer)
    }
}
