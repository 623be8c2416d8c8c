import Foundation
import ReelPostgres

/// The SQL of the job queue (transcoder.jobs, transcoder.outputs). Every
/// change a running attempt makes is conditional on its lease (job id,
/// attempt number and worker), so a worker that lost its job (the lease
/// expired and another worker took it, or the video was deleted) changes
/// nothing and learns that it must stop.
enum JobStore {
    /// Queues a job, or answers the existing one for this video (idempotent).
    static func enqueue(_ c: PostgresConnection, videoId: String, ownerId: String, sourceKey: String,
                        sourceDuration: Double?, maxAttempts: Int) throws -> Job {
        let inserted = try c.query("""
            INSERT INTO transcoder.jobs AS j (id, video_id, owner_id, source_key, source_duration, max_attempts)
            VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)
            ON CONFLICT (video_id) DO NOTHING RETURNING \(Job.columns)
            """, [.string(videoId), .string(ownerId), .string(sourceKey), sourceDuration.map(PostgresValue.double),
                  .int(maxAttempts)])
        if let row = inserted.first {
            try c.notify(TranscoderSchema.jobsChannel)
            return try Job(row: row)
        }
        guard let existing = try byVideo(c, videoId) else {
            throw PostgresError(kind: .typeMismatch, message: "job for video \(videoId) vanished during enqueue")
        }
        return existing
    }

    static func byVideo(_ c: PostgresConnection, _ videoId: String) throws -> Job? {
        try c.query("SELECT \(Job.columns) FROM transcoder.jobs j WHERE j.video_id = $1", [.string(videoId)])
            .first.map(Job.init(row:))
    }

    static func list(_ c: PostgresConnection, state: JobState?, limit: Int) throws -> [Job] {
        try c.query("""
            SELECT \(Job.columns) FROM transcoder.jobs j WHERE $1::text IS NULL OR j.state = $1
            ORDER BY j.created_at DESC, j.id LIMIT $2
            """, [state.map { .string($0.rawValue) }, .int(limit)]).map(Job.init(row:))
    }

    /// Fails the jobs whose worker died on their last allowed attempt.
    static func failExhausted(_ c: PostgresConnection) throws -> [Job] {
        let rows = try c.query("""
            UPDATE transcoder.jobs AS j SET state = 'failed', lease_owner = NULL, lease_expires_at = NULL,
                failure_reason = 'the transcode stopped ' || j.attempts || ' times without finishing (the worker died or hung)',
                finished_at = clock_timestamp(), updated_at = clock_timestamp(), report_version = j.report_version + 1
            WHERE j.state = 'running' AND j.lease_expires_at < clock_timestamp() AND j.attempts >= j.max_attempts
            RETURNING \(Job.columns)
            """)
        if !rows.isEmpty { try c.notify(TranscoderSchema.reportsChannel) }
        return try rows.map(Job.init(row:))
    }

    /// Claims the oldest due job for `worker`: a queued job whose retry time
    /// has come, or a running job whose lease expired (its worker died).
    /// Concurrent workers skip each other's rows (SKIP LOCKED).
    static func claim(_ c: PostgresConnection, worker: String, leaseSeconds: Int) throws -> Job? {
        let rows = try c.query("""
            WITH next AS (
                SELECT id FROM transcoder.jobs
                WHERE (state = 'queued' AND run_after <= clock_timestamp())
                   OR (state = 'running' AND lease_expires_at < clock_timestamp() AND attempts < max_attempts)
                ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            UPDATE transcoder.jobs AS j SET state = 'running', attempts = j.attempts + 1, lease_owner = $1,
                lease_expires_at = clock_timestamp() + $2 * interval '1 second', output_prefix = NULL,
                progress = 0, rungs_done = 0, rungs_total = 0, live_hls_key = NULL,
                started_at = clock_timestamp(), updated_at = clock_timestamp(), report_version = j.report_version + 1
            FROM next WHERE j.id = next.id RETURNING \(Job.columns)
            """, [.string(worker), .int(leaseSeconds)])
        guard let row = rows.first else { return nil }
        try c.notify(TranscoderSchema.reportsChannel)
        return try Job(row: row)
    }

    private static let held = "j.id = $1 AND j.attempts = $2 AND j.lease_owner = $3 AND j.state = 'running'"

    private static func leaseParameters(_ lease: Lease) -> [PostgresValue?] {
        [.string(lease.jobId), .int(lease.attempt), .string(lease.worker)]
    }

    /// Renews the lease and records progress (reported to the video when it
    /// changed). False: the job is no longer this attempt's; stop.
    static func heartbeat(_ c: PostgresConnection, _ lease: Lease, leaseSeconds: Int,
                          progress: Int, rungsDone: Int, rungsTotal: Int) throws -> Bool {
        let rows = try c.query("""
            UPDATE transcoder.jobs AS j SET lease_expires_at = clock_timestamp() + $4 * interval '1 second',
                report_version = j.report_version
                    + CASE WHEN (j.progress, j.rungs_done, j.rungs_total) = ($5, $6, $7) THEN 0 ELSE 1 END,
                progress = $5, rungs_done = $6, rungs_total = $7, updated_at = clock_timestamp()
            WHERE \(held) RETURNING j.report_version <> j.reported_version AS unreported
            """, leaseParameters(lease) + [.int(leaseSeconds), .int(progress), .int(rungsDone), .int(rungsTotal)])
        guard let row = rows.first else { return false }
        if try row.bool("unreported") == true { try c.notify(TranscoderSchema.reportsChannel) }
        return true
    }

