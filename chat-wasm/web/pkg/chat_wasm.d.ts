/* tslint:disable */
/* eslint-disable */

/** A send not acknowledged yet: its local echo. `nonce` is the key `pushPending` returned. */
export interface PendingMessage { nonce: string; content: string; }
/** One line of a timeline: a stored message, or the echo of a send waiting for its answer. */
export type TimelineEntry =
| { kind: "message"; message: Message }
| { kind: "pending"; nonce: string; content: string };
/** Where paging back through history stands: no page yet, older pages remain, or all paged. */
export type HistoryPosition = "newest" | "before" | "start";



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



/**
 * A connection to one chat server: REST calls, and live events over one WebSocket.
 *
 * ```js
 * const client = new ChatClient("");            // "" = the page's own server
 * await client.login("alice", "correct horse");
 * client.on("message.created", (e) => console.log(e.message.content));
 * await client.connect();
 * const { items } = await client.myLobbies();
 * await client.sendLobbyMessage(items[0].id, "hello");
 * ```
 */
export class ChatClient {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * A page of a direct chat's history, newest first (`GET /chats/{chatId}/messages`).
     */
    chatHistory(chat_id: string, before?: string | null, limit?: number | null): Promise<MessagePage>;
    /**
     * A direct chat's pinned messages, newest pin first (`GET /chats/{chatId}/pins`).
     */
    chatPins(chat_id: string): Promise<PinList>;
    /**
     * One direct chat (`GET /chats/{chatId}`).
     */
    chat(chat_id: string): Promise<Chat>;
    /**
     * The user's direct chats, with the last message and unread counts (`GET /chats`).
     */
    chats(): Promise<ChatList>;
    /**
     * Public lobbies the user has not joined, by name prefix `q` (`GET /lobbies/community`).
     */
    communityLobbies(q?: string | null, after?: string | null, limit?: number | null): Promise<LobbyPage>;
    /**
     * Opens the live gateway (or joins the attempt under way). The promise resolves with
     * the `ready` frame — the account and every conversation with its unread count — or
     * rejects when the first attempt fails. After that the gateway reconnects by itself and
     * resumes where it stopped: handlers see every event once, in order.
     */
    connect(): Promise<ReadyFrame>;
    /**
     * Creates a lobby the user administers (`POST /lobbies`). `visibility` is `"public"`
     * (the default) or `"private"`.
     */
    createLobby(name: string, description?: string | null, visibility?: string | null): Promise<Lobby>;
    /**
     * The resume cursors: for each conversation, the last event seq delivered.
     */
    cursors(): Record<string, number>;
    /**
     * Deletes a direct chat for the user only (`DELETE /chats/{chatId}`).
     */
    deleteChat(chat_id: string): Promise<void>;
    /**
     * Deletes a message: the author's own, or any as lobby admin
     * (`DELETE /messages/{messageId}`).
     */
    deleteMessage(message_id: string): Promise<void>;
    /**
     * Closes the gateway and stops reconnecting. A later `connect()` resumes from where it
     * stopped.
     */
    disconnect(): void;
    /**
     * Edits one of the user's messages (`PATCH /messages/{messageId}`); answers it as it
     * is now.
     */
    editMessage(message_id: string, content: string): Promise<Message>;
    /**
     * Joins a public lobby (`POST /lobbies/{lobbyId}/join`); answers the lobby.
     */
    joinLobby(lobby_id: string): Promise<Lobby>;
    /**
     * Leaves a lobby (`POST /lobbies/{lobbyId}/leave`).
     */
    leaveLobby(lobby_id: string): Promise<void>;
    /**
     * A page of a lobby's history, newest first (`GET /lobbies/{lobbyId}/messages`): pass
     * the previous page's `next_cursor` as `before` for older messages.
     */
    lobbyHistory(lobby_id: string, before?: string | null, limit?: number | null): Promise<MessagePage>;
    /**
     * A lobby's pinned messages, newest pin first (`GET /lobbies/{lobbyId}/pins`).
     */
    lobbyPins(lobby_id: string): Promise<PinList>;
    /**
     * One lobby (`GET /lobbies/{lobbyId}`).
     */
    lobby(lobby_id: string): Promise<Lobby>;
    /**
     * Signs in with a username and password (`POST /auth/login`); the token is kept for
     * every later call.
     */
    login(username: string, password: string): Promise<AuthResponse>;
    /**
     * Signs out (`POST /auth/logout`): the token stops working, the gateway closes and the
     * client forgets the token.
     */
    logout(): Promise<void>;
    /**
     * Moves the user's read cursor in a direct chat (`POST /chats/{chatId}/read`).
     */
    markChatRead(chat_id: string, seq: number): Promise<ReadCursor>;
    /**
     * Moves the user's read cursor in a lobby to message seq `seq`
     * (`POST /lobbies/{lobbyId}/read`); it never moves back.
     */
    markLobbyRead(lobby_id: string, seq: number): Promise<ReadCursor>;
    /**
     * Moves the read cursor over the gateway (a `read` frame), without waiting for an
     * answer. Throws `not_connected` when the gateway is not live.
     */
    markRead(conversation_id: string, seq: number): void;
    /**
     * The signed-in account (`GET /users/me`).
     */
    me(): Promise<Account>;
    /**
     * One member of a lobby (`GET /lobbies/{lobbyId}/members/{userId}`).
     */
    member(lobby_id: string, user_id: string): Promise<Member>;
    /**
     * The members of a lobby with their roles (`GET /lobbies/{lobbyId}/members`), a page
     * at a time.
     */
    members(lobby_id: string, after?: string | null, limit?: number | null): Promise<MemberPage>;
    /**
     * The caller's mention inbox, newest first, each with whether it is read
     * (`GET /mentions`); pass the previous page's `next_cursor` as `before`.
     */
    mentions(before?: string | null, limit?: number | null): Promise<MentionPage>;
    /**
     * The lobbies the user belongs to, with unread counts (`GET /lobbies`).
     */
    myLobbies(): Promise<LobbyList>;
    /**
     * A client for the server at `baseUrl` (`https://chat.example`); an empty string means
     * the server that served the page. No request is made until a method is called.
     */
    constructor(base_url: string);
    /**
     * Removes a handler added with `on` (every handler of `type` when none is given).
     */
    off(type: string, handler: ((event: ChatEvent) => void) | undefined): void;
    /**
     * Calls `handler(event)` for each event of type `type`, or for every event with `"*"`.
     * Events are server frames (`message.created`, `typing`, `presence`, `ready`, …; see
     * `docs/PROTOCOL.md`) and the gateway's own: `reconnecting` (`attempt`, `delay_ms`,
     * `reason`) and `closed` (`code`, `reason`: the gateway stopped for good).
     */
    on(type: string, handler: (event: ChatEvent) => void): void;
    /**
     * Opens (or finds) the direct chat with a user (`POST /chats`).
     */
    openChat(user_id: string): Promise<Chat>;
    /**
     * Pins a message (`PUT /messages/{messageId}/pin`: lobby admins, either participant of
     * a chat; idempotent).
     */
    pin(message_id: string): Promise<void>;
    /**
     * Reacts to a message with an emoji or a `:shortcode:` for one
     * (`PUT /messages/{messageId}/reactions/{emoji}`; idempotent).
     */
    react(message_id: string, emoji: string): Promise<void>;
    /**
     * Who reacted to a message with `emoji`, first reacted first
     * (`GET /messages/{messageId}/reactions/{emoji}`).
     */
    reactors(message_id: string, emoji: string, after?: string | null, limit?: number | null): Promise<ReactorPage>;
    /**
     * Creates an account and signs in (`POST /auth/register`). The username and password
     * (and the display name, when given) are checked with the server's rules first.
     */
    register(username: string, password: string, display_name?: string | null): Promise<AuthResponse>;
    /**
     * Posts a message to a direct chat (`POST /chats/{chatId}/messages`), answering
     * `replyTo` when given.
     */
    sendChatMessage(chat_id: string, content: string, reply_to?: string | null): Promise<Message>;
    /**
     * Sends a direct message to a user, opening the chat if needed
     * (`POST /users/{userId}/messages`).
     */
    sendDirectMessage(user_id: string, content: string): Promise<Message>;
    /**
     * Posts a message to a lobby (`POST /lobbies/{lobbyId}/messages`); answers the stored
     * message. Safe against retries: the same message is never posted twice. With
     * `replyTo`, the message answers that message of the lobby and carries its preview.
     */
    sendLobbyMessage(lobby_id: string, content: string, reply_to?: string | null): Promise<Message>;
    /**
     * Tells the conversation the user is typing. Call it on every keystroke: frames go out
     * at most once per 2.5 s per conversation. Answers whether a frame was sent.
     */
    typing(conversation_id: string): boolean;
    /**
     * Unpins a message (`DELETE /messages/{messageId}/pin`; idempotent).
     */
    unpin(message_id: string): Promise<void>;
    /**
     * Takes the user's reaction back (`DELETE /messages/{messageId}/reactions/{emoji}`;
     * idempotent).
     */
    unreact(message_id: string, emoji: string): Promise<void>;
    /**
     * One user (`GET /users/{userId}`).
     */
    user(user_id: string): Promise<User>;
    /**
     * Users whose name starts with `q` (`GET /users`), a page at a time: pass the previous
     * page's `next_cursor` as `after`.
     */
    users(q?: string | null, after?: string | null, limit?: number | null): Promise<UserPage>;
    /**
     * The server URL given to the constructor (empty: the page's own).
     */
    readonly baseUrl: string;
    /**
     * Whether the gateway is connected and delivering events.
     */
    readonly connected: boolean;
    /**
     * The bearer token in use (set by `login` and `register`), or `undefined`.
     */
    get token(): string | undefined;
    /**
     * Uses a token kept from an earlier session (or `undefined` to forget it). A different
     * token closes the gateway and forgets its resume cursors.
     */
    set token(value: string | null | undefined);
}

