//! Group commit of posted messages: one writer task per store turns concurrent posts into one
//! transaction.
//!
//! A post is acknowledged only once it is durable, and a durable commit costs an fsync
//! (SQLite with `synchronous = FULL`) or a WAL flush (PostgreSQL) — far more than the inserts
//! themselves. So posts queue on a bounded channel, and the writer takes everything that
//! queued while the previous batch was committing (at most [`MAX_BATCH`]), writes it with a
//! fixed handful of multi-row statements in one write transaction, and answers each poster
//! after the commit. Under light load a batch is a single post and nothing waits; under
//! heavy load one commit covers hundreds of posts. Nothing is delayed to fill a batch.
//!
//! A batch holds the database's write lock like any other write (see [`super`]), so seqs stay
//! gap-free and unique. It also authorizes: one read of the memberships of all its posts, in
//! the transaction that writes them, so no membership change slips between check and write
//! and no post costs a read of its own. A post whose author may not post there is refused
//! alone ([`Written::Refused`]; the caller works out the exact error). If the whole
//! transaction fails, each post of the batch is retried in a transaction of its own, so one
//! bad post never fails its neighbours.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chat_core::v1::{
    Author, ConversationId, Message, MessageContent, MessageId, Nonce, ReplyPreview, UserId,
};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, AssertSqlSafe, Transaction};
use tokio::sync::{mpsc, oneshot};

use super::events::EventKind;
use super::mentions::insert_inbox;
use super::sql::{mark, placeholders};
use super::{
    Backend, StoreError, begin_write_on, count, new_id, now_millis, parse_text, timestamp,
};

/// Posts written in one transaction, at most. Bounds the statements' parameter counts
/// (9 per row at most: far below SQLite's 32,766 and PostgreSQL's 65,535), the nonce lookup's chain
/// of `OR`s (SQLite refuses expressions deeper than 1,000: at 1,024 every batch failed and
/// fell back to one transaction per post) and the latency a post waits behind others.
/// Measured: 128 gave 4,261 durable messages/s, 256 gave 5,975.
pub const MAX_BATCH: usize = 256;

/// Posts waiting for the writer, at most; posters wait for room beyond that.
const QUEUE: usize = 4096;

/// A message to store.
#[derive(Debug)]
pub struct NewPost {
    /// Where.
    pub conversation: ConversationId,
    /// Who.
    pub author: UserId,
    /// What.
    pub content: MessageContent,
    /// The author's idempotency key, if any.
    pub nonce: Option<Nonce>,
    /// The message of the same conversation it answers, if any.
    pub reply_to: Option<MessageId>,
    /// Whom it calls, resolved by the caller.
    pub mentions: super::mentions::Mentions,
    /// Which kind of conversation the route named.
    pub expect: Expect,
}

/// The kind of conversation a post's route names; a conversation of the other kind is, for
/// that route, not there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A lobby route.
    Lobby,
    /// A chat route.
    Chat,
    /// A bare conversation id (the WebSocket gateway): either kind.
    Either,
}

/// Told about each new lobby post right after its commit, in commit (and so `seq`) order.
pub type CommitHook = Box<dyn Fn(&Message, u64) + Send + Sync>;

/// Who publishes a stored post's `message.created` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Announcer {
    /// A lobby message: the writer's commit hook, in `seq` order, before any poster wakes.
    Writer,
    /// A chat message: the poster, after bringing the chat back for a partner who had
    /// deleted it.
    Poster,
}

/// What the writer did with a post.
#[derive(Debug)]
pub enum Written {
    /// Stored now.
    New {
        /// The message as stored (boxed: it is most of the enum's size).
        message: Box<Message>,
        /// Its `message.created` event.
        event_seq: u64,
        /// Who publishes that event.
        announcer: Announcer,
    },
    /// The nonce was used before, for this message (which may since have been deleted).
    Duplicate(MessageId),
    /// Not written: the author may not post there (not a member, a chat they deleted, a
    /// conversation of the other kind, or none at all). The caller finds out which.
    Refused,
    /// Not written: `reply_to` is not a message of the conversation that the author can
    /// read (deleted, or below the history they deleted from a chat).
    BadReply,
}

type Reply = oneshot::Sender<Result<Written, StoreError>>;

/// The handle posters use; cheap to clone. The writer task stops when the last handle is
/// dropped.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<(NewPost, Reply)>,
    hook: Arc<OnceLock<CommitHook>>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").finish_non_exhaustive()
    }
}

