import Foundation

public typealias WatchlistPage = Reel_Watchlist_V1_WatchlistPage

/// The signed-in user's watchlist: an idempotent set of videos.
extension ReelClient {
    /// Adds a video (adding it again changes nothing).
    public func addToWatchlist(videoID: String) async throws(ReelError) {
        var request = Reel_Watchlist_V1_AddToWatchlistRequest()
        request.videoID = videoID
        _ = try await call("reel.watchlist.v1.WatchlistService/AddToWatchlist", request,
                           as: Reel_Watchlist_V1_AddToWatchlistResponse.self)
    }

    /// Removes a video (removing one that is not there changes nothing).
    public func removeFromWatchlist(videoID: String) async throws(ReelError) {
        var request = Reel_Watchlist_V1_RemoveFromWatchlistRequest()
        request.videoID = videoID
        _ = try await call("reel.watchlist.v1.WatchlistService/RemoveFromWatchlist", request,
                           as: Reel_Watchlist_V1_RemoveFromWatchlistResponse.self)
    }

    /// The list, most recently added first.
    public func watchlist(cursor: String? = nil, limit: Int32 = 20) async throws(ReelError) -> WatchlistPage {
        var request = Reel_Watchlist_V1_ListWatchlistRequest()
        if let cursor { request.cursor = cursor }
        request.limit = limit
        return try await call("reel.watchlist.v1.WatchlistService/ListWatchlist", request)
    }

    /// Which of these videos are in the list.
    public func watchlistContains(videoIDs: [String]) async throws(ReelError) -> [String: Bool] {
        var request = Reel_Watchlist_V1_WatchlistContainsRequest()
        request.ids = videoIDs
        let response = try await call("reel.watchlist.v1.WatchlistService/WatchlistContains", request,
                                      as: Reel_Watchlist_V1_WatchlistContainsResponse.self)
        return response.contains
    }
}
