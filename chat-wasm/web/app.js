// The browser client: plain JavaScript on the chat-wasm bundle. All protocol work (REST,
// the WebSocket gateway with resume, validation) happens in ChatClient, and each
// conversation's messages, pending sends, read cursor and unread count live in a Timeline
// (chat-sync's, the model the Rust SDK and the TUI use): this file feeds it pages, events and
// sends, and draws what it holds. Text from the server is only ever set with textContent.

import init, {
  ChatClient,
  Timeline,
  validateUsername,
  validatePassword,
  validateDisplayName,
  validateLobbyName,
  validateDescription,
  validateMessageContent,
  limits,
  searchEmoji,
  normalizeEmoji,
  parseMarkup,
} from "./pkg/chat_wasm.js";

const TOKEN_KEY = "chat.token";
const TYPING_SHOWN_MS = 6000;
const EMOJI_RESULTS = 40;
const MENTION_RESULTS = 8;
const MENTION_PAGE = 30;
/** Lobby members fetched for the @-autocomplete, at most (pages of 100). */
const MEMBERS_FOR_COMPLETION = 500;

const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function show(id, visible) {
  $(id).hidden = !visible;
}

/** View state. */
const state = {
  me: null,
  lobbies: new Map(), // id -> Lobby
  chats: new Map(), // id -> Chat
  timelines: new Map(), // conversation id -> Timeline: messages, echoes, read cursor, unread
  online: new Set(),
  active: null, // { kind: "lobby" | "chat", id }
  typing: new Map(), // user id -> timer, in the active conversation
  names: new Map(), // user id -> display name
  browseCursor: null,
  replyTo: null, // { id, name, excerpt }: the message the composer answers
  pinsOpen: false, // the pins panel of the active conversation is shown
  pinsLoad: 0, // the newest pins request; older answers are dropped
  picker: null, // { messageId, opener }: the message the emoji picker reacts to
  members: new Map(), // lobby id -> Promise<User[]>: the @-autocomplete's candidates
  complete: null, // { start, end, options, index }: the open @-autocomplete popup
  inboxOpen: false, // the mentions inbox is the main panel
  inboxCursor: null, // the inbox's next_cursor, when older mentions remain
  inboxLoad: 0, // the newest inbox request; older answers are dropped
};

let client;

// ---------- start ----------

async function main() {
  await init();
  client = new ChatClient("");
  wireAuth();
  wireApp();
  const token = localStorage.getItem(TOKEN_KEY);
  if (token) {
    client.token = token;
    try {
      await enter(await client.me());
      return;
    } catch (error) {
      localStorage.removeItem(TOKEN_KEY);
      client.token = undefined;
    }
  }
  showAuth();
}

function showAuth() {
  setMode(false);
  show("loading", false);
  show("app", false);
  show("auth", true);
  $("username").focus();
}

// ---------- sign in / register ----------

let registering = false;

function setMode(register) {
  registering = register;
  $("tab-login").classList.toggle("active", !register);
  $("tab-register").classList.toggle("active", register);
  show("display-name-row", register);
  $("auth-submit").textContent = register ? "Create account" : "Sign in";
  $("password").autocomplete = register ? "new-password" : "current-password";
  $("auth-error").textContent = "";
  validateAuth(false);
}

function wireAuth() {
  $("tab-login").addEventListener("click", () => setMode(false));
  $("tab-register").addEventListener("click", () => setMode(true));
  for (const id of ["username", "password", "display-name"]) {
    $(id).addEventListener("input", () => validateAuth(false));
  }
  $("auth-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("auth-error").textContent = "";
    if (!validateAuth(true)) return;
    const username = $("username").value;
    const password = $("password").value;
    $("auth-submit").disabled = true;
    try {
      const auth = registering
        ? await client.register(username, password, $("display-name").value || undefined)
        : await client.login(username, password);
      localStorage.setItem(TOKEN_KEY, auth.token);
      $("password").value = "";
      await enter(auth.user);
    } catch (error) {
      $("auth-error").textContent = error.code === "unauthorized"
        ? "Wrong username or password."
        : error.message;
    } finally {
      $("auth-submit").disabled = false;
    }
  });
}

/** Shows the validators' sentences; only when registering are the rules enforced here. */
function validateAuth(submitting) {
  const hint = (id, problem, value) => {
    $(id).textContent = value || submitting ? problem || "" : "";
    return !problem;
  };
  if (!registering) {
    hint("username-hint", "", "");
    hint("password-hint", "", "");
    hint("display-name-hint", "", "");
    return $("username").value.trim() !== "" && $("password").value !== "";
  }
  const username = $("username").value;
  const password = $("password").value;
  const display = $("display-name").value;
  const ok = [
    hint("username-hint", validateUsername(username), username),
    hint("password-hint", validatePassword(password), password),
    hint("display-name-hint", display.trim() ? validateDisplayName(display) : undefined, display),
  ];
  return ok.every(Boolean);
}

// ---------- the app ----------

async function enter(me) {
  state.me = me;
  state.names.set(me.id, me.display_name);
  $("me-name").textContent = me.display_name;
  $("me-username").textContent = "@" + me.username;
  show("loading", false);
  show("auth", false);
  show("app", true);
  showPanel("empty");
  await Promise.all([loadLobbies(), loadChats()]);
  client.off("*");
  client.on("*", onEvent);
  try {
    await client.connect();
  } catch (error) {
    if (error.code === "unauthorized") return signOut();
    setStatus("Offline: " + error.message + ". Reload to try again.");
  }
}

async function signOut() {
  try {
    await client.logout();
  } catch (_) {
    // Signing out locally is what matters.
  }
  localStorage.removeItem(TOKEN_KEY);
  state.lobbies.clear();
  state.chats.clear();
  state.timelines.clear();
  state.members.clear();
  state.active = null;
  showAuth();
}