impl Writer {
    /// Starts the writer task on the current runtime.
    pub fn spawn(pool: AnyPool, backend: Backend) -> Self {
        let (queue, posts) = mpsc::channel(QUEUE);
        let hook = Arc::new(OnceLock::new());
        tokio::spawn(run(pool, backend, posts, Arc::clone(&hook)));
        Self { queue, hook }
    }

    /// Installs the hook that announces committed posts (once; later calls are ignored).
    ///
    /// Posters are woken after the commit in no particular order, so events published by
    /// each of them would reach subscribers out of `seq` order, and every subscriber would
    /// then fetch the "gap" from the database. The writer task calls the hook in order,
    /// before waking anyone.
    pub fn on_commit(&self, hook: CommitHook) {
        let _ = self.hook.set(hook);
    }

    /// Queues a post (waiting only for room in the queue) and returns the wait for its
    /// commit. Posts are written in the order they were queued, so a connection that queues
    /// its posts one after another keeps their order while their commits overlap.
    pub async fn submit(&self, post: NewPost) -> Result<Queued, StoreError> {
        let slot = self.queue.reserve().await.map_err(|_| closed())?;
        let (reply, answer) = oneshot::channel();
        slot.send((post, reply));
        Ok(Queued(answer))
    }
}

/// A post in the writer's queue.
#[derive(Debug)]
pub struct Queued(oneshot::Receiver<Result<Written, StoreError>>);

impl Queued {
    /// Waits until the post is committed (or refused).
    pub async fn committed(self) -> Result<Written, StoreError> {
        self.0.await.map_err(|_| closed())?
    }
}

/// The writer stopped: the store was closed.
fn closed() -> StoreError {
    StoreError::Database(sqlx::Error::PoolClosed)
}

async fn run(
    pool: AnyPool,
    backend: Backend,
    mut posts: mpsc::Receiver<(NewPost, Reply)>,
    hook: Arc<OnceLock<CommitHook>>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // Closing the pool waits for every connection to come back, the writer's too.
    let closing = pool.close_event();
    tokio::pin!(closing);
    let mut conn = Held::new(pool);
    loop {
        tokio::select! {
            biased;
            () = &mut closing, if conn.is_held() => {
                conn.release();
                continue;
            }
            received = posts.recv_many(&mut batch, MAX_BATCH) => {
                if received == 0 {
                    break;
                }
            }
        }
        let (items, replies): (Vec<NewPost>, Vec<Reply>) = batch.drain(..).unzip();
        match conn.write(backend, &items).await {
            Ok(results) => answer(&hook, replies, results),
            Err(error) if items.len() == 1 => answer(&hook, replies, vec![Err(error)]),
            // The database is down (or its disk full): each post alone would wait for a
            // connection in turn, and the last poster would wait the whole batch's outages.
            Err(error) if error.outage().is_some() => {
                tracing::warn!(%error, posts = items.len(), "batch failed: the store is unavailable");
                let failed = items
                    .iter()
                    .map(|_| Err(StoreError::Outage(error.outage().expect("an outage"))));
                answer(&hook, replies, failed.collect());
            }
            Err(error) => {
                tracing::warn!(%error, posts = items.len(), "batch failed; writing its posts one by one");
                for (item, reply) in items.iter().zip(replies) {
                    let result = match conn.write(backend, std::slice::from_ref(item)).await {
                        Ok(mut results) => results.pop().unwrap_or(Err(missing())),
                        Err(error) => Err(error),
                    };
                    answer(&hook, vec![reply], vec![result]);
                }
            }
        }
    }
}

/// The writer's own connection, kept from batch to batch: taking one from the pool for every
/// batch cost a tenth to a quarter of a millisecond of a light batch's latency.
struct Held {
    pool: AnyPool,
    conn: Option<PoolConnection<Any>>,
}

impl Held {
    fn new(pool: AnyPool) -> Self {
        Self { pool, conn: None }
    }

    fn is_held(&self) -> bool {
        self.conn.is_some()
    }

    fn release(&mut self) {
        self.conn = None;
    }

