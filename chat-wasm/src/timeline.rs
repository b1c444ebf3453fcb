//! The `Timeline` JavaScript class: one conversation's timeline, exactly
//! [`chat_sync::Timeline`] — the model the Rust SDK and the TUI hold — for web apps.
//!
//! It merges history pages, live events and local echoes of sends in `seq` order, keeps an
//! edit from being undone by a stale copy and a delete from being undone by a replay, and
//! counts unread messages; a page draws its `entries()` and asks it what to fetch next.
//! Values cross as JSON, like everywhere in this crate: methods take the plain objects
//! `ChatClient` answers with and hands to its handlers, and return plain objects.
//!
//! ```js
//! const timeline = new Timeline(lobby.id, me.id);
//! client.on("*", (event) => { if (timeline.applyFrame(event)) draw(timeline.entries()); });
//! const request = timeline.historyRequest();           // the newest page first
//! timeline.applyPage(request, await client.lobbyHistory(lobby.id, request.before, 50));
//! const nonce = timeline.pushPending(text);            // shown at once
//! timeline.acknowledge(nonce, await client.sendLobbyMessage(lobby.id, text));
//! ```
//!
//! What `chat_sync::Timeline` has no direct call for is built here from what it has: the
//! counters of a REST list (`applyCounts`) become a `ConversationState`, and a message or a
//! delete the page learned from its own REST call (`applyMessage`, `applyDeleted`) becomes
//! the `message.updated` / `message.deleted` frame the server sends for it, so the same
//! rules apply to it.

use chat_core::v1::{
    ConversationId, ConversationKind, ConversationState, Message, MessageContent, MessageId,
    MessagePage, Nonce, ServerFrame, UserId,
};
use chat_sync::timeline::{Entry, HistoryPosition};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;

use crate::client::{parse_id, seq_from_js};
use crate::error::ClientError;

#[wasm_bindgen(typescript_custom_section)]
const TIMELINE_TYPES: &'static str = r#"
/** A send not acknowledged yet: its local echo. `nonce` is the key `pushPending` returned. */
export interface PendingMessage { nonce: string; content: string; }
/** One line of a timeline: a stored message, or the echo of a send waiting for its answer. */
export type TimelineEntry =
  | { kind: "message"; message: Message }
  | { kind: "pending"; nonce: string; content: string };
/** Where paging back through history stands: no page yet, older pages remain, or all paged. */
export type HistoryPosition = "newest" | "before" | "start";
"#;

/// The gateway's own events (not server frames), which `applyFrame` ignores.
const GATEWAY_EVENTS: [&str; 2] = ["reconnecting", "closed"];

/// One conversation's timeline: confirmed messages in `seq` order, then the local echoes of
/// sends not yet acknowledged, with the read cursor and unread count.
#[wasm_bindgen]
pub struct Timeline {
    inner: chat_sync::Timeline,
}

/// A history page a [`Timeline`] asks for: fetch it with `before` (`undefined`: the newest
/// page) and hand it back to `applyPage` with the page the server returned.
#[wasm_bindgen]
pub struct HistoryRequest {
    inner: chat_sync::timeline::HistoryRequest,
}

#[wasm_bindgen]
impl HistoryRequest {
    /// The `before` cursor to fetch with: a message id, or `undefined` for the newest page.
    #[wasm_bindgen(getter)]
    pub fn before(&self) -> Option<String> {
        self.inner.before.map(|id| id.to_string())
    }
}

/// Reads JSON text into a protocol type; `what` names it in the error.
fn parse<T: DeserializeOwned>(what: &str, json: &str) -> Result<T, ClientError> {
    serde_json::from_str(json).map_err(|e| ClientError::BadRequest(format!("not a {what}: {e}")))
}

/// Reads a JavaScript value into a protocol type.
fn from_js<T: DeserializeOwned>(what: &str, value: &JsValue) -> Result<T, ClientError> {
    let json = crate::js::js_to_text(value)
        .ok_or_else(|| ClientError::BadRequest(format!("not a {what}: not a JSON value")))?;
    parse(what, &json)
}

