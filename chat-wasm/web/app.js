// The browser client: plain JavaScript on the chat-wasm bundle. All protocol work (REST,
// the WebSocket gateway with resume, validation) happens in ChatClient; this file keeps the
// view state and draws it. Text from the server is only ever set with textContent.

import init, {
  ChatClient,
  validateUsername,
  validatePassword,
  validateDisplayName,
  validateLobbyName,
  validateDescription,
  validateMessageContent,
  limits,
} from "./pkg/chat_wasm.js";

const TOKEN_KEY = "chat.token";
const TYPING_SHOWN_MS = 6000;

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
  unread: new Map(), // conversation id -> count
  counted: new Map(), // conversation id -> newest message seq the unread count includes
  online: new Set(),
  active: null, // { kind: "lobby" | "chat", id }
  messages: new Map(), // id -> Message, of the active conversation
  olderCursor: null,
  typing: new Map(), // user id -> timer, in the active conversation
  names: new Map(), // user id -> display name
  browseCursor: null,
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
  state.unread.clear();
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
  });
  input.addEventListener("keydown", (event) => {
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
    input.value = "";
    autosize(input);
    try {
      const message = kind === "lobby"
        ? await client.sendLobbyMessage(id, text)
        : await client.sendChatMessage(id, text);
      if (state.active && state.active.id === message.conversation_id) {
        upsertMessage(message);
        markRead(message.seq);
      }
    } catch (error) {
      input.value = text;
      $("composer-error").textContent = error.message;
    }
  });
}

function setStatus(text) {
  $("status").textContent = text || "";
  show("status", Boolean(text));
}

function showPanel(id) {
  for (const panel of ["empty", "conversation", "browse", "create", "people"]) {
    show(panel, panel === id);
  }
  if (id !== "conversation") {
    state.active = null;
    renderLists();
  }
}

// ---------- lists ----------

async function loadLobbies() {
  const { items } = await client.myLobbies();
  state.lobbies = new Map(items.map((lobby) => [lobby.id, lobby]));
  for (const lobby of items) {
    state.unread.set(lobby.id, lobby.membership ? lobby.membership.unread_count : 0);
    state.counted.set(lobby.id, lobby.last_seq);
  }
  renderLists();
}

async function loadChats() {
  const { items } = await client.chats();
  state.chats = new Map(items.map((chat) => [chat.id, chat]));
  for (const chat of items) {
    state.unread.set(chat.id, chat.unread_count);
    state.counted.set(chat.id, chat.last_seq);
    state.names.set(chat.partner.id, chat.partner.display_name);
  }
  renderLists();
}

function renderLists() {
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
    const unread = state.unread.get(id) || 0;
    if (unread > 0) button.append(el("span", "badge", unread > 99 ? "99+" : String(unread)));
    button.addEventListener("click", () => openConversation(kind, id));
    li.append(button);
    list.append(li);
  }
}

// ---------- a conversation ----------

async function openConversation(kind, id) {
  state.active = { kind, id };
  state.messages = new Map();
  state.olderCursor = null;
  clearTyping();
  showPanelKeepActive();
  $("message-list").replaceChildren();
  $("composer-error").textContent = "";
  renderHeader();
  renderLists();
  await loadHistory(null);
  $("composer-input").focus();
}