    /// Writes a batch; after a failure the connection goes back to the pool (it may be the
    /// cause: a PostgreSQL connection that dropped) and the next batch takes another.
    async fn write(
        &mut self,
        backend: Backend,
        items: &[NewPost],
    ) -> Result<Vec<Result<Written, StoreError>>, StoreError> {
        let written = self.begin_and_write(backend, items).await;
        if written.is_err() {
            self.conn = None;
        }
        written
    }

    async fn begin_and_write(
        &mut self,
        backend: Backend,
        items: &[NewPost],
    ) -> Result<Vec<Result<Written, StoreError>>, StoreError> {
        // The pool checks a connection before lending it; a kept one may have died while
        // idle (a database restart, an idle timeout). Nothing is written before `BEGIN`
        // succeeds, so a kept connection that fails it is replaced and `BEGIN` tried again.
        let mut retry = self.conn.is_some();
        loop {
            let conn = match &mut self.conn {
                Some(conn) => conn,
                None => self.conn.insert(self.pool.acquire().await?),
            };
            let error = match begin_write_on(conn, backend).await {
                Ok(tx) => return write(tx, backend, items).await,
                Err(error) => error,
            };
            if !retry {
                return Err(error);
            }
            tracing::debug!(%error, "the writer's connection failed; taking another");
            retry = false;
            self.conn = None;
        }
    }
}

/// Announces the batch's new posts in order, then wakes each poster.
fn answer(
    hook: &OnceLock<CommitHook>,
    replies: Vec<Reply>,
    results: Vec<Result<Written, StoreError>>,
) {
    if let Some(hook) = hook.get() {
        for result in &results {
            if let Ok(Written::New {
                message,
                event_seq,
                announcer: Announcer::Writer,
            }) = result
            {
                hook(message, *event_seq);
            }
        }
    }
    for (reply, result) in replies.into_iter().zip(results) {
        // A poster that gave up (its connection closed) has nobody left to tell.
        let _ = reply.send(result);
    }
}

/// The error of a post whose conversation no longer exists, as a single-row write reports it.
fn missing() -> StoreError {
    StoreError::Database(sqlx::Error::RowNotFound)
}

/// A post on its way into the tables.
struct Placed {
    item: usize,
    message: MessageId,
    id: String,
    conversation: String,
    author: String,
    seq: i64,
    event_seq: i64,
}

