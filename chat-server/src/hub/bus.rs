//! The cluster link: several server nodes on one database act as one.
//!
//! The Redis client of the cluster: this file only talks to Redis; the node loops that
//! apply what it hears to the hub and the store are in [`crate::cluster`].
//!
//! With `CHAT_REDIS_URL` set, the [`Hub`](super::Hub) of every node forwards what it
//! delivers (conversation events, frames to users, typing, presence changes, subscription
//! changes, forced closes) to one Redis channel, and applies what the other nodes forward to
//! its own connections. Events of a conversation may reach a node out of order; sessions put
//! them back in `seq` order and fill gaps from the database, exactly as for local events, so
//! Redis only has to be fast, not ordered across publishers.
//!
//! Presence lives in Redis too: one sorted-set entry per connection, scored by its expiry and
//! refreshed by every node's heartbeat, so the users of a node that crashed go offline (and
//! their peers are told) within the presence TTL (`CHAT_PRESENCE_TTL`, 45 s) plus a sweep. Send rate limits are one
//! token bucket per user in Redis, updated by a script against Redis's own clock.
//!
//! What a node forwards goes through one bounded queue and one publishing task, so Redis
//! sees a node's messages in the order the node produced them (a subscription before the
//! event that needs it); a full queue drops the message with a warning rather than block a
//! request. What stays per node: the connection cap per user and the admin connection count.

use std::time::Duration;

use chat_core::v1::{ConversationId, ServerFrame, UserId};
use redis::AsyncCommands;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use uuid::Uuid;

/// Messages a node may have waiting for Redis before it drops them.
const QUEUE: usize = 65_536;

/// A failure talking to Redis.
pub type BusError = redis::RedisError;

/// What one node asks the others to do with their own connections.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// Deliver a conversation event.
    Publish {
        /// The event.
        frame: ServerFrame,
    },
    /// Deliver a conversation to every connection of a user.
    SubscribeUser {
        /// Whose connections.
        user: UserId,
        /// Which conversation.
        conversation: ConversationId,
    },
    /// Stop delivering a conversation to a user.
    UnsubscribeUser {
        /// Whose connections.
        user: UserId,
        /// Which conversation.
        conversation: ConversationId,
    },
    /// A conversation is gone.
    RemoveConversation {
        /// Which.
        conversation: ConversationId,
    },
    /// Send a frame to every connection of a user.
    SendToUser {
        /// Whose connections.
        user: UserId,
        /// The frame.
        frame: ServerFrame,
        /// Whether a full queue may skip it (typing, presence) instead of cutting off.
        droppable: bool,
    },
    /// Send a droppable frame (typing) to a conversation, except to one user.
    SendToConversation {
        /// Which conversation.
        conversation: ConversationId,
        /// The frame.
        frame: ServerFrame,
        /// Who does not get it (its sender).
        except_user: UserId,
    },
    /// A user came online or went offline.
    Presence {
        /// Who.
        user: UserId,
        /// The conversations whose subscribers are told.
        conversations: Vec<ConversationId>,
        /// Online or offline.
        online: bool,
    },
    /// Close the connections opened with these tokens.
    CloseSessions {
        /// The tokens' ids.
        sessions: Vec<Uuid>,
        /// The close code.
        code: u16,
    },
    /// Close every connection of a user.
    CloseUser {
        /// Whose.
        user: UserId,
        /// The close code.
        code: u16,
    },
}

#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    node: Uuid,
    #[serde(flatten)]
    op: Op,
}

/// This node's link to Redis.
pub struct Bus {
    node: Uuid,
    prefix: String,
    /// How long a connection counts as online without a heartbeat of its node.
    ttl: Duration,
    client: redis::Client,
    conn: redis::aio::ConnectionManager,
    out: mpsc::Sender<Vec<u8>>,
    connect_script: redis::Script,
    disconnect_script: redis::Script,
    bucket_script: redis::Script,
}

impl std::fmt::Debug for Bus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The client holds the URL, which may hold a password.
        f.debug_struct("Bus").field("node", &self.node).finish()
    }
}

fn now_ms() -> i64 {
    crate::clock::now_millis()
}

