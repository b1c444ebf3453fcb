-- API tokens: personal tokens for bots and scripts, client tokens for apps that provision
-- users. Only a SHA-256 hash of each secret is kept.

CREATE TABLE api_tokens (
    id           TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('personal', 'client')),
    owner_id     TEXT COLLATE "C" REFERENCES users (id) ON DELETE CASCADE, -- the user (personal) or creating admin (client)
    name         TEXT NOT NULL,
    can_write    BIGINT NOT NULL DEFAULT 0,                            -- personal: the `write` scope
    secret_hash  TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT,
    last_used_at BIGINT
);
CREATE INDEX api_tokens_owner ON api_tokens (owner_id, kind);
