import ReelPluginKit

/// The host's shared cache (GatewayCache, `host.cache.purge`) keeps this
/// plugin's public GET answers — catalog pages, single videos, open media
/// files — for a few seconds. They go whenever the plugin's own cached
/// answers go: on any change to `video.videos` (a writing method's return,
/// before its reply; every host's NOTIFY, so other hosts' gateways converge
/// within milliseconds) everything under both prefixes; on a counted view
/// the video's own answer.
enum GatewayPurges {
    /// The catalog and single videos (`/api/v1/videos`, with or without a
    /// query) and open media (`/media/videos/<id>/...`; signed media URLs
    /// are answered `private` and never kept).
    static let everything = ["/api/v1/videos", "/media/videos/"]

    static func catalogChanged(_ host: PluginHost) {
        GatewayCache.purge(host, prefixes: everything)
    }

    /// A counted view: the video's answer shows the new count at once on this host.
    static func viewCounted(_ host: PluginHost, videoId: String) {
        GatewayCache.purge(host, prefixes: ["/api/v1/videos/" + videoId])
    }
}