function wireApp() {
  $("logout").addEventListener("click", signOut);
  $("new-lobby").addEventListener("click", () => {
    showPanel("create");
    $("lobby-name").focus();
  });
  $("browse-lobbies").addEventListener("click", () => openBrowse());
  $("new-chat").addEventListener("click", () => {
    showPanel("people");
    $("people-search").value = "";
    searchPeople();
    $("people-search").focus();
  });
  $("browse-search").addEventListener("input", debounce(() => openBrowse(true), 250));
  $("browse-more").addEventListener("click", () => loadBrowse(false));
  $("people-search").addEventListener("input", debounce(searchPeople, 250));
  $("load-older").addEventListener("click", loadOlder);
  $("leave-lobby").addEventListener("click", leaveActive);
  $("delete-chat").addEventListener("click", deleteActiveChat);

  const lobbyName = $("lobby-name");
  const lobbyDescription = $("lobby-description");
  lobbyName.maxLength = limits().lobby_name.max;
  lobbyDescription.maxLength = limits().description.max;
  lobbyName.addEventListener("input", () => {
    $("lobby-name-hint").textContent = validateLobbyName(lobbyName.value) || "";
  });
  lobbyDescription.addEventListener("input", () => {
    $("lobby-description-hint").textContent = validateDescription(lobbyDescription.value) || "";
  });
  $("create-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const problem = validateLobbyName(lobbyName.value) || validateDescription(lobbyDescription.value);
    $("create-error").textContent = problem || "";
    if (problem) return;
    try {
      const lobby = await client.createLobby(
        lobbyName.value,
        lobbyDescription.value || undefined,
        $("lobby-private").checked ? "private" : "public",
      );
      lobbyName.value = "";
      lobbyDescription.value = "";
      $("lobby-private").checked = false;
      state.lobbies.set(lobby.id, lobby);
      trackLobby(lobby);
      renderLists();
      openConversation("lobby", lobby.id);
    } catch (error) {
      $("create-error").textContent = error.message;
    }
  });

  const input = $("composer-input");
  input.maxLength = limits().message_content.max;
  input.addEventListener("input", () => {
    autosize(input);
    $("composer-error").textContent = "";
    if (state.active && input.value.trim()) client.typing(state.active.id);
    updateCompletion();
  });
  // The caret moving may enter or leave an @name.
  input.addEventListener("click", updateCompletion);
  input.addEventListener("keyup", (event) => {
    if (["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) updateCompletion();
  });
  input.addEventListener("blur", closeCompletion);
  input.addEventListener("keydown", (event) => {
    if (completionKey(event)) return;
    if (event.key === "Escape" && state.replyTo) {
      event.preventDefault();
      setReply(null);
      return;
    }
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!state.active) return;
    const text = input.value;
    const problem = validateMessageContent(text);
    if (problem) {
      $("composer-error").textContent = text.trim() ? problem : "";
      return;
    }
    const { kind, id } = state.active;
    const timeline = timelineOf(id);
    const reply = state.replyTo;
    // Shown at once; the stored message (or its live event) takes the echo's place.
    const nonce = timeline.pushPending(text);
    input.value = "";
    closeCompletion();
    autosize(input);
    setReply(null);
    renderTimeline({ toEnd: true });
    try {
      const replyTo = reply ? reply.id : undefined;
      const message = kind === "lobby"
        ? await client.sendLobbyMessage(id, text, replyTo)
        : await client.sendChatMessage(id, text, replyTo);
      timeline.acknowledge(nonce, message);
      if (isActive(id)) {
        renderTimeline();
        markRead(message.seq);
      }
    } catch (error) {
      timeline.removePending(nonce);
      if (isActive(id)) {
        renderTimeline();
        if (!input.value) input.value = text;
        if (reply && !state.replyTo) setReply(reply);
        $("composer-error").textContent = error.message;
      }
    }
  });

  $("reply-cancel").addEventListener("click", () => {
    setReply(null);
    input.focus();
  });
  $("pins-toggle").addEventListener("click", () => setPinsOpen(!state.pinsOpen));
  $("mentions-toggle").addEventListener("click", openInbox);
  $("inbox-more").addEventListener("click", () => loadInbox(false));
  $("pins-close").addEventListener("click", () => {
    setPinsOpen(false);
    $("pins-toggle").focus();
  });
  wirePicker();

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") readToEnd();
  });
}

/** The main area's panels; one shows at a time. */
const PANELS = ["empty", "conversation", "browse", "create", "people", "inbox"];

function setStatus(text) {
  $("status").textContent = text || "";
  show("status", Boolean(text));
}

function showPanel(id) {
  for (const panel of PANELS) show(panel, panel === id);
  state.inboxOpen = id === "inbox";
  $("mentions-toggle").classList.toggle("active", state.inboxOpen);
  closeCompletion();
  if (id !== "conversation") {
    closePicker(false);
    setReply(null);
    setPinsOpen(false);
    state.active = null;
    renderLists();
  }
}

// ---------- lists ----------

async function loadLobbies() {
  const { items } = await client.myLobbies();
  state.lobbies = new Map(items.map((lobby) => [lobby.id, lobby]));
  for (const lobby of items) trackLobby(lobby);
  renderLists();
}

async function loadChats() {
  const { items } = await client.chats();
  state.chats = new Map(items.map((chat) => [chat.id, chat]));
  for (const chat of items) {
    trackChat(chat);
    state.names.set(chat.partner.id, chat.partner.display_name);
  }
  renderLists();
}

// ---------- timelines ----------

/** The timeline of a conversation, made on first use. */
function timelineOf(id) {
  let timeline = state.timelines.get(id);
  if (!timeline) {
    timeline = new Timeline(id, state.me ? state.me.id : undefined);
    state.timelines.set(id, timeline);
  }
  return timeline;
}

/** A conversation first seen in a list starts from the list's counters; once tracked, its
 *  timeline follows the live events (and `ready`) instead. */
function track(id, readSeq, unreadCount, lastSeq, unreadMentionCount) {
  if (!state.timelines.has(id)) {
    timelineOf(id).applyCounts(readSeq, unreadCount, lastSeq, unreadMentionCount || 0);
  }
}

function trackLobby(lobby) {
  const membership = lobby.membership;
  track(
    lobby.id,
    membership ? membership.read_seq : 0,
    membership ? membership.unread_count : 0,
    lobby.last_seq,
    membership ? membership.unread_mention_count : 0,
  );
}

function trackChat(chat) {
  track(chat.id, chat.read_seq, chat.unread_count, chat.last_seq, chat.unread_mention_count);
}

function forget(id) {
  state.timelines.delete(id);
}

function unreadOf(id) {
  const timeline = state.timelines.get(id);
  return timeline ? timeline.unreadCount : 0;
}

/** Unread messages of a conversation that call the user (the timeline counts them). */
function mentionsOf(id) {
  const timeline = state.timelines.get(id);
  return timeline ? timeline.unreadMentionCount : 0;
}

/** The inbox's unread count: the conversations' unread mentions, which the timelines keep
 *  current through live events and reads (here and on other devices), so it needs no
 *  request of its own. */
function inboxUnread() {
  let total = 0;
  for (const id of [...state.lobbies.keys(), ...state.chats.keys()]) total += mentionsOf(id);
  return total;
}

function countLabel(count) {
  return count > 99 ? "99+" : String(count);
}

function isActive(id) {
  return Boolean(state.active && state.active.id === id);
}

function renderLists() {
  renderInboxBadge();
  const lobbies = [...state.lobbies.values()].sort((a, b) => a.name.localeCompare(b.name));
  renderList($("lobby-list"), lobbies, (lobby) => ({
    kind: "lobby",
    id: lobby.id,
    label: "# " + lobby.name,
  }));
  const chats = [...state.chats.values()].sort((a, b) =>
    a.partner.display_name.localeCompare(b.partner.display_name));
  renderList($("chat-list"), chats, (chat) => ({
    kind: "chat",
    id: chat.id,
    label: chat.partner.display_name,
    online: state.online.has(chat.partner.id),
  }));
}

