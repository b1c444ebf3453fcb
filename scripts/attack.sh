#!/usr/bin/env bash
# Attack scripts: scripts/attack.py attacks a freshly started debug server as an outsider
# would (parallel login guesses, images that decode huge, slow bodies, a registration flood,
# action floods over REST and the WebSocket, call.ice from a stranger) and fails if any
# defence is missing. Each scenario prints one line with its figures.
#
#   scripts/attack.sh                  # build the server, attack it, stop it
#   ATTACK_SCALE=5 scripts/attack.sh   # larger floods (default 1: well under 90 s)
#   ATTACK_ONLY=1,3 scripts/attack.sh  # some scenarios only
#
# websockets comes from PyPI, pinned, in a virtual environment under target/ (reused); HTTP
# is spoken with the standard library, so source addresses and half-sent bodies are ours.
set -euo pipefail
cd "$(dirname "$0")/.."

websockets_version=15.0.1
target_dir=${CARGO_TARGET_DIR:-target}
venv=${ATTACK_VENV:-$target_dir/attack-venv}

if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  apt-get update -qq && apt-get install -y -qq python3 python3-venv
fi
if ! "$venv/bin/python" -c "import websockets, sys; sys.exit(websockets.__version__ != '$websockets_version')" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "websockets==$websockets_version"
fi

# CHAT_SERVER_BIN: an already built server (CI builds it in an earlier step).
server_bin=${CHAT_SERVER_BIN:-}
if [ -z "$server_bin" ]; then
  cargo build -q -p chat-server
  server_bin="$target_dir/debug/chat-server"
fi

# Stalled bodies are cut after this long (the default is 10 s; shortened so the run is quick).
body_timeout=${ATTACK_BODY_TIMEOUT:-3}

data=$(mktemp -d)
log="$data/server.log"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  rm -rf "$data"
}
trap cleanup EXIT
. scripts/start-server.sh
# Every limit the attacks test keeps its default; only the body timeout is shortened, and
# bcrypt cost 4 keeps the setup's registrations fast (the registration flood starts a server
# of its own with a real cost, as does the per-address connection cap, lowered there).
start_server "$server_bin" "$data" "$log" CHAT_HOST=127.0.0.1 CHAT_BCRYPT_COST=4 CHAT_LOG=info \
  CHAT_BODY_TIMEOUT="${body_timeout}s"

started=$SECONDS
status=0
ATTACK_URL="$url" ATTACK_SERVER_PID="$server_pid" CHAT_SERVER_BIN="$server_bin" \
  ATTACK_BODY_TIMEOUT="$body_timeout" ATTACK_SCALE="${ATTACK_SCALE:-1}" \
  "$venv/bin/python" scripts/attack.py || status=$?
echo "attack scripts finished in $((SECONDS - started)) s (status $status)"
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 50 lines)"
  tail -n 50 "$log"
fi
exit "$status"