fn to_js(value: &Value) -> JsValue {
    crate::js::json_to_js(value)
}

fn message_json(message: &Message) -> Value {
    serde_json::to_value(message).unwrap_or(Value::Null)
}

fn entry_json(entry: Entry<'_>) -> Value {
    match entry {
        Entry::Message(message) => json!({"kind": "message", "message": message_json(message)}),
        Entry::Pending(pending) => json!({
            "kind": "pending",
            "nonce": pending.nonce.as_str(),
            "content": pending.content.as_str(),
        }),
    }
}

fn optional(message: Option<&Message>) -> JsValue {
    message.map_or(JsValue::UNDEFINED, |m| to_js(&message_json(m)))
}

/// The parts that need no JavaScript engine, tested on the host.
impl Timeline {
    /// A timeline of `conversation_id` for the user `me`.
    pub fn create(conversation_id: &str, me: Option<&str>) -> Result<Self, ClientError> {
        let conversation: ConversationId = parse_id("conversation_id", conversation_id)?;
        let me = me.map(|me| parse_id::<UserId>("user_id", me)).transpose()?;
        Ok(Self {
            inner: chat_sync::Timeline::new(conversation, me),
        })
    }

    /// The model itself.
    pub fn model(&self) -> &chat_sync::Timeline {
        &self.inner
    }

    /// `applyState` with JSON text.
    pub fn apply_state_json(&mut self, json: &str) -> Result<(), ClientError> {
        let state: ConversationState = parse("ConversationState", json)?;
        self.inner.apply_state(&state);
        Ok(())
    }

    /// The counters of a REST list entry as the `ConversationState` of `ready` carries them
    /// (`apply_state` reads only the counters).
    pub fn apply_counts(
        &mut self,
        read_seq: u64,
        unread_count: u64,
        last_message_seq: u64,
        unread_mention_count: u64,
    ) {
        self.inner.apply_state(&ConversationState {
            conversation_id: self.inner.conversation_id(),
            kind: ConversationKind::Lobby,
            seq: 0,
            last_message_seq,
            read_seq,
            unread_count,
            unread_mention_count,
            online: Vec::new(),
        });
    }