function renderList(list, items, describe) {
  list.replaceChildren();
  if (items.length === 0) {
    list.append(el("li", "none", "None yet"));
    return;
  }
  for (const item of items) {
    const { kind, id, label, online } = describe(item);
    const li = el("li");
    const button = el("button", "conv");
    button.type = "button";
    button.dataset.id = id;
    button.dataset.kind = kind;
    if (state.active && state.active.id === id) button.classList.add("active");
    if (online !== undefined) {
      button.append(el("span", online ? "dot online" : "dot", ""));
    }
    button.append(el("span", "conv-name", label));
    const mentions = mentionsOf(id);
    if (mentions > 0) {
      const badge = el("span", "mention-badge", "@" + countLabel(mentions));
      badge.title = `${mentions} unread mention${mentions === 1 ? "" : "s"}`;
      button.append(badge);
    }
    const unread = unreadOf(id);
    if (unread > 0) button.append(el("span", "badge", countLabel(unread)));
    button.addEventListener("click", () => openConversation(kind, id));
    li.append(button);
    list.append(li);
  }
}

// ---------- a conversation ----------

async function openConversation(kind, id) {
  state.active = { kind, id };
  clearTyping();
  showPanelKeepActive();
  $("message-list").replaceChildren();
  $("composer-error").textContent = "";
  closePicker(false);
  closeCompletion();
  setReply(null);
  setPinsOpen(false);
  renderHeader();
  // What the timeline holds shows at once: live events kept it current while closed. With
  // no live gateway nothing did, so it starts again from the newest page.
  const timeline = timelineOf(id);
  if (!client.connected) timeline.resync();
  renderTimeline({ toEnd: true });
  renderLists();
  if (timeline.history === "newest") {
    await loadHistory();
  } else {
    readToEnd();
  }
  $("composer-input").focus();
}

function showPanelKeepActive() {
  for (const panel of PANELS) show(panel, panel === "conversation");
  state.inboxOpen = false;
  $("mentions-toggle").classList.remove("active");
}

function renderHeader() {
  if (!state.active) return;
  const { kind, id } = state.active;
  if (kind === "lobby") {
    const lobby = state.lobbies.get(id);
    $("conv-title").textContent = lobby ? "# " + lobby.name : "";
    const members = lobby ? `${lobby.member_count} member${lobby.member_count === 1 ? "" : "s"}` : "";
    const parts = [lobby && lobby.description, members, lobby && lobby.visibility === "private" ? "private" : ""];
    $("conv-subtitle").textContent = parts.filter(Boolean).join(" · ");
  } else {
    const chat = state.chats.get(id);
    $("conv-title").textContent = chat ? chat.partner.display_name : "";
    $("conv-subtitle").textContent = chat
      ? "@" + chat.partner.username + (state.online.has(chat.partner.id) ? " · online" : "")
      : "";
  }
  show("leave-lobby", kind === "lobby");
  show("delete-chat", kind === "chat");
}

/** Fetches the page the active conversation's timeline asks for (the newest first, then
 *  older ones) and merges it. */
async function loadHistory() {
  if (!state.active) return;
  const active = state.active;
  const { kind, id } = active;
  const timeline = timelineOf(id);
  const request = timeline.historyRequest();
  if (!request) return;
  const newest = timeline.history === "newest";
  try {
    const page = kind === "lobby"
      ? await client.lobbyHistory(id, request.before, 50)
      : await client.chatHistory(id, request.before, 50);
    // Merged even when the conversation was left meanwhile: its timeline is kept.
    timeline.applyPage(request, page);
  } finally {
    request.free();
  }
  if (state.active !== active) return;
  renderTimeline(newest ? { toEnd: true } : { older: true });
  if (newest) readToEnd();
}

function loadOlder() {
  if (state.active) loadHistory();
}

/** Marks the active conversation read up to its newest message, when the page is seen. */
function readToEnd() {
  if (!state.active || document.visibilityState !== "visible") return;
  const newest = timelineOf(state.active.id).newest();
  if (newest) markRead(newest.seq);
}

/** Moves the active conversation's read cursor; the server hears of it only when it moved. */
function markRead(seq) {
  if (!state.active) return;
  const { kind, id } = state.active;
  if (!timelineOf(id).markRead(seq)) return;
  const done = kind === "lobby" ? client.markLobbyRead(id, seq) : client.markChatRead(id, seq);
  done.catch(() => {});
  renderLists();
}

function formatTime(timestamp) {
  const date = new Date(timestamp);
  const today = new Date();
  const time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return date.toDateString() === today.toDateString()
    ? time
    : date.toLocaleDateString([], { month: "short", day: "numeric" }) + " " + time;
}

/**
 * Draws the active conversation as its timeline holds it: messages in seq order, then the
 * sends waiting for their answer. Nodes of unchanged entries are kept (an open edit form
 * stays); `toEnd` scrolls to the newest, `older` keeps the view where it was while older
 * messages appear above it.
 */
function renderTimeline({ toEnd = false, older = false } = {}) {
  if (!state.active) return;
  const timeline = state.timelines.get(state.active.id);
  if (!timeline) return;
  const box = $("messages");
  const stick = toEnd || (!older && isNearEnd());
  const fromBottom = box.scrollHeight - box.scrollTop;
  const list = $("message-list");
  const stale = new Map([...list.children].map((node) => [node.dataset.key, node]));
  // Whether Pin shows depends on the role too, not only on the message.
  const pinning = canPin() ? "pin:" : "";
  const nodes = timeline.entries().map((entry) => {
    const key = entry.kind === "message" ? entry.message.id : "pending:" + entry.nonce;
    const version = entry.kind === "message" ? pinning + JSON.stringify(entry.message) : entry.content;
    const existing = stale.get(key);
    if (existing && existing.dataset.version === version) {
      stale.delete(key);
      return existing;
    }
    const node = entry.kind === "message" ? renderMessage(entry.message) : renderPending(entry);
    node.dataset.key = key;
    node.dataset.version = version;
    return node;
  });
  for (const node of stale.values()) node.remove();
  nodes.forEach((node, index) => {
    const at = list.children[index];
    if (at !== node) list.insertBefore(node, at || null);
  });
  show("load-older", timeline.history === "before");
  if (stick) scrollToEnd();
  else if (older) box.scrollTop = box.scrollHeight - fromBottom;
}

/** The echo of a send not answered yet. */
function renderPending(entry) {
  const li = el("li", "msg pending");
  const head = el("div", "msg-head");
  head.append(el("span", "author", state.me ? state.me.display_name : ""));
  head.append(el("span", "time", "sending…"));
  li.append(head, renderBody(entry.content));
  return li;
}