/**
 * A history page a [`Timeline`] asks for: fetch it with `before` (`undefined`: the newest
 * page) and hand it back to `applyPage` with the page the server returned.
 */
export class HistoryRequest {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * The `before` cursor to fetch with: a message id, or `undefined` for the newest page.
     */
    readonly before: string | undefined;
}

/**
 * One conversation's timeline: confirmed messages in `seq` order, then the local echoes of
 * sends not yet acknowledged, with the read cursor and unread count.
 */
export class Timeline {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * The answer of a send (the stored message): its echo gives way to it. Returns whether
     * an echo was waiting.
     */
    acknowledge(nonce: string, message: Message): boolean;
    /**
     * Takes the counters a REST list gives (`Lobby.membership`, `Chat`): the read cursor,
     * the unread count, the newest message seq (`last_seq`) and the unread-mention count
     * (0 when omitted), as `applyState` does.
     */
    applyCounts(read_seq: number, unread_count: number, last_message_seq: number, unread_mention_count?: number | null): void;
    /**
     * Applies a delete the page made (`deleteMessage` resolved), as if its
     * `message.deleted` event arrived: the message goes for good. Returns whether anything
     * shown changed.
     */
    applyDeleted(message_id: string, message_seq: number): boolean;
    /**
     * Applies an event a `ChatClient` handler received: message created, updated, deleted,
     * `read`, `resync_required`, `lobby.deleted` of this conversation; `ready` sets the user
     * and takes this conversation's counters. Other events are ignored. Returns whether
     * anything shown (entries or counters) may have changed. Throws a `ChatError`
     * (`bad_request`) when the object is not a server frame.
     */
    applyFrame(event: ChatEvent): boolean;
    /**
     * Applies a message the page got from its own call (`editMessage`), as if its
     * `message.updated` event arrived: a newer edit held is kept. Returns whether anything
     * shown changed.
     */
    applyMessage(message: Message): boolean;
    /**
     * Merges a history page (as `lobbyHistory` / `chatHistory` answer it) fetched for
     * `request`. Returns whether anything shown changed; a page asked for before a resync is
     * ignored.
     */
    applyPage(request: HistoryRequest, page: MessagePage): boolean;
    /**
     * Takes the server's counters from a `ConversationState` of `ready`: read cursor, unread
     * count, newest message seq. The state of another conversation is ignored.
     */
    applyState(state: ConversationState): void;
    /**
     * Everything to show, in order: the confirmed messages by seq, then the pending sends.
     */
    entries(): TimelineEntry[];
    /**
     * The message with this id, if it is held.
     */
    find(message_id: string): Message | undefined;
    /**
     * The next history page to fetch, or `undefined` once history is paged back to the
     * first message.
     */
    historyRequest(): HistoryRequest | undefined;
    /**
     * Moves the read cursor forward to message seq `seq` (never back) and recounts the
     * unread messages. Returns whether it moved: only then is there a cursor to send.
     */
    markRead(seq: number): boolean;
    /**
     * The confirmed messages, oldest first.
     */
    messages(): Message[];
    /**
     * An empty timeline of a conversation (a lobby or chat id), for the signed-in user `me`
     * (whose messages are never unread and whose sends have echoes), when known yet. Throws
     * a `ChatError` (`bad_request`) for a malformed id.
     */
    constructor(conversation_id: string, me?: string | null);
    /**
     * The newest confirmed message, or `undefined`.
     */
    newest(): Message | undefined;
    /**
     * The oldest confirmed message held, or `undefined`.
     */
    oldest(): Message | undefined;
    /**
     * The sends not acknowledged yet, oldest first.
     */
    pending(): PendingMessage[];
    /**
     * Shows a send at once, as a pending entry, and returns its key (a fresh nonce) for
     * `acknowledge` or `removePending`. The key is the page's own: `ChatClient`'s send
     * methods pick their idempotency nonce themselves, and their answer is matched to the
     * echo by this key. Throws a `ChatError` (`validation_failed`) when the content breaks
     * the message rules.
     */
    pushPending(content: string): string;
    /**
     * A send failed: its echo goes. Returns its content (to offer it again), or `undefined`
     * when no echo had this key.
     */
    removePending(nonce: string): string | undefined;
    /**
     * Drops the messages held and pages history again from the newest page (what a
     * `resync_required` event does); pending sends stay.
     */
    resync(): void;
    /**
     * Sets the signed-in user (`applyFrame` does it with `ready`).
     */
    setUser(user_id: string): void;
    /**
     * The conversation id.
     */
    readonly conversationId: string;
    /**
     * Where paging back through history stands: `"newest"` (no page yet), `"before"` (older
     * pages remain) or `"start"` (all paged).
     */
    readonly history: HistoryPosition;
    /**
     * The number of confirmed messages held.
     */
    readonly length: number;
    /**
     * The read cursor: the message seq read up to.
     */
    readonly readSeq: number;
    /**
     * Unread messages from others.
     */
    readonly unreadCount: number;
    /**
     * Unread messages that call the user (by name, `@here`, `@everyone`).
     */
    readonly unreadMentionCount: number;
}