impl Bus {
    /// Connects to Redis at `url` (checking that it answers). Every key and the channel
    /// start with `prefix`, so several deployments (or test clusters) can share one Redis.
    pub async fn connect(url: &str, prefix: &str, ttl: Duration) -> Result<Self, BusError> {
        let client = redis::Client::open(url)?;
        // Requests wait on Redis (rate limits, presence): while it is down they must fail
        // fast and fall back, not retry for seconds (the default: six retries, 6 s) — a
        // post took 10 s during an outage. The manager reconnects on the next command.
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(500))
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_secs(2)));
        let mut conn = client.get_connection_manager_with_config(config).await?;
        let _: String = redis::cmd("PING").query_async(&mut conn).await?;
        let (out, out_rx) = mpsc::channel(QUEUE);
        let bus = Self {
            node: Uuid::now_v7(),
            prefix: prefix.to_owned(),
            ttl: ttl.max(Duration::from_millis(300)),
            client,
            conn,
            out,
            // Adds a connection and answers how many live ones the user has: 1 means they
            // just came online, on any node.
            connect_script: redis::Script::new(
                r"redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
                  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
                  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
                  redis.call('PEXPIRE', KEYS[1], ARGV[5])
                  return redis.call('ZCARD', KEYS[1])",
            ),
            // Removes a connection and answers how many live ones are left: 0 means the
            // user went offline. A connection already swept answers -1 (told already).
            disconnect_script: redis::Script::new(
                r"local removed = redis.call('ZREM', KEYS[1], ARGV[1])
                  redis.call('ZREM', KEYS[2], ARGV[3])
                  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
                  if removed == 0 then return -1 end
                  return redis.call('ZCARD', KEYS[1])",
            ),
            // A token bucket on Redis's clock: answers 0 when a token was taken, otherwise
            // the milliseconds until one is available.
            bucket_script: redis::Script::new(
                r"local burst = tonumber(ARGV[1])
                  local per_ms = tonumber(ARGV[2])
                  local t = redis.call('TIME')
                  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
                  local b = redis.call('HMGET', KEYS[1], 't', 'u')
                  local tokens = tonumber(b[1]) or burst
                  local updated = tonumber(b[2]) or now
                  tokens = math.min(burst, tokens + math.max(0, now - updated) * per_ms)
                  local wait = 0
                  if tokens >= 1 then tokens = tokens - 1
                  else wait = math.ceil((1 - tokens) / per_ms) end
                  redis.call('HSET', KEYS[1], 't', tostring(tokens), 'u', now)
                  redis.call('PEXPIRE', KEYS[1], math.ceil(burst / per_ms) + 1000)
                  return wait",
            ),
        };
        // Publishing needs nothing but the queue; it ends when the bus (the sender) goes.
        tokio::spawn(publish_loop(bus.conn.clone(), bus.channel(), out_rx));
        Ok(bus)
    }

    /// This node's id.
    pub fn node(&self) -> Uuid {
        self.node
    }

    fn ttl_ms(&self) -> i64 {
        i64::try_from(self.ttl.as_millis()).unwrap_or(i64::MAX)
    }

    /// The channel every node publishes to and listens on.
    fn channel(&self) -> String {
        format!("{}:bus", self.prefix)
    }

    /// Live connections of all nodes: members `user|node:conn`, scored by expiry (ms).
    fn presence_all(&self) -> String {
        format!("{}:presence", self.prefix)
    }

    /// One user's live connections: members `node:conn`, scored by expiry (ms).
    fn user_key(&self, user: UserId) -> String {
        format!("{}:presence:{user}", self.prefix)
    }

    /// Queues `op` for the other nodes.
    pub fn forward(&self, op: Op) {
        let envelope = Envelope {
            node: self.node,
            op,
        };
        let Ok(bytes) = serde_json::to_vec(&envelope) else {
            return;
        };
        if self.out.try_send(bytes).is_err() {
            tracing::warn!("cluster queue full: a message for other nodes was dropped");
        }
    }

    fn member(&self, conn: u64) -> String {
        format!("{}:{conn}", self.node)
    }

    fn global_member(&self, user: UserId, conn: u64) -> String {
        format!("{user}|{}:{conn}", self.node)
    }

    /// Checks that Redis answers.
    pub async fn ping(&self) -> Result<(), BusError> {
        redis::cmd("PING")
            .query_async::<String>(&mut self.conn.clone())
            .await
            .map(drop)
    }

    /// Records a new connection; `true` when it is the user's only one in the cluster.
    pub async fn connected(&self, user: UserId, conn: u64) -> Result<bool, BusError> {
        let now = now_ms();
        let bus_ttl_ms = self.ttl_ms();
        let expiry = now + bus_ttl_ms;
        let count: i64 = self
            .connect_script
            .key(self.user_key(user))
            .key(self.presence_all())
            .arg(self.member(conn))
            .arg(expiry)
            .arg(now)
            .arg(self.global_member(user, conn))
            .arg(bus_ttl_ms * 2)
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(count == 1)
    }

    /// Forgets a connection; `true` when the user has no other one in the cluster.
    pub async fn disconnected(&self, user: UserId, conn: u64) -> Result<bool, BusError> {
        let left: i64 = self
            .disconnect_script
            .key(self.user_key(user))
            .key(self.presence_all())
            .arg(self.member(conn))
            .arg(now_ms())
            .arg(self.global_member(user, conn))
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(left == 0)
    }

    /// Which of `users` have a live connection on any node.
    pub async fn online_among(&self, users: &[UserId]) -> Result<Vec<UserId>, BusError> {
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let now = now_ms();
        let mut pipe = redis::pipe();
        for user in users {
            pipe.zcount(self.user_key(*user), now, "+inf");
        }
        let counts: Vec<i64> = pipe.query_async(&mut self.conn.clone()).await?;
        Ok(users
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(u, _)| *u)
            .collect())
    }

    /// Takes a token of the `name` bucket of `user` (a user id, an address), or says how long
    /// until one is available.
    pub async fn take_token(
        &self,
        name: &str,
        user: &str,
        burst: f64,
        per_second: f64,
    ) -> Result<Result<(), Duration>, BusError> {
        let wait: i64 = self
            .bucket_script
            .key(format!("{}:ratelimit:{name}:{user}", self.prefix))
            .arg(burst)
            .arg(per_second / 1000.0)
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(if wait <= 0 {
            Ok(())
        } else {
            Err(Duration::from_millis(wait.unsigned_abs()))
        })
    }
}

