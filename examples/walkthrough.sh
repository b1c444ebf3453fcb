#!/usr/bin/env bash
# The README's curl walkthrough as a script: register, log in, create a lobby, post, read
# history. Needs curl and jq.
#
# It runs against live servers (CI runs it), so it leaves nothing behind: its lobby has a
# name of its own (a second public `general` would make `chat lobby join general` ambiguous
# for everyone), and the lobby and the account are deleted when it ends, even on failure.
#
#   ./examples/walkthrough.sh [SERVER_URL]      (default http://127.0.0.1:8080)
set -euo pipefail

server=${1:-http://127.0.0.1:8080}
suffix="$RANDOM$RANDOM"
user="walker$suffix"
lobby_name="walkthrough-$suffix"
password="correct horse battery"

say() { printf '\n$ %s\n' "$*" >&2; }
json() { curl --fail-with-body -sS -H 'content-type: application/json' "$@"; }

say "register $user"
json -X POST "$server/api/v1/auth/register" \
  -d "{\"username\": \"$user\", \"password\": \"$password\"}" | jq .

say "log in"
token=$(json -X POST "$server/api/v1/auth/login" \
  -d "{\"username\": \"$user\", \"password\": \"$password\"}" | jq -r .token)
auth=(-H "authorization: Bearer $token")
lobby=""
cleanup() {
  if [ -n "$lobby" ]; then
    curl -sS -o /dev/null "${auth[@]}" -X DELETE "$server/api/v1/lobbies/$lobby" || true
  fi
  curl -sS -o /dev/null "${auth[@]}" -X DELETE "$server/api/v1/users/me" || true
}
trap cleanup EXIT

say "create a lobby"
lobby=$(json "${auth[@]}" -X POST "$server/api/v1/lobbies" \
  -d "{\"name\": \"$lobby_name\", \"description\": \"say hi\"}" | jq -r .id)
echo "lobby $lobby"

say "post two messages"
json "${auth[@]}" -X POST "$server/api/v1/lobbies/$lobby/messages" -d '{"content": "hello"}' | jq -c .
json "${auth[@]}" -X POST "$server/api/v1/lobbies/$lobby/messages" -d '{"content": "world"}' | jq -c .

say "read the history (newest first)"
history=$(json "${auth[@]}" "$server/api/v1/lobbies/$lobby/messages?limit=50")
echo "$history" | jq -c '.items[] | {seq, author: .author.username, content}'

# The script doubles as a check: both messages, in order, with seqs 2 and 1.
[ "$(echo "$history" | jq -r '[.items[].seq] | join(",")')" = "2,1" ] || {
  echo "unexpected history: $history" >&2
  exit 1
}
echo "walkthrough ok" >&2
