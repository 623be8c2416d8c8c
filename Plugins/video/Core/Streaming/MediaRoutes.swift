import ReelPluginKit

/// The media routes (raw HTTP, GET and HEAD): a video's stream files, open
/// videos without a signature, the others under a signed prefix:
///
///     /media/videos/{id}/streams/<attempt>/...
///     /media/s/{expires}/{signature}/videos/{id}/streams/<attempt>/...
///
/// REEL_MEDIA_BASE_URL (default "/media/") is what the API puts in front of
/// storage keys; another value (a CDN) must forward to these routes.
enum MediaRoutes {
    static let open = "/media/videos/{id}/{path...}"
    static let signed = "/media/s/{expires}/{signature}/videos/{id}/{path...}"

    static let all: [HTTPRoute<VideoService>] = [
        HTTPRoute("GET", open, access: .public) { service, head, responder in
            service.media.serve(head, responder, signed: false)
        },
        HTTPRoute("GET", signed, access: .public) { service, head, responder in
            service.media.serve(head, responder, signed: true)
        },
    ]
}
