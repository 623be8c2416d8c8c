import ReelPostgres

/// The `auth` schema, owned by this plugin alone. Applied migrations never
/// change: fix mistakes with a new one.
enum AuthSchema {
    static let migrator = Migrator(schema: "auth", migrations: [
        Migration(version: 1, name: "users, refresh tokens, login throttle, signing keys", sql: """
            CREATE TABLE users (
                id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                email text NOT NULL UNIQUE CHECK (email = lower(email)),
                display_name text NOT NULL,
                password_hash text NOT NULL,
                role text NOT NULL CHECK (role IN ('viewer', 'creator', 'admin')),
                disabled boolean NOT NULL DEFAULT false,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
            );
            CREATE INDEX users_created_at_id ON users (created_at, id);

            -- Rotating refresh tokens, stored as SHA-256 only. A family is one
            -- sign-in: each use spends a token and issues the next in the family.
            CREATE TABLE refresh_tokens (
                token_hash bytea PRIMARY KEY,
                family_id uuid NOT NULL,
                user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                created_at timestamptz NOT NULL DEFAULT now(),
                expires_at timestamptz NOT NULL,
                used_at timestamptz,
                revoked_at timestamptz
            );
            CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
            CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id) WHERE revoked_at IS NULL;

            -- Consecutive login failures per key ("account:<email>", "address:<ip>").
            CREATE TABLE login_throttle (
                key text PRIMARY KEY,
                failures int NOT NULL,
                locked_until timestamptz,
                updated_at timestamptz NOT NULL DEFAULT now()
            );

            -- Ed25519 keys for access tokens; at most one current (not retired).
            CREATE TABLE signing_keys (
                kid text PRIMARY KEY,
                private_key bytea NOT NULL,
                public_key bytea NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                retired_at timestamptz
            );
            CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys ((true)) WHERE retired_at IS NULL;
            """),
        Migration(version: 2, name: "token cut-offs, refresh revocation reasons, registration throttle", sql: """
            -- Per-user revocation: access tokens of user_id issued before
            -- not_before_ms (Unix milliseconds) are void (TokenAuthority).
            CREATE TABLE token_cutoffs (
                user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
                not_before_ms bigint NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now()
            );

            -- Why a refresh token was revoked ('signed_out', 'disabled',
            -- 'password_changed', 'reuse'), so a later refresh can say so.
            ALTER TABLE refresh_tokens ADD COLUMN revoked_reason text;

            -- Registrations per client address in a fixed window.
            CREATE TABLE registration_throttle (
                address text PRIMARY KEY,
                window_start timestamptz NOT NULL,
                count int NOT NULL
            );
            """),
    ])
}