/**
 * Decodes the text of a server frame into an object with its `type` and fields, as
 * documented in `docs/PROTOCOL.md`. Throws a `ChatError` (`decode`) when the text is not a
 * frame of this protocol version.
 */
export function decodeServerFrame(text: string): ServerFrame;

/**
 * Encodes a client frame object (`{type: "typing", conversation_id: "…"}`) as the JSON text
 * to send on the WebSocket. Throws a `ChatError` (`bad_request`) when the object is not a
 * valid client frame: an unknown `type` or field, a malformed id, or a value breaking an
 * input rule.
 */
export function encodeClientFrame(frame: ClientFrame): string;

/**
 * The limits of the input rules: for each field, `min` and `max` characters (and the
 * password's `max_bytes`), e.g. `limits().message_content.max === 4000`.
 */
export function limits(): Limits;

/**
 * The emoji a reaction would store for `input` (an emoji or a `:shortcode:`), or
 * `undefined` when it names none.
 */
export function normalizeEmoji(input: string): string | undefined;

/**
 * Normalizes a valid username the way the server stores it (lower case); `undefined` when
 * the username is not valid.
 */
export function normalizeUsername(input: string): string | undefined;

/**
 * Parses message content into the formatted-text tree every client renders from
 * (`Block[]`, see `chat_core::markup`): build DOM nodes from it, never HTML.
 */