function renderMessage(message) {
  if (message.author) state.names.set(message.author.id, message.author.display_name);
  const mine = message.author && state.me && message.author.id === state.me.id;
  const li = el("li", mine ? "msg mine" : "msg");
  li.dataset.id = message.id;
  li.dataset.seq = String(message.seq);
  if (message.pinned_at) li.classList.add("pinned");
  if (callsMe(message)) li.classList.add("mentioned");
  const name = message.author ? message.author.display_name : "deleted user";
  const head = el("div", "msg-head");
  head.append(el("span", "author", name));
  head.append(el("time", "time", formatTime(message.created_at)));
  if (message.edited_at) head.append(el("span", "edited", "(edited)"));
  if (message.pinned_at) {
    const marker = el("span", "pin-marker", "📌");
    marker.dataset.testid = "pin-marker";
    marker.title = "Pinned";
    marker.setAttribute("role", "img");
    marker.setAttribute("aria-label", "Pinned");
    head.append(marker);
  }

  const actions = el("span", "msg-actions");
  const action = (label, className, testid, aria, onClick) => {
    const button = el("button", "ghost tiny " + className, label);
    button.type = "button";
    button.dataset.testid = testid;
    button.setAttribute("aria-label", aria);
    button.addEventListener("click", onClick);
    actions.append(button);
    return button;
  };
  action("Reply", "reply", "reply", `Reply to ${name}`, () => {
    setReply({ id: message.id, name, excerpt: message.content });
    $("composer-input").focus();
  });
  const react = action("React", "react", "react", "Add a reaction", () => openPicker(message.id, react));
  react.setAttribute("aria-haspopup", "dialog");
  if (canPin()) {
    const pinned = Boolean(message.pinned_at);
    action(pinned ? "Unpin" : "Pin", pinned ? "unpin" : "pin", pinned ? "unpin" : "pin",
      pinned ? "Unpin message" : "Pin message", () => setPinned(message.id, !pinned));
  }
  if (mine) {
    action("Edit", "edit", "edit", "Edit message", () => startEdit(li, message));
    action("Delete", "delete", "delete", "Delete message", async () => {
      if (!confirm("Delete this message for everyone?")) return;
      try {
        await client.deleteMessage(message.id);
        if (timelineOf(message.conversation_id).applyDeleted(message.id, message.seq)) {
          if (isActive(message.conversation_id)) renderTimeline();
        }
      } catch (error) {
        $("composer-error").textContent = error.message;
      }
    });
  }
  head.append(actions);
  li.append(head);

  if (message.reply_to) li.append(renderQuote(message.reply_to));
  li.append(renderBody(message.content, message));

  const reactions = message.reactions || [];
  if (reactions.length > 0) {
    const chips = el("div", "reactions");
    chips.dataset.testid = "reactions";
    for (const reaction of reactions) {
      const chip = el("button", reaction.me ? "reaction me" : "reaction", `${reaction.emoji} ${reaction.count}`);
      chip.type = "button";
      chip.dataset.testid = "reaction";
      chip.dataset.emoji = reaction.emoji;
      chip.setAttribute("aria-pressed", String(Boolean(reaction.me)));
      const people = `${reaction.count} reaction${reaction.count === 1 ? "" : "s"}`;
      chip.setAttribute("aria-label", `${reaction.emoji}: ${people}${reaction.me ? ", including yours" : ""}`);
      chip.title = reaction.me ? "Take your reaction back" : "React with " + reaction.emoji;
      chip.addEventListener("click", () => toggleReaction(message.id, reaction.emoji, reaction.me));
      chips.append(chip);
    }
    li.append(chips);
  }
  return li;
}

/** The small quote above a reply: the answered message as it is now. */
function renderQuote(reply) {
  const quote = el("div", reply.deleted ? "reply-quote deleted" : "reply-quote");
  quote.dataset.testid = "reply-quote";
  quote.dataset.replyTo = reply.id;
  if (reply.deleted) {
    quote.append(el("span", "reply-excerpt", "deleted message"));
  } else {
    quote.append(el("span", "reply-author", reply.author ? reply.author.display_name : "deleted user"));
    quote.append(el("span", "reply-excerpt", reply.excerpt));
  }
  return quote;
}

// ---------- formatted text ----------

/**
 * A message body as DOM: chat-core's parser (`parseMarkup`) turns the Markdown subset into a
 * small tree, and every piece of it is built here with createElement and textContent, so that
 * nothing the author wrote is ever read as HTML (`<b>x</b>` stays those characters). `message`,
 * when known, decides whether `@here` / `@everyone` really called anyone.
 */
function renderBody(content, message) {
  const box = el("div", "content");
  let blocks;
  try {
    blocks = parseMarkup(content);
  } catch (_) {
    // The parser takes any string; should it ever fail, the text still shows, as text.
    box.textContent = content;
    return box;
  }
  appendBlocks(box, blocks, message);
  return box;
}

function appendBlocks(parent, blocks, message) {
  for (const block of blocks) {
    switch (block.type) {
      case "paragraph": {
        const p = el("p");
        appendInlines(p, block.inlines, message);
        parent.append(p);
        break;
      }
      case "code_block": {
        const pre = el("pre");
        const code = el("code", "", block.code.replace(/\n$/, ""));
        if (block.language) code.dataset.language = block.language;
        pre.append(code);
        parent.append(pre);
        break;
      }
      case "quote": {
        const quote = el("blockquote");
        appendBlocks(quote, block.blocks, message);
        parent.append(quote);
        break;
      }
      case "list": {
        const numbered = block.start !== undefined && block.start !== null;
        const list = el(numbered ? "ol" : "ul");
        if (numbered && block.start !== 1) list.start = block.start;
        for (const item of block.items) {
          const li = el("li");
          appendBlocks(li, item, message);
          list.append(li);
        }
        parent.append(list);
        break;
      }
      default:
        break;
    }
  }
}

const INLINE_TAGS = { emphasis: "em", strong: "strong", strikethrough: "s" };

function appendInlines(parent, inlines, message) {
  for (const inline of inlines) {
    switch (inline.type) {
      case "text":
        parent.append(document.createTextNode(inline.text));
        break;
      case "emphasis":
      case "strong":
      case "strikethrough": {
        const node = el(INLINE_TAGS[inline.type]);
        appendInlines(node, inline.inlines, message);
        parent.append(node);
        break;
      }
      case "code":
        parent.append(el("code", "", inline.code));
        break;
      case "link": {
        // The parser allows only these schemes; checked again as the last line of defence.
        if (!/^(https?:|mailto:)/i.test(inline.url)) {
          appendInlines(parent, inline.inlines, message);
          break;
        }
        const link = el("a");
        link.href = inline.url;
        link.target = "_blank";
        link.rel = "noopener noreferrer nofollow";
        // Link text may name another address than it opens: the real one shows on hover.
        link.title = inline.url;
        appendInlines(link, inline.inlines, message);
        parent.append(link);
        break;
      }
      case "mention":
        parent.append(renderMention(inline.mention, message));
        break;
      case "line_break":
        parent.append(el("br"));
        break;
      default:
        break;
    }
  }
}

function renderMention(mention, message) {
  const label = mention.kind === "user" ? "@" + mention.username : "@" + mention.kind;
  const span = el("span", "mention", label);
  const me = state.me;
  // `@here` and `@everyone` only call when the server accepted them (`broadcast`): a member
  // who is no admin writing @everyone calls nobody.
  const callsMe = mention.kind === "user"
    ? Boolean(me) && mention.username.toLowerCase() === me.username.toLowerCase()
    : !message || Boolean(message.broadcast);
  if (callsMe) span.classList.add("me");
  return span;
}

