// End-to-end test of the browser client: the real chat-server (a debug build), headless
// Debian Chromium driven by playwright-core, two users in two browser contexts.
//
//   node chat-wasm/e2e/e2e.mjs
//
// Environment: CHAT_SERVER_BIN (default target/debug/chat-server), CHROMIUM
// (default /usr/bin/chromium), E2E_OUT (screenshots; default target/e2e). The server embeds
// chat-wasm/web/ at build time; CHAT_WEB_DIR=chat-wasm/web (passed on to it) tests the files
// on disk without rebuilding it.
// Every wait is on a page condition with a timeout; nothing sleeps.

import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const targetDir = process.env.CARGO_TARGET_DIR || join(root, "target");
const serverBin = process.env.CHAT_SERVER_BIN || join(targetDir, "debug", "chat-server");
const outDir = process.env.E2E_OUT || join(targetDir, "e2e");
const TIMEOUT = 15_000;

const dataDir = mkdtempSync(join(tmpdir(), "chat-e2e-"));
let server;
let browser;
const problems = [];
/** Set while the server restarts: refused connections are then expected. */
let restarting = false;
const NETWORK_ERROR = /WebSocket connection to|ERR_CONNECTION_REFUSED|Failed to fetch/;

/** Starts the server on `port` (0: any) and resolves with its URL once it listens. */
function startServer(port) {
  const child = spawn(serverBin, [], {
    env: {
      ...process.env,
      CHAT_DATA_DIR: dataDir,
      CHAT_HOST: "127.0.0.1",
      CHAT_PORT: String(port),
      CHAT_BCRYPT_COST: "4",
      CHAT_LOG: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not start:\n" + log)), 60_000);
    const onData = (chunk) => {
      log += chunk;
      const found = /listening.*address=([0-9.:]+)/.exec(log);
      if (found) {
        clearTimeout(timer);
        resolveUrl({ child, url: `http://${found[1]}` });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`the server exited (${code}):\n${log}`)));
  });
}

function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once("exit", done);
    child.kill("SIGTERM");
  });
}

function step(text) {
  console.log(`  - ${text}`);
}