export function parseMarkup(content: string): Block[];

/**
 * Emojis whose name or shortcode contains `query` (all of them, in Unicode's order, for an
 * empty query), at most `limit`: an emoji picker's search, from the same data the server
 * checks reactions against.
 */
export function searchEmoji(query: string, limit: number): string[];

/**
 * Checks a user or lobby description: at most 500 characters, may be empty. Returns the
 * server's error sentence, or `undefined` when valid.
 */
export function validateDescription(input: string): string | undefined;

/**
 * Checks a display name: 1–64 characters after trimming, one line. Returns the server's
 * error sentence, or `undefined` when valid.
 */
export function validateDisplayName(input: string): string | undefined;

/**
 * Checks an e-mail address: one `@` between two non-empty parts, no white space, at most
 * 254 characters. Returns the server's error sentence, or `undefined` when valid.
 */
export function validateEmail(input: string): string | undefined;

/**
 * Checks a lobby name: 1–64 characters after trimming, one line. Returns the server's error
 * sentence, or `undefined` when valid.
 */
export function validateLobbyName(input: string): string | undefined;

/**
 * Checks message text: 1–4000 characters after trimming; newlines and tabs allowed, other
 * control characters not. Returns the server's error sentence, or `undefined` when valid.
 */
export function validateMessageContent(input: string): string | undefined;