    /// `applyFrame` with JSON text.
    pub fn apply_frame_json(&mut self, json: &str) -> Result<bool, ClientError> {
        let value: Value = parse("ServerFrame", json)?;
        if value
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|kind| GATEWAY_EVENTS.contains(&kind))
        {
            return Ok(false);
        }
        let frame: ServerFrame = serde_json::from_value(value)
            .map_err(|e| ClientError::BadRequest(format!("not a ServerFrame: {e}")))?;
        Ok(self.apply_frame(&frame))
    }

    /// Applies a server frame; `ready` sets the user and takes this conversation's counters.
    pub fn apply_frame(&mut self, frame: &ServerFrame) -> bool {
        match frame {
            ServerFrame::Ready {
                user,
                conversations,
                ..
            } => {
                self.inner.set_user(user.id);
                let conversation = self.inner.conversation_id();
                match conversations
                    .iter()
                    .find(|c| c.conversation_id == conversation)
                {
                    Some(state) => {
                        self.inner.apply_state(state);
                        true
                    }
                    None => false,
                }
            }
            frame => self.inner.apply_frame(frame),
        }
    }

    /// `applyMessage` with JSON text: the message as the `message.updated` event carries it.
    pub fn apply_message_json(&mut self, json: &str) -> Result<bool, ClientError> {
        let message: Message = parse("Message", json)?;
        Ok(self.inner.apply_frame(&ServerFrame::MessageUpdated {
            conversation_id: message.conversation_id,
            seq: 0,
            message,
        }))
    }

    /// `applyDeleted`: the delete as the `message.deleted` event carries it.
    pub fn apply_deleted(&mut self, message_id: MessageId, message_seq: u64) -> bool {
        self.inner.apply_frame(&ServerFrame::MessageDeleted {
            conversation_id: self.inner.conversation_id(),
            seq: 0,
            message_id,
            message_seq,
        })
    }

    /// `applyPage` with JSON text.
    pub fn apply_page_json(
        &mut self,
        request: &HistoryRequest,
        json: &str,
    ) -> Result<bool, ClientError> {
        let page: MessagePage = parse("MessagePage", json)?;
        Ok(self.inner.apply_page(request.inner, &page))
    }

    /// `pushPending` with the nonce given.
    pub fn push_pending_with(&mut self, nonce: &str, content: &str) -> Result<(), ClientError> {
        let content = MessageContent::parse(content)?;
        let nonce = Nonce::new(nonce)?;
        self.inner.push_pending(nonce, content);
        Ok(())
    }

    /// `acknowledge` with JSON text.
    pub fn acknowledge_json(&mut self, nonce: &str, json: &str) -> Result<bool, ClientError> {
        let message: Message = parse("Message", json)?;
        let Ok(nonce) = Nonce::new(nonce) else {
            return Ok(false);
        };
        Ok(self.inner.acknowledge(&nonce, &message))
    }

    /// `removePending`: the content of the echo removed.
    pub fn remove_pending_content(&mut self, nonce: &str) -> Option<String> {
        let nonce = Nonce::new(nonce).ok()?;
        self.inner
            .remove_pending(&nonce)
            .map(|pending| pending.content.as_str().to_owned())
    }

    /// `entries()` as JSON.
    pub fn entries_json(&self) -> Value {
        Value::Array(self.inner.entries().map(entry_json).collect())
    }

    /// `history` as its string.
    pub fn history_name(&self) -> &'static str {
        match self.inner.history() {
            HistoryPosition::Newest => "newest",
            HistoryPosition::Before(_) => "before",
            HistoryPosition::Start => "start",
        }
    }
}

#[wasm_bindgen]
impl Timeline {
    /// An empty timeline of a conversation (a lobby or chat id), for the signed-in user `me`
    /// (whose messages are never unread and whose sends have echoes), when known yet. Throws
    /// a `ChatError` (`bad_request`) for a malformed id.
    #[wasm_bindgen(constructor)]
    pub fn new(conversation_id: &str, me: Option<String>) -> Result<Timeline, JsValue> {
        Ok(Self::create(conversation_id, me.as_deref())?)
    }

    /// The conversation id.
    #[wasm_bindgen(getter, js_name = conversationId)]
    pub fn conversation_id(&self) -> String {
        self.inner.conversation_id().to_string()
    }

    /// Sets the signed-in user (`applyFrame` does it with `ready`).
    #[wasm_bindgen(js_name = setUser)]
    pub fn set_user(&mut self, user_id: &str) -> Result<(), JsValue> {
        self.inner.set_user(parse_id("user_id", user_id)?);
        Ok(())
    }

    /// Takes the server's counters from a `ConversationState` of `ready`: read cursor, unread
    /// count, newest message seq. The state of another conversation is ignored.
    #[wasm_bindgen(js_name = applyState)]
    pub fn apply_state(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ConversationState")] state: JsValue,
    ) -> Result<(), JsValue> {
        let state: ConversationState = from_js("ConversationState", &state)?;
        self.inner.apply_state(&state);
        Ok(())
    }

    /// Takes the counters a REST list gives (`Lobby.membership`, `Chat`): the read cursor,
    /// the unread count, the newest message seq (`last_seq`) and the unread-mention count
    /// (0 when omitted), as `applyState` does.
    #[wasm_bindgen(js_name = applyCounts)]
    pub fn apply_counts_js(
        &mut self,
        read_seq: f64,
        unread_count: f64,
        last_message_seq: f64,
        unread_mention_count: Option<f64>,
    ) -> Result<(), JsValue> {
        self.apply_counts(
            seq_from_js(read_seq)?,
            seq_from_js(unread_count)?,
            seq_from_js(last_message_seq)?,
            seq_from_js(unread_mention_count.unwrap_or(0.0))?,
        );
        Ok(())
    }