    /// Records the folder this attempt writes to (before the first byte).
    static func recordOutput(_ c: PostgresConnection, _ lease: Lease, prefix: String) throws -> Bool {
        try c.withTransaction { c in
            let rows = try c.query("UPDATE transcoder.jobs AS j SET output_prefix = $4 WHERE \(held) RETURNING 1",
                                   leaseParameters(lease) + [.string(prefix)])
            guard !rows.isEmpty else { return false }
            try c.query("INSERT INTO transcoder.outputs (prefix, job_id, attempt) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                        [.string(prefix), .string(lease.jobId), .int(lease.attempt)])
            return true
        }
    }

    /// The first segments of every rendition are in storage: viewers can start.
    static func publishLive(_ c: PostgresConnection, _ lease: Lease, hlsKey: String) throws -> Bool {
        let rows = try c.query("""
            UPDATE transcoder.jobs AS j SET live_hls_key = $4, report_version = j.report_version + 1,
                updated_at = clock_timestamp() WHERE \(held) RETURNING 1
            """, leaseParameters(lease) + [.string(hlsKey)])
        if !rows.isEmpty { try c.notify(TranscoderSchema.reportsChannel) }
        return !rows.isEmpty
    }

    /// The attempt finished and its files are in storage.
    static func succeed(_ c: PostgresConnection, _ lease: Lease, _ output: JobOutput) throws -> Bool {
        let thumbnails = String(decoding: try JSONEncoder().encode(output.thumbnailKeys), as: UTF8.self)
        let done = try c.withTransaction { c in
            let rows = try c.query("""
                UPDATE transcoder.jobs AS j SET state = 'succeeded', lease_owner = NULL, lease_expires_at = NULL,
                    hls_key = $4, dash_key = $5, poster_key = $6, thumbnail_keys = ARRAY(SELECT jsonb_array_elements_text($7::jsonb)),
                    duration_seconds = $8, progress = 100, rungs_done = $9, rungs_total = $9, live_hls_key = NULL,
                    failure_reason = NULL, finished_at = clock_timestamp(), updated_at = clock_timestamp(),
                    report_version = j.report_version + 1
                WHERE \(held) RETURNING j.output_prefix
                """, leaseParameters(lease) + [.string(output.hlsKey), output.dashKey.map(PostgresValue.string),
                                               output.posterKey.map(PostgresValue.string), .string(thumbnails),
                                               .double(output.durationSeconds), .int(output.rungs)])
            guard let row = rows.first else { return false }
            if let prefix = try row.string("output_prefix") {
                try c.query("UPDATE transcoder.outputs SET published = true WHERE prefix = $1", [.string(prefix)])
            }
            return true
        }
        if done { try c.notify(TranscoderSchema.reportsChannel) }
        return done
    }

    /// The attempt failed: queue a retry in `retryInSeconds`, or (nil) fail
    /// the job for good with `reason`.
    static func fail(_ c: PostgresConnection, _ lease: Lease, reason: String, retryInSeconds: Int?) throws -> Bool {
        let rows = try c.query("""
            UPDATE transcoder.jobs AS j SET
                state = CASE WHEN $5::int IS NULL THEN 'failed' ELSE 'queued' END,
                run_after = clock_timestamp() + coalesce($5::int, 0) * interval '1 second',
                finished_at = CASE WHEN $5::int IS NULL THEN clock_timestamp() END,
                lease_owner = NULL, lease_expires_at = NULL, live_hls_key = NULL, failure_reason = $4,
                updated_at = clock_timestamp(), report_version = j.report_version + 1
            WHERE \(held) RETURNING 1
            """, leaseParameters(lease) + [.string(reason), retryInSeconds.map(PostgresValue.int)])
        if !rows.isEmpty { try c.notify(TranscoderSchema.reportsChannel) }
        return !rows.isEmpty
    }

    /// The video was deleted: stop working on it. The running attempt (if
    /// any) sees it at its next heartbeat. Nothing is reported: the video is gone.
    static func cancel(_ c: PostgresConnection, videoId: String) throws -> Job? {
        try c.query("""
            UPDATE transcoder.jobs AS j SET state = 'cancelled', lease_owner = NULL, lease_expires_at = NULL,
                live_hls_key = NULL, finished_at = clock_timestamp(), updated_at = clock_timestamp(),
                reported_version = j.report_version
            WHERE j.video_id = $1 AND j.state IN ('queued', 'running') RETURNING \(Job.columns)
            """, [.string(videoId)]).first.map(Job.init(row:))
    }
}

extension JobStore {
    /// A graceful stop (shutdown, hot swap): the job is queued again at once.
    /// The interrupted attempt is not held against the job: max_attempts
    /// grows by one, so attempt numbers (and their folders) stay unique.
    static func release(_ c: PostgresConnection, _ lease: Lease) throws -> Bool {
        let rows = try c.query("""
            UPDATE transcoder.jobs AS j SET state = 'queued', run_after = clock_timestamp(),
                max_attempts = j.max_attempts + 1, lease_owner = NULL, lease_expires_at = NULL, live_hls_key = NULL,
                updated_at = clock_timestamp(), report_version = j.report_version + 1
            WHERE j.id = $1 AND j.attempts = $2 AND j.lease_owner = $3 AND j.state = 'running' RETURNING 1
            """, [.string(lease.jobId), .int(lease.attempt), .string(lease.worker)])
        if !rows.isEmpty {
            try c.notify(TranscoderSchema.jobsChannel)
            try c.notify(TranscoderSchema.reportsChannel)
        }
        return !rows.isEmpty
    }
}