/// Writes a batch in the write transaction `tx` and commits it. `Err` means nothing was
/// written.
async fn write(
    mut tx: Transaction<'_, Any>,
    backend: Backend,
    items: &[NewPost],
) -> Result<Vec<Result<Written, StoreError>>, StoreError> {
    let now = now_millis();
    let created_at = timestamp(now)?;
    let authors: Vec<String> = items.iter().map(|p| p.author.to_string()).collect();
    let mut outcomes: Vec<Option<Result<Written, StoreError>>> =
        items.iter().map(|_| None).collect();
    // A post repeating an earlier post's nonce in the same batch answers with that post.
    let mut repeat_of: Vec<Option<usize>> = vec![None; items.len()];

    // Authorization inside the transaction that writes: one read for the whole batch, and
    // no membership change can slip between the check and the write.
    let conversations: Vec<String> = items.iter().map(|p| p.conversation.to_string()).collect();
    let members = batch_members(&mut tx, backend, &conversations, &authors).await?;
    let mut posters: Vec<Option<&Poster>> = vec![None; items.len()];
    for (i, post) in items.iter().enumerate() {
        match members.get(&(conversations[i].clone(), authors[i].clone())) {
            Some(poster)
                if !(poster.chat && poster.hidden)
                    && match post.expect {
                        Expect::Lobby => !poster.chat,
                        Expect::Chat => poster.chat,
                        Expect::Either => true,
                    } =>
            {
                posters[i] = Some(poster);
            }
            _ => outcomes[i] = Some(Ok(Written::Refused)),
        }
    }

    let used = used_nonces(&mut tx, backend, items, &authors).await?;
    let mut first_use: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, post) in items.iter().enumerate() {
        if outcomes[i].is_some() {
            continue;
        }
        let Some(nonce) = &post.nonce else { continue };
        let key = (authors[i].as_str(), nonce.as_str());
        if let Some(original) = used.get(&(authors[i].clone(), nonce.as_str().to_owned())) {
            outcomes[i] = Some(super::parse_id(original).map(Written::Duplicate));
        } else if let Some(&first) = first_use.get(&key) {
            repeat_of[i] = Some(first);
        } else {
            first_use.insert(key, i);
        }
    }
    // After the nonces: a resent reply is answered with its original even if the message it
    // answered was deleted since.
    let previews = reply_previews(&mut tx, backend, items, &outcomes).await?;
    for (i, post) in items.iter().enumerate() {
        if let Some(target) = post.reply_to
            && outcomes[i].is_none()
            && repeat_of[i].is_none()
            && previews.get(&target).is_none_or(|(conversation, preview)| {
                // Nor to one below the history the author deleted from a chat: it is gone
                // for them, and the preview would show it to the other side again.
                *conversation != post.conversation
                    || posters[i].is_some_and(|poster| preview.seq <= poster.floor)
            })
        {
            outcomes[i] = Some(Ok(Written::BadReply));
        }
    }

    // Seqs: one counter update per conversation, in the order posts arrived.
    let mut by_conversation: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, post) in items.iter().enumerate() {
        if outcomes[i].is_some() || repeat_of[i].is_some() {
            continue;
        }
        let conversation = post.conversation.to_string();
        match by_conversation.iter_mut().find(|(c, _)| *c == conversation) {
            Some((_, members)) => members.push(i),
            None => by_conversation.push((conversation, vec![i])),
        }
    }
    let mut placed: Vec<Placed> = Vec::with_capacity(items.len());
    for (conversation, posts) in &by_conversation {
        let n = i64::try_from(posts.len()).unwrap_or(i64::MAX);
        let counters: Option<(i64, i64)> = sqlx::query_as(
            "UPDATE conversations SET last_seq = last_seq + $2, event_seq = event_seq + $2
             WHERE id = $1 RETURNING last_seq, event_seq",
        )
        .bind(conversation)
        .bind(n)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((last_seq, last_event)) = counters else {
            for &i in posts {
                outcomes[i] = Some(Err(missing()));
            }
            continue;
        };
        for (k, &i) in (0i64..).zip(posts) {
            let id = new_id();
            placed.push(Placed {
                item: i,
                message: MessageId::from_uuid(id),
                id: id.to_string(),
                conversation: conversation.clone(),
                author: authors[i].clone(),
                seq: last_seq - n + 1 + k,
                event_seq: last_event - n + 1 + k,
            });
        }
    }

    if !placed.is_empty() {
        insert_rows(&mut tx, backend, items, &placed, now).await?;
        mark_read(&mut tx, backend, &by_conversation, &placed).await?;
    }
    tx.commit().await?;

    // The messages as stored, from what was written: reading them back cost a sixth of a
    // batch's time.
    for post in &placed {
        let Some(poster) = posters[post.item] else {
            continue;
        };
        let message = Message {
            id: post.message,
            conversation_id: items[post.item].conversation,
            seq: count(post.seq),
            author: Some(poster.author.clone()),
            content: items[post.item].content.clone(),
            created_at,
            edited_at: None,
            reply_to: items[post.item]
                .reply_to
                .and_then(|target| previews.get(&target))
                .map(|(_, preview)| Box::new(preview.clone())),
            reactions: Vec::new(),
            pinned_at: None,
            mentions: items[post.item].mentions.named.clone(),
            broadcast: items[post.item].mentions.broadcast,
        };
        outcomes[post.item] = Some(Ok(Written::New {
            message: Box::new(message),
            event_seq: count(post.event_seq),
            announcer: if poster.chat {
                Announcer::Poster
            } else {
                Announcer::Writer
            },
        }));
    }

    for (repeat, first) in repeat_of.iter().enumerate() {
        let Some(first) = *first else { continue };
        outcomes[repeat] = Some(match &outcomes[first] {
            Some(Ok(Written::New { message, .. })) => Ok(Written::Duplicate(message.id)),
            Some(Ok(Written::Duplicate(original))) => Ok(Written::Duplicate(*original)),
            _ => Err(missing()),
        });
    }
    Ok(outcomes
        .into_iter()
        .map(|outcome| outcome.unwrap_or_else(|| Err(missing())))
        .collect())
}