/** Whether a message calls the signed-in user: by @username, `@here` or `@everyone`. */
function callsMe(message) {
  const me = state.me;
  if (!me || (message.author && message.author.id === me.id)) return false;
  return Boolean(message.broadcast) || Boolean(message.mentions && message.mentions.includes(me.id));
}

// ---------- replies, reactions, pins ----------

/** Lobby admins pin in a lobby; either participant in a direct chat. */
function canPin() {
  if (!state.active) return false;
  if (state.active.kind === "chat") return true;
  const lobby = state.lobbies.get(state.active.id);
  return Boolean(lobby && lobby.membership && lobby.membership.role === "admin");
}

/** Shows (or, with null, hides) the message the composer answers. */
function setReply(reply) {
  state.replyTo = reply;
  $("reply-bar-text").replaceChildren();
  if (reply) {
    const excerpt = reply.excerpt.length > 100 ? reply.excerpt.slice(0, 100) + "…" : reply.excerpt;
    $("reply-bar-text").append(
      "Replying to ",
      el("strong", "reply-name", reply.name),
      ": ",
      el("span", "reply-excerpt", excerpt),
    );
  }
  show("reply-bar", Boolean(reply));
}

/** A chip's click: adds the user's reaction, or takes it back. The live event redraws it. */
async function toggleReaction(messageId, emoji, mine) {
  $("composer-error").textContent = "";
  try {
    if (mine) await client.unreact(messageId, emoji);
    else await client.react(messageId, emoji);
  } catch (error) {
    $("composer-error").textContent = error.message;
  }
}

async function setPinned(messageId, pinned) {
  $("composer-error").textContent = "";
  try {
    if (pinned) await client.pin(messageId);
    else await client.unpin(messageId);
  } catch (error) {
    $("composer-error").textContent = error.message;
  }
}

function setPinsOpen(open) {
  state.pinsOpen = open && Boolean(state.active);
  state.pinsLoad += 1;
  $("pins-toggle").setAttribute("aria-expanded", String(state.pinsOpen));
  $("pins-toggle").classList.toggle("active", state.pinsOpen);
  show("pins-panel", state.pinsOpen);
  $("pins-list").replaceChildren();
  if (state.pinsOpen) loadPins();
}

/** Fetches the active conversation's pins into the open panel; a later request wins. */
async function loadPins() {
  if (!state.pinsOpen || !state.active) return;
  const { kind, id } = state.active;
  const load = ++state.pinsLoad;
  const list = $("pins-list");
  try {
    const { items } = kind === "lobby" ? await client.lobbyPins(id) : await client.chatPins(id);
    if (load !== state.pinsLoad || !isActive(id)) return;
    list.replaceChildren();
    for (const pin of items) list.append(renderPin(pin));
    if (items.length === 0) list.append(el("li", "none", "Nothing is pinned yet."));
  } catch (error) {
    if (load !== state.pinsLoad) return;
    list.replaceChildren(el("li", "error", error.message));
  }
}

function renderPin(pin) {
  const { message } = pin;
  const li = el("li", "pin-item");
  li.dataset.testid = "pin-item";
  li.dataset.id = message.id;
  const head = el("div", "msg-head");
  head.append(el("span", "author", message.author ? message.author.display_name : "deleted user"));
  head.append(el("time", "time", formatTime(message.created_at)));
  if (canPin()) {
    const unpin = el("button", "ghost tiny unpin", "Unpin");
    unpin.type = "button";
    unpin.dataset.testid = "pin-item-unpin";
    unpin.setAttribute("aria-label", "Unpin message");
    unpin.addEventListener("click", () => setPinned(message.id, false));
    head.append(unpin);
  }
  li.append(head, renderBody(message.content, message));
  const by = pin.pinned_by ? pin.pinned_by.display_name : "a deleted user";
  li.append(el("div", "pinned-by", `Pinned by ${by} · ${formatTime(pin.pinned_at)}`));
  return li;
}

// ---------- @-autocomplete ----------

/** The `@name` being typed just before the caret (at the start or after whitespace), as the
 *  range it covers and the lowercased partial name; null when the caret is elsewhere. */
function mentionAtCaret(input) {
  if (input.selectionStart !== input.selectionEnd) return null;
  const before = input.value.slice(0, input.selectionStart);
  const found = /(^|\s)@([A-Za-z0-9_.-]*)$/.exec(before);
  if (!found) return null;
  const start = before.length - found[2].length - 1;
  return { start, end: before.length, query: found[2].toLowerCase() };
}

/** Opens, refreshes or closes the popup for what is before the caret. */
function updateCompletion() {
  const input = $("composer-input");
  const at = state.active && document.activeElement === input ? mentionAtCaret(input) : null;
  if (!at) {
    closeCompletion();
    return;
  }
  const active = state.active;
  completionUsers(active).then((users) => {
    // Only if the caret is still on the same word of the same conversation: keystrokes while
    // the members load each ask again, and the last one wins.
    const now = state.active === active ? mentionAtCaret(input) : null;
    if (!now || now.start !== at.start || now.query !== at.query || document.activeElement !== input) return;
    fillCompletion(at, completionOptions(active, users, at.query));
  });
}

/** The people the active conversation may mention: its members (the partner in a chat). */
function completionUsers(active) {
  if (active.kind === "chat") {
    const chat = state.chats.get(active.id);
    return Promise.resolve(chat ? [chat.partner] : []);
  }
  let users = state.members.get(active.id);
  if (!users) {
    users = fetchMembers(active.id).catch(() => {
      // Asked again next time; meanwhile only @here / @everyone are offered.
      state.members.delete(active.id);
      return [];
    });
    state.members.set(active.id, users);
  }
  return users;
}

/** A lobby's members, a page of 100 at a time, up to MEMBERS_FOR_COMPLETION. */
async function fetchMembers(lobbyId) {
  const users = [];
  let after;
  do {
    const page = await client.members(lobbyId, after, 100);
    users.push(...page.items.map((member) => member.user));
    after = page.next_cursor || undefined;
  } while (after && users.length < MEMBERS_FOR_COMPLETION);
  return users;
}

/** The popup's entries for a partial name: users whose username (first) or a word of whose
 *  display name starts with it, then `@here` / `@everyone` in a lobby. */
function completionOptions(active, users, query) {
  const me = state.me ? state.me.id : null;
  const byUsername = (user) => user.username.toLowerCase().startsWith(query);
  const matches = users.filter((user) => user.id !== me && (byUsername(user)
    || user.display_name.toLowerCase().split(/\s+/).some((word) => word.startsWith(query))));
  matches.sort((a, b) => Number(byUsername(b)) - Number(byUsername(a)) || a.username.localeCompare(b.username));
  const options = matches.slice(0, MENTION_RESULTS)
    .map((user) => ({ name: user.username, detail: user.display_name }));
  if (active.kind === "lobby") {
    const lobby = state.lobbies.get(active.id);
    const admin = Boolean(lobby && lobby.membership && lobby.membership.role === "admin");
    const specials = [{ name: "here", detail: "Notify the members online" }];
    // The server calls everyone only for a lobby's admins; for others it would be plain text.
    if (admin) specials.push({ name: "everyone", detail: "Notify every member" });
    options.push(...specials.filter((special) => special.name.startsWith(query)));
  }
  return options;
}

