-- Mentions and the inbox.

-- Who a message names (`@username`, resolved when it is written or edited): user ids joined by
-- spaces, so a page of history needs no extra query to show them. Flags: 1 = @here,
-- 2 = @everyone (only when the author was allowed to).
ALTER TABLE messages ADD COLUMN mentioned TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN mention_flags BIGINT NOT NULL DEFAULT 0;

-- One row per (user, message) that calls the user: named, @here while online, or @everyone.
-- The inbox pages by message id (time-ordered); unread counts compare `seq` with the
-- member's read cursor. Rows leave with the message's deletion, the user or the conversation.
CREATE TABLE mentions (
    user_id         TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message_id      TEXT COLLATE "C" NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             BIGINT NOT NULL,
    PRIMARY KEY (user_id, message_id)
);
CREATE INDEX mentions_unread ON mentions (user_id, conversation_id, seq);
CREATE INDEX mentions_message ON mentions (message_id);

-- Reaction and pin events name their message's seq too (so that a chat's reader who deleted
-- history up to it gets no event about it); events written before this named none.
UPDATE events SET message_seq = (SELECT m.seq FROM messages m WHERE m.id = events.message_id)
WHERE message_seq IS NULL AND kind IN ('reaction.added', 'reaction.removed', 'message.pinned', 'message.unpinned');
