-- Replies, reactions and pins.

-- The message a message answers (same conversation; checked when it is posted). No foreign
-- key: messages leave only with their whole conversation, and a reply's preview is a LEFT JOIN.
ALTER TABLE messages ADD COLUMN reply_to_id TEXT;
-- Pinned: when and by whom (NULL when not pinned).
ALTER TABLE messages ADD COLUMN pinned_at INTEGER;
ALTER TABLE messages ADD COLUMN pinned_by TEXT REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX messages_pinned ON messages (conversation_id, pinned_at) WHERE pinned_at IS NOT NULL;

-- One row per (message, emoji, user). A message's aggregate is grouped from its rows, in the
-- order each emoji was first used.
CREATE TABLE reactions (
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    emoji      TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (message_id, emoji, user_id)
) WITHOUT ROWID;
CREATE INDEX reactions_user ON reactions (user_id);

-- Reaction events keep their emoji and the count after the change: replay sends them as they
-- happened, since a reaction's later removal is an event of its own.
ALTER TABLE events ADD COLUMN emoji TEXT;
ALTER TABLE events ADD COLUMN amount INTEGER;
