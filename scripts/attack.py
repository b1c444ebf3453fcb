#!/usr/bin/env python3
"""Attacks a running chat server as an outsider would, and fails if a defence is missing.

Run by scripts/attack.sh, which starts the server and passes:
  ATTACK_URL          the server's base URL (http://127.0.0.1:PORT)
  ATTACK_SERVER_PID   its process id (peak memory is read from /proc/PID/status)
  CHAT_SERVER_BIN     the server binary (scenarios whose settings differ start their own)
  ATTACK_SCALE        size factor (default 1: the whole run takes well under 90 s)
  ATTACK_BODY_TIMEOUT the server's CHAT_BODY_TIMEOUT in seconds (attack.sh shortens it)
  ATTACK_ONLY         optional comma-separated scenario numbers to run (e.g. "1,5")

Every limit asserted is the documented default, read from README.md (the settings table and
the login-throttling rule): no scenario raises the limit it tests. Each scenario prints one
line, PASS or FAIL, with its figures; the exit status is 1 if any failed.

Clients connect from distinct loopback addresses (127.0.x.y) where per-address limits would
otherwise make one scenario's setup spend another's budget, as an attacker with several
addresses would.
"""

import asyncio
import json
import math
import os
import re
import resource
import signal
import struct
import sys
import tempfile
import time
import zlib
from urllib.parse import urlparse

from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCALE = float(os.environ.get("ATTACK_SCALE", "1"))
PASSWORD = "correct horse battery"
GATEWAY_PATH = "/api/v1/ws"  # chat_core::v1::endpoints::GATEWAY_PATH


