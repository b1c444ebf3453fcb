//! TypeScript interfaces of the protocol bodies the `ChatClient` answers with, emitted into
//! the generated `chat_wasm.d.ts`. They describe the JSON of `chat_core::v1`; the golden tests
//! of chat-core pin that JSON, and the field names below follow it one to one.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const PROTOCOL_TYPES: &'static str = r#"
/** An id: a UUIDv7 string. */
export type Id = string;
/** An RFC 3339 UTC timestamp with milliseconds. */
export type Timestamp = string;

/** A user as others see them. */
export interface User { id: Id; username: string; display_name: string; description: string; created_at: Timestamp; }
/** The signed-in account. */
export interface Account extends User { email: string | null; is_admin: boolean; }
/** The answer of register and login. */
export interface AuthResponse { user: Account; token: string; expires_at: Timestamp; }
/** A page of users. */
export interface UserPage { items: User[]; next_cursor: string | null; }

/** The caller's membership of a lobby. */
export interface Membership { role: "admin" | "member"; joined_at: Timestamp; read_seq: number; unread_count: number; unread_mention_count: number; }
/** A lobby. */
export interface Lobby { id: Id; name: string; description: string; visibility: "public" | "private"; created_by: Id | null; created_at: Timestamp; member_count: number; last_seq: number; membership: Membership | null; }
/** The caller's lobbies. */
export interface LobbyList { items: Lobby[]; }
/** A page of lobbies. */
export interface LobbyPage { items: Lobby[]; next_cursor: string | null; }
/** A lobby member. */
export interface Member { user: User; role: "admin" | "member"; joined_at: Timestamp; }
/** A page of members. */
export interface MemberPage { items: Member[]; next_cursor: string | null; }

/** A message's author (null once the account is deleted). */
export interface Author { id: Id; username: string; display_name: string; }
/** What a reply shows of the message it answers, as that message is now. */
export interface ReplyPreview { id: Id; seq: number; author: Author | null; excerpt: string; deleted: boolean; }
/** One emoji's reactions to a message; `me`: the user is one of them. */
export interface Reaction { emoji: string; count: number; me: boolean; }
/** A message; `seq` numbers the messages of its conversation without gaps. `reply_to`,
 * `reactions`, `pinned_at`, `mentions` and `broadcast` are absent when empty; message events
 * carry no reactions. `mentions`: the members named with `@username`; `broadcast`: `@here` or
 * `@everyone` by an author allowed to call them. */
export interface Message { id: Id; conversation_id: Id; seq: number; author: Author | null; content: string; created_at: Timestamp; edited_at: Timestamp | null; reply_to?: ReplyPreview; reactions?: Reaction[]; pinned_at?: Timestamp; mentions?: Id[]; broadcast?: "here" | "everyone"; }
/** A message of the mention inbox, and whether the caller has read it. */
export interface Mentioned { message: Message; read: boolean; }
/** A page of the mention inbox, newest first. */
export interface MentionPage { items: Mentioned[]; next_cursor: Id | null; }

/** Whom a mention calls. */
export type Mention = { kind: "user"; username: string } | { kind: "here" } | { kind: "everyone" };
/** Inline formatted text; `text` is plain text (put it in a text node), a link's `url` is http, https or mailto. */
export type Inline =
  | { type: "text"; text: string }
  | { type: "emphasis" | "strong" | "strikethrough"; inlines: Inline[] }
  | { type: "code"; code: string }
  | { type: "link"; url: string; inlines: Inline[] }
  | { type: "mention"; mention: Mention }
  | { type: "line_break" };
/** A block of formatted text (`parseMarkup`). */
export type Block =
  | { type: "paragraph"; inlines: Inline[] }
  | { type: "code_block"; language?: string; code: string }
  | { type: "quote"; blocks: Block[] }
  | { type: "list"; start?: number; items: Block[][] };
/** Who reacted with one emoji, first reacted first. */
export interface ReactorPage { items: Author[]; next_cursor: string | null; }
/** A pinned message. */
export interface Pin { message: Message; pinned_by: Author | null; pinned_at: Timestamp; }
/** A conversation's pins, newest first. */
export interface PinList { items: Pin[]; }
/** A page of history, newest first. */
export interface MessagePage { items: Message[]; next_cursor: Id | null; }
/** A read cursor after it moved. */
export interface ReadCursor { conversation_id: Id; read_seq: number; }

/** A direct chat. */
export interface Chat { id: Id; partner: User; created_at: Timestamp; last_message: Message | null; last_seq: number; read_seq: number; unread_count: number; unread_mention_count: number; }
/** The caller's direct chats. */
export interface ChatList { items: Chat[]; }

/** One conversation as `ready` reports it. */
export interface ConversationState { conversation_id: Id; kind: "lobby" | "chat"; seq: number; last_message_seq: number; read_seq: number; unread_count: number; unread_mention_count: number; online: Id[]; }
/** The first frame of every connection. */
export interface ReadyFrame { type: "ready"; user: Account; session_id: Id; conversations: ConversationState[]; }

/** A frame a client sends (see docs/PROTOCOL.md). */
export type ClientFrame = { type: string; [field: string]: unknown };
/** A frame the server sends (see docs/PROTOCOL.md). */
export type ServerFrame = { type: string; [field: string]: unknown };
/** What `ChatClient.on` handlers receive: a server frame, or the gateway's `reconnecting` / `closed`. */
export type ChatEvent =
  | ReadyFrame
  | { type: "message.created" | "message.updated"; conversation_id: Id; seq: number; message: Message }
  | { type: "message.deleted"; conversation_id: Id; seq: number; message_id: Id; message_seq: number }
  | { type: "typing"; conversation_id: Id; user_id: Id; typing: boolean }
  | { type: "presence"; user_id: Id; online: boolean }
  | { type: "read"; conversation_id: Id; seq: number }
  | { type: "reaction.added" | "reaction.removed"; conversation_id: Id; seq: number; message_id: Id; message_seq: number; user_id: Id; emoji: string; count: number }
  | { type: "message.pinned" | "message.unpinned"; conversation_id: Id; seq: number; message_id: Id; message_seq: number; user_id: Id; at: Timestamp }
  | { type: "reconnecting"; attempt: number; delay_ms: number; reason: string }
  | { type: "closed"; code: string; reason: string }
  | ServerFrame;

/** The limits of the input rules, in characters. */
export interface Limits { [field: string]: { min?: number; max: number; max_bytes?: number } }

/** How every promise of this module rejects. */
export interface ChatError extends Error { code: string; status: number; details?: unknown }
"#;
