#!/usr/bin/env bash
# OpenAPI conformance fuzzing: runs schemathesis against a freshly started debug server with
# the server's own /api/openapi.json, every check, the stateful phase, a fixed seed and at
# least 100 examples per operation. Any failure fails the script.
#
#   scripts/schemathesis.sh            # build the server, fuzz, stop it
#   SCHEMATHESIS_EXAMPLES=500 scripts/schemathesis.sh
#
# schemathesis comes from PyPI, pinned, in a virtual environment under target/ (reused).
set -euo pipefail
cd "$(dirname "$0")/.."

version=4.32.5
examples=${SCHEMATHESIS_EXAMPLES:-100}
target_dir=${CARGO_TARGET_DIR:-target}
venv=${SCHEMATHESIS_VENV:-$target_dir/schemathesis-venv}

if ! "$venv/bin/st" --version 2>/dev/null | grep -qF "$version"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$version"
fi

# CHAT_SERVER_BIN: an already built server (CI builds it in an earlier step).
server_bin=${CHAT_SERVER_BIN:-}
if [ -z "$server_bin" ]; then
  cargo build -q -p chat-server
  server_bin="$target_dir/debug/chat-server"
fi

data=$(mktemp -d)
log="$data/server.log"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  rm -rf "$data"
}
trap cleanup EXIT
. scripts/start-server.sh
# Rate limits: the send, action, upload and registration limits are raised because the
# fuzzer posts, edits, uploads and registers hundreds of times a second from one address,
# and each limit is tested on its own in chat-server's tests. Login throttling keeps its fixed
# defaults: its 429 is part of the contract the fuzzer checks. bcrypt cost 4 keeps
# registration and login fast.
start_server "$server_bin" "$data" "$log" CHAT_BCRYPT_COST=4 CHAT_LOG=info \
  CHAT_SEND_BURST=1000000 CHAT_SEND_WINDOW=1s CHAT_ACTION_BURST=1000000 CHAT_ACTION_WINDOW=1s \
  CHAT_UPLOAD_BURST=1000000 CHAT_UPLOAD_WINDOW=1s \
  CHAT_REGISTER_BURST=1000000 CHAT_REGISTER_GLOBAL_BURST=1000000

# Registers a user and prints its session token.
register() {
  curl -sf -X POST "$url/api/v1/auth/register" -H 'content-type: application/json' \
    -d "{\"username\": \"$1\", \"password\": \"fuzzing password\"}" | jq -er .token
}

# The first account is the server admin: the main token reaches the admin routes too.
CHAT_FUZZ_TOKEN=$(register fuzz-admin)
CHAT_FUZZ_CLIENT_TOKEN=$(curl -sf -X POST "$url/api/v1/admin/client-tokens" \
  -H "authorization: Bearer $CHAT_FUZZ_TOKEN" -H 'content-type: application/json' \
  -d '{"name": "schemathesis"}' | jq -er .token)
export CHAT_FUZZ_TOKEN CHAT_FUZZ_CLIENT_TOKEN

# Every check, none excluded.
st() {
  "$venv/bin/st" --config-file scripts/schemathesis.toml run "$url/api/openapi.json" \
    --checks all \
    --max-examples "$examples" --no-color "$@"
}

started=$SECONDS
status=0
# Operations that end the caller's own session (log out, delete the account) would leave
# every later request of the run unauthenticated; they run last, each with its own account.
st --exclude-operation-id logout --exclude-operation-id delete_me || status=$?
for operation in logout delete_me; do
  CHAT_FUZZ_TOKEN=$(register "fuzz-${operation//_/-}")
  st --include-operation-id "$operation" || status=$?
done
echo "schemathesis finished in $((SECONDS - started)) s (status $status)"
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 50 lines)"
  tail -n 50 "$log"
fi
exit "$status"