function fillCompletion(at, options) {
  if (options.length === 0) {
    closeCompletion();
    return;
  }
  const previous = state.complete;
  const keep = previous && previous.start === at.start && previous.query === at.query;
  state.complete = { ...at, options, index: keep ? Math.min(previous.index, options.length - 1) : 0 };
  const list = $("completion");
  list.replaceChildren();
  options.forEach((option, index) => {
    const item = el("li", "completion-option");
    item.id = "completion-" + index;
    item.setAttribute("role", "option");
    item.dataset.testid = "completion-option";
    item.dataset.username = option.name;
    item.append(el("span", "completion-name", "@" + option.name), el("span", "completion-detail", option.detail));
    // The composer keeps the focus (and its caret) through the click.
    item.addEventListener("mousedown", (event) => event.preventDefault());
    item.addEventListener("click", () => insertCompletion(index));
    list.append(item);
  });
  list.hidden = false;
  selectCompletion(state.complete.index);
}

function selectCompletion(index) {
  const complete = state.complete;
  complete.index = (index + complete.options.length) % complete.options.length;
  const items = $("completion").children;
  for (let i = 0; i < items.length; i++) {
    items[i].setAttribute("aria-selected", String(i === complete.index));
  }
  items[complete.index].scrollIntoView({ block: "nearest" });
  $("composer-input").setAttribute("aria-activedescendant", "completion-" + complete.index);
}

function closeCompletion() {
  state.complete = null;
  $("completion").hidden = true;
  $("completion").replaceChildren();
  $("composer-input").removeAttribute("aria-activedescendant");
}

/** Replaces the partial `@name` with the chosen `@username ` and puts the caret after it. */
function insertCompletion(index) {
  const complete = state.complete;
  if (!complete) return;
  const input = $("composer-input");
  const after = input.value.slice(complete.end);
  const text = "@" + complete.options[index].name + " ";
  input.value = input.value.slice(0, complete.start) + text + after.replace(/^ /, "");
  const caret = complete.start + text.length;
  input.setSelectionRange(caret, caret);
  closeCompletion();
  autosize(input);
}

/** The composer's keys while the popup is open; returns whether the key was the popup's. */
function completionKey(event) {
  if (!state.complete || event.isComposing) return false;
  switch (event.key) {
    case "ArrowDown":
    case "ArrowUp":
      selectCompletion(state.complete.index + (event.key === "ArrowDown" ? 1 : -1));
      break;
    case "Enter":
    case "Tab":
      // Enter chooses instead of sending; Shift still makes a new line / moves the focus back.
      if (event.shiftKey) return false;
      insertCompletion(state.complete.index);
      break;
    case "Escape":
      closeCompletion();
      break;
    default:
      return false;
  }
  event.preventDefault();
  event.stopPropagation();
  return true;
}

// ---------- the mentions inbox ----------

/** The header button's count: unread messages anywhere that call the user. */
function renderInboxBadge() {
  const unread = inboxUnread();
  const badge = $("mentions-badge");
  badge.textContent = countLabel(unread);
  badge.hidden = unread === 0;
  $("mentions-toggle").setAttribute("aria-label",
    unread > 0 ? `Mentions, ${unread} unread` : "Mentions");
}

function openInbox() {
  showPanel("inbox");
  loadInbox(true);
}

/** The inbox's newest page (`first`), or the page after the last one shown. */
async function loadInbox(first) {
  if (!state.inboxOpen) return;
  const load = ++state.inboxLoad;
  const list = $("inbox-list");
  if (first) show("inbox-more", false);
  try {
    const page = await client.mentions(first ? undefined : state.inboxCursor || undefined, MENTION_PAGE);
    if (load !== state.inboxLoad || !state.inboxOpen) return;
    if (first) list.replaceChildren();
    for (const item of page.items) {
      if (!list.querySelector(`[data-id="${CSS.escape(item.message.id)}"]`)) list.append(renderInboxItem(item));
    }
    if (first && page.items.length === 0) list.append(el("li", "none", "Nobody has mentioned you yet."));
    state.inboxCursor = page.next_cursor;
    show("inbox-more", Boolean(page.next_cursor));
  } catch (error) {
    if (load !== state.inboxLoad) return;
    if (first) list.replaceChildren();
    list.append(el("li", "error", error.message));
  }
}

/** Where a message was written: the lobby or the direct chat, if the user is still in it. */
function conversationOf(id) {
  const lobby = state.lobbies.get(id);
  if (lobby) return { kind: "lobby", label: "# " + lobby.name };
  const chat = state.chats.get(id);
  if (chat) return { kind: "chat", label: "@" + chat.partner.username };
  return null;
}

function renderInboxItem({ message, read }) {
  const li = el("li", read ? "inbox-item" : "inbox-item unread");
  li.dataset.testid = "inbox-item";
  li.dataset.id = message.id;
  li.dataset.conversation = message.conversation_id;
  li.dataset.seq = String(message.seq);
  const where = conversationOf(message.conversation_id);
  const head = el("div", "msg-head");
  // The button makes the item reachable by keyboard; a click anywhere on the item opens it too.
  const open = el("button", "ghost tiny inbox-where", where ? where.label : "a conversation you left");
  open.type = "button";
  open.disabled = !where;
  if (where) open.setAttribute("aria-label", `Open ${where.label} at this message`);
  head.append(open);
  head.append(el("span", "author", message.author ? message.author.display_name : "deleted user"));
  head.append(el("time", "time", formatTime(message.created_at)));
  const marker = el("span", "unread-marker", "new");
  marker.dataset.testid = "inbox-unread";
  head.append(marker);
  li.append(head, renderBody(message.content, message));
  if (where) {
    li.addEventListener("click", (event) => {
      // Links in the body open themselves.
      if (event.target.closest("a")) return;
      openFromInbox(where.kind, message.conversation_id, message.id);
    });
  }
  return li;
}

/** Opens the conversation and, when the message is among those shown, brings it into view. */
async function openFromInbox(kind, conversationId, messageId) {
  await openConversation(kind, conversationId);
  if (!isActive(conversationId)) return;
  const node = $("message-list").querySelector(`.msg[data-id="${CSS.escape(messageId)}"]`);
  if (node) {
    node.scrollIntoView({ block: "center" });
    node.classList.remove("flash");
    // Restarts the animation when the same message is opened twice.
    void node.offsetWidth;
    node.classList.add("flash");
  }
}

/** A live message that calls the user, shown at the top of the open inbox. */
function inboxAdd(message) {
  const list = $("inbox-list");
  if (list.querySelector(`[data-id="${CSS.escape(message.id)}"]`)) return;
  for (const none of list.querySelectorAll(".none")) none.remove();
  list.prepend(renderInboxItem({ message, read: false }));
}

/** The open inbox after a change to a message it may list: an edit redraws it (keeping its
 *  read mark), a delete removes it. */
