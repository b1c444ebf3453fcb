# Sourced by scripts that run the real server against a client (.ci/run, attack.sh,
# schemathesis.sh): starts it on a free port and waits until it listens.
#
#   start_server BIN DATA_DIR LOG [VAR=value ...]
#
# Starts BIN with CHAT_DATA_DIR=DATA_DIR and CHAT_PORT=0 plus the given settings, logging to
# LOG; sets `server_pid` and `url` (http://address:port, read from the log). Exits, printing
# the log, when the server stops or does not listen within 60 s.
start_server() {
  local bin=$1 data=$2 log=$3
  shift 3
  # Created first, so the wait below never reads a file the server's shell has not opened.
  : >"$log"
  env CHAT_DATA_DIR="$data" CHAT_PORT=0 "$@" "$bin" >"$log" 2>&1 &
  server_pid=$!
  url=""
  for _ in $(seq 1 300); do
    # The server logs the address it listens on; port 0 picks a free one.
    url=$(sed -n 's/.*listening.*address=\([0-9.:]*\).*/http:\/\/\1/p' "$log" | head -n 1)
    [ -n "$url" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.2
  done
  echo "server did not start"
  cat "$log"
  exit 1
}
