import ReelPostgres

/// The `notification` schema, owned by this plugin alone. Applied migrations
/// never change: fix mistakes with a new one.
enum NotificationSchema {
    static let migrator = Migrator(schema: "notification", migrations: [
        Migration(version: 1, name: "subscriptions, published videos, notifications, settings, mail outbox", sql: """
            CREATE TABLE subscriptions (
                follower_id uuid NOT NULL,
                creator_id uuid NOT NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (follower_id, creator_id),
                CHECK (follower_id <> creator_id)
            );
            -- Fan-out walks a creator's followers in id order, in batches.
            CREATE INDEX subscriptions_creator ON subscriptions (creator_id, follower_id);
            CREATE INDEX subscriptions_follower_newest ON subscriptions (follower_id, created_at DESC, creator_id DESC);

            -- Public videos seen becoming ready (video.ready), per creator, for
            -- the "videos of the creators I follow" listing; the cards
            -- themselves come from the video service (BatchGetVideos).
            CREATE TABLE creator_videos (
                video_id uuid PRIMARY KEY,
                creator_id uuid NOT NULL,
                published_at timestamptz NOT NULL DEFAULT clock_timestamp()
            );
            CREATE INDEX creator_videos_newest ON creator_videos (creator_id, published_at DESC, video_id DESC);

            CREATE TABLE notifications (
                id bigserial PRIMARY KEY,
                user_id uuid NOT NULL,
                type text NOT NULL CHECK (type IN ('video.ready', 'video.failed', 'subscription.video',
                                                   'comment.on_my_video', 'comment.reply')),
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                read_at timestamptz,
                -- web: shown in the feed and pushed; email: queued for mail.
                web boolean NOT NULL,
                email boolean NOT NULL,
                actor_id uuid,
                video_id uuid,
                video_title text,
                failure_reason text,
                comment_id uuid,
                thread_id uuid,
                -- One notification per user, type and cause, however often
                -- the bus delivers the event.
                dedupe_key text NOT NULL,
                UNIQUE (user_id, type, dedupe_key)
            );
            CREATE INDEX notifications_feed ON notifications (user_id, id DESC) WHERE web;
            CREATE INDEX notifications_unread ON notifications (user_id, id DESC) WHERE web AND read_at IS NULL;

            CREATE TABLE settings (
                user_id uuid NOT NULL,
                type text NOT NULL,
                web boolean NOT NULL,
                email boolean NOT NULL,
                PRIMARY KEY (user_id, type)
            );

            -- Durable: a mail server that is down loses nothing; one row per
            -- notification, so a message is sent once.
            CREATE TABLE mail_outbox (
                notification_id bigint PRIMARY KEY REFERENCES notifications (id) ON DELETE CASCADE,
                attempts int NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                last_error text,
                sent_at timestamptz
            );
            CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
            """),
        Migration(version: 2, name: "single-use stream tickets", sql: """
            -- Only the ticket's SHA-256 is kept; a ticket is spent by its first use.
            CREATE TABLE stream_tickets (
                ticket_hash bytea PRIMARY KEY,
                user_id uuid NOT NULL,
                expires_at timestamptz NOT NULL,
                used_at timestamptz
            );
            CREATE INDEX stream_tickets_expiry ON stream_tickets (expires_at);
            """),
        Migration(version: 3, name: "creators' videos come from the video service", sql: """
            -- ListSubscriptionVideos and ListChannelVideos ask the video
            -- service (ListVideosByOwners): it knows every public video, also
            -- those published while this plugin was not loaded.
            DROP TABLE creator_videos;
            """),
        Migration(version: 4, name: "durable event inbox", sql: """
            -- Bus events are written here before the bus handler returns and
            -- processed from here (then deleted): a process that dies between
            -- the two loses nothing. Notifications are unique per cause, so a
            -- event processed twice makes them once.
            CREATE TABLE inbox (
                id bigserial PRIMARY KEY,
                topic text NOT NULL,
                payload bytea NOT NULL,
                received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                attempts int NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                last_error text
            );
            CREATE INDEX inbox_due ON inbox (next_attempt_at, id);
            """),
    ])
}