    /// Applies an event a `ChatClient` handler received: message created, updated, deleted,
    /// `read`, `resync_required`, `lobby.deleted` of this conversation; `ready` sets the user
    /// and takes this conversation's counters. Other events are ignored. Returns whether
    /// anything shown (entries or counters) may have changed. Throws a `ChatError`
    /// (`bad_request`) when the object is not a server frame.
    #[wasm_bindgen(js_name = applyFrame)]
    pub fn apply_frame_js(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ChatEvent")] event: JsValue,
    ) -> Result<bool, JsValue> {
        let json = crate::js::js_to_text(&event)
            .ok_or_else(|| ClientError::BadRequest("not a ServerFrame".into()))?;
        Ok(self.apply_frame_json(&json)?)
    }

    /// Applies a message the page got from its own call (`editMessage`), as if its
    /// `message.updated` event arrived: a newer edit held is kept. Returns whether anything
    /// shown changed.
    #[wasm_bindgen(js_name = applyMessage)]
    pub fn apply_message(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Message")] message: JsValue,
    ) -> Result<bool, JsValue> {
        let message: Message = from_js("Message", &message)?;
        Ok(self.inner.apply_frame(&ServerFrame::MessageUpdated {
            conversation_id: message.conversation_id,
            seq: 0,
            message,
        }))
    }

    /// Applies a delete the page made (`deleteMessage` resolved), as if its
    /// `message.deleted` event arrived: the message goes for good. Returns whether anything
    /// shown changed.
    #[wasm_bindgen(js_name = applyDeleted)]
    pub fn apply_deleted_js(
        &mut self,
        message_id: &str,
        message_seq: f64,
    ) -> Result<bool, JsValue> {
        let message_id: MessageId = parse_id("message_id", message_id)?;
        Ok(self.apply_deleted(message_id, seq_from_js(message_seq)?))
    }

    /// The next history page to fetch, or `undefined` once history is paged back to the
    /// first message.
    #[wasm_bindgen(js_name = historyRequest)]
    pub fn history_request(&self) -> Option<HistoryRequest> {
        self.inner
            .history_request()
            .map(|inner| HistoryRequest { inner })
    }

    /// Merges a history page (as `lobbyHistory` / `chatHistory` answer it) fetched for
    /// `request`. Returns whether anything shown changed; a page asked for before a resync is
    /// ignored.
    #[wasm_bindgen(js_name = applyPage)]
    pub fn apply_page(
        &mut self,
        request: &HistoryRequest,
        #[wasm_bindgen(unchecked_param_type = "MessagePage")] page: JsValue,
    ) -> Result<bool, JsValue> {
        let page: MessagePage = from_js("MessagePage", &page)?;
        Ok(self.inner.apply_page(request.inner, &page))
    }

    /// Where paging back through history stands: `"newest"` (no page yet), `"before"` (older
    /// pages remain) or `"start"` (all paged).
    #[wasm_bindgen(getter, unchecked_return_type = "HistoryPosition")]
    pub fn history(&self) -> String {
        self.history_name().to_owned()
    }

    /// Shows a send at once, as a pending entry, and returns its key (a fresh nonce) for
    /// `acknowledge` or `removePending`. The key is the page's own: `ChatClient`'s send
    /// methods pick their idempotency nonce themselves, and their answer is matched to the
    /// echo by this key. Throws a `ChatError` (`validation_failed`) when the content breaks
    /// the message rules.
    #[wasm_bindgen(js_name = pushPending)]
    pub fn push_pending(&mut self, content: &str) -> Result<String, JsValue> {
        let nonce = crate::js::new_nonce();
        self.push_pending_with(&nonce, content)?;
        Ok(nonce)
    }

