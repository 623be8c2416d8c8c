import ReelPostgres

/// The `comment` schema, owned by this plugin alone. Applied migrations never
/// change: fix mistakes with a new one. Video and user ids are the other
/// plugins' ids, without foreign keys (no plugin reads another's tables).
enum CommentSchema {
    static let migrator = Migrator(schema: "comment", migrations: [
        Migration(version: 1, name: "comments in two-level threads, per-video settings", sql: """
            CREATE TABLE comments (
                id uuid PRIMARY KEY,
                video_id uuid NOT NULL,
                -- The thread's root: its own id for a root.
                thread_id uuid NOT NULL,
                -- The comment answered (NULL for a root); kept while it has answers.
                in_reply_to uuid,
                author_id uuid NOT NULL,
                -- Empty only for a deleted placeholder.
                text text NOT NULL CHECK (char_length(text) <= 5000 AND (deleted OR char_length(text) >= 1)),
                edited boolean NOT NULL DEFAULT false,
                deleted boolean NOT NULL DEFAULT false,
                pinned boolean NOT NULL DEFAULT false CHECK (NOT pinned OR id = thread_id),
                -- Replies in the thread (roots only).
                reply_count int NOT NULL DEFAULT 0 CHECK (reply_count >= 0),
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                CHECK ((in_reply_to IS NULL) = (id = thread_id))
            );
            CREATE INDEX comments_threads_by_time ON comments (video_id, created_at, id) WHERE id = thread_id;
            CREATE INDEX comments_threads_by_replies ON comments (video_id, reply_count, created_at, id) WHERE id = thread_id;
            CREATE INDEX comments_replies ON comments (thread_id, created_at, id);
            CREATE INDEX comments_answers ON comments (in_reply_to) WHERE in_reply_to IS NOT NULL;
            CREATE INDEX comments_by_author ON comments (author_id, created_at, id);
            -- One pinned thread per video.
            CREATE UNIQUE INDEX comments_one_pinned ON comments (video_id) WHERE pinned;

            CREATE TABLE settings (
                video_id uuid PRIMARY KEY,
                enabled boolean NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
            );
            """),
    ])
}
