import ReelPluginKit

/// The transcoder plugin: a durable PostgreSQL job queue (schema
/// `transcoder`) and the libav workers that turn uploads into CMAF HLS +
/// DASH ladders. Load it alone (`reel serve --plugins transcoder`) on another
/// machine to add a worker.
public let transcoderPlugin = PluginDefinition<TranscoderService>(
    name: "transcoder",
    version: TranscoderService.version,
    summary: "libav adaptive-bitrate transcoding (CMAF HLS + DASH) from a durable job queue",
    methods: [
        transcoderMethod("EnqueueJob", .internal, "EnqueueJobRequest", "EnqueueJobResponse") { try await $0.enqueueJob($1) },
        transcoderMethod("GetJob", .admin, "GetJobRequest", "Job") { try await $0.getJob($1) },
        transcoderMethod("ListJobs", .admin, "ListJobsRequest", "JobList") { try await $0.listJobs($1) },
    ],
    routes: [
        Route("GET", "/api/v1/transcoder/jobs", method: transcoderService + "ListJobs"),
        Route("GET", "/api/v1/transcoder/jobs/{video_id}", method: transcoderService + "GetJob"),
    ],
    subscriptions: ["video.deleted"],
    onEvent: { service, topic, payload in
        if topic == "video.deleted" { await service.videoDeleted(payload) }
    },
    start: { host in try await TranscoderService.start(host: host) },
    stop: { service in await service.stop() })

let transcoderService = "reel.transcoder.v1.TranscoderService/"

func transcoderMethod(_ name: String, _ access: Access, _ input: String, _ output: String,
                      _ handler: @escaping @Sendable (TranscoderService, PluginCall) async throws -> [UInt8])
    -> Method<TranscoderService> {
    Method(transcoderService + name, access: access, input: "reel.transcoder.v1." + input,
           output: "reel.transcoder.v1." + output, handler)
}