async function openPage(url, name) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    if (restarting && NETWORK_ERROR.test(msg.text())) return;
    problems.push(`${name} console: ${msg.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`${name} page error: ${error.message}`));
  page.on("dialog", (dialog) => dialog.accept());
  await page.goto(url);
  await page.locator("#auth").waitFor();
  return page;
}

async function register(page, username, displayName) {
  await page.click("#tab-register");
  await page.fill("#username", username);
  await page.fill("#display-name", displayName);
  await page.fill("#password", "correct horse");
  await page.click("#auth-submit");
  await page.locator("#app").waitFor();
  await page.locator("#me-name", { hasText: displayName }).waitFor();
}

const message = (page, text) => page.locator("#message-list .msg .content", { hasText: text });

async function main() {
  const { child, url } = await startServer(0);
  server = child;
  console.log(`server at ${url}`);

  step("the page is served with a strict Content-Security-Policy and the bundle as application/wasm");
  const pageResponse = await fetch(url + "/");
  const csp = pageResponse.headers.get("content-security-policy") || "";
  if (!csp.includes("script-src 'self' 'wasm-unsafe-eval'")) throw new Error("CSP missing: " + csp);
  const wasm = await fetch(url + "/pkg/chat_wasm_bg.wasm");
  if (wasm.headers.get("content-type") !== "application/wasm") {
    throw new Error("wasm content type: " + wasm.headers.get("content-type"));
  }

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    // playwright gives every launch a fresh temporary profile (--user-data-dir).
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });

  const alice = await openPage(url, "alice");
  const bob = await openPage(url, "bob");

  step("forms validate with chat-core's rules before sending");
  await alice.click("#tab-register");
  await alice.fill("#username", "al");
  await alice.locator("#username-hint", { hasText: "username must be at least 3 characters long" }).waitFor();

  step("alice and bob create accounts");
  await register(alice, "alice", "Alice");
  await register(bob, "bob", "Bob");

  step("alice creates a lobby");
  await alice.click("#new-lobby");
  await alice.fill("#lobby-name", "general");
  await alice.fill("#lobby-description", "Everything and nothing");
  await alice.click("#create-submit");
  await alice.locator("#conv-title", { hasText: "# general" }).waitFor();

  step("bob finds it among the community lobbies and joins");
  await bob.click("#browse-lobbies");
  const card = bob.locator("#browse-list .card-item", { hasText: "# general" });
  await card.locator(".join").click();
  await bob.locator("#conv-title", { hasText: "# general" }).waitFor();
  await alice.locator("#conv-subtitle", { hasText: "2 members" }).waitFor();

  step("alice sees bob typing");
  await bob.fill("#composer-input", "hi Al");
  await alice.locator("#typing", { hasText: "Bob is typing" }).waitFor();

  step("alice sends; bob sees it live, without reloading");
  await alice.fill("#composer-input", "hello from alice");
  await alice.click("#send");
  await message(bob, "hello from alice").waitFor();

  step("bob answers with Enter; alice sees it live");
  await bob.fill("#composer-input", "hi alice, bob here");
  await bob.press("#composer-input", "Enter");
  await message(alice, "hi alice, bob here").waitFor();
  await alice.locator("#typing", { hasText: /^$/ }).waitFor();

  step("alice edits her message; bob sees the new text");
  const mine = alice.locator("#message-list .msg.mine", { hasText: "hello from alice" });
  await mine.hover();
  await mine.locator(".edit").click();
  await alice.fill("#message-list .edit-input", "hello from alice, edited");
  await alice.press("#message-list .edit-input", "Enter");
  await message(bob, "hello from alice, edited").waitFor();
  await bob.locator("#message-list .msg", { hasText: "hello from alice, edited" }).locator(".edited").waitFor();

  step("alice sends and deletes a message; it disappears for bob");
  await alice.fill("#composer-input", "oops, wrong lobby");
  await alice.press("#composer-input", "Enter");
  await message(bob, "oops, wrong lobby").waitFor();
  const oops = alice.locator("#message-list .msg.mine", { hasText: "oops, wrong lobby" });
  await oops.hover();
  await oops.locator(".delete").click();
  await message(bob, "oops, wrong lobby").waitFor({ state: "detached" });

  await repliesReactionsPins(alice, bob);
  await mentionsAndMarkup(alice, bob);

  step("bob starts a direct chat; alice gets it with an unread count");
  await bob.click("#new-chat");
  await bob.fill("#people-search", "ali");
  await bob.locator('#people-list .message[data-username="alice"]').click();
  await bob.locator("#conv-title", { hasText: "Alice" }).waitFor();
  await bob.fill("#composer-input", "psst, a secret");
  await bob.press("#composer-input", "Enter");
  await message(bob, "psst, a secret").waitFor();
  const dm = alice.locator('#chat-list .conv', { hasText: "Bob" });
  await dm.locator(".badge", { hasText: "1" }).waitFor();
  await dm.click();
  await message(alice, "psst, a secret").waitFor();
  await dm.locator(".badge").waitFor({ state: "detached" });

  step("a lobby message while alice reads the chat counts as unread");
  await bob.locator('#lobby-list .conv', { hasText: "general" }).click();
  await bob.fill("#composer-input", "lobby ping");
  await bob.press("#composer-input", "Enter");
  await alice.locator('#lobby-list .conv', { hasText: "general" }).locator(".badge", { hasText: "1" }).waitFor();
  await alice.locator('#lobby-list .conv', { hasText: "general" }).click();
  await message(alice, "lobby ping").waitFor();

  step("the server restarts; both reconnect and resume, missing nothing, duplicating nothing");
  const port = new URL(url).port;
  const bobToken = await bob.evaluate(() => localStorage.getItem("chat.token"));
  restarting = true;
  await stopServer(server);
  await alice.locator("#status", { hasText: "reconnecting" }).waitFor();
  server = (await startServer(port)).child;
  const lobbyId = await alice.locator("#lobby-list .conv", { hasText: "general" }).getAttribute("data-id");
  const posted = await fetch(`${url}/api/v1/lobbies/${lobbyId}/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${bobToken}`, "content-type": "application/json" },
    body: JSON.stringify({ content: "sent during the reconnect" }),
  });
  if (posted.status !== 201) throw new Error("posting over REST failed: " + posted.status);
  await message(alice, "sent during the reconnect").waitFor();
  await alice.locator("#status").waitFor({ state: "hidden" });
  await bob.locator("#status").waitFor({ state: "hidden" });
  await bob.fill("#composer-input", "after the restart");
  await bob.press("#composer-input", "Enter");
  await message(alice, "after the restart").waitFor();
  restarting = false;
  const copies = await message(alice, "sent during the reconnect").count();
  if (copies !== 1) throw new Error(`expected the message once, saw it ${copies} times`);

  step("screenshots");
  mkdirSync(outDir, { recursive: true });
  await alice.screenshot({ path: join(outDir, "alice.png") });
  await bob.screenshot({ path: join(outDir, "bob.png") });
  console.log(`screenshots: ${join(outDir, "alice.png")}, ${join(outDir, "bob.png")}`);

  step("alice signs out and back in; her lobby and its history are there");
  await alice.click("#logout");
  await alice.locator("#auth").waitFor();
  await alice.fill("#username", "alice");
  await alice.fill("#password", "correct horse");
  await alice.click("#auth-submit");
  await alice.locator('#lobby-list .conv', { hasText: "general" }).click();
  await message(alice, "after the restart").waitFor();
  await bob.fill("#composer-input", "welcome back");
  await bob.press("#composer-input", "Enter");
  await message(alice, "welcome back").waitFor();

  if (problems.length > 0) {
    throw new Error("the pages reported errors:\n" + problems.join("\n"));
  }
}

/** Replies, reactions and pins in the lobby alice created (so she is its admin). */
async function repliesReactionsPins(alice, bob) {
  const byText = (page, text) => page.locator("#message-list .msg", {
    has: page.locator(".content", { hasText: text }),
  });
  const bobsId = await byText(alice, "hi alice, bob here").getAttribute("data-id");
  const target = (page) => page.locator(`#message-list .msg[data-id="${bobsId}"]`);

  step("alice replies to bob's message; bob sees the quote live");
  await target(alice).hover();
  await target(alice).locator('[data-testid="reply"]').click();
  await alice.locator("#reply-bar", { hasText: "Replying to Bob: hi alice, bob here" }).waitFor();
  await alice.fill("#composer-input", "good point, bob");
  await alice.press("#composer-input", "Enter");
  await alice.locator("#reply-bar").waitFor({ state: "hidden" });
  const quote = byText(bob, "good point, bob").locator('[data-testid="reply-quote"]');
  await quote.locator(".reply-author", { hasText: /^Bob$/ }).waitFor();
  await quote.locator(".reply-excerpt", { hasText: /^hi alice, bob here$/ }).waitFor();
  if (await quote.getAttribute("data-reply-to") !== bobsId) throw new Error("the quote names another message");

  step("the emoji picker opens from React and Escape closes it");
  await target(bob).hover();
  await target(bob).locator('[data-testid="react"]').click();
  await bob.locator("#emoji-picker").waitFor();
  await bob.locator("#emoji-search:focus").waitFor();
  await bob.keyboard.press("Escape");
  await bob.locator("#emoji-picker").waitFor({ state: "hidden" });

  step("bob reacts 👍 through the picker's search; alice sees 👍 1 live; bob's chip is pressed");
  await target(bob).hover();
  await target(bob).locator('[data-testid="react"]').click();
  await bob.fill("#emoji-search", "thumbs");
  await bob.locator('#emoji-grid [data-emoji="👍"]').click();
  await bob.locator("#emoji-picker").waitFor({ state: "hidden" });
  const chip = (page) => target(page).locator('[data-testid="reaction"][data-emoji="👍"]');
  await chip(alice).filter({ hasText: "👍 1" }).and(alice.locator('[aria-pressed="false"]')).waitFor();
  await chip(bob).filter({ hasText: "👍 1" }).and(bob.locator('[aria-pressed="true"]')).waitFor();

  step("alice clicks the chip to add hers; both see 👍 2");
  await chip(alice).click();
  await chip(alice).filter({ hasText: "👍 2" }).and(alice.locator('[aria-pressed="true"]')).waitFor();
  await chip(bob).filter({ hasText: "👍 2" }).and(bob.locator('[aria-pressed="true"]')).waitFor();

  step("alice, the lobby's admin, pins bob's message; her open pins panel and bob's timeline follow live");
  await alice.click("#pins-toggle");
  await alice.locator("#pins-list", { hasText: "Nothing is pinned yet." }).waitFor();
  await target(alice).hover();
  await target(alice).locator('[data-testid="pin"]').click();
  await target(bob).locator('[data-testid="pin-marker"]').waitFor();
  await target(alice).locator('[data-testid="pin-marker"]').waitFor();
  await target(alice).locator('[data-testid="unpin"]').waitFor({ state: "attached" });
  await alice.locator(`#pins-list [data-testid="pin-item"][data-id="${bobsId}"]`, { hasText: "hi alice, bob here" }).waitFor();

  step("bob's pins panel lists it, pinned by Alice");
  await bob.click("#pins-toggle");
  const pin = bob.locator(`#pins-list [data-testid="pin-item"][data-id="${bobsId}"]`);
  await pin.filter({ hasText: "hi alice, bob here" }).filter({ hasText: "Pinned by Alice" }).waitFor();

  step("bob is no lobby admin: no Pin action for him");
  await target(bob).hover();
  await target(bob).locator('[data-testid="react"]').waitFor();
  const pinActions = await bob.locator('#message-list [data-testid="pin"], #message-list [data-testid="unpin"], #pins-list [data-testid="pin-item-unpin"]').count();
  if (pinActions !== 0) throw new Error(`bob sees ${pinActions} pin actions in a lobby he does not administer`);

  mkdirSync(outDir, { recursive: true });
  await alice.screenshot({ path: join(outDir, "alice-reactions.png") });
  await bob.screenshot({ path: join(outDir, "bob-reactions.png") });
  console.log(`screenshots: ${join(outDir, "alice-reactions.png")}, ${join(outDir, "bob-reactions.png")}`);
}

