// swift-tools-version:6.0
// Reel: one host process (Sources/ReelHost, Sources/reel) that loads its
// services as dynamic plugins (Plugins/*) through the C ABI in
// Sources/CReelABI/include/reel_plugin.h.
import PackageDescription

/// Swift plugins are never unmapped (see reel_plugin.h, REEL_PLUGIN_UNLOADABLE):
/// -z nodelete makes dlclose of them a no-op even if someone calls it.
let swiftPluginLinkerSettings: [LinkerSetting] = [.unsafeFlags(["-Xlinker", "-znodelete"])]

let package = Package(
    name: "Reel",
    platforms: [.macOS(.v14), .iOS(.v17)],
    products: [
        .executable(name: "reel", targets: ["reel"]),
        .executable(name: "reel-bench", targets: ["reel-bench"]),
        // The Swift client SDK for apps (iOS, macOS, Linux): Connect over URLSession.
        .library(name: "ReelClient", targets: ["ReelClient"]),
        .executable(name: "reel-client", targets: ["reel-client"]),
        .library(name: "ReelPluginHello", type: .dynamic, targets: ["HelloPlugin"]),
        .library(name: "ReelPluginAuth", type: .dynamic, targets: ["AuthPlugin"]),
        .library(name: "ReelPluginVideo", type: .dynamic, targets: ["VideoPlugin"]),
        .library(name: "ReelPluginTranscoder", type: .dynamic, targets: ["TranscoderPlugin"]),
        .library(name: "ReelPluginComment", type: .dynamic, targets: ["CommentPlugin"]),
        .library(name: "ReelPluginNotification", type: .dynamic, targets: ["NotificationPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.10.0"..<"5.0.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // GET /metrics (Prometheus text format) on the host's metrics listener.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C libraries from Debian's -dev packages.
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd",
                       providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CProtobufC", pkgConfig: "libprotobuf-c",
                       providers: [.apt(["libprotobuf-c-dev"])]),
        .systemLibrary(name: "CJansson", pkgConfig: "jansson", providers: [.apt(["libjansson-dev"])]),
        // FFmpeg 5.1: libavformat, libavcodec, libavutil, libswscale, libswresample
        // as one module (the module map links all five).
        .systemLibrary(name: "CLibAV", pkgConfig: "libavformat",
                       providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev",
                                         "libswscale-dev", "libswresample-dev"])]),
        // libcurl (OpenSSL flavour, >= 7.75 for CURLOPT_AWS_SIGV4) for S3 storage.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CArgon2", path: "Plugins/auth/CArgon2", pkgConfig: "libargon2",
                       providers: [.apt(["libargon2-dev"])]),

        // The plugin ABI: one C header, the contract of the whole system.
        .target(name: "CReelABI"),
        // Its Swift vocabulary, shared by the host and the plugin kit: access
        // levels, status codes (HTTP status, code names), roles, the error body.
        .target(name: "ReelABI", dependencies: ["CReelABI"]),
        // Text encodings written in more than one place: base64url, UTC and
        // HTTP dates (Foundation format styles).
        .target(name: "ReelEncoding"),
        // protobuf-c code generated from proto/ by tools/gen-proto (committed):
        // one target per proto/reel/<name>, so each image (the host, each
        // plugin, the tests) links only the messages it uses; each adds its
        // descriptors to the image's by-name lookup (CReelProtoRegistry).
        .target(name: "CReelProtoRegistry", dependencies: ["CProtobufC"]),
        .target(name: "CReelProtoAuth", dependencies: ["CProtobufC", "CReelProtoRegistry"], path: "Sources/Proto/auth"),
        .target(name: "CReelProtoComment", dependencies: ["CProtobufC", "CReelProtoRegistry"], path: "Sources/Proto/comment"),
        .target(name: "CReelProtoHello", dependencies: ["CProtobufC", "CReelProtoRegistry"], path: "Sources/Proto/hello"),
        .target(name: "CReelProtoHelloc", dependencies: ["CProtobufC", "CReelProtoRegistry"], path: "Sources/Proto/helloc"),
        .target(name: "CReelProtoHost", dependencies: ["CProtobufC", "CReelProtoRegistry"], path: "Sources/Proto/host"),
        .target(name: "CReelProtoNotification", dependencies: ["CProtobufC", "CReelProtoRegistry", "CReelProtoVideo"],
                path: "Sources/Proto/notification"),
        .target(name: "CReelProtoTranscoder", dependencies: ["CProtobufC", "CReelProtoRegistry"], path: "Sources/Proto/transcoder"),
        .target(name: "CReelProtoVideo", dependencies: ["CProtobufC", "CReelProtoRegistry"], path: "Sources/Proto/video"),
        .target(name: "CReelProtoWatchlist", dependencies: ["CProtobufC", "CReelProtoRegistry", "CReelProtoVideo"],
                path: "Sources/Proto/watchlist"), // the C watchlist plugin compiles it (its Makefile); declared so it builds here too
        // Test-only messages (the JSON transcoder's cases): never in a shipped image.
        .target(name: "CReelProtoTest", dependencies: ["CProtobufC", "CReelProtoRegistry"], path: "Sources/Proto/test"),
        // The host's list of side-effect-free methods (Connect GET), from proto/'s options.
        .target(name: "CReelProtoMethodOptions", path: "Sources/Proto/MethodOptions"),
        // gzip (zlib) for the Connect protocol's Content-Encoding, bounded inflate.
        .target(name: "CReelGzip", linkerSettings: [.linkedLibrary("z")]),
        // Small C helpers for the host: JSON <-> protobuf transcoding, GNU shims.
        .target(name: "CReelSupport", dependencies: ["CProtobufC", "CJansson"]),

        // libpq on its own threads, and the versioned migration runner.
        // Locks and dedicated threads for blocking C calls, shared by the modules below.
        .target(name: "ReelConcurrency"),
        .target(name: "ReelPostgres", dependencies: ["CLibPQ", "ReelConcurrency"]),

        // Object storage (local disk or S3 through libcurl) for media files.
        .target(name: "ReelStorage", dependencies: [
            "ReelConcurrency", "ReelEncoding", "CReelSupport",
            "CCurl", .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // Media probing (and later transcoding) on libav, on its own threads.
        .target(name: "ReelMedia", dependencies: ["CLibAV", "ReelConcurrency"]),

        // Shared Swift helpers for plugins (never linked by the host).
        .target(name: "ReelPluginKit",
                dependencies: ["CReelABI", "ReelABI", "ReelEncoding", "CProtobufC", "CReelProtoRegistry", "ReelPostgres",
                               "ReelConcurrency"]),
        // People's display names from the auth plugin (GetUserProfiles), for
        // plugins that show them: only those link auth's messages.
        .target(name: "ReelDisplayNames",
                dependencies: ["ReelPluginKit", "CReelProtoAuth", "ReelConcurrency"]),

        // The host: HTTP on libmicrohttpd, router, auth guard, plugin loader, bus.
        .target(name: "ReelHost", dependencies: [
            "CMicroHTTPD", "CReelABI", "ReelABI", "ReelEncoding", "CReelSupport", "CReelGzip", "CProtobufC", "CReelProtoHost", "CReelProtoMethodOptions",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .executableTarget(name: "reel", dependencies: [
            "ReelHost",
            "ReelPostgres",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Benchmark helpers (tools/bench): ReelMedia's ladder, timed. Not in
        // `reel`, which links no libav.
        .executableTarget(name: "reel-bench", dependencies: [
            "ReelMedia",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // The client SDK: swift-protobuf messages generated from proto/ (tools/gen-proto)
        // and URLSession only; no system library, nothing of the host.
        .target(name: "ReelClient", dependencies: [
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),

        // The command-line client on ReelClient.
        .executableTarget(name: "reel-client", dependencies: [
            "ReelClient",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Plugins: one folder each under Plugins/, each a .dynamic product.
        .target(name: "HelloPlugin",
                dependencies: ["ReelPluginKit", "CReelProtoHello", "CReelProtoHelloc"],
                path: "Plugins/hello/Sources",
                linkerSettings: swiftPluginLinkerSettings),
        // auth: the logic (AuthCore, unit-tested) and the exports (AuthPlugin);
        // tests never link AuthPlugin's @_cdecl entry points.
        .target(name: "AuthCore",
                dependencies: ["ReelPluginKit", "ReelEncoding", "CReelProtoAuth", "CReelProtoHost", "ReelPostgres", "CArgon2",
                               .product(name: "JWTKit", package: "jwt-kit"),
                               .product(name: "Crypto", package: "swift-crypto")],
                path: "Plugins/auth/Core"),
        .target(name: "AuthPlugin",
                dependencies: ["AuthCore", "ReelPluginKit", "ReelPostgres", "CArgon2",
                               .product(name: "JWTKit", package: "jwt-kit")],
                path: "Plugins/auth/Sources",
                linkerSettings: swiftPluginLinkerSettings),
        // video: tus uploads, metadata and catalog (VideoCore, unit-tested) and
        // the exports (VideoPlugin).
        .target(name: "VideoCore",
                dependencies: ["ReelPluginKit", "ReelDisplayNames", "ReelEncoding", "CReelProtoVideo", "CReelProtoTranscoder",
                               "ReelPostgres", "ReelStorage", "ReelMedia",
                               "ReelConcurrency",
                               .product(name: "Crypto", package: "swift-crypto")],
                path: "Plugins/video/Core"),
        .target(name: "VideoPlugin",
                dependencies: ["VideoCore", "ReelPluginKit", "CReelABI"],
                path: "Plugins/video/Sources",
                linkerSettings: swiftPluginLinkerSettings),
        // transcoder: the job queue and libav workers (TranscoderCore, unit-tested)
        // and the exports (TranscoderPlugin).
        .target(name: "TranscoderCore",
                dependencies: ["ReelPluginKit", "CReelProtoTranscoder", "CReelProtoVideo", "CReelABI", "ReelPostgres",
                               "ReelStorage", "ReelMedia",
                               "ReelConcurrency"],
                path: "Plugins/transcoder/Core"),
        .target(name: "TranscoderPlugin",
                dependencies: ["TranscoderCore", "ReelPluginKit", "CReelABI"],
                path: "Plugins/transcoder/Sources",
                linkerSettings: swiftPluginLinkerSettings),
        // comment: threads, moderation and settings (CommentCore, unit-tested) and
        // the exports (CommentPlugin); tests: CommentPluginTests.
        .target(name: "CommentCore",
                dependencies: ["ReelPluginKit", "ReelDisplayNames", "CReelProtoComment", "CReelProtoVideo", "ReelPostgres",
                               "ReelConcurrency"],
                path: "Plugins/comment/Core"),
        .target(name: "CommentPlugin",
                dependencies: ["CommentCore", "ReelPluginKit", "CReelABI"],
                path: "Plugins/comment/Sources",
                linkerSettings: swiftPluginLinkerSettings),
        .testTarget(name: "CommentPluginTests", dependencies: ["CommentCore"], path: "Plugins/comment/Tests"),
        // notification: follows, the feed, settings, fan-out and the mail
        // outbox (NotificationCore, unit-tested) and the exports (NotificationPlugin).
        .target(name: "NotificationCore",
                dependencies: ["ReelPluginKit", "CReelABI", "CReelProtoNotification", "CReelProtoVideo", "CReelProtoAuth",
                               "ReelPostgres", "ReelConcurrency", "ReelEncoding", "CCurl"],
                path: "Plugins/notification/Core"),
        .target(name: "NotificationPlugin",
                dependencies: ["NotificationCore", "ReelPluginKit", "CReelABI"],
                path: "Plugins/notification/Sources",
                linkerSettings: swiftPluginLinkerSettings),
        .testTarget(name: "NotificationPluginTests", dependencies: ["NotificationCore", "ReelTestSupport"],
                    path: "Plugins/notification/Tests"),

        // Tests.
        .testTarget(name: "ReelHostTests",
                    dependencies: ["ReelHost", "CReelProtoTest", "CReelProtoHelloc", "CReelSupport", "CReelProtoMethodOptions",
                                   .product(name: "JWTKit", package: "jwt-kit"),
                                   .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "ReelConcurrencyTests", dependencies: ["ReelConcurrency"]),
        // The client SDK's own parts (envelopes, errors, sessions): ReelClient only, like an app.
        .testTarget(name: "ReelClientTests", dependencies: [
            "ReelClient",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        .testTarget(name: "ReelPluginKitTests", dependencies: ["ReelPluginKit", "CReelProtoHello", "CReelProtoHelloc"]),
        // Shared by the Swift tests: a PostgreSQL database of their own.
        .target(name: "ReelTestSupport", dependencies: ["ReelPostgres"], path: "Tests/ReelTestSupport"),
        .testTarget(name: "ReelPostgresTests", dependencies: ["ReelPostgres", "ReelTestSupport"]),
        .testTarget(name: "ReelStorageTests", dependencies: ["ReelStorage"]),
        .testTarget(name: "ReelMediaTests", dependencies: ["ReelMedia", "CLibAV"]),
        .testTarget(name: "AuthPluginTests", dependencies: ["AuthCore", "CReelProtoAuth", "CReelProtoHost"], path: "Plugins/auth/Tests"),
        .testTarget(name: "VideoPluginTests", dependencies: ["VideoCore", "ReelTestSupport"], path: "Plugins/video/Tests"),
        .testTarget(name: "TranscoderPluginTests", dependencies: ["TranscoderCore", "ReelPostgres", "ReelStorage", "ReelTestSupport"],
                    path: "Plugins/transcoder/Tests"),
    ]
)