/// Sends queued messages to Redis in order, a pipeline of whatever has piled up at a time.
async fn publish_loop(
    mut conn: redis::aio::ConnectionManager,
    channel: String,
    mut rx: mpsc::Receiver<Vec<u8>>,
) {
    let mut batch = Vec::with_capacity(256);
    while rx.recv_many(&mut batch, 256).await > 0 {
        let mut pipe = redis::pipe();
        for payload in batch.drain(..) {
            pipe.publish(&channel, payload).ignore();
        }
        if let Err(e) = pipe.query_async::<()>(&mut conn).await {
            tracing::warn!(error = %e, "could not publish to the cluster");
        }
    }
}

impl Bus {
    /// Subscribes to the other nodes' messages: a stream of what they ask this node to do
    /// (this node's own messages are left out). Ends when the subscription is lost.
    pub async fn subscribe(
        &self,
    ) -> Result<impl futures_util::Stream<Item = Op> + use<'_>, BusError> {
        use futures_util::StreamExt;
        let mut pubsub = self.client.get_async_pubsub().await?;
        pubsub.subscribe(self.channel()).await?;
        Ok(pubsub.into_on_message().filter_map(move |message| {
            let op = match serde_json::from_slice::<Envelope>(message.get_payload_bytes()) {
                Ok(envelope) if envelope.node != self.node => Some(envelope.op),
                Ok(_) => None,
                Err(e) => {
                    tracing::warn!(error = %e, "undecodable cluster message");
                    None
                }
            };
            std::future::ready(op)
        }))
    }

    /// How often to renew this node's connections and to sweep crashed nodes' ones:
    /// renewing three times per TTL survives a missed beat; sweeping four times per TTL
    /// bounds how late a crashed node's users go offline.
    pub fn presence_intervals(&self) -> (Duration, Duration) {
        (self.ttl / 3, self.ttl / 4)
    }

    /// Extends the presence of this node's connections (connection id, user).
    pub async fn renew(&self, conns: &[(u64, UserId)]) -> Result<(), BusError> {
        if conns.is_empty() {
            return Ok(());
        }
        let bus_ttl_ms = self.ttl_ms();
        let expiry = now_ms() + bus_ttl_ms;
        let mut pipe = redis::pipe();
        for &(conn, user) in conns {
            // XX: a connection swept while this node stalled stays gone (its peers were told).
            pipe.cmd("ZADD")
                .arg(self.user_key(user))
                .arg("XX")
                .arg(expiry)
                .arg(self.member(conn))
                .ignore();
            pipe.cmd("ZADD")
                .arg(self.presence_all())
                .arg("XX")
                .arg(expiry)
                .arg(self.global_member(user, conn))
                .ignore();
            pipe.pexpire(self.user_key(user), bus_ttl_ms * 2).ignore();
        }
        pipe.query_async::<()>(&mut self.conn.clone()).await
    }

    /// Removes expired connections (of crashed nodes) and returns the users who have none
    /// left, so the caller announces them offline. Whoever removes an entry first gets it,
    /// so each departure is announced once across the cluster.
    pub async fn sweep_expired(&self) -> Result<Vec<UserId>, BusError> {
        let mut conn = self.conn.clone();
        let expired: Vec<String> = conn
            .zrangebyscore_limit(self.presence_all(), "-inf", now_ms(), 0, 500)
            .await?;
        let mut gone = Vec::new();
        for entry in expired {
            let Some((user, member)) = entry.split_once('|') else {
                continue;
            };
            let Ok(user) = user.parse::<UserId>() else {
                continue;
            };
            let removed: i64 = conn.zrem(self.presence_all(), &entry).await?;
            if removed == 0 {
                continue;
            }
            let key = self.user_key(user);
            let _: i64 = conn.zrem(&key, member).await?;
            let live: i64 = conn.zcount(&key, now_ms(), "+inf").await?;
            if live == 0 {
                gone.push(user);
            }
        }
        Ok(gone)
    }
}