function inboxChanged(event) {
  const id = event.type === "message.deleted" ? event.message_id : event.message && event.message.id;
  if (!id) return;
  const node = $("inbox-list").querySelector(`[data-id="${CSS.escape(id)}"]`);
  if (!node) return;
  if (event.type === "message.deleted") node.remove();
  else node.replaceWith(renderInboxItem({ message: event.message, read: !node.classList.contains("unread") }));
}

/** Marks read the inbox items at or before their conversation's read cursor. */
function inboxMarkRead() {
  for (const node of $("inbox-list").querySelectorAll(".inbox-item.unread")) {
    const timeline = state.timelines.get(node.dataset.conversation);
    if (timeline && Number(node.dataset.seq) <= timeline.readSeq) node.classList.remove("unread");
  }
}

// ---------- the emoji picker ----------

function wirePicker() {
  const search = $("emoji-search");
  search.addEventListener("input", () => fillPicker(search.value));
  search.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    // An emoji or a :shortcode: typed in full, else the first match.
    const typed = normalizeEmoji(search.value.trim());
    const first = $("emoji-grid").querySelector("button");
    const emoji = typed || (first && first.dataset.emoji);
    if (emoji) choose(emoji);
  });
  $("emoji-picker").addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      closePicker(true);
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && state.picker) closePicker(true);
  });
  // A click elsewhere closes it (the React button's own click opens it again).
  document.addEventListener("mousedown", (event) => {
    if (!state.picker) return;
    if ($("emoji-picker").contains(event.target) || event.target === state.picker.opener) return;
    closePicker(false);
  });
  window.addEventListener("resize", () => closePicker(false));
}

function openPicker(messageId, opener) {
  if (state.picker && state.picker.messageId === messageId) {
    closePicker(true);
    return;
  }
  state.picker = { messageId, opener };
  const picker = $("emoji-picker");
  $("emoji-search").value = "";
  fillPicker("");
  picker.hidden = false;
  // Below the button, kept inside the window.
  const at = opener.getBoundingClientRect();
  const width = picker.offsetWidth;
  const height = picker.offsetHeight;
  const left = Math.max(8, Math.min(at.right - width, window.innerWidth - width - 8));
  const below = at.bottom + 4;
  const top = below + height <= window.innerHeight - 8 ? below : Math.max(8, at.top - height - 4);
  picker.style.left = left + "px";
  picker.style.top = top + "px";
  opener.setAttribute("aria-expanded", "true");
  $("emoji-search").focus();
}

function closePicker(refocus) {
  if (!state.picker) return;
  const { opener } = state.picker;
  state.picker = null;
  $("emoji-picker").hidden = true;
  opener.setAttribute("aria-expanded", "false");
  if (refocus && opener.isConnected) opener.focus();
}

function fillPicker(query) {
  const grid = $("emoji-grid");
  grid.replaceChildren();
  const found = searchEmoji(query, EMOJI_RESULTS);
  for (const emoji of found) {
    const button = el("button", "emoji", emoji);
    button.type = "button";
    button.dataset.emoji = emoji;
    button.dataset.testid = "emoji-option";
    button.setAttribute("aria-label", "React with " + emoji);
    button.addEventListener("click", () => choose(emoji));
    grid.append(button);
  }
  if (found.length === 0) grid.append(el("p", "none", "No emoji matches."));
}

function choose(emoji) {
  if (!state.picker) return;
  const { messageId } = state.picker;
  closePicker(true);
  toggleReaction(messageId, emoji, false);
}

function startEdit(li, message) {
  const form = el("form", "edit-form");
  const area = el("textarea", "edit-input");
  area.value = message.content;
  area.maxLength = limits().message_content.max;
  const save = el("button", "primary tiny", "Save");
  save.type = "submit";
  const cancel = el("button", "ghost tiny", "Cancel");
  cancel.type = "button";
  const problem = el("p", "error");
  form.append(area, save, cancel, problem);
  const content = li.querySelector(".content");
  content.replaceWith(form);
  area.focus();
  cancel.addEventListener("click", () => form.replaceWith(content));
  area.addEventListener("keydown", (event) => {
    if (event.key === "Escape") form.replaceWith(content);
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = validateMessageContent(area.value);
    if (text) {
      problem.textContent = text;
      return;
    }
    try {
      const edited = await client.editMessage(message.id, area.value);
      const timeline = timelineOf(message.conversation_id);
      if (timeline.applyMessage(edited) && isActive(message.conversation_id)) renderTimeline();
      // The timeline held this edit already: just close the form.
      if (form.isConnected) form.replaceWith(content);
    } catch (error) {
      problem.textContent = error.message;
    }
  });
}

function isNearEnd() {
  const box = $("messages");
  return box.scrollHeight - box.scrollTop - box.clientHeight < 80;
}

function scrollToEnd() {
  const box = $("messages");
  box.scrollTop = box.scrollHeight;
}

async function leaveActive() {
  if (!state.active || state.active.kind !== "lobby") return;
  const id = state.active.id;
  if (!confirm("Leave this lobby?")) return;
  try {
    await client.leaveLobby(id);
    state.lobbies.delete(id);
    forget(id);
    showPanel("empty");
  } catch (error) {
    $("composer-error").textContent = error.message;
  }
}

async function deleteActiveChat() {
  if (!state.active || state.active.kind !== "chat") return;
  const id = state.active.id;
  if (!confirm("Delete this chat and its history for you?")) return;
  try {
    await client.deleteChat(id);
    state.chats.delete(id);
    forget(id);
    showPanel("empty");
  } catch (error) {
    $("composer-error").textContent = error.message;
  }
}

// ---------- typing ----------

function showTyping(userId, typing) {
  const timer = state.typing.get(userId);
  if (timer) clearTimeout(timer);
  state.typing.delete(userId);
  if (typing) {
    state.typing.set(userId, setTimeout(() => showTyping(userId, false), TYPING_SHOWN_MS));
  }
  renderTyping();
}

function clearTyping() {
  for (const timer of state.typing.values()) clearTimeout(timer);
  state.typing.clear();
  renderTyping();
}