class Failure(Exception):
    """A defence is missing: the scenario's assertion and its figures."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def scaled(n, minimum=1):
    return max(minimum, int(round(n * SCALE)))


# ---------------------------------------------------------------------------------------
# The documented limits, from README.md.


def parse_duration(text):
    m = re.fullmatch(r"(\d+)(ms|s|m|h|d)?", text.strip())
    if not m:
        raise ValueError(text)
    n = int(m.group(1))
    return n * {"ms": 0.001, "s": 1, None: 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def documented_limits():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    table = {}
    for m in re.finditer(r"^\| `--[a-z-]+` \| `(CHAT_[A-Z_]+)` \| `([^`]*)` \|", readme, re.M):
        table[m.group(1)] = m.group(2)
    m = re.search(
        r"\*\*Login throttling\*\*: within (\d+) minutes, (\d+) failures for one username from "
        r"one address,\s+(\d+) from one address, or (\d+) for one username from anywhere",
        readme,
    )
    check(m is not None, "README.md no longer states the login throttling rule")
    needed = [
        "CHAT_REGISTER_BURST", "CHAT_REGISTER_WINDOW", "CHAT_ACTION_BURST",
        "CHAT_ACTION_WINDOW", "CHAT_CALL_BURST", "CHAT_CALL_WINDOW", "CHAT_UPLOAD_BURST",
        "CHAT_UPLOAD_WINDOW", "CHAT_WS_QUEUE", "CHAT_BODY_MIN_RATE",
        "CHAT_MAX_CONNECTIONS_PER_IP",
    ]
    missing = [k for k in needed if k not in table]
    check(not missing, f"README.md's settings table lacks {missing}")
    return {
        "login_window": int(m.group(1)) * 60,
        "login_pair": int(m.group(2)),
        "login_ip": int(m.group(3)),
        "login_user": int(m.group(4)),
        "register_burst": int(table["CHAT_REGISTER_BURST"]),
        "register_window": parse_duration(table["CHAT_REGISTER_WINDOW"]),
        "action_burst": int(table["CHAT_ACTION_BURST"]),
        "action_window": parse_duration(table["CHAT_ACTION_WINDOW"]),
        "call_burst": int(table["CHAT_CALL_BURST"]),
        "call_window": parse_duration(table["CHAT_CALL_WINDOW"]),
        "upload_burst": int(table["CHAT_UPLOAD_BURST"]),
        "upload_window": parse_duration(table["CHAT_UPLOAD_WINDOW"]),
        "ws_queue": int(table["CHAT_WS_QUEUE"]),
        "body_min_rate": int(table["CHAT_BODY_MIN_RATE"]),
        "max_connections_per_ip": int(table["CHAT_MAX_CONNECTIONS_PER_IP"]),
    }


# ---------------------------------------------------------------------------------------
# Addresses: every call hands out a loopback address no one has used yet.

_next_address = [0]


def fresh_address():
    _next_address[0] += 1
    n = _next_address[0]
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


# ---------------------------------------------------------------------------------------
# A minimal HTTP/1.1 client on asyncio streams: one connection per request, so that the
# source address is ours to choose and nothing is pooled behind our back.


class Response:
    def __init__(self, status, headers, body, elapsed):
        self.status = status
        self.headers = headers
        self.body = body
        self.elapsed = elapsed

    def json(self):
        return json.loads(self.body or b"null")

    def code(self):
        try:
            return self.json()["error"]["code"]
        except Exception:
            return None

    def __repr__(self):
        return f"{self.status} {self.body[:200]!r}"


async def read_response(reader):
    """Reads one response; None when the connection closed before a status line."""
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = await reader.read(65536)
        if not chunk:
            if not head:
                return None
            raise ConnectionError(f"connection closed inside a response head: {head[:200]!r}")
        head += chunk
    head, rest = head.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    if "content-length" in headers:
        n = int(headers["content-length"])
        while len(rest) < n:
            chunk = await reader.read(65536)
            if not chunk:
                break
            rest += chunk
        body = rest[:n]
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            while b"\r\n" not in rest:
                chunk = await reader.read(65536)
                if not chunk:
                    raise ConnectionError("connection closed inside a chunked body")
                rest += chunk
            size_line, rest = rest.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            while len(rest) < size + 2:
                chunk = await reader.read(65536)
                if not chunk:
                    raise ConnectionError("connection closed inside a chunk")
                rest += chunk
            body += rest[:size]
            rest = rest[size + 2:]
            if size == 0:
                break
    else:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                break
            rest += chunk
        body = rest
    return Response(status, headers, body, 0.0)


class Server:
    def __init__(self, url, pid, process=None, data=None):
        self.url = url
        parsed = urlparse(url)
        self.host = parsed.hostname
        self.port = parsed.port
        self.pid = pid
        self.process = process
        self.data = data

    async def open(self, src=None):
        return await asyncio.open_connection(
            self.host, self.port, local_addr=(src, 0) if src else None
        )

    def head(self, method, path, *, length=None, token=None, ctype="application/json",
             extra=""):
        lines = [f"{method} {path} HTTP/1.1", f"host: {self.host}:{self.port}",
                 "connection: close"]
        if token:
            lines.append(f"authorization: Bearer {token}")
        if length is not None:
            lines.append(f"content-type: {ctype}")
            lines.append(f"content-length: {length}")
        return ("\r\n".join(lines) + "\r\n" + extra + "\r\n").encode()

    async def request(self, method, path, *, json_body=None, raw=None, token=None, src=None,
                      ctype="application/json", timeout=20.0):
        body = raw if raw is not None else (
            json.dumps(json_body).encode() if json_body is not None else None)
        if body is None and method in ("POST", "PUT", "PATCH"):
            body = b"{}"
        started = time.monotonic()

        async def go():
            reader, writer = await self.open(src)
            try:
                writer.write(self.head(method, path, length=None if body is None else len(body),
                                       token=token, ctype=ctype))
                if body:
                    writer.write(body)
                await writer.drain()
                response = await read_response(reader)
                if response is None:
                    raise ConnectionError(f"{method} {path}: connection closed without an answer")
                return response
            finally:
                writer.close()

        try:
            response = await asyncio.wait_for(go(), timeout)
        except asyncio.TimeoutError:
            raise Failure(f"{method} {path} got no answer within {timeout:.0f} s") from None
        response.elapsed = time.monotonic() - started
        return response

    async def register(self, username, src):
        r = await self.request("POST", "/api/v1/auth/register",
                               json_body={"username": username, "password": PASSWORD}, src=src)
        check(r.status == 201, f"setup: registering {username} answered {r!r}")
        body = r.json()
        return body["token"], body["user"]["id"]

    async def login(self, username, password, src):
        return await self.request("POST", "/api/v1/auth/login",
                                  json_body={"username": username, "password": password},
                                  src=src)

    async def create_lobby(self, token, name, src=None):
        r = await self.request("POST", "/api/v1/lobbies", json_body={"name": name},
                               token=token, src=src)
        check(r.status == 201, f"setup: creating lobby {name} answered {r!r}")
        return r.json()["id"]

    async def post(self, token, lobby, content, src=None):
        r = await self.request("POST", f"/api/v1/lobbies/{lobby}/messages",
                               json_body={"content": content}, token=token, src=src)
        check(r.status == 201, f"setup: posting answered {r!r}")
        return r.json()["id"]

    async def ws(self, token, src=None):
        host, port = self.host, self.port
        return await ws_connect(
            f"ws://{host}:{port}{GATEWAY_PATH}",
            additional_headers={"Authorization": f"Bearer {token}"},
            local_addr=(src, 0) if src else None,
            ping_interval=None,
            max_size=1 << 22,
            max_queue=16,
            open_timeout=10,
        )

    def peak_rss_mib(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def current_rss_mib(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def reset_peak_rss(self):
        """Resets VmHWM to the current RSS (Linux clear_refs 5); False where not allowed."""
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as f:
                f.write("5")
            return True
        except OSError:
            return False


async def start_server(extra_env, name):
    """Starts a server of our own with the same base settings as attack.sh's plus extra_env."""
    binary = os.environ["CHAT_SERVER_BIN"]
    data = tempfile.mkdtemp(prefix=f"attack-{name}-")
    log_path = os.path.join(data, "server.log")
    # Only the settings named here: none inherited from the caller's environment.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAT_")}
    env.update({"CHAT_DATA_DIR": data, "CHAT_PORT": "0", "CHAT_HOST": "127.0.0.1",
                "CHAT_BCRYPT_COST": "4", "CHAT_LOG": "info"})
    env.update(extra_env)
    log = open(log_path, "wb")
    process = await asyncio.create_subprocess_exec(binary, stdout=log, stderr=log, env=env)
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with open(log_path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        m = re.search(r"listening.*address=([0-9.:]+)", text)
        if m:
            return Server(f"http://{m.group(1)}", process.pid, process, data)
        if process.returncode is not None:
            break
        try:
            await asyncio.wait_for(process.wait(), 0.1)
        except asyncio.TimeoutError:
            pass
    raise Failure(f"the {name} server did not start: {text[-2000:]}")


async def stop_server(server):
    if server.process and server.process.returncode is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(server.process.wait(), 10)
        except asyncio.TimeoutError:
            server.process.kill()
            await server.process.wait()
    if server.data:
        import shutil
        shutil.rmtree(server.data, ignore_errors=True)


# ---------------------------------------------------------------------------------------
# WebSocket helpers.


async def ws_live(server, token, src=None):
    """Opens a socket, waits for `ready`, sends an empty `resume`, waits for `resumed`."""
    ws = await server.ws(token, src)
    ready = json.loads(await asyncio.wait_for(ws.recv(), 10))
    check(ready.get("type") == "ready", f"first frame was not ready: {ready}")
    await ws.send(json.dumps({"type": "resume", "cursors": {}}))
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if frame.get("type") == "resumed":
            return ws


def close_code(ws):
    return ws.close_code if ws.close_code is not None else None


# ---------------------------------------------------------------------------------------
# Scenario 1: parallel login guesses.


async def scenario_login(server, limits):
    pair, per_ip, per_user = limits["login_pair"], limits["login_ip"], limits["login_user"]
    victim = "victim-login"
    await server.register(victim, fresh_address())

    # N concurrent guesses for one user from one address; the right password is sent as soon
    # as the documented budget of verified attempts is provably spent (that many 401s came
    # back), while the other guesses are still in flight.
    n = scaled(20, minimum=pair + 2)
    attacker = fresh_address()
    started = time.monotonic()
    guesses = [asyncio.ensure_future(server.login(victim, f"wrong guess {i}", attacker))
               for i in range(n - 1)]
    statuses = []
    right = None
    for future in asyncio.as_completed(guesses):
        r = await future
        statuses.append((r.status, r))
        if right is None and sum(1 for s, _ in statuses if s == 401) >= pair:
            right = asyncio.ensure_future(server.login(victim, PASSWORD, attacker))
    if right is None:
        right = asyncio.ensure_future(server.login(victim, PASSWORD, attacker))
    right = await right
    elapsed = time.monotonic() - started
    verified = sum(1 for s, _ in statuses if s == 401)
    refused = sum(1 for s, _ in statuses if s == 429)
    others = [r for s, r in statuses if s not in (401, 429)]
    check(not others, f"guesses answered other than 401/429: {others[:3]}")
    check(verified <= pair,
          f"{verified} wrong passwords verified (401) for one user from one address; "
          f"the documented limit is {pair} per {limits['login_window'] // 60} min")
    check(right.status == 429,
          f"the right password, sent after {verified} failures, answered {right!r}; "
          f"expected 429 (the budget of {pair} was spent)")
    check(right.code() == "rate_limited" and "retry-after" in right.headers,
          f"the 429 lacks code rate_limited or Retry-After: {right!r} {right.headers}")
    # The owner, from another address, is not locked out by this guesser.
    owner = await server.login(victim, PASSWORD, fresh_address())
    check(owner.status == 200,
          f"the owner logging in from another address answered {owner!r}")

    # One address guessing across users: at most per_ip verified.
    users = per_ip // pair + 1
    spread = fresh_address()
    tasks = [server.login(f"nobody{u}", f"wrong guess {i}", spread)
             for u in range(users) for i in range(pair)]
    spread_results = await asyncio.gather(*tasks)
    spread_total = len(tasks)
    spread_401 = sum(1 for r in spread_results if r.status == 401)
    spread_429 = sum(1 for r in spread_results if r.status == 429)
    check(spread_401 + spread_429 == len(tasks),
          f"spread guesses answered other than 401/429: "
          f"{[r for r in spread_results if r.status not in (401, 429)][:3]}")
    check(spread_401 <= per_ip,
          f"{spread_401} passwords verified from one address over {users} users; "
          f"the documented limit is {per_ip}")

    # One user from many addresses: at most per_user verified, then even the right password
    # is refused from a new address.
    target = "victim-spread"
    await server.register(target, fresh_address())
    addresses = per_user // pair + 1
    tasks = [server.login(target, f"wrong guess {a}.{i}", fresh_address_cached(a))
             for a in range(addresses) for i in range(pair)]
    wide = await asyncio.gather(*tasks)
    wide_401 = sum(1 for r in wide if r.status == 401)
    check(wide_401 + sum(1 for r in wide if r.status == 429) == len(tasks),
          f"distributed guesses answered other than 401/429: "
          f"{[r for r in wide if r.status not in (401, 429)][:3]}")
    check(wide_401 <= per_user,
          f"{wide_401} passwords verified for one user from {addresses} addresses; "
          f"the documented limit is {per_user}")
    late = await server.login(target, PASSWORD, fresh_address())
    check(late.status == 429,
          f"after {wide_401} distributed failures the right password answered {late!r}, "
          f"expected 429")
    return (f"{n} concurrent logins (1 right) in {elapsed:.2f} s: {verified}x401 "
            f"{refused}x429, right password 429 (Retry-After {right.headers['retry-after']} s), "
            f"owner from elsewhere 200; one address x {users} users: {spread_401}x401/"
            f"{spread_total} (limit {per_ip}); one user x {addresses} "
            f"addresses: {wide_401}x401/{len(wide)} (limit {per_user}), then 429")


_cached_addresses = {}


def fresh_address_cached(key):
    if key not in _cached_addresses:
        _cached_addresses[key] = fresh_address()
    return _cached_addresses[key]


# ---------------------------------------------------------------------------------------
# Scenario 2: image decode memory.


def png_of_zeros(side, bit_depth):
    """An RGBA PNG of side x side zero pixels, streamed through zlib (never held decoded)."""
    bytes_per_pixel = 4 * bit_depth // 8
    row = b"\x00" * (1 + side * bytes_per_pixel)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(side)]
    parts.append(compressor.flush())
    data = b"".join(parts)

    def chunk(kind, payload):
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", side, side, bit_depth, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


