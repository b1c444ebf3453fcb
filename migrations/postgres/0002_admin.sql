-- Server administration: admin and disabled flags on accounts, and the audit log.

ALTER TABLE users ADD COLUMN is_admin BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled_at BIGINT;

-- Every admin action: who (NULL for the server's command line), what, on what, when.
CREATE TABLE audit_log (
    id         TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    actor_id   TEXT COLLATE "C" REFERENCES users (id) ON DELETE SET NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX audit_log_created ON audit_log (created_at, id);
CREATE INDEX messages_created ON messages (created_at, id);
