import ReelPostgres

/// The `video` schema, owned by this plugin alone. Applied migrations never
/// change: fix mistakes with a new one.
enum VideoSchema {
    static let migrator = Migrator(schema: "video", migrations: [
        Migration(version: 1, name: "videos with full-text search, tus uploads, transcode outbox", sql: """
            -- array_to_string is only STABLE; a generated column needs IMMUTABLE.
            CREATE FUNCTION tags_text(text[]) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string($1, ' ') $$;

            CREATE TABLE videos (
                id uuid PRIMARY KEY,
                owner_id uuid NOT NULL,
                title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
                description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
                tags text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
                visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'unlisted', 'private')),
                state text NOT NULL CHECK (state IN ('uploading', 'processing', 'ready', 'failed')),
                failure_reason text,
                progress int NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
                duration_seconds double precision,
                width int,
                height int,
                source_key text,
                source_filename text,
                source_size bigint,
                source_format text,
                poster_key text,
                hls_key text,
                dash_key text,
                views bigint NOT NULL DEFAULT 0 CHECK (views >= 0),
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                published_at timestamptz,
                -- 'simple': no stemming or stop words, so search works the
                -- same for every language uploaders write in.
                search tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('simple', title), 'A')
                    || setweight(to_tsvector('simple', tags_text(tags)), 'A')
                    || setweight(to_tsvector('simple', description), 'B')) STORED
            );
            CREATE INDEX videos_search ON videos USING gin (search);
            CREATE INDEX videos_tags ON videos USING gin (tags);
            CREATE INDEX videos_catalog_newest ON videos (published_at DESC, id DESC)
                WHERE state = 'ready' AND visibility = 'public';
            CREATE INDEX videos_catalog_views ON videos (views DESC, id DESC)
                WHERE state = 'ready' AND visibility = 'public';
            CREATE INDEX videos_owner ON videos (owner_id, created_at DESC, id DESC);

            -- published_at is the first time a video becomes ready, however
            -- the state changed (MarkReady, or an operator's UPDATE).
            CREATE FUNCTION set_published_at() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.state = 'ready' AND NEW.published_at IS NULL THEN
                    NEW.published_at := clock_timestamp();
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER videos_published_at BEFORE INSERT OR UPDATE OF state ON videos
                FOR EACH ROW EXECUTE FUNCTION set_published_at();

            -- tus uploads. The bytes are in $REEL_DATA_DIR/uploads/<id> (with
            -- <id>.info) until the upload completes; video_id is set then.
            CREATE TABLE uploads (
                id uuid PRIMARY KEY,
                owner_id uuid NOT NULL,
                length bigint NOT NULL CHECK (length >= 0),
                metadata text NOT NULL DEFAULT '',
                filename text NOT NULL,
                title text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                expires_at timestamptz NOT NULL,
                completed_at timestamptz,
                video_id uuid
            );
            CREATE INDEX uploads_expires ON uploads (expires_at);

            -- Transcode jobs, written in the transaction that creates the
            -- video and delivered to reel.transcoder.v1.TranscoderService/EnqueueJob
            -- over the bus until it answers OK (at least once).
            CREATE TABLE transcode_outbox (
                video_id uuid PRIMARY KEY REFERENCES videos (id) ON DELETE CASCADE,
                source_key text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                delivered_at timestamptz,
                attempts int NOT NULL DEFAULT 0,
                last_error text,
                next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp()
            );
            CREATE INDEX transcode_outbox_pending ON transcode_outbox (next_attempt_at) WHERE delivered_at IS NULL;
            """),
        Migration(version: 2, name: "transcode progress by rendition, thumbnails", sql: """
            ALTER TABLE videos
                ADD COLUMN rungs_done int NOT NULL DEFAULT 0 CHECK (rungs_done >= 0),
                ADD COLUMN rungs_total int NOT NULL DEFAULT 0 CHECK (rungs_total >= 0),
                ADD COLUMN thumbnail_keys text[] NOT NULL DEFAULT '{}';
            """),
        Migration(version: 3, name: "media signing key, watch positions, one view per viewer and day", sql: """
            -- Plugin-wide settings. media_signing_key: base64 of 32 random
            -- bytes, written by the first host that starts and shared by all
            -- (unless REEL_MEDIA_SIGNING_KEY is set).
            CREATE TABLE settings (
                name text PRIMARY KEY,
                value text NOT NULL
            );

            -- Where each signed-in viewer is in each video (continue-watching).
            CREATE TABLE watch_positions (
                user_id uuid NOT NULL,
                video_id uuid NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
                position_seconds double precision NOT NULL CHECK (position_seconds >= 0),
                updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (user_id, video_id)
            );
            CREATE INDEX watch_positions_recent ON watch_positions (user_id, updated_at DESC, video_id DESC);

            -- A view counts once per viewer, video and UTC day: 'u:<user id>'
            -- or 'a:<keyed hash of the client address and the day>'. Rows
            -- older than yesterday are pruned.
            CREATE TABLE view_log (
                video_id uuid NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
                day date NOT NULL,
                viewer text NOT NULL,
                PRIMARY KEY (video_id, day, viewer)
            );
            CREATE INDEX view_log_day ON view_log (day);
            """),
        Migration(version: 4, name: "a view counts after real playback", sql: """
            -- The first contact of a viewer with a video on a day starts the
            -- clock (counted = false); a later report past a few seconds of
            -- playback counts it. Rows logged before this were counted views.
            ALTER TABLE view_log
                ADD COLUMN started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                ADD COLUMN counted boolean NOT NULL DEFAULT true;
            ALTER TABLE view_log ALTER COLUMN counted SET DEFAULT false;
            """),
        Migration(version: 5, name: "hosts hear of every change to videos (the cached catalog page)", sql: """
            -- Every host keeps the catalog's first page in memory
            -- (CatalogCache) and LISTENs on this channel: any statement that
            -- changes videos, from any host or by hand, tells them all to
            -- drop it. Sent at commit, once per transaction.
            CREATE FUNCTION notify_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('reel_video_catalog', '');
                RETURN NULL;
            END $$;
            CREATE TRIGGER videos_catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON videos
                FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();
            """),
        Migration(version: 6, name: "a counted view is not a change to the catalog", sql: """
            -- Every counted view updates videos.views: notifying then would
            -- drop every host's cached answers under real viewing. View
            -- counts may lag by the cache's age instead (CatalogCache); an
            -- update that changes any other column still notifies (one
            -- notification per transaction: PostgreSQL folds equal ones).
            DROP TRIGGER videos_catalog_changed ON videos;
            CREATE TRIGGER videos_catalog_changed AFTER INSERT OR DELETE OR TRUNCATE ON videos
                FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();
            CREATE TRIGGER videos_catalog_updated AFTER UPDATE ON videos
                FOR EACH ROW WHEN ((to_jsonb(OLD) - 'views') IS DISTINCT FROM (to_jsonb(NEW) - 'views'))
                EXECUTE FUNCTION notify_catalog_changed();
            """),
    ])
}