/// The messages the batch's posts answer, by id: their conversation and preview. Deleted
/// messages are left out (a reply to one is refused).
async fn reply_previews(
    conn: &mut AnyConnection,
    backend: Backend,
    items: &[NewPost],
    outcomes: &[Option<Result<Written, StoreError>>],
) -> Result<HashMap<MessageId, (ConversationId, ReplyPreview)>, StoreError> {
    let mut targets: Vec<String> = items
        .iter()
        .zip(outcomes)
        .filter(|(_, outcome)| outcome.is_none())
        .filter_map(|(post, _)| post.reply_to.map(|id| id.to_string()))
        .collect();
    if targets.is_empty() {
        return Ok(HashMap::new());
    }
    targets.sort_unstable();
    targets.dedup();
    let sql = format!(
        "SELECT m.id, m.conversation_id, m.seq, m.content, u.id, u.username, u.display_name
         FROM messages m LEFT JOIN users u ON u.id = m.author_id
         WHERE m.deleted_at IS NULL AND m.id IN {}",
        placeholders(backend, 1, targets.len(), 1)
    );
    type Row = (
        String,
        String,
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let mut query = sqlx::query_as::<_, Row>(AssertSqlSafe(sql));
    for target in &targets {
        query = query.bind(target);
    }
    let mut previews = HashMap::new();
    for (id, conversation, seq, content, author_id, username, display_name) in
        query.fetch_all(&mut *conn).await?
    {
        let id: MessageId = super::parse_id(&id)?;
        let author = super::rows::author(author_id, username, display_name)?;
        let preview = ReplyPreview {
            id,
            seq: count(seq),
            author,
            excerpt: ReplyPreview::excerpt_of(&content),
            deleted: false,
        };
        previews.insert(id, (super::parse_id(&conversation)?, preview));
    }
    Ok(previews)
}

/// An author's membership of the conversation they post to.
struct Poster {
    /// The conversation is a chat (not a lobby).
    chat: bool,
    /// The author has hidden (deleted) the chat.
    hidden: bool,
    /// The author deleted the chat's history up to this message seq.
    floor: u64,
    /// The author as messages show them.
    author: Author,
}

/// The memberships the batch's posts rely on, by (conversation, author). A pair that is
/// missing is no membership.
async fn batch_members(
    conn: &mut AnyConnection,
    backend: Backend,
    conversations: &[String],
    authors: &[String],
) -> Result<HashMap<(String, String), Poster>, StoreError> {
    let mut pairs: Vec<(&str, &str)> = conversations
        .iter()
        .zip(authors)
        .map(|(c, a)| (c.as_str(), a.as_str()))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let sql = format!(
        "SELECT m.conversation_id, m.user_id, c.kind, m.hidden, m.cleared_seq, u.username, u.display_name
         FROM members m JOIN conversations c ON c.id = m.conversation_id
         JOIN users u ON u.id = m.user_id
         WHERE (m.conversation_id, m.user_id) IN (VALUES {})",
        placeholders(backend, pairs.len(), 2, 1)
    );
    type Row = (String, String, String, super::Flag, i64, String, String);
    let mut query = sqlx::query_as::<_, Row>(AssertSqlSafe(sql));
    for (conversation, author) in &pairs {
        query = query.bind(*conversation).bind(*author);
    }
    let mut members = HashMap::new();
    for (conversation, user, kind, hidden, floor, username, display_name) in
        query.fetch_all(&mut *conn).await?
    {
        let author = Author {
            id: super::parse_id(&user)?,
            username: parse_text(username)?,
            display_name: parse_text(display_name)?,
        };
        let poster = Poster {
            chat: kind == "chat",
            hidden: hidden.into(),
            floor: count(floor),
            author,
        };
        members.insert((conversation, user), poster);
    }
    Ok(members)
}

/// The nonces of this batch that were used before: (author, nonce) → message id.
async fn used_nonces(
    conn: &mut AnyConnection,
    backend: Backend,
    items: &[NewPost],
    authors: &[String],
) -> Result<HashMap<(String, String), String>, StoreError> {
    let keyed: Vec<(usize, &Nonce)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.nonce.as_ref().map(|n| (i, n)))
        .collect();
    if keyed.is_empty() {
        return Ok(HashMap::new());
    }
    // A chain of `OR`s, not row values: PostgreSQL plans `(user_id, nonce) IN (VALUES …)` as
    // a join that scans the table (persist 15.8k → 10.8k messages/s).
    let mut sql = String::from("SELECT user_id, nonce, message_id FROM nonces WHERE ");
    for k in 0..keyed.len() {
        sql.push_str(if k == 0 {
            "(user_id = "
        } else {
            " OR (user_id = "
        });
        mark(&mut sql, backend, 2 * k + 1);
        sql.push_str(" AND nonce = ");
        mark(&mut sql, backend, 2 * k + 2);
        sql.push(')');
    }
    let mut query = sqlx::query_as::<_, (String, String, String)>(AssertSqlSafe(sql));
    for &(i, nonce) in &keyed {
        query = query.bind(&authors[i]).bind(nonce.as_str());
    }
    Ok(query
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(user, nonce, message)| ((user, nonce), message))
        .collect())
}

