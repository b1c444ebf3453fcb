-- The whole schema of the first release. Times are milliseconds since the Unix epoch (UTC);
-- ids are UUIDv7 strings.

CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    username      TEXT NOT NULL UNIQUE,          -- stored lower case: unique regardless of case
    password_hash TEXT NOT NULL,
    email         TEXT,
    display_name  TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX users_display_name ON users (display_name COLLATE NOCASE);

-- One row per issued token (its `jti`): logout and password changes revoke rows, and a token
-- without an active row is refused.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins inside the throttling window; older rows are purged as new ones arrive.
CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    ip       TEXT NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- Lobbies and direct chats are both conversations: messages, seq, membership and read
-- cursors are written once, here.
CREATE TABLE conversations (
    id         TEXT PRIMARY KEY NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('lobby', 'chat')),
    last_seq   INTEGER NOT NULL DEFAULT 0,       -- message seq of the newest message
    event_seq  INTEGER NOT NULL DEFAULT 0,       -- seq of the newest event
    created_at INTEGER NOT NULL
);

CREATE TABLE lobbies (
    id          TEXT PRIMARY KEY NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,                   -- lower-cased name, for ordering and search
    description TEXT NOT NULL DEFAULT '',
    visibility  TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
    created_by  TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX lobbies_visibility_name ON lobbies (visibility, name_key, id);

CREATE TABLE chats (
    id         TEXT PRIMARY KEY NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_low   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_high  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    CHECK (user_low < user_high),
    UNIQUE (user_low, user_high)
);
CREATE INDEX chats_user_high ON chats (user_high);

CREATE TABLE members (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    joined_at       INTEGER NOT NULL,
    read_seq        INTEGER NOT NULL DEFAULT 0,  -- the member's read cursor
    cleared_seq     INTEGER NOT NULL DEFAULT 0,  -- chats: history up to here was deleted for this member
    hidden          INTEGER NOT NULL DEFAULT 0,  -- chats: deleted for this member until the next message
    PRIMARY KEY (conversation_id, user_id)
) WITHOUT ROWID;
CREATE INDEX members_user ON members (user_id, conversation_id);

CREATE TABLE messages (
    id              TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    author_id       TEXT REFERENCES users (id) ON DELETE SET NULL,
    content         TEXT NOT NULL,               -- '' once deleted: the text is erased
    created_at      INTEGER NOT NULL,
    edited_at       INTEGER,
    deleted_at      INTEGER,
    UNIQUE (conversation_id, seq)
);
CREATE INDEX messages_author ON messages (author_id);

-- The event log of each conversation, numbered by `seq` without gaps. Rows point at the
-- current state (a message, a member) instead of copying it, so an erased message stays
-- erased; replay builds each frame from what is stored now.
CREATE TABLE events (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    kind            TEXT NOT NULL,               -- message.created, member.joined, ...
    message_id      TEXT,                        -- message events
    message_seq     INTEGER,                     -- message.deleted
    user_id         TEXT,                        -- member events
    role            TEXT,                        -- member.updated
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;

-- Idempotency keys of sent messages, kept at least 24 hours.
CREATE TABLE nonces (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    nonce      TEXT NOT NULL,
    message_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, nonce)
) WITHOUT ROWID;
CREATE INDEX nonces_created_at ON nonces (created_at);
