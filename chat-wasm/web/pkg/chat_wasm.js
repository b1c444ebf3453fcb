/* @ts-self-types="./chat_wasm.d.ts" */

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
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        ChatClientFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_chatclient_free(ptr, 0);
    }
    /**
     * The server URL given to the constructor (empty: the page's own).
     * @returns {string}
     */
    get baseUrl() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.chatclient_baseUrl(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * A page of a direct chat's history, newest first (`GET /chats/{chatId}/messages`).
     * @param {string} chat_id
     * @param {string | null} [before]
     * @param {number | null} [limit]
     * @returns {Promise<MessagePage>}
     */
    chatHistory(chat_id, before, limit) {
        const val3 = +(isLikeNone(limit) ? Number.MAX_SAFE_INTEGER : (limit) >>> 0);
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(chat_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = isLikeNone(before) ? 0 : passStringToWasm0(before, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.chatclient_chatHistory(this.__wbg_ptr, ptr0, len0, ptr1, len1, val3);
        return ret;
    }
    /**
     * A direct chat's pinned messages, newest pin first (`GET /chats/{chatId}/pins`).
     * @param {string} chat_id
     * @returns {Promise<PinList>}
     */
    chatPins(chat_id) {
        const ptr0 = passStringToWasm0(chat_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_chatPins(this.__wbg_ptr, ptr0, len0);
        return ret;
    }
    /**
     * One direct chat (`GET /chats/{chatId}`).
     * @param {string} chat_id
     * @returns {Promise<Chat>}
     */
    chat(chat_id) {
        const ptr0 = passStringToWasm0(chat_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_chat(this.__wbg_ptr, ptr0, len0);
        return ret;
    }
    /**
     * The user's direct chats, with the last message and unread counts (`GET /chats`).
     * @returns {Promise<ChatList>}
     */
    chats() {
        const ret = wasm.chatclient_chats(this.__wbg_ptr);
        return ret;
    }
    /**
     * Public lobbies the user has not joined, by name prefix `q` (`GET /lobbies/community`).
     * @param {string | null} [q]
     * @param {string | null} [after]
     * @param {number | null} [limit]
     * @returns {Promise<LobbyPage>}
     */
    communityLobbies(q, after, limit) {
        const val3 = +(isLikeNone(limit) ? Number.MAX_SAFE_INTEGER : (limit) >>> 0);
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = isLikeNone(q) ? 0 : passStringToWasm0(q, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = isLikeNone(after) ? 0 : passStringToWasm0(after, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.chatclient_communityLobbies(this.__wbg_ptr, ptr0, len0, ptr1, len1, val3);
        return ret;
    }
    /**
     * Opens the live gateway (or joins the attempt under way). The promise resolves with
     * the `ready` frame — the account and every conversation with its unread count — or
     * rejects when the first attempt fails. After that the gateway reconnects by itself and
     * resumes where it stopped: handlers see every event once, in order.
     * @returns {Promise<ReadyFrame>}
     */
    connect() {
        const ret = wasm.chatclient_connect(this.__wbg_ptr);
        return ret;
    }
    /**
     * Whether the gateway is connected and delivering events.
     * @returns {boolean}
     */
    get connected() {
        const ret = wasm.chatclient_connected(this.__wbg_ptr);
        return ret !== 0;
    }
    /**
     * Creates a lobby the user administers (`POST /lobbies`). `visibility` is `"public"`
     * (the default) or `"private"`.
     * @param {string} name
     * @param {string | null} [description]
     * @param {string | null} [visibility]
     * @returns {Promise<Lobby>}
     */
    createLobby(name, description, visibility) {
        let ptr0, len0, ptr1, len1, ptr2, len2;
        try {
            ptr0 = passStringToWasm0(name, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = isLikeNone(description) ? 0 : passStringToWasm0(description, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
            ptr2 = isLikeNone(visibility) ? 0 : passStringToWasm0(visibility, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len2 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr2) { wasm.__wbindgen_free(ptr2, len2 * 1, 1); }
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.chatclient_createLobby(this.__wbg_ptr, ptr0, len0, ptr1, len1, ptr2, len2);
        return ret;
    }
    /**
     * The resume cursors: for each conversation, the last event seq delivered.
     * @returns {Record<string, number>}
     */
    cursors() {
        const ret = wasm.chatclient_cursors(this.__wbg_ptr);
        return ret;
    }
    /**
     * Deletes a direct chat for the user only (`DELETE /chats/{chatId}`).
     * @param {string} chat_id
     * @returns {Promise<void>}
     */
    deleteChat(chat_id) {
        const ptr0 = passStringToWasm0(chat_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_deleteChat(this.__wbg_ptr, ptr0, len0);
        return ret;
    }
    /**
     * Deletes a message: the author's own, or any as lobby admin
     * (`DELETE /messages/{messageId}`).
     * @param {string} message_id
     * @returns {Promise<void>}
     */
    deleteMessage(message_id) {
        const ptr0 = passStringToWasm0(message_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_deleteMessage(this.__wbg_ptr, ptr0, len0);
        return ret;
    }
    /**
     * Closes the gateway and stops reconnecting. A later `connect()` resumes from where it
     * stopped.
     */
    disconnect() {
        wasm.chatclient_disconnect(this.__wbg_ptr);
    }
    /**
     * Edits one of the user's messages (`PATCH /messages/{messageId}`); answers it as it
     * is now.
     * @param {string} message_id
     * @param {string} content
     * @returns {Promise<Message>}
     */
    editMessage(message_id, content) {
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(message_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(content, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.chatclient_editMessage(this.__wbg_ptr, ptr0, len0, ptr1, len1);
        return ret;
    }
    /**
     * Joins a public lobby (`POST /lobbies/{lobbyId}/join`); answers the lobby.
     * @param {string} lobby_id
     * @returns {Promise<Lobby>}
     */
    joinLobby(lobby_id) {
        const ptr0 = passStringToWasm0(lobby_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_joinLobby(this.__wbg_ptr, ptr0, len0);
        return ret;
    }
    /**
     * Leaves a lobby (`POST /lobbies/{lobbyId}/leave`).
     * @param {string} lobby_id
     * @returns {Promise<void>}
     */
    leaveLobby(lobby_id) {
        const ptr0 = passStringToWasm0(lobby_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_leaveLobby(this.__wbg_ptr, ptr0, len0);
        return ret;
    }
    /**
     * A page of a lobby's history, newest first (`GET /lobbies/{lobbyId}/messages`): pass
     * the previous page's `next_cursor` as `before` for older messages.
     * @param {string} lobby_id
     * @param {string | null} [before]
     * @param {number | null} [limit]
     * @returns {Promise<MessagePage>}
     */
    lobbyHistory(lobby_id, before, limit) {
        const val3 = +(isLikeNone(limit) ? Number.MAX_SAFE_INTEGER : (limit) >>> 0);
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(lobby_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = isLikeNone(before) ? 0 : passStringToWasm0(before, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.chatclient_lobbyHistory(this.__wbg_ptr, ptr0, len0, ptr1, len1, val3);
        return ret;
    }
    /**
     * A lobby's pinned messages, newest pin first (`GET /lobbies/{lobbyId}/pins`).
     * @param {string} lobby_id
     * @returns {Promise<PinList>}
     */
    lobbyPins(lobby_id) {
        const ptr0 = passStringToWasm0(lobby_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_lobbyPins(this.__wbg_ptr, ptr0, len0);
        return ret;
    }
    /**
     * One lobby (`GET /lobbies/{lobbyId}`).
     * @param {string} lobby_id
     * @returns {Promise<Lobby>}
     */
    lobby(lobby_id) {
        const ptr0 = passStringToWasm0(lobby_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_lobby(this.__wbg_ptr, ptr0, len0);
        return ret;
    }
    /**
     * Signs in with a username and password (`POST /auth/login`); the token is kept for
     * every later call.
     * @param {string} username
     * @param {string} password
     * @returns {Promise<AuthResponse>}
     */
    login(username, password) {
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(username, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(password, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.chatclient_login(this.__wbg_ptr, ptr0, len0, ptr1, len1);
        return ret;
    }
    /**
     * Signs out (`POST /auth/logout`): the token stops working, the gateway closes and the
     * client forgets the token.
     * @returns {Promise<void>}
     */
    logout() {
        const ret = wasm.chatclient_logout(this.__wbg_ptr);
        return ret;
    }
    /**
     * Moves the user's read cursor in a direct chat (`POST /chats/{chatId}/read`).
     * @param {string} chat_id
     * @param {number} seq
     * @returns {Promise<ReadCursor>}
     */
    markChatRead(chat_id, seq) {
        const val2 = +seq;
        const ptr0 = passStringToWasm0(chat_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_markChatRead(this.__wbg_ptr, ptr0, len0, val2);
        return ret;
    }
    /**
     * Moves the user's read cursor in a lobby to message seq `seq`
     * (`POST /lobbies/{lobbyId}/read`); it never moves back.
     * @param {string} lobby_id
     * @param {number} seq
     * @returns {Promise<ReadCursor>}
     */
    markLobbyRead(lobby_id, seq) {
        const val2 = +seq;
        const ptr0 = passStringToWasm0(lobby_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_markLobbyRead(this.__wbg_ptr, ptr0, len0, val2);
        return ret;
    }
    /**
     * Moves the read cursor over the gateway (a `read` frame), without waiting for an
     * answer. Throws `not_connected` when the gateway is not live.
     * @param {string} conversation_id
     * @param {number} seq
     */
    markRead(conversation_id, seq) {
        const val2 = +seq;
        const ptr0 = passStringToWasm0(conversation_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_markRead(this.__wbg_ptr, ptr0, len0, val2);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * The signed-in account (`GET /users/me`).
     * @returns {Promise<Account>}
     */
    me() {
        const ret = wasm.chatclient_me(this.__wbg_ptr);
        return ret;
    }
    /**
     * One member of a lobby (`GET /lobbies/{lobbyId}/members/{userId}`).
     * @param {string} lobby_id
     * @param {string} user_id
     * @returns {Promise<Member>}
     */
    member(lobby_id, user_id) {
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(lobby_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(user_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.chatclient_member(this.__wbg_ptr, ptr0, len0, ptr1, len1);
        return ret;
    }
    /**
     * The members of a lobby with their roles (`GET /lobbies/{lobbyId}/members`), a page
     * at a time.
     * @param {string} lobby_id
     * @param {string | null} [after]
     * @param {number | null} [limit]
     * @returns {Promise<MemberPage>}
     */
    members(lobby_id, after, limit) {
        const val3 = +(isLikeNone(limit) ? Number.MAX_SAFE_INTEGER : (limit) >>> 0);
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(lobby_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = isLikeNone(after) ? 0 : passStringToWasm0(after, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.chatclient_members(this.__wbg_ptr, ptr0, len0, ptr1, len1, val3);
        return ret;
    }
    /**
     * The caller's mention inbox, newest first, each with whether it is read
     * (`GET /mentions`); pass the previous page's `next_cursor` as `before`.
     * @param {string | null} [before]
     * @param {number | null} [limit]
     * @returns {Promise<MentionPage>}
     */
    mentions(before, limit) {
        const val2 = +(isLikeNone(limit) ? Number.MAX_SAFE_INTEGER : (limit) >>> 0);
        var ptr0 = isLikeNone(before) ? 0 : passStringToWasm0(before, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        var len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_mentions(this.__wbg_ptr, ptr0, len0, val2);
        return ret;
    }
    /**
     * The lobbies the user belongs to, with unread counts (`GET /lobbies`).
     * @returns {Promise<LobbyList>}
     */
    myLobbies() {
        const ret = wasm.chatclient_myLobbies(this.__wbg_ptr);
        return ret;
    }
    /**
     * A client for the server at `baseUrl` (`https://chat.example`); an empty string means
     * the server that served the page. No request is made until a method is called.
     * @param {string} base_url
     */
    constructor(base_url) {
        const ptr0 = passStringToWasm0(base_url, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_new(ptr0, len0);
        this.__wbg_ptr = ret;
        ChatClientFinalization.register(this, this.__wbg_ptr, this);
        return this;
    }
    /**
     * Removes a handler added with `on` (every handler of `type` when none is given).
     * @param {string} type
     * @param {((event: ChatEvent) => void) | undefined} handler
     */
    off(type, handler) {
        const ptr0 = passStringToWasm0(type, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        wasm.chatclient_off(this.__wbg_ptr, ptr0, len0, isLikeNone(handler) ? 0 : addToExternrefTable0(handler));
    }
    /**
     * Calls `handler(event)` for each event of type `type`, or for every event with `"*"`.
     * Events are server frames (`message.created`, `typing`, `presence`, `ready`, …; see
     * `docs/PROTOCOL.md`) and the gateway's own: `reconnecting` (`attempt`, `delay_ms`,
     * `reason`) and `closed` (`code`, `reason`: the gateway stopped for good).
     * @param {string} type
     * @param {(event: ChatEvent) => void} handler
     */
    on(type, handler) {
        const ptr0 = passStringToWasm0(type, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        wasm.chatclient_on(this.__wbg_ptr, ptr0, len0, handler);
    }
    /**
     * Opens (or finds) the direct chat with a user (`POST /chats`).
     * @param {string} user_id
     * @returns {Promise<Chat>}
     */
    openChat(user_id) {
        const ptr0 = passStringToWasm0(user_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_openChat(this.__wbg_ptr, ptr0, len0);
        return ret;
    }
    /**
     * Pins a message (`PUT /messages/{messageId}/pin`: lobby admins, either participant of
     * a chat; idempotent).
     * @param {string} message_id
     * @returns {Promise<void>}
     */
    pin(message_id) {
        const ptr0 = passStringToWasm0(message_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_pin(this.__wbg_ptr, ptr0, len0);
        return ret;
    }
    /**
     * Reacts to a message with an emoji or a `:shortcode:` for one
     * (`PUT /messages/{messageId}/reactions/{emoji}`; idempotent).
     * @param {string} message_id
     * @param {string} emoji
     * @returns {Promise<void>}
     */
    react(message_id, emoji) {
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(message_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(emoji, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.chatclient_react(this.__wbg_ptr, ptr0, len0, ptr1, len1);
        return ret;
    }
    /**
     * Who reacted to a message with `emoji`, first reacted first
     * (`GET /messages/{messageId}/reactions/{emoji}`).
     * @param {string} message_id
     * @param {string} emoji
     * @param {string | null} [after]
     * @param {number | null} [limit]
     * @returns {Promise<ReactorPage>}
     */
    reactors(message_id, emoji, after, limit) {
        const val4 = +(isLikeNone(limit) ? Number.MAX_SAFE_INTEGER : (limit) >>> 0);
        let ptr0, len0, ptr1, len1, ptr2, len2;
        try {
            ptr0 = passStringToWasm0(message_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(emoji, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
            ptr2 = isLikeNone(after) ? 0 : passStringToWasm0(after, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len2 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr2) { wasm.__wbindgen_free(ptr2, len2 * 1, 1); }
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.chatclient_reactors(this.__wbg_ptr, ptr0, len0, ptr1, len1, ptr2, len2, val4);
        return ret;
    }
    /**
     * Creates an account and signs in (`POST /auth/register`). The username and password
     * (and the display name, when given) are checked with the server's rules first.
     * @param {string} username
     * @param {string} password
     * @param {string | null} [display_name]
     * @returns {Promise<AuthResponse>}
     */
    register(username, password, display_name) {
        let ptr0, len0, ptr1, len1, ptr2, len2;
        try {
            ptr0 = passStringToWasm0(username, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(password, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
            ptr2 = isLikeNone(display_name) ? 0 : passStringToWasm0(display_name, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len2 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr2) { wasm.__wbindgen_free(ptr2, len2 * 1, 1); }
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.chatclient_register(this.__wbg_ptr, ptr0, len0, ptr1, len1, ptr2, len2);
        return ret;
    }
    /**
     * Posts a message to a direct chat (`POST /chats/{chatId}/messages`), answering
     * `replyTo` when given.
     * @param {string} chat_id
     * @param {string} content
     * @param {string | null} [reply_to]
     * @returns {Promise<Message>}
     */
    sendChatMessage(chat_id, content, reply_to) {
        let ptr0, len0, ptr1, len1, ptr2, len2;
        try {
            ptr0 = passStringToWasm0(chat_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(content, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
            ptr2 = isLikeNone(reply_to) ? 0 : passStringToWasm0(reply_to, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len2 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr2) { wasm.__wbindgen_free(ptr2, len2 * 1, 1); }
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.chatclient_sendChatMessage(this.__wbg_ptr, ptr0, len0, ptr1, len1, ptr2, len2);
        return ret;
    }
    /**
     * Sends a direct message to a user, opening the chat if needed
     * (`POST /users/{userId}/messages`).
     * @param {string} user_id
     * @param {string} content
     * @returns {Promise<Message>}
     */
    sendDirectMessage(user_id, content) {
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(user_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(content, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.chatclient_sendDirectMessage(this.__wbg_ptr, ptr0, len0, ptr1, len1);
        return ret;
    }
    /**
     * Posts a message to a lobby (`POST /lobbies/{lobbyId}/messages`); answers the stored
     * message. Safe against retries: the same message is never posted twice. With
     * `replyTo`, the message answers that message of the lobby and carries its preview.
     * @param {string} lobby_id
     * @param {string} content
     * @param {string | null} [reply_to]
     * @returns {Promise<Message>}
     */
    sendLobbyMessage(lobby_id, content, reply_to) {
        let ptr0, len0, ptr1, len1, ptr2, len2;
        try {
            ptr0 = passStringToWasm0(lobby_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(content, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
            ptr2 = isLikeNone(reply_to) ? 0 : passStringToWasm0(reply_to, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len2 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr2) { wasm.__wbindgen_free(ptr2, len2 * 1, 1); }
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.chatclient_sendLobbyMessage(this.__wbg_ptr, ptr0, len0, ptr1, len1, ptr2, len2);
        return ret;
    }
    /**
     * Uses a token kept from an earlier session (or `undefined` to forget it). A different
     * token closes the gateway and forgets its resume cursors.
     * @param {string | null} [token]
     */
    set token(token) {
        var ptr0 = isLikeNone(token) ? 0 : passStringToWasm0(token, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        var len0 = WASM_VECTOR_LEN;
        wasm.chatclient_set_token(this.__wbg_ptr, ptr0, len0);
    }
    /**
     * The bearer token in use (set by `login` and `register`), or `undefined`.
     * @returns {string | undefined}
     */
    get token() {
        const ret = wasm.chatclient_token(this.__wbg_ptr);
        let v1;
        if (ret[0] !== 0) {
            v1 = getStringFromWasm0(ret[0], ret[1]);
            wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        }
        return v1;
    }
    /**
     * Tells the conversation the user is typing. Call it on every keystroke: frames go out
     * at most once per 2.5 s per conversation. Answers whether a frame was sent.
     * @param {string} conversation_id
     * @returns {boolean}
     */
    typing(conversation_id) {
        const ptr0 = passStringToWasm0(conversation_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_typing(this.__wbg_ptr, ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return ret[0] !== 0;
    }
    /**
     * Unpins a message (`DELETE /messages/{messageId}/pin`; idempotent).
     * @param {string} message_id
     * @returns {Promise<void>}
     */
    unpin(message_id) {
        const ptr0 = passStringToWasm0(message_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_unpin(this.__wbg_ptr, ptr0, len0);
        return ret;
    }
    /**
     * Takes the user's reaction back (`DELETE /messages/{messageId}/reactions/{emoji}`;
     * idempotent).
     * @param {string} message_id
     * @param {string} emoji
     * @returns {Promise<void>}
     */
    unreact(message_id, emoji) {
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(message_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(emoji, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.chatclient_unreact(this.__wbg_ptr, ptr0, len0, ptr1, len1);
        return ret;
    }
    /**
     * One user (`GET /users/{userId}`).
     * @param {string} user_id
     * @returns {Promise<User>}
     */
    user(user_id) {
        const ptr0 = passStringToWasm0(user_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.chatclient_user(this.__wbg_ptr, ptr0, len0);
        return ret;
    }
    /**
     * Users whose name starts with `q` (`GET /users`), a page at a time: pass the previous
     * page's `next_cursor` as `after`.
     * @param {string | null} [q]
     * @param {string | null} [after]
     * @param {number | null} [limit]
     * @returns {Promise<UserPage>}
     */
    users(q, after, limit) {
        const val3 = +(isLikeNone(limit) ? Number.MAX_SAFE_INTEGER : (limit) >>> 0);
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = isLikeNone(q) ? 0 : passStringToWasm0(q, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = isLikeNone(after) ? 0 : passStringToWasm0(after, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.chatclient_users(this.__wbg_ptr, ptr0, len0, ptr1, len1, val3);
        return ret;
    }
}
if (Symbol.dispose) ChatClient.prototype[Symbol.dispose] = ChatClient.prototype.free;

/**
 * A history page a [`Timeline`] asks for: fetch it with `before` (`undefined`: the newest
 * page) and hand it back to `applyPage` with the page the server returned.
 */
export class HistoryRequest {
    static __wrap(ptr) {
        const obj = Object.create(HistoryRequest.prototype);
        obj.__wbg_ptr = ptr;
        HistoryRequestFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        HistoryRequestFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_historyrequest_free(ptr, 0);
    }
    /**
     * The `before` cursor to fetch with: a message id, or `undefined` for the newest page.
     * @returns {string | undefined}
     */
    get before() {
        const ret = wasm.historyrequest_before(this.__wbg_ptr);
        let v1;
        if (ret[0] !== 0) {
            v1 = getStringFromWasm0(ret[0], ret[1]);
            wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        }
        return v1;
    }
}
if (Symbol.dispose) HistoryRequest.prototype[Symbol.dispose] = HistoryRequest.prototype.free;

/**
 * One conversation's timeline: confirmed messages in `seq` order, then the local echoes of
 * sends not yet acknowledged, with the read cursor and unread count.
 */
export class Timeline {
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        TimelineFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_timeline_free(ptr, 0);
    }
    /**
     * The answer of a send (the stored message): its echo gives way to it. Returns whether
     * an echo was waiting.
     * @param {string} nonce
     * @param {Message} message
     * @returns {boolean}
     */
    acknowledge(nonce, message) {
        const ptr0 = passStringToWasm0(nonce, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.timeline_acknowledge(this.__wbg_ptr, ptr0, len0, message);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return ret[0] !== 0;
    }
    /**
     * Takes the counters a REST list gives (`Lobby.membership`, `Chat`): the read cursor,
     * the unread count, the newest message seq (`last_seq`) and the unread-mention count
     * (0 when omitted), as `applyState` does.
     * @param {number} read_seq
     * @param {number} unread_count
     * @param {number} last_message_seq
     * @param {number | null} [unread_mention_count]
     */
    applyCounts(read_seq, unread_count, last_message_seq, unread_mention_count) {
        const ret = wasm.timeline_applyCounts(this.__wbg_ptr, read_seq, unread_count, last_message_seq, !isLikeNone(unread_mention_count), isLikeNone(unread_mention_count) ? 0 : unread_mention_count);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * Applies a delete the page made (`deleteMessage` resolved), as if its
     * `message.deleted` event arrived: the message goes for good. Returns whether anything
     * shown changed.
     * @param {string} message_id
     * @param {number} message_seq
     * @returns {boolean}
     */
    applyDeleted(message_id, message_seq) {
        const val2 = +message_seq;
        const ptr0 = passStringToWasm0(message_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.timeline_applyDeleted(this.__wbg_ptr, ptr0, len0, val2);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return ret[0] !== 0;
    }
    /**
     * Applies an event a `ChatClient` handler received: message created, updated, deleted,
     * `read`, `resync_required`, `lobby.deleted` of this conversation; `ready` sets the user
     * and takes this conversation's counters. Other events are ignored. Returns whether
     * anything shown (entries or counters) may have changed. Throws a `ChatError`
     * (`bad_request`) when the object is not a server frame.
     * @param {ChatEvent} event
     * @returns {boolean}
     */
    applyFrame(event) {
        const ret = wasm.timeline_applyFrame(this.__wbg_ptr, event);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return ret[0] !== 0;
    }
    /**
     * Applies a message the page got from its own call (`editMessage`), as if its
     * `message.updated` event arrived: a newer edit held is kept. Returns whether anything
     * shown changed.
     * @param {Message} message
     * @returns {boolean}
     */
    applyMessage(message) {
        const ret = wasm.timeline_applyMessage(this.__wbg_ptr, message);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return ret[0] !== 0;
    }
    /**
     * Merges a history page (as `lobbyHistory` / `chatHistory` answer it) fetched for
     * `request`. Returns whether anything shown changed; a page asked for before a resync is
     * ignored.
     * @param {HistoryRequest} request
     * @param {MessagePage} page
     * @returns {boolean}
     */
    applyPage(request, page) {
        _assertClass(request, HistoryRequest);
        const ret = wasm.timeline_applyPage(this.__wbg_ptr, request.__wbg_ptr, page);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return ret[0] !== 0;
    }
    /**
     * Takes the server's counters from a `ConversationState` of `ready`: read cursor, unread
     * count, newest message seq. The state of another conversation is ignored.
     * @param {ConversationState} state
     */
    applyState(state) {
        const ret = wasm.timeline_applyState(this.__wbg_ptr, state);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * The conversation id.
     * @returns {string}
     */
    get conversationId() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.timeline_conversationId(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * Everything to show, in order: the confirmed messages by seq, then the pending sends.
     * @returns {TimelineEntry[]}
     */
    entries() {
        const ret = wasm.timeline_entries(this.__wbg_ptr);
        return ret;
    }
    /**
     * The message with this id, if it is held.
     * @param {string} message_id
     * @returns {Message | undefined}
     */
    find(message_id) {
        const ptr0 = passStringToWasm0(message_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.timeline_find(this.__wbg_ptr, ptr0, len0);
        return ret;
    }
    /**
     * The next history page to fetch, or `undefined` once history is paged back to the
     * first message.
     * @returns {HistoryRequest | undefined}
     */
    historyRequest() {
        const ret = wasm.timeline_historyRequest(this.__wbg_ptr);
        return ret === 0 ? undefined : HistoryRequest.__wrap(ret);
    }
    /**
     * Where paging back through history stands: `"newest"` (no page yet), `"before"` (older
     * pages remain) or `"start"` (all paged).
     * @returns {HistoryPosition}
     */
    get history() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.timeline_history(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * The number of confirmed messages held.
     * @returns {number}
     */
    get length() {
        const ret = wasm.timeline_length(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Moves the read cursor forward to message seq `seq` (never back) and recounts the
     * unread messages. Returns whether it moved: only then is there a cursor to send.
     * @param {number} seq
     * @returns {boolean}
     */
    markRead(seq) {
        const ret = wasm.timeline_markRead(this.__wbg_ptr, seq);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return ret[0] !== 0;
    }
    /**
     * The confirmed messages, oldest first.
     * @returns {Message[]}
     */
    messages() {
        const ret = wasm.timeline_messages(this.__wbg_ptr);
        return ret;
    }
    /**
     * An empty timeline of a conversation (a lobby or chat id), for the signed-in user `me`
     * (whose messages are never unread and whose sends have echoes), when known yet. Throws
     * a `ChatError` (`bad_request`) for a malformed id.
     * @param {string} conversation_id
     * @param {string | null} [me]
     */
    constructor(conversation_id, me) {
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(conversation_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = isLikeNone(me) ? 0 : passStringToWasm0(me, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.timeline_new(ptr0, len0, ptr1, len1);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        this.__wbg_ptr = ret[0];
        TimelineFinalization.register(this, this.__wbg_ptr, this);
        return this;
    }
    /**
     * The newest confirmed message, or `undefined`.
     * @returns {Message | undefined}
     */
    newest() {
        const ret = wasm.timeline_newest(this.__wbg_ptr);
        return ret;
    }
    /**
     * The oldest confirmed message held, or `undefined`.
     * @returns {Message | undefined}
     */
    oldest() {
        const ret = wasm.timeline_oldest(this.__wbg_ptr);
        return ret;
    }
    /**
     * The sends not acknowledged yet, oldest first.
     * @returns {PendingMessage[]}
     */
    pending() {
        const ret = wasm.timeline_pending(this.__wbg_ptr);
        return ret;
    }
    /**
     * Shows a send at once, as a pending entry, and returns its key (a fresh nonce) for
     * `acknowledge` or `removePending`. The key is the page's own: `ChatClient`'s send
     * methods pick their idempotency nonce themselves, and their answer is matched to the
     * echo by this key. Throws a `ChatError` (`validation_failed`) when the content breaks
     * the message rules.
     * @param {string} content
     * @returns {string}
     */
    pushPending(content) {
        let deferred3_0;
        let deferred3_1;
        try {
            const ptr0 = passStringToWasm0(content, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            const len0 = WASM_VECTOR_LEN;
            const ret = wasm.timeline_pushPending(this.__wbg_ptr, ptr0, len0);
            var ptr2 = ret[0];
            var len2 = ret[1];
            if (ret[3]) {
                ptr2 = 0; len2 = 0;
                throw takeFromExternrefTable0(ret[2]);
            }
            deferred3_0 = ptr2;
            deferred3_1 = len2;
            return getStringFromWasm0(ptr2, len2);
        } finally {
            wasm.__wbindgen_free(deferred3_0, deferred3_1, 1);
        }
    }
    /**
     * The read cursor: the message seq read up to.
     * @returns {number}
     */
    get readSeq() {
        const ret = wasm.timeline_readSeq(this.__wbg_ptr);
        return ret;
    }
    /**
     * A send failed: its echo goes. Returns its content (to offer it again), or `undefined`
     * when no echo had this key.
     * @param {string} nonce
     * @returns {string | undefined}
     */
    removePending(nonce) {
        const ptr0 = passStringToWasm0(nonce, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.timeline_removePending(this.__wbg_ptr, ptr0, len0);
        let v2;
        if (ret[0] !== 0) {
            v2 = getStringFromWasm0(ret[0], ret[1]);
            wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        }
        return v2;
    }
    /**
     * Drops the messages held and pages history again from the newest page (what a
     * `resync_required` event does); pending sends stay.
     */
    resync() {
        wasm.timeline_resync(this.__wbg_ptr);
    }
    /**
     * Sets the signed-in user (`applyFrame` does it with `ready`).
     * @param {string} user_id
     */
    setUser(user_id) {
        const ptr0 = passStringToWasm0(user_id, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.timeline_setUser(this.__wbg_ptr, ptr0, len0);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * Unread messages from others.
     * @returns {number}
     */
    get unreadCount() {
        const ret = wasm.timeline_unreadCount(this.__wbg_ptr);
        return ret;
    }
    /**
     * Unread messages that call the user (by name, `@here`, `@everyone`).
     * @returns {number}
     */
    get unreadMentionCount() {
        const ret = wasm.timeline_unreadMentionCount(this.__wbg_ptr);
        return ret;
    }
}
if (Symbol.dispose) Timeline.prototype[Symbol.dispose] = Timeline.prototype.free;

/**
 * Decodes the text of a server frame into an object with its `type` and fields, as
 * documented in `docs/PROTOCOL.md`. Throws a `ChatError` (`decode`) when the text is not a
 * frame of this protocol version.
 * @param {string} text
 * @returns {ServerFrame}
 */
export function decodeServerFrame(text) {
    const ptr0 = passStringToWasm0(text, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.decodeServerFrame(ptr0, len0);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return takeFromExternrefTable0(ret[0]);
}

/**
 * Encodes a client frame object (`{type: "typing", conversation_id: "…"}`) as the JSON text
 * to send on the WebSocket. Throws a `ChatError` (`bad_request`) when the object is not a
 * valid client frame: an unknown `type` or field, a malformed id, or a value breaking an
 * input rule.
 * @param {ClientFrame} frame
 * @returns {string}
 */
export function encodeClientFrame(frame) {
    let deferred2_0;
    let deferred2_1;
    try {
        const ret = wasm.encodeClientFrame(frame);
        var ptr1 = ret[0];
        var len1 = ret[1];
        if (ret[3]) {
            ptr1 = 0; len1 = 0;
            throw takeFromExternrefTable0(ret[2]);
        }
        deferred2_0 = ptr1;
        deferred2_1 = len1;
        return getStringFromWasm0(ptr1, len1);
    } finally {
        wasm.__wbindgen_free(deferred2_0, deferred2_1, 1);
    }
}

/**
 * The limits of the input rules: for each field, `min` and `max` characters (and the
 * password's `max_bytes`), e.g. `limits().message_content.max === 4000`.
 * @returns {Limits}
 */
export function limits() {
    const ret = wasm.limits();
    return ret;
}

/**
 * The emoji a reaction would store for `input` (an emoji or a `:shortcode:`), or
 * `undefined` when it names none.
 * @param {string} input
 * @returns {string | undefined}
 */
export function normalizeEmoji(input) {
    const ptr0 = passStringToWasm0(input, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.normalizeEmoji(ptr0, len0);
    let v2;
    if (ret[0] !== 0) {
        v2 = getStringFromWasm0(ret[0], ret[1]);
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
    }
    return v2;
}

/**
 * Normalizes a valid username the way the server stores it (lower case); `undefined` when
 * the username is not valid.
 * @param {string} input
 * @returns {string | undefined}
 */
export function normalizeUsername(input) {
    const ptr0 = passStringToWasm0(input, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.normalizeUsername(ptr0, len0);
    let v2;
    if (ret[0] !== 0) {
        v2 = getStringFromWasm0(ret[0], ret[1]);
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
    }
    return v2;
}

/**
 * Parses message content into the formatted-text tree every client renders from
 * (`Block[]`, see `chat_core::markup`): build DOM nodes from it, never HTML.
 * @param {string} content
 * @returns {Block[]}
 */
export function parseMarkup(content) {
    const ptr0 = passStringToWasm0(content, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.parseMarkup(ptr0, len0);
    return ret;
}

/**
 * Emojis whose name or shortcode contains `query` (all of them, in Unicode's order, for an
 * empty query), at most `limit`: an emoji picker's search, from the same data the server
 * checks reactions against.
 * @param {string} query
 * @param {number} limit
 * @returns {string[]}
 */
export function searchEmoji(query, limit) {
    const val2 = +limit;
    const ptr0 = passStringToWasm0(query, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.searchEmoji(ptr0, len0, val2);
    var v3 = getArrayJsValueFromWasm0(ret[0], ret[1]);
    wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
    return v3;
}

/**
 * Checks a user or lobby description: at most 500 characters, may be empty. Returns the
 * server's error sentence, or `undefined` when valid.
 * @param {string} input
 * @returns {string | undefined}
 */
export function validateDescription(input) {
    const ptr0 = passStringToWasm0(input, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.validateDescription(ptr0, len0);
    let v2;
    if (ret[0] !== 0) {
        v2 = getStringFromWasm0(ret[0], ret[1]);
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
    }
    return v2;
}

/**
 * Checks a display name: 1–64 characters after trimming, one line. Returns the server's
 * error sentence, or `undefined` when valid.
 * @param {string} input
 * @returns {string | undefined}
 */
export function validateDisplayName(input) {
    const ptr0 = passStringToWasm0(input, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.validateDisplayName(ptr0, len0);
    let v2;
    if (ret[0] !== 0) {
        v2 = getStringFromWasm0(ret[0], ret[1]);
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
    }
    return v2;
}

/**
 * Checks an e-mail address: one `@` between two non-empty parts, no white space, at most
 * 254 characters. Returns the server's error sentence, or `undefined` when valid.
 * @param {string} input
 * @returns {string | undefined}
 */
export function validateEmail(input) {
    const ptr0 = passStringToWasm0(input, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.validateEmail(ptr0, len0);
    let v2;
    if (ret[0] !== 0) {
        v2 = getStringFromWasm0(ret[0], ret[1]);
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
    }
    return v2;
}

/**
 * Checks a lobby name: 1–64 characters after trimming, one line. Returns the server's error
 * sentence, or `undefined` when valid.
 * @param {string} input
 * @returns {string | undefined}
 */
export function validateLobbyName(input) {
    const ptr0 = passStringToWasm0(input, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.validateLobbyName(ptr0, len0);
    let v2;
    if (ret[0] !== 0) {
        v2 = getStringFromWasm0(ret[0], ret[1]);
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
    }
    return v2;
}

/**
 * Checks message text: 1–4000 characters after trimming; newlines and tabs allowed, other
 * control characters not. Returns the server's error sentence, or `undefined` when valid.
 * @param {string} input
 * @returns {string | undefined}
 */
export function validateMessageContent(input) {
    const ptr0 = passStringToWasm0(input, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.validateMessageContent(ptr0, len0);
    let v2;
    if (ret[0] !== 0) {
        v2 = getStringFromWasm0(ret[0], ret[1]);
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
    }
    return v2;
}

/**
 * Checks a nonce (idempotency key): 1–64 printable ASCII characters. Returns the server's
 * error sentence, or `undefined` when valid.
 * @param {string} input
 * @returns {string | undefined}
 */
export function validateNonce(input) {
    const ptr0 = passStringToWasm0(input, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.validateNonce(ptr0, len0);
    let v2;
    if (ret[0] !== 0) {
        v2 = getStringFromWasm0(ret[0], ret[1]);
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
    }
    return v2;
}

/**
 * Checks a password: 8–128 characters, at most 72 bytes of UTF-8, no control characters.
 * Returns the server's error sentence, or `undefined` when valid.
 * @param {string} input
 * @returns {string | undefined}
 */
export function validatePassword(input) {
    const ptr0 = passStringToWasm0(input, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.validatePassword(ptr0, len0);
    let v2;
    if (ret[0] !== 0) {
        v2 = getStringFromWasm0(ret[0], ret[1]);
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
    }
    return v2;
}

/**
 * Checks an API token name: 1–64 characters after trimming, one line. Returns the server's
 * error sentence, or `undefined` when valid.
 * @param {string} input
 * @returns {string | undefined}
 */
export function validateTokenName(input) {
    const ptr0 = passStringToWasm0(input, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.validateTokenName(ptr0, len0);
    let v2;
    if (ret[0] !== 0) {
        v2 = getStringFromWasm0(ret[0], ret[1]);
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
    }
    return v2;
}

/**
 * Checks a username: 3–32 characters of `a-z`, `A-Z`, `0-9`, `_`, `.`, `-` (stored in lower
 * case). Returns the server's error sentence, or `undefined` when valid.
 * @param {string} input
 * @returns {string | undefined}
 */
export function validateUsername(input) {
    const ptr0 = passStringToWasm0(input, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.validateUsername(ptr0, len0);
    let v2;
    if (ret[0] !== 0) {
        v2 = getStringFromWasm0(ret[0], ret[1]);
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
    }
    return v2;
}
function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg___wbindgen_is_function_741ff2bb612836f5: function(arg0) {
            const ret = typeof(arg0) === 'function';
            return ret;
        },
        __wbg___wbindgen_is_undefined_be5b34249ff1fc15: function(arg0) {
            const ret = arg0 === undefined;
            return ret;
        },
        __wbg___wbindgen_string_get_7ce8eee7fd327545: function(arg0, arg1) {
            const obj = arg1;
            const ret = typeof(obj) === 'string' ? obj : undefined;
            var ptr1 = isLikeNone(ret) ? 0 : passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            var len1 = WASM_VECTOR_LEN;
            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
        },
        __wbg___wbindgen_throw_4c88d8bf264fd984: function(arg0, arg1) {
            throw new Error(getStringFromWasm0(arg0, arg1));
        },
        __wbg__wbg_cb_unref_09736879a3f67559: function(arg0) {
            arg0._wbg_cb_unref();
        },
        __wbg_call_a410eb4b59ed5965: function() { return handleError(function (arg0, arg1, arg2) {
            const ret = arg0.call(arg1, arg2);
            return ret;
        }, arguments); },
        __wbg_clearInterval_7edb1c20c3aa475f: function(arg0) {
            clearInterval(arg0);
        },
        __wbg_clearTimeout_47181ab1316c244a: function(arg0) {
            clearTimeout(arg0);
        },
        __wbg_close_297c4419d0990129: function() { return handleError(function (arg0, arg1) {
            arg0.close(arg1);
        }, arguments); },
        __wbg_code_3e6881d821eab2c4: function(arg0) {
            const ret = arg0.code;
            return ret;
        },
        __wbg_data_c7e5e8500f1bca2f: function(arg0) {
            const ret = arg0.data;
            return ret;
        },
        __wbg_error_7200365cb00c6a85: function(arg0) {
            console.error(arg0);
        },
        __wbg_fetch_3d680fd1cfb0836b: function(arg0) {
            const ret = fetch(arg0);
            return ret;
        },
        __wbg_get_2080c49015e35254: function() { return handleError(function (arg0, arg1) {
            const ret = Reflect.get(arg0, arg1);
            return ret;
        }, arguments); },
        __wbg_instanceof_Error_74e3cca0c4a69161: function(arg0) {
            let result;
            try {
                result = arg0 instanceof Error;
            } catch (_) {
                result = false;
            }
            const ret = result;
            return ret;
        },
        __wbg_instanceof_Response_5b0b4f7f1daeae51: function(arg0) {
            let result;
            try {
                result = arg0 instanceof Response;
            } catch (_) {
                result = false;
            }
            const ret = result;
            return ret;
        },
        __wbg_is_2248ff2b575d60c7: function(arg0, arg1) {
            const ret = Object.is(arg0, arg1);
            return ret;
        },
        __wbg_message_43d8c8f1d543a349: function(arg0) {
            const ret = arg0.message;
            return ret;
        },
        __wbg_new_277c27c26f94cbc2: function() { return handleError(function () {
            const ret = new Headers();
            return ret;
        }, arguments); },
        __wbg_new_787b9fb330d55d78: function(arg0, arg1) {
            const ret = new Error(getStringFromWasm0(arg0, arg1));
            return ret;
        },
        __wbg_new_ba40181b3f24ac80: function(arg0, arg1) {
            try {
                var state0 = {a: arg0, b: arg1};
                var cb0 = (arg0, arg1) => {
                    const a = state0.a;
                    state0.a = 0;
                    try {
                        return wasm_bindgen__convert__closures_____invoke__h15bb1ff319cd8aa6(a, state0.b, arg0, arg1);
                    } finally {
                        state0.a = a;
                    }
                };
                const ret = new Promise(cb0);
                return ret;
            } finally {
                state0.a = 0;
            }
        },
        __wbg_new_cd4348290afae586: function() {
            const ret = new Object();
            return ret;
        },
        __wbg_new_d72daa1c90ded389: function() { return handleError(function (arg0, arg1) {
            const ret = new WebSocket(getStringFromWasm0(arg0, arg1));
            return ret;
        }, arguments); },
        __wbg_new_typed_e09da9dae6ee5935: function(arg0, arg1) {
            try {
                var state0 = {a: arg0, b: arg1};
                var cb0 = (arg0, arg1) => {
                    const a = state0.a;
                    state0.a = 0;
                    try {
                        return wasm_bindgen__convert__closures_____invoke__h15bb1ff319cd8aa6(a, state0.b, arg0, arg1);
                    } finally {
                        state0.a = a;
                    }
                };
                const ret = new Promise(cb0);
                return ret;
            } finally {
                state0.a = 0;
            }
        },
        __wbg_new_with_str_and_init_d9f6b5611184e16b: function() { return handleError(function (arg0, arg1, arg2) {
            const ret = new Request(getStringFromWasm0(arg0, arg1), arg2);
            return ret;
        }, arguments); },
        __wbg_now_463ac581d2fc7ea3: function() {
            const ret = Date.now();
            return ret;
        },
        __wbg_ok_670a05555db5f713: function(arg0) {
            const ret = arg0.ok;
            return ret;
        },
        __wbg_parse_c3f72b5a24f83c01: function() { return handleError(function (arg0, arg1) {
            const ret = JSON.parse(getStringFromWasm0(arg0, arg1));
            return ret;
        }, arguments); },
        __wbg_queueMicrotask_1e8503a8a690f0a3: function(arg0) {
            const ret = arg0.queueMicrotask;
            return ret;
        },
        __wbg_queueMicrotask_4a1a4d8dd332373b: function(arg0) {
            queueMicrotask(arg0);
        },
        __wbg_random_df36b90cd78a7d54: function() {
            const ret = Math.random();
            return ret;
        },
        __wbg_reason_34b16516ab3f72d4: function(arg0, arg1) {
            const ret = arg1.reason;
            const ptr1 = passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            const len1 = WASM_VECTOR_LEN;
            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
        },
        __wbg_reject_334b730b3c00849b: function(arg0) {
            const ret = Promise.reject(arg0);
            return ret;
        },
        __wbg_resolve_dbf78ab4942478b0: function(arg0) {
            const ret = Promise.resolve(arg0);
            return ret;
        },
        __wbg_send_cd51063ca1be4d0f: function() { return handleError(function (arg0, arg1, arg2) {
            arg0.send(getStringFromWasm0(arg1, arg2));
        }, arguments); },
        __wbg_setInterval_d07f760f684a40d4: function(arg0, arg1) {
            const ret = setInterval(arg0, arg1);
            return ret;
        },
        __wbg_setTimeout_b8e9a5b13c61323c: function(arg0, arg1) {
            const ret = setTimeout(arg0, arg1);
            return ret;
        },
        __wbg_set_2793479888329cb6: function() { return handleError(function (arg0, arg1, arg2) {
            const ret = Reflect.set(arg0, arg1, arg2);
            return ret;
        }, arguments); },
        __wbg_set_bcb0ec2400cfa22e: function() { return handleError(function (arg0, arg1, arg2, arg3, arg4) {
            arg0.set(getStringFromWasm0(arg1, arg2), getStringFromWasm0(arg3, arg4));
        }, arguments); },
        __wbg_set_body_877d5251e78ca815: function(arg0, arg1) {
            arg0.body = arg1;
        },
        __wbg_set_headers_6d75a7df4eb22716: function(arg0, arg1) {
            arg0.headers = arg1;
        },
        __wbg_set_method_639e69af35614d36: function(arg0, arg1, arg2) {
            arg0.method = getStringFromWasm0(arg1, arg2);
        },
        __wbg_set_name_822e3903f3184979: function(arg0, arg1, arg2) {
            arg0.name = getStringFromWasm0(arg1, arg2);
        },
        __wbg_set_onclose_078935cf8d0fb024: function(arg0, arg1) {
            arg0.onclose = arg1;
        },
        __wbg_set_onmessage_26abc49cfa5f9ffc: function(arg0, arg1) {
            arg0.onmessage = arg1;
        },
        __wbg_set_onopen_757be120cc7b1ea6: function(arg0, arg1) {
            arg0.onopen = arg1;
        },
        __wbg_static_accessor_GLOBAL_THIS_003ee833af9699fc: function() {
            const ret = typeof globalThis === 'undefined' ? undefined : globalThis;
            return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
        },
        __wbg_static_accessor_GLOBAL_e4293fb22cbe77da: function() {
            const ret = typeof global === 'undefined' ? undefined : global;
            return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
        },
        __wbg_static_accessor_SELF_53bb20457401453d: function() {
            const ret = typeof self === 'undefined' ? undefined : self;
            return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
        },
        __wbg_static_accessor_WINDOW_b5e0810bfecb7feb: function() {
            const ret = typeof window === 'undefined' ? undefined : window;
            return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
        },
        __wbg_status_cb85b6c8d1769fa1: function(arg0) {
            const ret = arg0.status;
            return ret;
        },
        __wbg_stringify_0a0fbf2ef722380a: function() { return handleError(function (arg0) {
            const ret = JSON.stringify(arg0);
            return ret;
        }, arguments); },
        __wbg_text_5240eb2c41de8292: function() { return handleError(function (arg0) {
            const ret = arg0.text();
            return ret;
        }, arguments); },
        __wbg_then_656f253a5dd7d8ea: function(arg0, arg1, arg2) {
            const ret = arg0.then(arg1, arg2);
            return ret;
        },
        __wbg_then_e3f7f2d365708be8: function(arg0, arg1) {
            const ret = arg0.then(arg1);
            return ret;
        },
        __wbindgen_generic_0000000000000001: function(arg0, arg1) {
            // Cast intrinsic for `Closure(Closure { owned: true, function: Function { arguments: [Externref], shim_idx: 324, ret: Result(Unit), inner_ret: Some(Result(Unit)) }, mutable: true }) -> Externref`.
            const ret = makeMutClosure(arg0, arg1, wasm_bindgen__convert__closures_____invoke__hd4b3e6f49c6065ea);
            return ret;
        },
        __wbindgen_generic_0000000000000002: function(arg0, arg1) {
            // Cast intrinsic for `Closure(Closure { owned: true, function: Function { arguments: [NamedExternref("CloseEvent")], shim_idx: 2, ret: Unit, inner_ret: Some(Unit) }, mutable: true }) -> Externref`.
            const ret = makeMutClosure(arg0, arg1, wasm_bindgen__convert__closures_____invoke__h3ac8bc90b011aac2);
            return ret;
        },
        __wbindgen_generic_0000000000000003: function(arg0, arg1) {
            // Cast intrinsic for `Closure(Closure { owned: true, function: Function { arguments: [NamedExternref("MessageEvent")], shim_idx: 2, ret: Unit, inner_ret: Some(Unit) }, mutable: true }) -> Externref`.
            const ret = makeMutClosure(arg0, arg1, wasm_bindgen__convert__closures_____invoke__h3ac8bc90b011aac2_93);
            return ret;
        },
        __wbindgen_generic_0000000000000004: function(arg0, arg1) {
            // Cast intrinsic for `Closure(Closure { owned: true, function: Function { arguments: [], shim_idx: 3, ret: Unit, inner_ret: Some(Unit) }, mutable: true }) -> Externref`.
            const ret = makeMutClosure(arg0, arg1, wasm_bindgen__convert__closures_____invoke__h8cfa28aa4c4891e1);
            return ret;
        },
        __wbindgen_generic_0000000000000005: function(arg0) {
            // Cast intrinsic for `F64 -> Externref`.
            const ret = arg0;
            return ret;
        },
        __wbindgen_generic_0000000000000006: function(arg0, arg1) {
            // Cast intrinsic for `Ref(String) -> Externref`.
            const ret = getStringFromWasm0(arg0, arg1);
            return ret;
        },
        __wbindgen_init_externref_table: function() {
            const table = wasm.__wbindgen_externrefs;
            table.set(0, undefined);
            table.set(1024, undefined);
            table.set(1025, null);
            table.set(1026, true);
            table.set(1027, false);
        },
    };
    return {
        __proto__: null,
        "./chat_wasm_bg.js": import0,
    };
}

function wasm_bindgen__convert__closures_____invoke__h8cfa28aa4c4891e1(arg0, arg1) {
    wasm.wasm_bindgen__convert__closures_____invoke__h8cfa28aa4c4891e1(arg0, arg1);
}

function wasm_bindgen__convert__closures_____invoke__h3ac8bc90b011aac2(arg0, arg1, arg2) {
    wasm.wasm_bindgen__convert__closures_____invoke__h3ac8bc90b011aac2(arg0, arg1, arg2);
}

function wasm_bindgen__convert__closures_____invoke__h3ac8bc90b011aac2_93(arg0, arg1, arg2) {
    wasm.wasm_bindgen__convert__closures_____invoke__h3ac8bc90b011aac2_93(arg0, arg1, arg2);
}

function wasm_bindgen__convert__closures_____invoke__hd4b3e6f49c6065ea(arg0, arg1, arg2) {
    const ret = wasm.wasm_bindgen__convert__closures_____invoke__hd4b3e6f49c6065ea(arg0, arg1, arg2);
    if (ret[1]) {
        throw takeFromExternrefTable0(ret[0]);
    }
}

function wasm_bindgen__convert__closures_____invoke__h15bb1ff319cd8aa6(arg0, arg1, arg2, arg3) {
    wasm.wasm_bindgen__convert__closures_____invoke__h15bb1ff319cd8aa6(arg0, arg1, arg2, arg3);
}

const ChatClientFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_chatclient_free(ptr, 1));
const HistoryRequestFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_historyrequest_free(ptr, 1));
const TimelineFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_timeline_free(ptr, 1));

function addToExternrefTable0(obj) {
    const idx = wasm.__externref_table_alloc();
    wasm.__wbindgen_externrefs.set(idx, obj);
    return idx;
}

function _assertClass(instance, klass) {
    if (!(instance instanceof klass)) {
        throw new Error(`expected instance of ${klass.name}`);
    }
}

const CLOSURE_DTORS = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(state => wasm.__wbindgen_destroy_closure(state.a, state.b));

function getArrayJsValueFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    const mem = getDataViewMemory0();
    const result = [];
    for (let i = ptr; i < ptr + 4 * len; i += 4) {
        result.push(wasm.__wbindgen_externrefs.get(mem.getUint32(i, true)));
    }
    wasm.__externref_drop_slice(ptr, len);
    return result;
}

let cachedDataViewMemory0 = null;
function getDataViewMemory0() {
    if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer.detached === true || (cachedDataViewMemory0.buffer.detached === undefined && cachedDataViewMemory0.buffer !== wasm.memory.buffer)) {
        cachedDataViewMemory0 = new DataView(wasm.memory.buffer);
    }
    return cachedDataViewMemory0;
}

function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}

let cachedUint8ArrayMemory0 = null;
function getUint8ArrayMemory0() {
    if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.byteLength === 0) {
        cachedUint8ArrayMemory0 = new Uint8Array(wasm.memory.buffer);
    }
    return cachedUint8ArrayMemory0;
}

function handleError(f, args) {
    try {
        return f.apply(this, args);
    } catch (e) {
        const idx = addToExternrefTable0(e);
        wasm.__wbindgen_exn_store(idx);
    }
}

function isLikeNone(x) {
    return x === undefined || x === null;
}

function makeMutClosure(arg0, arg1, f) {
    const state = { a: arg0, b: arg1, cnt: 1 };
    const real = (...args) => {

        // First up with a closure we increment the internal reference
        // count. This ensures that the Rust closure environment won't
        // be deallocated while we're invoking it.
        state.cnt++;
        const a = state.a;
        state.a = 0;
        try {
            return f(a, state.b, ...args);
        } finally {
            state.a = a;
            real._wbg_cb_unref();
        }
    };
    real._wbg_cb_unref = () => {
        if (--state.cnt === 0) {
            wasm.__wbindgen_destroy_closure(state.a, state.b);
            state.a = 0;
            CLOSURE_DTORS.unregister(state);
        }
    };
    CLOSURE_DTORS.register(real, state, state);
    return real;
}

function passStringToWasm0(arg, malloc, realloc) {
    if (realloc === undefined) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr;
    }

    let len = arg.length;
    let ptr = malloc(len, 1) >>> 0;

    const mem = getUint8ArrayMemory0();

    let offset = 0;

    for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 0x7F) break;
        mem[ptr + offset] = code;
    }
    if (offset !== len) {
        if (offset !== 0) {
            arg = arg.slice(offset);
        }
        ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
        const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
        const ret = cachedTextEncoder.encodeInto(arg, view);

        offset += ret.written;
        ptr = realloc(ptr, len, offset, 1) >>> 0;
    }

    WASM_VECTOR_LEN = offset;
    return ptr;
}

function takeFromExternrefTable0(idx) {
    const value = wasm.__wbindgen_externrefs.get(idx);
    wasm.__externref_table_dealloc(idx);
    return value;
}

let cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
cachedTextDecoder.decode();
const MAX_SAFARI_DECODE_BYTES = 2146435072;
let numBytesDecoded = 0;
function decodeText(bytes) {
    numBytesDecoded += bytes.length;
    if (numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {
        cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
        cachedTextDecoder.decode();
        numBytesDecoded = bytes.length;
    }
    return cachedTextDecoder.decode(bytes);
}

const cachedTextEncoder = new TextEncoder();

if (!('encodeInto' in cachedTextEncoder)) {
    cachedTextEncoder.encodeInto = function (arg, view) {
        const buf = cachedTextEncoder.encode(arg);
        view.set(buf);
        return {
            read: arg.length,
            written: buf.length
        };
    };
}

let WASM_VECTOR_LEN = 0;

let wasmModule, wasmInstance, wasm;
function __wbg_finalize_init(instance, module) {
    wasmInstance = instance;
    wasm = instance.exports;
    wasmModule = module;
    cachedDataViewMemory0 = null;
    cachedUint8ArrayMemory0 = null;
    wasm.__wbindgen_start();
    return wasm;
}

async function __wbg_load(module, imports) {
    if (typeof Response === 'function' && module instanceof Response) {
        if (!module.ok) {
            throw new Error(`failed to fetch Wasm: ${module.status} ${module.statusText} fetching '${module.url}'`);
        }

        if (typeof WebAssembly.instantiateStreaming === 'function') {
            try {
                return await WebAssembly.instantiateStreaming(module, imports);
            } catch (e) {
                const validResponse = expectedResponseType(module.type);

                if (validResponse && module.headers.get('Content-Type') !== 'application/wasm') {
                    console.warn("`WebAssembly.instantiateStreaming` failed because your server does not serve Wasm with `application/wasm` MIME type. Falling back to `WebAssembly.instantiate` which is slower. Original error:\n", e);

                } else { throw e; }
            }
        }

        const bytes = await module.arrayBuffer();
        return await WebAssembly.instantiate(bytes, imports);
    } else {
        const instance = await WebAssembly.instantiate(module, imports);

        if (instance instanceof WebAssembly.Instance) {
            return { instance, module };
        } else {
            return instance;
        }
    }

    function expectedResponseType(type) {
        switch (type) {
            case 'basic': case 'cors': case 'default': return true;
        }
        return false;
    }
}

function initSync(module) {
    if (wasm !== undefined) return wasm;


    if (module !== undefined) {
        if (Object.getPrototypeOf(module) === Object.prototype) {
            ({module} = module)
        } else {
            console.warn('using deprecated parameters for `initSync()`; pass a single object instead')
        }
    }

    const imports = __wbg_get_imports();
    if (!(module instanceof WebAssembly.Module)) {
        module = new WebAssembly.Module(module);
    }
    const instance = new WebAssembly.Instance(module, imports);
    return __wbg_finalize_init(instance, module);
}

let __wbg_init_promise;
async function __wbg_init(module_or_path) {
    if (wasm !== undefined) return wasm;
    if (__wbg_init_promise === undefined) {
        __wbg_init_promise = __wbg_init_once(module_or_path);
        __wbg_init_promise.catch(() => { __wbg_init_promise = undefined; });
    }
    return __wbg_init_promise;
}

async function __wbg_init_once(module_or_path) {

    if (module_or_path !== undefined) {
        if (Object.getPrototypeOf(module_or_path) === Object.prototype) {
            ({module_or_path} = module_or_path)
        } else {
            console.warn('using deprecated parameters for the initialization function; pass a single object instead')
        }
    }

    if (module_or_path === undefined) {
        module_or_path = new URL('chat_wasm_bg.wasm', import.meta.url);
    }
    const imports = __wbg_get_imports();

    if (typeof module_or_path === 'string' || (typeof Request === 'function' && module_or_path instanceof Request) || (typeof URL === 'function' && module_or_path instanceof URL)) {
        module_or_path = fetch(module_or_path);
    }

    const { instance, module } = await __wbg_load(await module_or_path, imports);

    return __wbg_finalize_init(instance, module);
}

export { initSync, __wbg_init as default };