/// The messages, their `message.created` events and their nonces, one statement each.
async fn insert_rows(
    conn: &mut AnyConnection,
    backend: Backend,
    items: &[NewPost],
    placed: &[Placed],
    now: i64,
) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO messages (id, conversation_id, seq, author_id, content, created_at, reply_to_id,
            mentioned, mention_flags) VALUES {}",
        placeholders(backend, placed.len(), 9, 1)
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for post in placed {
        let item = &items[post.item];
        query = query
            .bind(&post.id)
            .bind(&post.conversation)
            .bind(post.seq)
            .bind(&post.author)
            .bind(item.content.as_str())
            .bind(now)
            .bind(item.reply_to.map(|id| id.to_string()))
            .bind(item.mentions.named_column())
            .bind(item.mentions.flags());
    }
    query.execute(&mut *conn).await?;

    // One statement per message that calls anyone (most call nobody).
    for post in placed {
        let inbox = &items[post.item].mentions.inbox;
        if !inbox.is_empty() {
            insert_inbox(conn, backend, &post.id, &post.conversation, post.seq, inbox).await?;
        }
    }

    let sql = format!(
        "INSERT INTO events (conversation_id, seq, kind, message_id, message_seq, created_at) VALUES {}",
        placeholders(backend, placed.len(), 6, 1)
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for post in placed {
        query = query
            .bind(&post.conversation)
            .bind(post.event_seq)
            .bind(EventKind::MessageCreated.as_str())
            .bind(&post.id)
            .bind(post.seq)
            .bind(now);
    }
    query.execute(&mut *conn).await?;

    let keyed: Vec<&Placed> = placed
        .iter()
        .filter(|p| items[p.item].nonce.is_some())
        .collect();
    if !keyed.is_empty() {
        let sql = format!(
            "INSERT INTO nonces (user_id, nonce, message_id, created_at) VALUES {}",
            placeholders(backend, keyed.len(), 4, 1)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for post in keyed {
            let nonce = items[post.item].nonce.as_ref().map(Nonce::as_str);
            query = query
                .bind(&post.author)
                .bind(nonce)
                .bind(&post.id)
                .bind(now);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Per conversation: each author has read up to their newest post, and members who had
/// hidden the conversation (a deleted chat) get it back.
async fn mark_read(
    conn: &mut AnyConnection,
    backend: Backend,
    by_conversation: &[(String, Vec<usize>)],
    placed: &[Placed],
) -> Result<(), StoreError> {
    for (conversation, _) in by_conversation {
        // Placed posts are in seq order, so the last one per author is their newest.
        let mut newest: Vec<(&str, i64)> = Vec::new();
        for post in placed.iter().filter(|p| p.conversation == *conversation) {
            match newest.iter_mut().find(|(a, _)| *a == post.author) {
                Some((_, seq)) => *seq = post.seq,
                None => newest.push((&post.author, post.seq)),
            }
        }
        if newest.is_empty() {
            continue;
        }
        // Bound in text order: (author, seq) pairs, the conversation, the authors again.
        let n = newest.len();
        let mut sql = String::from("UPDATE members SET read_seq = CASE user_id");
        for k in 0..n {
            sql.push_str(" WHEN ");
            mark(&mut sql, backend, 2 * k + 1);
            sql.push_str(" THEN ");
            mark(&mut sql, backend, 2 * k + 2);
        }
        sql.push_str(" ELSE read_seq END, hidden = 0 WHERE conversation_id = ");
        mark(&mut sql, backend, 2 * n + 1);
        sql.push_str(" AND (user_id IN ");
        sql.push_str(&placeholders(backend, 1, n, 2 * n + 2));
        sql.push_str(" OR hidden = 1)");
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for &(author, seq) in &newest {
            query = query.bind(author).bind(seq);
        }
        query = query.bind(conversation);
        for &(author, _) in &newest {
            query = query.bind(author);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}