/**
 * Checks a nonce (idempotency key): 1–64 printable ASCII characters. Returns the server's
 * error sentence, or `undefined` when valid.
 */
export function validateNonce(input: string): string | undefined;

/**
 * Checks a password: 8–128 characters, at most 72 bytes of UTF-8, no control characters.
 * Returns the server's error sentence, or `undefined` when valid.
 */
export function validatePassword(input: string): string | undefined;

/**
 * Checks an API token name: 1–64 characters after trimming, one line. Returns the server's
 * error sentence, or `undefined` when valid.
 */
export function validateTokenName(input: string): string | undefined;

/**
 * Checks a username: 3–32 characters of `a-z`, `A-Z`, `0-9`, `_`, `.`, `-` (stored in lower
 * case). Returns the server's error sentence, or `undefined` when valid.
 */
export function validateUsername(input: string): string | undefined;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_chatclient_free: (a: number, b: number) => void;
    readonly __wbg_historyrequest_free: (a: number, b: number) => void;
    readonly __wbg_timeline_free: (a: number, b: number) => void;
    readonly chatclient_baseUrl: (a: number) => [number, number];
    readonly chatclient_chat: (a: number, b: number, c: number) => any;
    readonly chatclient_chatHistory: (a: number, b: number, c: number, d: number, e: number, f: number) => any;
    readonly chatclient_chatPins: (a: number, b: number, c: number) => any;
    readonly chatclient_chats: (a: number) => any;
    readonly chatclient_communityLobbies: (a: number, b: number, c: number, d: number, e: number, f: number) => any;
    readonly chatclient_connect: (a: number) => any;
    readonly chatclient_connected: (a: number) => number;
    readonly chatclient_createLobby: (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => any;
    readonly chatclient_cursors: (a: number) => any;
    readonly chatclient_deleteChat: (a: number, b: number, c: number) => any;
    readonly chatclient_deleteMessage: (a: number, b: number, c: number) => any;
    readonly chatclient_disconnect: (a: number) => void;
    readonly chatclient_editMessage: (a: number, b: number, c: number, d: number, e: number) => any;
    readonly chatclient_joinLobby: (a: number, b: number, c: number) => any;
    readonly chatclient_leaveLobby: (a: number, b: number, c: number) => any;
    readonly chatclient_lobby: (a: number, b: number, c: number) => any;
    readonly chatclient_lobbyHistory: (a: number, b: number, c: number, d: number, e: number, f: number) => any;
    readonly chatclient_lobbyPins: (a: number, b: number, c: number) => any;
    readonly chatclient_login: (a: number, b: number, c: number, d: number, e: number) => any;
    readonly chatclient_logout: (a: number) => any;
    readonly chatclient_markChatRead: (a: number, b: number, c: number, d: number) => any;
    readonly chatclient_markLobbyRead: (a: number, b: number, c: number, d: number) => any;
    readonly chatclient_markRead: (a: number, b: number, c: number, d: number) => [number, number];
    readonly chatclient_me: (a: number) => any;
    readonly chatclient_member: (a: number, b: number, c: number, d: number, e: number) => any;
    readonly chatclient_members: (a: number, b: number, c: number, d: number, e: number, f: number) => any;
    readonly chatclient_mentions: (a: number, b: number, c: number, d: number) => any;
    readonly chatclient_myLobbies: (a: number) => any;
    readonly chatclient_new: (a: number, b: number) => number;
    readonly chatclient_off: (a: number, b: number, c: number, d: number) => void;
    readonly chatclient_on: (a: number, b: number, c: number, d: any) => void;
    readonly chatclient_openChat: (a: number, b: number, c: number) => any;
    readonly chatclient_pin: (a: number, b: number, c: number) => any;
    readonly chatclient_react: (a: number, b: number, c: number, d: number, e: number) => any;
    readonly chatclient_reactors: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number) => any;
    readonly chatclient_register: (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => any;
    readonly chatclient_sendChatMessage: (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => any;
    readonly chatclient_sendDirectMessage: (a: number, b: number, c: number, d: number, e: number) => any;
    readonly chatclient_sendLobbyMessage: (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => any;
    readonly chatclient_set_token: (a: number, b: number, c: number) => void;
    readonly chatclient_token: (a: number) => [number, number];
    readonly chatclient_typing: (a: number, b: number, c: number) => [number, number, number];
    readonly chatclient_unpin: (a: number, b: number, c: number) => any;
    readonly chatclient_unreact: (a: number, b: number, c: number, d: number, e: number) => any;
    readonly chatclient_user: (a: number, b: number, c: number) => any;
    readonly chatclient_users: (a: number, b: number, c: number, d: number, e: number, f: number) => any;
    readonly decodeServerFrame: (a: number, b: number) => [number, number, number];
    readonly encodeClientFrame: (a: any) => [number, number, number, number];
    readonly historyrequest_before: (a: number) => [number, number];
    readonly limits: () => any;
    readonly normalizeEmoji: (a: number, b: number) => [number, number];
    readonly normalizeUsername: (a: number, b: number) => [number, number];
    readonly parseMarkup: (a: number, b: number) => any;
    readonly searchEmoji: (a: number, b: number, c: number) => [number, number];
    readonly timeline_acknowledge: (a: number, b: number, c: number, d: any) => [number, number, number];
    readonly timeline_applyCounts: (a: number, b: number, c: number, d: number, e: number, f: number) => [number, number];
    readonly timeline_applyDeleted: (a: number, b: number, c: number, d: number) => [number, number, number];
    readonly timeline_applyFrame: (a: number, b: any) => [number, number, number];
    readonly timeline_applyMessage: (a: number, b: any) => [number, number, number];
    readonly timeline_applyPage: (a: number, b: number, c: any) => [number, number, number];
    readonly timeline_applyState: (a: number, b: any) => [number, number];
    readonly timeline_conversationId: (a: number) => [number, number];
    readonly timeline_entries: (a: number) => any;
    readonly timeline_find: (a: number, b: number, c: number) => any;
    readonly timeline_history: (a: number) => [number, number];
    readonly timeline_historyRequest: (a: number) => number;
    readonly timeline_length: (a: number) => number;
    readonly timeline_markRead: (a: number, b: number) => [number, number, number];
    readonly timeline_messages: (a: number) => any;
    readonly timeline_new: (a: number, b: number, c: number, d: number) => [number, number, number];
    readonly timeline_newest: (a: number) => any;
    readonly timeline_oldest: (a: number) => any;
    readonly timeline_pending: (a: number) => any;
    readonly timeline_pushPending: (a: number, b: number, c: number) => [number, number, number, number];
    readonly timeline_readSeq: (a: number) => number;
    readonly timeline_removePending: (a: number, b: number, c: number) => [number, number];
    readonly timeline_resync: (a: number) => void;
    readonly timeline_setUser: (a: number, b: number, c: number) => [number, number];
    readonly timeline_unreadCount: (a: number) => number;
    readonly timeline_unreadMentionCount: (a: number) => number;
    readonly validateDescription: (a: number, b: number) => [number, number];
    readonly validateDisplayName: (a: number, b: number) => [number, number];
    readonly validateEmail: (a: number, b: number) => [number, number];
    readonly validateLobbyName: (a: number, b: number) => [number, number];
    readonly validateMessageContent: (a: number, b: number) => [number, number];
    readonly validateNonce: (a: number, b: number) => [number, number];
    readonly validatePassword: (a: number, b: number) => [number, number];
    readonly validateTokenName: (a: number, b: number) => [number, number];
    readonly validateUsername: (a: number, b: number) => [number, number];
    readonly wasm_bindgen__convert__closures_____invoke__h15bb1ff319cd8aa6: (a: number, b: number, c: any, d: any) => void;
    readonly wasm_bindgen__convert__closures_____invoke__hd4b3e6f49c6065ea: (a: number, b: number, c: any) => [number, number];
    readonly wasm_bindgen__convert__closures_____invoke__h3ac8bc90b011aac2: (a: number, b: number, c: any) => void;
    readonly wasm_bindgen__convert__closures_____invoke__h3ac8bc90b011aac2_93: (a: number, b: number, c: any) => void;
    readonly wasm_bindgen__convert__closures_____invoke__h8cfa28aa4c4891e1: (a: number, b: number) => void;
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __wbindgen_destroy_closure: (a: number, b: number) => void;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __externref_drop_slice: (a: number, b: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