    /// The answer of a send (the stored message): its echo gives way to it. Returns whether
    /// an echo was waiting.
    pub fn acknowledge(
        &mut self,
        nonce: &str,
        #[wasm_bindgen(unchecked_param_type = "Message")] message: JsValue,
    ) -> Result<bool, JsValue> {
        let json = crate::js::js_to_text(&message)
            .ok_or_else(|| ClientError::BadRequest("not a Message".into()))?;
        Ok(self.acknowledge_json(nonce, &json)?)
    }

    /// A send failed: its echo goes. Returns its content (to offer it again), or `undefined`
    /// when no echo had this key.
    #[wasm_bindgen(js_name = removePending)]
    pub fn remove_pending(&mut self, nonce: &str) -> Option<String> {
        self.remove_pending_content(nonce)
    }

    /// Moves the read cursor forward to message seq `seq` (never back) and recounts the
    /// unread messages. Returns whether it moved: only then is there a cursor to send.
    #[wasm_bindgen(js_name = markRead)]
    pub fn mark_read(&mut self, seq: f64) -> Result<bool, JsValue> {
        Ok(self.inner.mark_read(seq_from_js(seq)?))
    }

    /// Drops the messages held and pages history again from the newest page (what a
    /// `resync_required` event does); pending sends stay.
    pub fn resync(&mut self) {
        self.inner.resync();
    }

    /// The read cursor: the message seq read up to.
    #[wasm_bindgen(getter, js_name = readSeq)]
    pub fn read_seq(&self) -> f64 {
        self.inner.read_seq() as f64
    }

    /// Unread messages from others.
    #[wasm_bindgen(getter, js_name = unreadCount)]
    pub fn unread_count(&self) -> f64 {
        self.inner.unread_count() as f64
    }

    /// Unread messages that call the user (by name, `@here`, `@everyone`).
    #[wasm_bindgen(getter, js_name = unreadMentionCount)]
    pub fn unread_mention_count(&self) -> f64 {
        self.inner.unread_mention_count() as f64
    }

    /// The number of confirmed messages held.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }

    /// Everything to show, in order: the confirmed messages by seq, then the pending sends.
    #[wasm_bindgen(unchecked_return_type = "TimelineEntry[]")]
    pub fn entries(&self) -> JsValue {
        to_js(&self.entries_json())
    }

    /// The confirmed messages, oldest first.
    #[wasm_bindgen(unchecked_return_type = "Message[]")]
    pub fn messages(&self) -> JsValue {
        to_js(&Value::Array(
            self.inner.messages().map(message_json).collect(),
        ))
    }

    /// The sends not acknowledged yet, oldest first.
    #[wasm_bindgen(unchecked_return_type = "PendingMessage[]")]
    pub fn pending(&self) -> JsValue {
        to_js(&Value::Array(
            self.inner
                .pending()
                .iter()
                .map(|p| json!({"nonce": p.nonce.as_str(), "content": p.content.as_str()}))
                .collect(),
        ))
    }

    /// The newest confirmed message, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "Message | undefined")]
    pub fn newest(&self) -> JsValue {
        optional(self.inner.newest())
    }

    /// The oldest confirmed message held, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "Message | undefined")]
    pub fn oldest(&self) -> JsValue {
        optional(self.inner.oldest())
    }