async def scenario_images(server, limits):
    bound = float(os.environ.get("ATTACK_RSS_LIMIT_MIB", "512"))
    per_user = limits["upload_burst"] - 2  # stays under the upload limit: the decoder is hit
    bomb = png_of_zeros(4096, 16)  # 4096 x 4096 x 8 bytes = 128 MiB decoded
    m = scaled(24)
    tokens = []
    for i in range(math.ceil(m / per_user)):
        token, _ = await server.register(f"uploader{i}", fresh_address())
        tokens.append(token)
    # Also one user past the upload burst, to see 429 come in place of work.
    greedy, _ = await server.register("greedy-uploader", fresh_address())
    server.reset_peak_rss()
    before = server.current_rss_mib()
    uploads = [server.request("PUT", "/api/v1/users/me/avatar", raw=bomb, ctype="image/png",
                              token=tokens[i // per_user], timeout=60)
               for i in range(m)]
    uploads += [server.request("PUT", "/api/v1/users/me/avatar", raw=bomb, ctype="image/png",
                               token=greedy, timeout=60)
                for _ in range(limits["upload_burst"] + 2)]
    started = time.monotonic()
    results = await asyncio.gather(*uploads)
    elapsed = time.monotonic() - started
    peak = server.peak_rss_mib()
    by_status = {}
    for r in results:
        by_status[r.status] = by_status.get(r.status, 0) + 1
    bad = [r for r in results if r.status not in (413, 422, 429)]
    check(not bad, f"{len(bad)} of {len(results)} uploads of a {len(bomb) // 1024} KiB PNG "
                   f"decoding to 128 MiB answered other than 413/422/429: {bad[:3]}")
    check(by_status.get(429, 0) >= 1,
          f"{limits['upload_burst'] + 2} uploads by one user got no 429 (upload burst "
          f"{limits['upload_burst']}): {by_status}")
    check(peak < bound, f"peak RSS {peak:.0f} MiB during {len(results)} concurrent uploads of "
                        f"a 128 MiB-decoding PNG; bound {bound:.0f} MiB")
    # Images exactly at the decode budget (4096 x 4096 8-bit RGBA = 64 MiB) are decoded: many
    # at once must wait for the decoder rather than all allocate.
    at_budget = png_of_zeros(4096, 8)
    m2 = scaled(8)
    budget_tokens = [(await server.register(f"decoder{i}", fresh_address()))[0] for i in range(m2)]
    server.reset_peak_rss()
    before2 = server.current_rss_mib()
    started = time.monotonic()
    decoded = await asyncio.gather(*[
        server.request("PUT", "/api/v1/users/me/avatar", raw=at_budget, ctype="image/png",
                       token=t, timeout=120) for t in budget_tokens])
    elapsed2 = time.monotonic() - started
    peak2 = server.peak_rss_mib()
    by_status2 = {}
    for r in decoded:
        by_status2[r.status] = by_status2.get(r.status, 0) + 1
    check(all(r.status in (204, 429) for r in decoded),
          f"uploads of a PNG decoding to exactly the 64 MiB budget answered "
          f"{[r for r in decoded if r.status not in (204, 429)][:3]}")
    check(peak2 < bound, f"peak RSS {peak2:.0f} MiB during {m2} concurrent decodes of 64 MiB "
                         f"images; bound {bound:.0f} MiB")
    return (f"{len(results)} concurrent avatar uploads of a {len(bomb) // 1024} KiB PNG "
            f"(4096x4096 16-bit RGBA = 128 MiB decoded) in {elapsed:.2f} s: "
            f"{', '.join(f'{n}x{s}' for s, n in sorted(by_status.items()))}; "
            f"RSS {before:.0f} MiB before, peak {peak:.0f} MiB; {m2} concurrent uploads "
            f"decoding to the 64 MiB budget in {elapsed2:.2f} s: "
            f"{', '.join(f'{n}x{s}' for s, n in sorted(by_status2.items()))}, RSS "
            f"{before2:.0f} MiB before, peak {peak2:.0f} MiB (bound {bound:.0f})")


# ---------------------------------------------------------------------------------------
# Scenario 3: slow bodies.


async def read_until_closed(reader, within):
    """(status or None, seconds) once the server closes the connection; raises on timeout."""
    started = time.monotonic()
    data = b""
    try:
        while True:
            chunk = await asyncio.wait_for(reader.read(65536), within - (time.monotonic() - started))
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, BrokenPipeError):
        pass
    elapsed = time.monotonic() - started
    status = None
    if data.startswith(b"HTTP/1.1 "):
        status = int(data.split()[1])
    return status, elapsed


async def scenario_slow_bodies(server, limits):
    timeout = float(os.environ.get("ATTACK_BODY_TIMEOUT", "3"))
    margin = 3.0
    token, _ = await server.register("slow-uploader", fresh_address())

    # A declared Content-Length over the route's limit is refused before any body byte.
    refused = []
    for method, path, length, tok in [("POST", "/api/v1/auth/register", 10 << 20, None),
                                      ("PUT", "/api/v1/users/me/avatar", 3 << 20, token)]:
        reader, writer = await server.open(fresh_address())
        started = time.monotonic()
        writer.write(server.head(method, path, length=length, token=tok))
        await writer.drain()
        try:
            r = await asyncio.wait_for(read_response(reader), 5)
        except asyncio.TimeoutError:
            raise Failure(f"{method} {path} declaring {length} bytes got no answer within 5 s "
                          f"without its body (expected 413 at once)") from None
        writer.close()
        check(r is not None and r.status == 413 and r.code() == "payload_too_large",
              f"{method} {path} declaring {length} bytes answered {r!r}, expected 413")
        refused.append(time.monotonic() - started)

    # K connections send a head with a Content-Length and never the body.
    k = scaled(40)
    hanging_from = fresh_address()
    conns = []
    for i in range(k):
        reader, writer = await server.open(hanging_from)
        if i % 2:
            head = server.head("POST", "/api/v1/auth/register", length=100)
        else:
            head = server.head("PUT", "/api/v1/users/me/avatar", length=1000, token=token,
                               ctype="image/png")
        writer.write(head)
        await writer.drain()
        conns.append((reader, writer, time.monotonic()))
    # A dripping body: one byte every 0.4 s never stalls for the timeout, but the whole body
    # may take only the timeout plus its size at the minimum rate.
    drips = []
    drip_length = 4096
    drip_allowed = timeout + drip_length / limits["body_min_rate"]

    async def drip(writer):
        try:
            while True:
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(0.4)  # pacing the slowloris, not synchronisation
        except (ConnectionError, OSError):
            pass

    for _ in range(scaled(2)):
        reader, writer = await server.open(hanging_from)
        writer.write(server.head("POST", "/api/v1/auth/register", length=drip_length))
        await writer.drain()
        drips.append((reader, writer, time.monotonic(), asyncio.ensure_future(drip(writer))))

    # While they hang, others are served.
    health = await server.request("GET", "/healthz", src="127.0.0.1", timeout=10)
    check(health.status == 200 and health.elapsed < 2,
          f"/healthz answered {health.status} in {health.elapsed:.2f} s while {k} bodies hang "
          f"(expected 200 within 2 s)")
    login = await server.login("slow-uploader", PASSWORD, fresh_address())
    check(login.status == 200 and login.elapsed < 2,
          f"a login answered {login.status} in {login.elapsed:.2f} s while {k} bodies hang")

    # Each is answered 408 (or closed) within the timeout plus a margin.
    async def outcome(reader, sent_at, allowed):
        try:
            status, _ = await read_until_closed(reader, allowed + margin - (time.monotonic() - sent_at))
        except asyncio.TimeoutError:
            return None, time.monotonic() - sent_at
        return status, time.monotonic() - sent_at

    results = await asyncio.gather(*[outcome(r, t, timeout) for r, _, t in conns])
    drip_results = await asyncio.gather(*[outcome(r, t, drip_allowed) for r, _, t, _ in drips])
    for _, writer, _ in conns:
        writer.close()
    for _, writer, _, task in drips:
        task.cancel()
        writer.close()
    open_still = [e for s, e in results if s is None and e >= timeout + margin - 0.01]
    check(not open_still,
          f"{len(open_still)} of {k} connections with a body that never came were still open "
          f"{timeout + margin:.1f} s after their head (CHAT_BODY_TIMEOUT={timeout:g}s)")
    wrong = [s for s, _ in results if s not in (408, None)]
    check(not wrong, f"stalled bodies answered {wrong[:5]}, expected 408 or a close")
    early = [e for _, e in results if e < timeout - 0.5]
    check(not early, f"{len(early)} stalled connections were closed before the timeout "
                     f"({min(early or [0]):.2f} s < {timeout:g} s)")
    drip_open = [e for s, e in drip_results if s is None and e >= drip_allowed + margin - 0.01]
    check(not drip_open,
          f"{len(drip_open)} dripping bodies (1 byte / 0.4 s of {drip_length}) still open after "
          f"{drip_allowed + margin:.1f} s; allowed {drip_allowed:.2f} s")
    check(all(s in (408, None) for s, _ in drip_results),
          f"dripping bodies answered {drip_results}")
    times = [e for _, e in results]
    statuses = {}
    for s, _ in results:
        statuses[s or "closed"] = statuses.get(s or "closed", 0) + 1

    # One address holds at most its share of connections (a server of our own, with the cap
    # lowered so the run stays small).
    cap = scaled(16)
    capped = await start_server({"CHAT_MAX_CONNECTIONS_PER_IP": str(cap)}, "per-ip")
    try:
        flood_from = fresh_address()
        flood = []
        for _ in range(2 * cap):
            try:
                reader, writer = await capped.open(flood_from)
                writer.write(capped.head("POST", "/api/v1/auth/register", length=100))
                await writer.drain()
            except (ConnectionError, OSError):
                reader, writer = None, None
            flood.append((reader, writer))

        async def held(reader):
            if reader is None:
                return False
            try:
                chunk = await asyncio.wait_for(reader.read(1), 2)
                return bool(chunk)
            except asyncio.TimeoutError:
                return True
            except (ConnectionError, OSError):
                return False

        held_count = sum(await asyncio.gather(*[held(r) for r, _ in flood]))
        health2 = await capped.request("GET", "/healthz", src="127.0.0.1", timeout=10)
        for _, writer in flood:
            if writer:
                writer.close()
    finally:
        await stop_server(capped)
    check(held_count <= cap,
          f"one address held {held_count} stalled connections; CHAT_MAX_CONNECTIONS_PER_IP={cap}")
    check(health2.status == 200 and health2.elapsed < 2,
          f"/healthz from another address answered {health2.status} in {health2.elapsed:.2f} s "
          f"while one address held its share")

    return (f"413 before the body in {max(refused) * 1000:.0f} ms (10 MiB JSON, 3 MiB avatar); "
            f"{k} stalled bodies: /healthz {health.elapsed * 1000:.0f} ms, login "
            f"{login.elapsed * 1000:.0f} ms meanwhile, all ended "
            f"({', '.join(f'{n}x{s}' for s, n in statuses.items())}) after "
            f"{min(times):.2f}-{max(times):.2f} s (timeout {timeout:g} s); {len(drips)} dripping "
            f"bodies cut after {max(e for _, e in drip_results):.2f} s (allowed "
            f"{drip_allowed:.2f} s); per-address cap {cap}: {held_count}/{2 * cap} held, "
            f"/healthz {health2.elapsed * 1000:.0f} ms")


# ---------------------------------------------------------------------------------------
# Scenario 4: registration flood.


async def scenario_registration(server, limits):
    cost = os.environ.get("ATTACK_FLOOD_BCRYPT_COST", "11")
    burst = limits["register_burst"]
    # A server of our own hashing at a real cost, so that the registrations that get through
    # keep the hashing threads busy while the login arrives.
    flooded = await start_server({"CHAT_BCRYPT_COST": cost}, "registration")
    try:
        await flooded.register("existing-user", fresh_address())
        flood_from = fresh_address()
        r_count = scaled(30, minimum=burst + 5)
        others = [fresh_address() for _ in range(scaled(4))]
        started = time.monotonic()
        tasks = [asyncio.ensure_future(flooded.request(
            "POST", "/api/v1/auth/register",
            json_body={"username": f"flood{i}", "password": PASSWORD}, src=flood_from,
            timeout=120)) for i in range(r_count)]
        helpers = [asyncio.ensure_future(flooded.request(
            "POST", "/api/v1/auth/register",
            json_body={"username": f"flood-{a}-{i}", "password": PASSWORD}, src=address,
            timeout=120)) for a, address in enumerate(others) for i in range(burst)]
        # The first refusal shows the flood has reached the server; then the login comes.
        first = await next(iter(asyncio.as_completed(tasks)))
        check(first.status in (201, 429), f"a flood registration answered {first!r}")
        login = await flooded.login("existing-user", PASSWORD, fresh_address())
        pending = sum(1 for t in tasks + helpers if not t.done())
        results = await asyncio.gather(*tasks)
        helper_results = await asyncio.gather(*helpers)
        elapsed = time.monotonic() - started
    finally:
        await stop_server(flooded)
    created = sum(1 for r in results if r.status == 201)
    limited = [r for r in results if r.status == 429]
    bad = [r for r in results if r.status not in (201, 429)]
    check(not bad, f"flood registrations answered {bad[:3]}")
    check(created <= burst,
          f"{created} registrations from one address went through; the documented burst is "
          f"{burst} per {limits['register_window'] / 3600:g} h")
    check(all(r.code() == "rate_limited" and "retry-after" in r.headers for r in limited),
          "a registration 429 lacks code rate_limited or Retry-After")
    helper_created = sum(1 for r in helper_results if r.status == 201)
    check(login.status == 200 and login.elapsed < 2,
          f"a login during the flood answered {login.status} in {login.elapsed:.2f} s "
          f"(expected 200 within 2 s; {pending} registrations were pending)")
    note = "" if pending else " (note: the flood had drained before the login answered)"
    return (f"{r_count} registrations from one address: {created}x201 {len(limited)}x429 "
            f"(burst {burst}); {helper_created} more hashed from {len(others)} other addresses "
            f"at bcrypt cost {cost}; login during the flood 200 in {login.elapsed * 1000:.0f} ms "
            f"with {pending} registrations pending; flood took {elapsed:.2f} s{note}")


# ---------------------------------------------------------------------------------------
# Scenario 5: edit / join / leave flood over REST and the WebSocket.


async def scenario_actions(server, limits):
    burst, window = limits["action_burst"], limits["action_window"]
    rate = burst / window
    owner, _ = await server.register("lobby-owner", fresh_address())
    lobby = await server.create_lobby(owner, "open-house")

    # REST: edits of one's own message, and joins and leaves of a public lobby, all at once.
    src = fresh_address()
    attacker, _ = await server.register("rest-flooder", src)
    own_lobby = await server.create_lobby(attacker, "flooder-room", src)  # one action spent
    message = await server.post(attacker, own_lobby, "original", src)
    edits_n = scaled(80)
    toggles_n = scaled(30)
    started = time.monotonic()

    async def edits():
        return await asyncio.gather(*[
            server.request("PATCH", f"/api/v1/messages/{message}",
                           json_body={"content": f"edit {i}"}, token=attacker, src=src)
            for i in range(edits_n)])

    async def toggles():
        out = []
        for i in range(toggles_n):
            action = "join" if i % 2 == 0 else "leave"
            out.append((action, await server.request(
                "POST", f"/api/v1/lobbies/{lobby}/{action}", json_body={}, token=attacker,
                src=src)))
        return out

    edit_results, toggle_results = await asyncio.gather(edits(), toggles())
    rest_elapsed = elapsed = time.monotonic() - started
    allowance = burst - 1 + math.ceil(elapsed * rate) + 1
    ok_edits = sum(1 for r in edit_results if r.status == 200)
    ok_toggles = sum(1 for _, r in toggle_results if r.status in (200, 204))
    limited = [r for r in edit_results if r.status == 429] + \
        [r for _, r in toggle_results if r.status == 429]
    unexpected = [r for r in edit_results if r.status not in (200, 429)]
    check(not unexpected, f"edits answered {unexpected[:3]}")
    check(ok_edits + ok_toggles <= allowance,
          f"{ok_edits} edits + {ok_toggles} joins/leaves went through in {elapsed:.2f} s; the "
          f"documented burst is {burst} per {window:g} s (allowing {allowance} with refill)")
    check(limited, f"{edits_n + toggles_n} actions in {elapsed:.2f} s were never rate limited")
    check(any(r.status == 429 for _, r in toggle_results),
          "joins and leaves were never rate limited")
    check(all(r.code() == "rate_limited" and "retry-after" in r.headers for r in limited),
          "a 429 lacks code rate_limited or Retry-After")

    # WebSocket: pipeline more frames than the connection's queue, reading as we go.
    ws_src = fresh_address()
    piper, _ = await server.register("ws-flooder", ws_src)
    piper_lobby = await server.create_lobby(piper, "piper-room", ws_src)
    piper_message = await server.post(piper, piper_lobby, "original", ws_src)
    total = max(limits["ws_queue"] + 100, scaled(1100))
    ws = await ws_live(server, piper, ws_src)
    answers = {}
    counts = {"ack": 0, "rate_limited": 0, "other_error": 0, "events": 0, "no_retry_after": 0}
    others = []
    all_answered = asyncio.Event()
    pong = asyncio.Event()

    async def reader():
        async for raw in ws:
            frame = json.loads(raw)
            kind = frame.get("type")
            if kind == "ack":
                counts["ack"] += 1
                answers[frame.get("nonce")] = "ack"
            elif kind == "error":
                if frame.get("code") == "rate_limited":
                    counts["rate_limited"] += 1
                    if frame.get("retry_after_ms") is None:
                        counts["no_retry_after"] += 1
                else:
                    counts["other_error"] += 1
                    others.append(frame)
                answers[frame.get("nonce")] = frame.get("code")
            elif kind == "pong":
                pong.set()
            else:
                counts["events"] += 1
            if len(answers) >= total:
                all_answered.set()

    read_task = asyncio.ensure_future(reader())
    started = time.monotonic()
    for i in range(total):
        if i % 3 == 2:
            frame = {"type": "lobby.join" if (i // 3) % 2 == 0 else "lobby.leave",
                     "lobby_id": lobby, "nonce": f"t-{i}"}
        else:
            frame = {"type": "message.edit", "message_id": piper_message,
                     "content": f"pipelined {i}", "nonce": f"e-{i}"}
        await ws.send(json.dumps(frame))
    sent_in = time.monotonic() - started
    try:
        await asyncio.wait_for(asyncio.shield(all_answered.wait()), 60)
    except asyncio.TimeoutError:
        pass
    elapsed = time.monotonic() - started
    closed = ws.close_code
    if closed is None:
        await ws.send(json.dumps({"type": "ping"}))
        try:
            await asyncio.wait_for(pong.wait(), 10)
        except asyncio.TimeoutError:
            pass
    closed = ws.close_code
    read_task.cancel()
    await ws.close()
    check(closed is None,
          f"the socket pipelining {total} frames (queue {limits['ws_queue']}) was closed with "
          f"{closed} after {counts['ack']} acks and {counts['rate_limited']} rate_limited "
          f"errors; expected rate_limited errors and an open socket")
    check(pong.is_set(), "the pipelining socket answered no pong after the flood")
    check(counts["no_retry_after"] == 0,
          f"{counts['no_retry_after']} rate_limited frames lack retry_after_ms")
    check(len(answers) == total,
          f"{len(answers)} of {total} pipelined frames were answered within 60 s")
    ws_allowance = burst - 1 + math.ceil(elapsed * rate) + 1
    check(counts["ack"] <= ws_allowance,
          f"{counts['ack']} pipelined actions were acknowledged in {elapsed:.2f} s; the "
          f"documented burst is {burst} per {window:g} s (allowing {ws_allowance})")
    check(counts["rate_limited"] >= total - ws_allowance - counts["other_error"],
          f"only {counts['rate_limited']} of {total} pipelined frames were rate_limited")
    unexpected = [f for f in others if f.get("code") not in ("not_found", "conflict", "forbidden")]
    check(not unexpected, f"pipelined frames answered unexpected errors: {unexpected[:3]}")
    return (f"REST: {edits_n} concurrent edits + {toggles_n} joins/leaves in {rest_elapsed:.2f} s -> "
            f"{ok_edits + ok_toggles} done (burst {burst} - 1 spent), {len(limited)}x429; "
            f"WS: {total} frames pipelined in {sent_in:.2f} s (queue {limits['ws_queue']}) -> "
            f"{counts['ack']} acks, {counts['rate_limited']} rate_limited, "
            f"{counts['other_error']} other errors, socket open, pong")


# ---------------------------------------------------------------------------------------
# Scenario 6: call.ice from a stranger to a victim with no call.


async def scenario_ice(server, limits):
    burst, window = limits["call_burst"], limits["call_window"]
    v_src = fresh_address()
    victim, victim_id = await server.register("ice-victim", v_src)
    lobby = await server.create_lobby(victim, "victim-lobby", v_src)
    s_src = fresh_address()
    stranger, stranger_id = await server.register("ice-stranger", s_src)
    r = await server.request("POST", f"/api/v1/lobbies/{lobby}/join", json_body={},
                             token=stranger, src=s_src)
    check(r.status == 200, f"setup: the stranger joining the public lobby answered {r!r}")
    loner_src = fresh_address()
    loner, loner_id = await server.register("ice-loner", loner_src)  # shares nothing

    victim_ws = await ws_live(server, victim, v_src)
    # The victim does not read during the flood (a busy tab): frames pile up in its queue.
    connections = min(16, scaled(8))
    per_connection = scaled(150)
    payload = {"candidate": "c" * (16 * 1024 - 32)}
    per_sender = {}

    async def flood(token, src, n, tag):
        counts = per_sender.setdefault(
            tag[:1], {"rate_limited": 0, "unavailable": 0, "other": 0, "closed": 0})
        ws = await ws_live(server, token, src)
        pong = asyncio.Event()

        async def reader():
            try:
                async for raw in ws:
                    frame = json.loads(raw)
                    kind = frame.get("type")
                    if kind == "pong":
                        pong.set()
                    elif kind == "error" and frame.get("code") == "rate_limited":
                        counts["rate_limited"] += 1
                    elif kind == "call.unavailable":
                        counts["unavailable"] += 1
                    elif kind == "error":
                        counts["other"] += 1
            except ConnectionClosed:
                pass

        task = asyncio.ensure_future(reader())
        try:
            for i in range(n):
                await ws.send(json.dumps({"type": "call.ice", "call_id": f"{tag}-{i}",
                                          "user_id": victim_id, "payload": payload}))
            # Frames of one connection are handled in order: the pong follows them all.
            await ws.send(json.dumps({"type": "ping"}))
            await asyncio.wait_for(pong.wait(), 60)
        except (ConnectionClosed, asyncio.TimeoutError):
            counts["closed"] += 1
        finally:
            task.cancel()
            await ws.close()

    started = time.monotonic()
    await asyncio.gather(*[flood(stranger, s_src, per_connection, f"s{c}")
                           for c in range(connections)],
                         flood(loner, loner_src, scaled(50), "loner"))
    flood_time = time.monotonic() - started
    sent = connections * per_connection

    # The victim is still connected: a message posted now reaches it live, after whatever
    # the flood left in its queue.
    marker = await server.post(stranger, lobby, "after the flood", s_src)
    received = {"ice": 0, "ice_from_loner": 0, "other": 0}
    got_marker = False
    try:
        while not got_marker:
            frame = json.loads(await asyncio.wait_for(victim_ws.recv(), 30))
            kind = frame.get("type")
            if kind == "call.ice":
                received["ice"] += 1
                if frame.get("user_id") == loner_id:
                    received["ice_from_loner"] += 1
            elif kind == "message.created" and frame["message"]["id"] == marker:
                got_marker = True
            else:
                received["other"] += 1
        await victim_ws.send(json.dumps({"type": "ping"}))
        while True:
            frame = json.loads(await asyncio.wait_for(victim_ws.recv(), 10))
            if frame.get("type") == "pong":
                break
    except ConnectionClosed as e:
        raise Failure(f"the victim was disconnected (close {e.rcvd.code if e.rcvd else None}) "
                      f"after a stranger sent {sent} call.ice frames with no call; it had read "
                      f"{received['ice']} of them") from None
    except asyncio.TimeoutError:
        raise Failure(f"the victim received neither the marker message nor a pong after the "
                      f"flood ({received})") from None
    finally:
        await victim_ws.close()
    counts, loner_counts = per_sender["s"], per_sender["l"]
    check(counts["closed"] + loner_counts["closed"] == 0,
          f"{counts['closed'] + loner_counts['closed']} flooding sockets ended before their pong")
    allowance = burst + math.ceil(flood_time * burst / window) + 1
    check(received["ice"] <= allowance,
          f"the victim received {received['ice']} call.ice frames from one stranger in "
          f"{flood_time:.2f} s; the documented limit is {burst} per {window:g} s "
          f"(allowing {allowance})")
    check(received["ice_from_loner"] == 0,
          f"a user sharing no conversation got {received['ice_from_loner']} call.ice frames "
          f"through")
    return (f"stranger sent {sent} call.ice (16 KiB, no call) over {connections} sockets in "
            f"{flood_time:.2f} s: {counts['rate_limited']} rate_limited, victim received "
            f"{received['ice']} (limit {burst}/{window:g} s) and stayed connected (marker + pong); "
            f"a user sharing nothing sent {scaled(50)}: {loner_counts['unavailable']} call.unavailable, "
            f"{loner_counts['rate_limited']} rate_limited, 0 delivered")


# ---------------------------------------------------------------------------------------

SCENARIOS = [
    (1, "parallel login guesses", scenario_login),
    (2, "image decode memory", scenario_images),
    (3, "slow bodies", scenario_slow_bodies),
    (4, "registration flood", scenario_registration),
    (5, "edit/join/leave flood (REST + WebSocket)", scenario_actions),
    (6, "call.ice from a stranger", scenario_ice),
]


async def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    server = Server(os.environ["ATTACK_URL"], int(os.environ["ATTACK_SERVER_PID"]))
    try:
        limits = documented_limits()
    except Failure as e:
        print(f"FAIL reading the documented limits: {e}")
        return 1
    only = {int(x) for x in os.environ.get("ATTACK_ONLY", "").split(",") if x.strip()}
    print(f"attacking {server.url} (scale {SCALE:g}); documented limits: "
          f"login {limits['login_pair']}/{limits['login_ip']}/{limits['login_user']} per "
          f"{limits['login_window'] // 60} min, register {limits['register_burst']}, actions "
          f"{limits['action_burst']}/{limits['action_window']:g} s, calls "
          f"{limits['call_burst']}/{limits['call_window']:g} s, uploads "
          f"{limits['upload_burst']}, queue {limits['ws_queue']}", flush=True)
    failed = []
    run_started = time.monotonic()
    for number, name, scenario in SCENARIOS:
        if only and number not in only:
            continue
        started = time.monotonic()
        try:
            figures = await scenario(server, limits)
            print(f"PASS {number} {name} ({time.monotonic() - started:.1f} s): {figures}",
                  flush=True)
        except Failure as e:
            failed.append(number)
            print(f"FAIL {number} {name} ({time.monotonic() - started:.1f} s): {e}", flush=True)
        except Exception as e:  # a crash of the attack itself fails too, with its cause
            failed.append(number)
            print(f"FAIL {number} {name} ({time.monotonic() - started:.1f} s): "
                  f"{type(e).__name__}: {e}", flush=True)
        try:
            os.kill(server.pid, 0)
        except OSError:
            print(f"FAIL the server (pid {server.pid}) died during scenario {number}")
            return 1
    ran = len(only) if only else len(SCENARIOS)
    print(f"attack run took {time.monotonic() - run_started:.1f} s")
    print(f"attack: {ran - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
