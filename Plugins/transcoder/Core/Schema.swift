import ReelPostgres

/// The `transcoder` schema, owned by this plugin alone: the durable job
/// queue every host that loads the plugin works from. Applied migrations
/// never change: fix mistakes with a new one.
enum TranscoderSchema {
    /// NOTIFY channels: a job may be due (workers), a job changed in a way
    /// the video plugin must hear about (reporters).
    static let jobsChannel = "reel_transcoder_jobs"
    static let reportsChannel = "reel_transcoder_reports"

    static let migrator = Migrator(schema: "transcoder", migrations: [
        Migration(version: 1, name: "job queue with leases, retries, and an outbox to the video service", sql: """
            CREATE TABLE jobs (
                id uuid PRIMARY KEY,
                video_id uuid NOT NULL UNIQUE,          -- EnqueueJob is idempotent per video
                owner_id text NOT NULL DEFAULT '',
                source_key text NOT NULL,
                source_duration double precision,
                state text NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
                attempts int NOT NULL DEFAULT 0,
                max_attempts int NOT NULL CHECK (max_attempts > 0),
                run_after timestamptz NOT NULL DEFAULT clock_timestamp(),
                -- The worker running the current attempt; it renews the lease
                -- while alive. An expired lease means the worker died: the job
                -- is claimed again (and counts as an attempt).
                lease_owner text,
                lease_expires_at timestamptz,
                -- Where the current attempt writes (its own folder, so that a
                -- retry never mixes with a dead attempt's files).
                output_prefix text,
                progress int NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
                rungs_done int NOT NULL DEFAULT 0,
                rungs_total int NOT NULL DEFAULT 0,
                live_hls_key text,                      -- the growing stream, once published
                hls_key text, dash_key text, poster_key text,
                thumbnail_keys text[] NOT NULL DEFAULT '{}',
                duration_seconds double precision,
                failure_reason text,
                -- Outbox to reel.video.v1.VideoService: every change the video
                -- must hear about bumps report_version; a reporter delivers the
                -- row's current state and records reported_version.
                report_version bigint NOT NULL DEFAULT 0,
                reported_version bigint NOT NULL DEFAULT 0,
                report_after timestamptz NOT NULL DEFAULT clock_timestamp(),
                report_attempts int NOT NULL DEFAULT 0,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                started_at timestamptz,
                finished_at timestamptz
            );
            CREATE INDEX jobs_due ON jobs (run_after) WHERE state = 'queued';
            CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE state = 'running';
            CREATE INDEX jobs_unreported ON jobs (report_after) WHERE reported_version < report_version;
            CREATE INDEX jobs_newest ON jobs (created_at DESC);

            -- Every folder an attempt wrote to. Folders of attempts that did
            -- not become the published stream are deleted (by the attempt
            -- itself, or by any worker's janitor if it died).
            CREATE TABLE outputs (
                prefix text PRIMARY KEY,
                job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                attempt int NOT NULL,
                published boolean NOT NULL DEFAULT false,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp()
            );
            CREATE INDEX outputs_job ON outputs (job_id);
            """),
    ])
}