    /// The message with this id, if it is held.
    #[wasm_bindgen(unchecked_return_type = "Message | undefined")]
    pub fn find(&self, message_id: &str) -> JsValue {
        let found = message_id
            .parse::<MessageId>()
            .ok()
            .and_then(|id| self.inner.find(id));
        optional(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOBBY: &str = "01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71";
    const ME: &str = "01937a4c-3b5e-7c2a-9f1e-00000000000a";
    const BOB: &str = "01937a4c-3b5e-7c2a-9f1e-00000000000b";

    fn message_id(seq: u64) -> String {
        format!("01937a4c-3b5e-7c2a-9f1e-{:012x}", 0x1000 + seq)
    }

    fn message(seq: u64, author: &str, text: &str, edited: Option<&str>) -> Value {
        json!({
            "id": message_id(seq),
            "conversation_id": LOBBY,
            "seq": seq,
            "author": {"id": author, "username": "someone", "display_name": "Someone"},
            "content": text,
            "created_at": format!("2026-01-01T00:00:{seq:02}.000Z"),
            "edited_at": edited,
        })
    }

    fn created(event: u64, message: &Value) -> String {
        json!({"type": "message.created", "conversation_id": LOBBY, "seq": event, "message": message})
            .to_string()
    }

    fn seqs(timeline: &Timeline) -> Vec<u64> {
        timeline.model().messages().map(|m| m.seq).collect()
    }

    fn kinds(timeline: &Timeline) -> Vec<String> {
        timeline
            .entries_json()
            .as_array()
            .expect("an array")
            .iter()
            .map(|e| e["kind"].as_str().expect("a kind").to_owned())
            .collect()
    }

    #[test]
    fn ids_are_checked() {
        assert!(Timeline::create(LOBBY, Some(ME)).is_ok());
        let error = Timeline::create("42", None).err().expect("a bad id");
        assert_eq!(error.code(), "bad_request");
        assert!(Timeline::create(LOBBY, Some("me")).is_err());
    }

    #[test]
    fn pages_and_events_merge_in_order_and_page_back() {
        let mut timeline = Timeline::create(LOBBY, Some(ME)).expect("a timeline");
        assert_eq!(timeline.history_name(), "newest");
        let (m1, m2, m3) = (
            message(1, BOB, "one", None),
            message(2, BOB, "two", None),
            message(3, BOB, "three", None),
        );
        assert!(
            timeline
                .apply_frame_json(&created(7, &m3))
                .expect("a frame")
        );
        assert!(
            !timeline
                .apply_frame_json(&created(7, &m3))
                .expect("a frame")
        );
        let request = timeline.history_request().expect("the newest page");
        assert_eq!(request.before(), None);
        let page = json!({"items": [m3, m2], "next_cursor": message_id(2)}).to_string();
        assert!(timeline.apply_page_json(&request, &page).expect("a page"));
        assert_eq!(timeline.history_name(), "before");
        let request = timeline.history_request().expect("an older page");
        assert_eq!(request.before(), Some(message_id(2)));
        let page = json!({"items": [m1], "next_cursor": null}).to_string();
        assert!(timeline.apply_page_json(&request, &page).expect("a page"));
        assert_eq!(seqs(&timeline), vec![1, 2, 3]);
        assert_eq!(timeline.history_name(), "start");
        assert!(timeline.history_request().is_none());
        let entries = timeline.entries_json();
        assert_eq!(entries[0]["kind"], "message");
        assert_eq!(entries[0]["message"]["content"], "one");
        assert_eq!(entries[2]["message"]["id"], message_id(3));
    }

    #[test]
    fn edits_and_deletes_are_not_undone() {
        let mut timeline = Timeline::create(LOBBY, Some(ME)).expect("a timeline");
        let m1 = message(1, ME, "one", None);
        timeline
            .apply_frame_json(&created(1, &m1))
            .expect("a frame");
        let edit = message(1, ME, "one!", Some("2026-01-01T00:01:00.000Z"));
        assert!(
            timeline
                .apply_message_json(&edit.to_string())
                .expect("a message")
        );
        // The stale copy of a replayed event does not undo the edit.
        assert!(
            !timeline
                .apply_frame_json(&created(1, &m1))
                .expect("a frame")
        );
        assert_eq!(timeline.entries_json()[0]["message"]["content"], "one!");
        let id: MessageId = message_id(1).parse().expect("an id");
        assert!(timeline.apply_deleted(id, 1));
        assert!(
            !timeline
                .apply_frame_json(&created(1, &m1))
                .expect("a frame")
        );
        assert!(timeline.model().is_empty());
    }

    #[test]
    fn a_send_shows_at_once_and_gives_way_to_its_message() {
        let mut timeline = Timeline::create(LOBBY, Some(ME)).expect("a timeline");
        timeline.push_pending_with("n-1", " hello ").expect("valid");
        timeline.push_pending_with("n-2", "again").expect("valid");
        let entries = timeline.entries_json();
        assert_eq!(
            entries[0],
            json!({"kind": "pending", "nonce": "n-1", "content": "hello"})
        );
        // The created event (no nonce) takes the echo with the same content…
        let mine = message(1, ME, "hello", None);
        assert!(
            timeline
                .apply_frame_json(&created(1, &mine))
                .expect("a frame")
        );
        assert_eq!(kinds(&timeline), vec!["message", "pending"]);
        // … and the answer of the other send takes its echo by key.
        let again = message(2, ME, "again", None);
        assert!(
            timeline
                .acknowledge_json("n-2", &again.to_string())
                .expect("a message")
        );
        assert_eq!(kinds(&timeline), vec!["message", "message"]);
        // The late answer of the first send changes nothing.
        assert!(
            !timeline
                .acknowledge_json("n-1", &mine.to_string())
                .expect("a message")
        );
        assert_eq!(seqs(&timeline), vec![1, 2]);
        // A failed send: its echo goes, its text comes back.
        timeline.push_pending_with("n-3", "lost").expect("valid");
        assert_eq!(
            timeline.remove_pending_content("n-3").as_deref(),
            Some("lost")
        );
        assert_eq!(timeline.remove_pending_content("n-3"), None);
        let error = timeline.push_pending_with("n-4", "   ").expect_err("empty");
        assert_eq!(error.code(), "validation_failed");
        // Our own messages are never unread.
        assert_eq!(timeline.model().unread_count(), 0);
    }

    #[test]
    fn unread_counts_follow_ready_lists_events_and_reads() {
        let mut timeline = Timeline::create(LOBBY, None).expect("a timeline");
        // A REST list said: read up to 2, one unread, the newest is 3.
        timeline.apply_counts(2, 1, 3, 0);
        // The replay of message 3 was counted already; message 4 is new.
        timeline
            .apply_frame_json(&created(3, &message(3, BOB, "three", None)))
            .expect("a frame");
        assert_eq!(timeline.model().unread_count(), 1);
        timeline
            .apply_frame_json(&created(4, &message(4, BOB, "four", None)))
            .expect("a frame");
        assert_eq!(timeline.model().unread_count(), 2);
        // `ready` sets the user and the server's counters.
        let ready = json!({
            "type": "ready",
            "user": {"id": ME, "username": "myself", "display_name": "Me", "description": "",
                     "created_at": "2026-01-01T00:00:00.000Z", "email": null, "is_admin": false},
            "session_id": "01937a4c-3b5e-7c2a-9f1e-0000000000ff",
            "conversations": [{"conversation_id": LOBBY, "kind": "lobby", "seq": 9,
                               "last_message_seq": 4, "read_seq": 3, "unread_count": 1,
                               "online": []}],
        });
        assert!(
            timeline
                .apply_frame_json(&ready.to_string())
                .expect("ready")
        );
        assert_eq!(timeline.model().unread_count(), 1);
        timeline
            .apply_frame_json(&created(5, &message(5, ME, "mine", None)))
            .expect("a frame");
        assert_eq!(timeline.model().unread_count(), 1);
        // A read cursor moved elsewhere.
        let read = json!({"type": "read", "conversation_id": LOBBY, "seq": 5}).to_string();
        assert!(timeline.apply_frame_json(&read).expect("a read frame"));
        assert_eq!(timeline.model().unread_count(), 0);
        assert_eq!(timeline.model().read_seq(), 5);
    }

    #[test]
    fn resync_drops_messages_and_other_events_are_ignored() {
        let mut timeline = Timeline::create(LOBBY, Some(ME)).expect("a timeline");
        let request = timeline.history_request().expect("the newest page");
        timeline
            .apply_frame_json(&created(1, &message(1, BOB, "one", None)))
            .expect("a frame");
        let resync = json!({"type": "resync_required", "conversation_id": LOBBY}).to_string();
        assert!(timeline.apply_frame_json(&resync).expect("a frame"));
        assert!(timeline.model().is_empty());
        // The page asked for before the resync is stale.
        let page = json!({"items": [message(1, BOB, "one", None)], "next_cursor": null});
        assert!(
            !timeline
                .apply_page_json(&request, &page.to_string())
                .expect("a page")
        );
        for event in [
            json!({"type": "reconnecting", "attempt": 1, "delay_ms": 500, "reason": "closed"}),
            json!({"type": "closed", "code": "unauthorized", "reason": "revoked"}),
            json!({"type": "typing", "conversation_id": LOBBY, "user_id": BOB, "typing": true}),
            json!({"type": "presence", "user_id": BOB, "online": true}),
        ] {
            assert!(
                !timeline
                    .apply_frame_json(&event.to_string())
                    .expect("known")
            );
        }
        let error = timeline
            .apply_frame_json(r#"{"type":"message.created"}"#)
            .expect_err("incomplete");
        assert_eq!(error.code(), "bad_request");
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod js_tests {
    use super::*;
    use js_sys::{JSON, Reflect};
    use wasm_bindgen_test::wasm_bindgen_test;

    const LOBBY: &str = "01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71";
    const ME: &str = "01937a4c-3b5e-7c2a-9f1e-00000000000a";

    fn object(json: &str) -> JsValue {
        JSON::parse(json).expect("valid JSON")
    }

    fn get(value: &JsValue, key: &str) -> JsValue {
        Reflect::get(value, &key.into()).expect("a property")
    }

    fn message(seq: u64, text: &str) -> String {
        format!(
            r#"{{"id":"01937a4c-3b5e-7c2a-9f1e-{:012x}","conversation_id":"{LOBBY}","seq":{seq},"author":{{"id":"{ME}","username":"myself","display_name":"Me"}},"content":"{text}","created_at":"2026-01-01T00:00:00.000Z","edited_at":null}}"#,
            0x1000 + seq
        )
    }

    #[wasm_bindgen_test]
    fn a_timeline_takes_and_gives_plain_objects() {
        let mut timeline = Timeline::new(LOBBY, Some(ME.into())).expect("a timeline");
        assert_eq!(timeline.conversation_id(), LOBBY);
        let request = timeline.history_request().expect("the newest page");
        assert_eq!(request.before(), None);
        let page = object(&format!(
            r#"{{"items":[{}],"next_cursor":null}}"#,
            message(1, "one")
        ));
        assert!(timeline.apply_page(&request, page).expect("a page"));
        assert_eq!(timeline.history(), "start");
        let nonce = timeline.push_pending("two").expect("valid content");
        let entries = timeline.entries();
        assert_eq!(get(&entries, "length"), 2);
        assert_eq!(get(&get(&get(&entries, "0"), "message"), "content"), "one");
        assert_eq!(get(&get(&entries, "1"), "kind"), "pending");
        assert_eq!(get(&get(&entries, "1"), "nonce"), nonce.as_str());
        assert!(
            timeline
                .acknowledge(&nonce, object(&message(2, "two")))
                .expect("a message")
        );
        assert_eq!(timeline.length(), 2);
        assert_eq!(get(&timeline.newest(), "seq"), 2);
        let event = object(&format!(
            r#"{{"type":"message.deleted","conversation_id":"{LOBBY}","seq":3,"message_id":"01937a4c-3b5e-7c2a-9f1e-000000001002","message_seq":2}}"#
        ));
        assert!(timeline.apply_frame_js(event).expect("a frame"));
        assert_eq!(timeline.length(), 1);
        let ignored = object(r#"{"type":"reconnecting","attempt":1,"delay_ms":500,"reason":"x"}"#);
        assert!(!timeline.apply_frame_js(ignored).expect("ignored"));
        let error = timeline.push_pending("   ").expect_err("empty");
        assert_eq!(get(&error, "code"), "validation_failed");
        assert!(timeline.mark_read(1.0).expect("a seq"));
        assert!(!timeline.mark_read(1.0).expect("a seq"));
        assert_eq!(timeline.read_seq(), 1.0);
    }
}