/** The @-autocomplete, Markdown rendering (never as HTML), the mention highlight, the
 *  per-conversation and inbox badges and the inbox, in the lobby both are in. */
async function mentionsAndMarkup(alice, bob) {
  const composerIs = (page, text) => page.waitForFunction(
    (want) => document.getElementById("composer-input").value === want, text, { timeout: TIMEOUT });
  const option = (page, username) => page.locator(`#completion [role="option"][data-username="${username}"]`);

  step("alice types @bo: the autocomplete offers bob; Tab inserts @bob");
  await alice.fill("#composer-input", "@bo");
  await option(alice, "bob").waitFor();
  await alice.locator('#completion[role="listbox"]').waitFor();
  if (await option(alice, "bob").getAttribute("aria-selected") !== "true") throw new Error("bob is not the selected option");
  if (await alice.locator("#composer-input").getAttribute("aria-activedescendant") !== await option(alice, "bob").getAttribute("id")) {
    throw new Error("the composer does not point at the selected option");
  }
  mkdirSync(outDir, { recursive: true });
  await alice.screenshot({ path: join(outDir, "alice-autocomplete.png") });
  await alice.press("#composer-input", "Tab");
  await composerIs(alice, "@bob ");
  await alice.locator("#completion").waitFor({ state: "hidden" });

  step("Enter chooses instead of sending while the popup is open; Escape closes it");
  await alice.fill("#composer-input", "");
  await alice.locator("#composer-input").pressSequentially("hey @b");
  await option(alice, "bob").waitFor();
  await alice.press("#composer-input", "Enter");
  await composerIs(alice, "hey @bob ");
  await alice.locator("#completion").waitFor({ state: "hidden" });
  await alice.locator("#composer-input").pressSequentially("@");
  await option(alice, "here").waitFor();
  await alice.press("#composer-input", "Escape");
  await alice.locator("#completion").waitFor({ state: "hidden" });
  await composerIs(alice, "hey @bob @");
  await alice.fill("#composer-input", "");

  step("bob opens his mentions inbox: empty so far");
  await bob.click("#mentions-toggle");
  await bob.locator("#inbox-list", { hasText: "Nobody has mentioned you yet." }).waitFor();

  step("alice mentions bob with Markdown, a code block and literal HTML");
  const text = "@bob **bold** and `code` <b>x</b>\n```js\nconst answer = 42;\n```";
  await alice.fill("#composer-input", text);
  await alice.press("#composer-input", "Enter");
  const sent = alice.locator("#message-list .msg.mine", { has: alice.locator("strong", { hasText: "bold" }) });
  await sent.locator(".mention", { hasText: "@bob" }).waitFor();
  if (await sent.locator(".mention.me").count() !== 0) throw new Error("alice's own @bob is marked as calling her");

  step("bob's inbox badge shows 1, the lobby shows @1, and the open inbox lists it live");
  await bob.locator("#mentions-badge", { hasText: /^1$/ }).waitFor();
  await bob.locator("#lobby-list .conv", { hasText: "general" }).locator(".mention-badge", { hasText: "@1" }).waitFor();
  const item = bob.locator('#inbox-list [data-testid="inbox-item"].unread', { hasText: "bold" });
  await item.locator(".inbox-where", { hasText: "# general" }).waitFor();
  await item.locator(".author", { hasText: "Alice" }).waitFor();
  await item.locator(".content strong", { hasText: "bold" }).waitFor();

  await bob.screenshot({ path: join(outDir, "bob-inbox.png") });

  step("a reload of the inbox (from the server) lists it too, unread");
  await item.evaluate((node) => { node.dataset.stale = "1"; });
  await bob.click("#mentions-toggle");
  await item.and(bob.locator('[data-testid="inbox-item"]:not([data-stale])')).waitFor();

  step("clicking it opens the lobby; the message is highlighted and formatted, its HTML left as text");
  await item.click();
  await bob.locator("#conv-title", { hasText: "# general" }).waitFor();
  const got = bob.locator("#message-list .msg.mentioned", { has: bob.locator("strong", { hasText: "bold" }) });
  await got.waitFor();
  await got.locator(".content code", { hasText: /^code$/ }).waitFor();
  await got.locator('.content pre code[data-language="js"]', { hasText: "const answer = 42;" }).waitFor();
  await got.locator(".content .mention.me", { hasText: /^@bob$/ }).waitFor();
  if (await got.locator("b").count() !== 0) throw new Error("<b>x</b> was rendered as HTML");
  const shown = await got.locator(".content").textContent();
  if (!shown.includes("<b>x</b>")) throw new Error("the literal <b>x</b> is missing: " + shown);

  step("reading it clears both badges");
  await bob.locator("#mentions-badge").waitFor({ state: "hidden" });
  await bob.locator("#lobby-list .conv", { hasText: "general" }).locator(".mention-badge").waitFor({ state: "detached" });

  await bob.screenshot({ path: join(outDir, "bob-mentions.png") });
  console.log(`screenshots: ${["alice-autocomplete", "bob-inbox", "bob-mentions"].map((name) => join(outDir, name + ".png")).join(", ")}`);
}

const started = Date.now();
try {
  await main();
  console.log(`e2e passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error("e2e FAILED:", error);
  if (problems.length > 0) console.error(problems.join("\n"));
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
  if (server) await stopServer(server).catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
}