function renderTyping() {
  const names = [...state.typing.keys()].map((id) => state.names.get(id) || "Someone");
  $("typing").textContent = names.length === 0
    ? ""
    : names.length === 1
      ? `${names[0]} is typing…`
      : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]} are typing…`;
}

async function learnName(userId) {
  if (state.names.has(userId)) return;
  try {
    const user = await client.user(userId);
    state.names.set(user.id, user.display_name);
    renderTyping();
  } catch (_) {
    // The generic "Someone" stays.
  }
}

// ---------- live events ----------

function onEvent(event) {
  switch (event.type) {
    case "ready":
      setStatus("");
      state.online = new Set(event.conversations.flatMap((c) => c.online));
      // The server's read cursors and unread counts; messages the resume replays are
      // already in them.
      for (const conversation of event.conversations) {
        timelineOf(conversation.conversation_id).applyState(conversation);
      }
      readToEnd();
      // Conversations that appeared while offline.
      if (event.conversations.some((c) => !state.lobbies.has(c.conversation_id) && !state.chats.has(c.conversation_id))) {
        loadLobbies();
        loadChats();
      }
      renderLists();
      renderHeader();
      // Mentions may have come (or been read elsewhere) while offline.
      if (state.inboxOpen) loadInbox(true);
      break;
    case "reconnecting":
      setStatus("Connection lost; reconnecting…");
      break;
    case "closed":
      if (event.code === "unauthorized") signOut();
      else setStatus("Disconnected: " + event.reason);
      break;
    case "resync_required": {
      // The timeline drops what it holds (it may be stale) and asks for the newest page.
      const timeline = state.timelines.get(event.conversation_id);
      if (!timeline) break;
      timeline.applyFrame(event);
      if (isActive(event.conversation_id)) {
        renderTimeline();
        loadHistory();
      }
      renderLists();
      break;
    }
    case "message.created": {
      const id = event.conversation_id;
      if (!state.lobbies.has(id) && !state.chats.has(id)) {
        // A new direct chat (or a lobby we were added to): its counts come with the lists.
        loadChats().then(() => loadLobbies()).then(() => onMessage(event));
        return;
      }
      onMessage(event);
      break;
    }
    case "message.updated":
    case "message.deleted":
    case "reaction.added":
    case "reaction.removed":
    case "message.pinned":
    case "message.unpinned":
    case "read": {
      const timeline = state.timelines.get(event.conversation_id);
      if (timeline && timeline.applyFrame(event)) {
        if (isActive(event.conversation_id)) renderTimeline();
        renderLists();
      }
      if (state.inboxOpen) {
        if (event.type === "read") inboxMarkRead();
        else if (event.type === "message.updated" || event.type === "message.deleted") inboxChanged(event);
      }
      // The pins panel shows pinned messages as they are now: a pin, an unpin, an edit or a
      // delete (which unpins) may change it.
      if (event.type !== "read" && !event.type.startsWith("reaction.") && state.pinsOpen
        && isActive(event.conversation_id)) {
        loadPins();
      }
      break;
    }
    case "typing":
      if (state.active && state.active.id === event.conversation_id && event.user_id !== state.me.id) {
        learnName(event.user_id);
        showTyping(event.user_id, event.typing);
      }
      break;
    case "presence":
      if (event.online) state.online.add(event.user_id);
      else state.online.delete(event.user_id);
      renderLists();
      renderHeader();
      break;
    case "member.joined":
    case "member.left":
    case "member.removed":
    case "member.updated":
    case "lobby.updated":
    case "lobby.deleted":
      onMembership(event);
      break;
    case "chat.deleted":
      state.chats.delete(event.conversation_id);
      forget(event.conversation_id);
      if (state.active && state.active.id === event.conversation_id) showPanel("empty");
      renderLists();
      break;
    default:
      break;
  }
}

/** A new message: its timeline merges it (and counts it unread when it is); it is drawn
 *  and read when its conversation is open. */
function onMessage(event) {
  const id = event.conversation_id;
  const message = event.message;
  const changed = timelineOf(id).applyFrame(event);
  if (isActive(id)) {
    if (changed) renderTimeline();
    if (message.author) showTyping(message.author.id, false);
    if (document.visibilityState === "visible") markRead(message.seq);
  }
  const chat = state.chats.get(id);
  if (chat) chat.last_message = message;
  if (state.inboxOpen && callsMe(message)) inboxAdd(message);
  renderLists();
}

function onMembership(event) {
  const id = event.conversation_id;
  // The @-autocomplete asks for the members again when next needed.
  state.members.delete(id);
  const me = state.me && state.me.id;
  const gone = event.type === "lobby.deleted"
    || ((event.type === "member.left" || event.type === "member.removed") && event.user_id === me);
  if (gone) {
    state.lobbies.delete(id);
    forget(id);
    if (state.active && state.active.id === id) showPanel("empty");
    renderLists();
    return;
  }
  // Counts, names and descriptions: fetch the lobby as it is now.
  client.lobby(id).then((lobby) => {
    state.lobbies.set(lobby.id, lobby);
    renderLists();
    renderHeader();
    // The role decides who may pin.
    if (isActive(id)) renderTimeline();
  }).catch(() => {});
}

// ---------- browsing ----------

function openBrowse(keepQuery) {
  showPanel("browse");
  if (!keepQuery) $("browse-search").value = "";
  state.browseCursor = null;
  $("browse-list").replaceChildren();
  loadBrowse(true);
  if (!keepQuery) $("browse-search").focus();
}

async function loadBrowse(first) {
  const query = $("browse-search").value;
  const page = await client.communityLobbies(query || undefined, first ? undefined : state.browseCursor || undefined, 25);
  if ($("browse-search").value !== query) return;
  if (first) $("browse-list").replaceChildren();
  for (const lobby of page.items) {
    const li = el("li", "card-item");
    const text = el("div");
    text.append(el("div", "card-title", "# " + lobby.name));
    const members = `${lobby.member_count} member${lobby.member_count === 1 ? "" : "s"}`;
    text.append(el("div", "subtitle", [lobby.description, members].filter(Boolean).join(" · ")));
    const join = el("button", "primary small join", "Join");
    join.type = "button";
    join.addEventListener("click", async () => {
      join.disabled = true;
      try {
        const joined = await client.joinLobby(lobby.id);
        state.lobbies.set(joined.id, joined);
        trackLobby(joined);
        openConversation("lobby", joined.id);
      } catch (error) {
        join.disabled = false;
        text.append(el("p", "error", error.message));
      }
    });
    li.append(text, join);
    $("browse-list").append(li);
  }
  if (first && page.items.length === 0) {
    $("browse-list").append(el("li", "none", query ? "No lobby matches." : "No other public lobbies yet. Create one!"));
  }
  state.browseCursor = page.next_cursor;
  show("browse-more", Boolean(page.next_cursor));
}

async function searchPeople() {
  const query = $("people-search").value;
  const page = await client.users(query || undefined, undefined, 25);
  if ($("people-search").value !== query) return;
  const list = $("people-list");
  list.replaceChildren();
  const people = page.items.filter((user) => user.id !== state.me.id);
  for (const user of people) {
    state.names.set(user.id, user.display_name);
    const li = el("li", "card-item");
    const text = el("div");
    text.append(el("div", "card-title", user.display_name));
    text.append(el("div", "subtitle", "@" + user.username));
    const open = el("button", "primary small message", "Message");
    open.type = "button";
    open.dataset.username = user.username;
    open.addEventListener("click", async () => {
      try {
        const chat = await client.openChat(user.id);
        state.chats.set(chat.id, chat);
        trackChat(chat);
        openConversation("chat", chat.id);
      } catch (error) {
        text.append(el("p", "error", error.message));
      }
    });
    li.append(text, open);
    list.append(li);
  }
  if (people.length === 0) list.append(el("li", "none", "Nobody found."));
}

// ---------- helpers ----------

function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

function autosize(area) {
  area.style.height = "auto";
  area.style.height = Math.min(area.scrollHeight, 200) + "px";
}

main().catch((error) => {
  show("loading", true);
  $("loading").textContent = "The client failed to start: " + error.message;
});