function showPanelKeepActive() {
  for (const panel of ["empty", "conversation", "browse", "create", "people"]) {
    show(panel, panel === "conversation");
  }
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

async function loadHistory(before) {
  const { kind, id } = state.active;
  const active = state.active;
  const page = kind === "lobby"
    ? await client.lobbyHistory(id, before || undefined, 50)
    : await client.chatHistory(id, before || undefined, 50);
  if (state.active !== active) return;
  for (const message of page.items) upsertMessage(message, true);
  state.olderCursor = page.next_cursor;
  show("load-older", Boolean(page.next_cursor));
  if (!before) {
    scrollToEnd();
    const newest = page.items[0];
    if (newest) markRead(newest.seq);
    state.unread.set(id, 0);
    renderLists();
  }
}

function loadOlder() {
  if (state.active && state.olderCursor) loadHistory(state.olderCursor);
}

function markRead(seq) {
  const { kind, id } = state.active;
  const done = kind === "lobby" ? client.markLobbyRead(id, seq) : client.markChatRead(id, seq);
  done.catch(() => {});
}

function formatTime(timestamp) {
  const date = new Date(timestamp);
  const today = new Date();
  const time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return date.toDateString() === today.toDateString()
    ? time
    : date.toLocaleDateString([], { month: "short", day: "numeric" }) + " " + time;
}

/** Adds or replaces a message of the active conversation, keeping seq order. */
function upsertMessage(message, older = false) {
  const nearEnd = isNearEnd();
  state.messages.set(message.id, message);
  if (message.author) state.names.set(message.author.id, message.author.display_name);
  const node = renderMessage(message);
  const existing = document.querySelector(`.msg[data-id="${message.id}"]`);
  if (existing) {
    existing.replaceWith(node);
    return;
  }
  const list = $("message-list");
  const after = [...list.children].find((child) => Number(child.dataset.seq) > message.seq);
  list.insertBefore(node, after || null);
  if (!older && nearEnd) scrollToEnd();
}

function removeMessage(messageId) {
  state.messages.delete(messageId);
  const node = document.querySelector(`.msg[data-id="${messageId}"]`);
  if (node) node.remove();
}

function renderMessage(message) {
  const mine = message.author && state.me && message.author.id === state.me.id;
  const li = el("li", mine ? "msg mine" : "msg");
  li.dataset.id = message.id;
  li.dataset.seq = String(message.seq);
  const head = el("div", "msg-head");
  head.append(el("span", "author", message.author ? message.author.display_name : "deleted user"));
  head.append(el("time", "time", formatTime(message.created_at)));
  if (message.edited_at) head.append(el("span", "edited", "(edited)"));
  if (mine) {
    const actions = el("span", "msg-actions");
    const edit = el("button", "ghost tiny edit", "Edit");
    edit.type = "button";
    edit.addEventListener("click", () => startEdit(li, message));
    const remove = el("button", "ghost tiny delete", "Delete");
    remove.type = "button";
    remove.addEventListener("click", async () => {
      if (!confirm("Delete this message for everyone?")) return;
      try {
        await client.deleteMessage(message.id);
        removeMessage(message.id);
      } catch (error) {
        $("composer-error").textContent = error.message;
      }
    });
    actions.append(edit, remove);
    head.append(actions);
  }
  li.append(head, el("div", "content", message.content));
  return li;
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
      upsertMessage(await client.editMessage(message.id, area.value));
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
      for (const conversation of event.conversations) {
        if (!state.active || conversation.conversation_id !== state.active.id) {
          state.unread.set(conversation.conversation_id, conversation.unread_count);
        }
        // Messages replayed by the resume are already in these counts.
        state.counted.set(conversation.conversation_id, conversation.last_message_seq);
      }
      // Conversations that appeared while offline.
      if (event.conversations.some((c) => !state.lobbies.has(c.conversation_id) && !state.chats.has(c.conversation_id))) {
        loadLobbies();
        loadChats();
      }
      renderLists();
      renderHeader();
      break;
    case "reconnecting":
      setStatus("Connection lost; reconnecting…");
      break;
    case "closed":
      if (event.code === "unauthorized") signOut();
      else setStatus("Disconnected: " + event.reason);
      break;
    case "resync_required":
      if (state.active && state.active.id === event.conversation_id) {
        openConversation(state.active.kind, state.active.id);
      }
      break;
    case "message.created": {
      const message = event.message;
      const id = event.conversation_id;
      if (!state.lobbies.has(id) && !state.chats.has(id)) {
        // A new direct chat (or a lobby we were added to): its counts come with the lists.
        loadChats().then(() => loadLobbies()).then(() => bump(id, message));
        return;
      }
      bump(id, message);
      break;
    }
    case "message.updated":
      if (state.active && state.active.id === event.conversation_id) upsertMessage(event.message);
      break;
    case "message.deleted":
      if (state.active && state.active.id === event.conversation_id) removeMessage(event.message_id);
      break;
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
    case "read":
      if (!state.active || state.active.id !== event.conversation_id) {
        state.unread.set(event.conversation_id, 0);
        renderLists();
      }
      break;
    case "member.joined":
    case "member.left":
    case "member.removed":
    case "lobby.updated":
    case "lobby.deleted":
      onMembership(event);
      break;
    case "chat.deleted":
      state.chats.delete(event.conversation_id);
      if (state.active && state.active.id === event.conversation_id) showPanel("empty");
      renderLists();
      break;
    default:
      break;
  }
}

/** A new message: shown when its conversation is open, counted as unread otherwise. */
function bump(id, message) {
  if (state.active && state.active.id === id) {
    upsertMessage(message);
    if (message.author) showTyping(message.author.id, false);
    if (document.visibilityState === "visible") markRead(message.seq);
  } else if (message.seq > (state.counted.get(id) || 0)
    && (!message.author || message.author.id !== state.me.id)) {
    state.unread.set(id, (state.unread.get(id) || 0) + 1);
  }
  state.counted.set(id, Math.max(message.seq, state.counted.get(id) || 0));
  const chat = state.chats.get(id);
  if (chat) chat.last_message = message;
  renderLists();
}

function onMembership(event) {
  const id = event.conversation_id;
  const me = state.me && state.me.id;
  const gone = event.type === "lobby.deleted"
    || ((event.type === "member.left" || event.type === "member.removed") && event.user_id === me);
  if (gone) {
    state.lobbies.delete(id);
    if (state.active && state.active.id === id) showPanel("empty");
    renderLists();
    return;
  }
  // Counts, names and descriptions: fetch the lobby as it is now.
  client.lobby(id).then((lobby) => {
    state.lobbies.set(lobby.id, lobby);
    renderLists();
    renderHeader();
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
