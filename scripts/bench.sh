#!/usr/bin/env bash
# Runs the benchmarks of docs/BENCHMARKS.md: a release chat-server on a fresh data directory
# (or a fresh PostgreSQL database) per scenario, measured by chat-bench on the same machine.
#
#   scripts/bench.sh [scenario ...]     # default: all of them, in the order below
#
# Scenarios: fanout fanout-half idle persist persist-postgres history login me.
# Each report is printed as JSON and kept in target/bench/<scenario>.json.
# Environment: CHAT_BENCH_DURATION (seconds measured, default 10), CHAT_BENCH_POSTGRES
# (server URL for persist-postgres, default postgres://postgres@127.0.0.1:5432/postgres),
# SKIP_BUILD=1 (use the release binaries already built, e.g. after an experiment build).
set -euo pipefail
cd "$(dirname "$0")/.."

# 50,000 connections need as many descriptors in each process (root may raise the hard
# limit; both binaries raise their soft limit to it).
ulimit -Hn 200000 2>/dev/null && ulimit -Sn 200000 2>/dev/null || true

duration=${CHAT_BENCH_DURATION:-10}
postgres=${CHAT_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(fanout fanout-half idle persist persist-postgres history login me)

# Two builds: one `cargo build` of both would unify their features and give another server.
[ -n "${SKIP_BUILD:-}" ] || cargo build --release -q -p chat-server
[ -n "${SKIP_BUILD:-}" ] || cargo build --release -q -p chat-bench
target_dir=${CARGO_TARGET_DIR:-target}
server_bin="$target_dir/release/chat-server"
bench_bin="$target_dir/release/chat-bench"
out="$target_dir/bench"
mkdir -p "$out"

server_pid=""
data=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
  [ -z "$data" ] || rm -rf "$data"
  data=""
}
trap stop_server EXIT

# Starts the server with extra `NAME=value` settings and sets $url and $server_pid.
start_server() {
  data=$(mktemp -d)
  # bcrypt cost 4 while setting up users; the login scenario sets the real cost.
  env CHAT_DATA_DIR="$data" CHAT_PORT=0 CHAT_LOG=warn,chat_server::server=info CHAT_BCRYPT_COST=4 \
    CHAT_SEND_BURST=1000000000 CHAT_SEND_WINDOW=1s CHAT_ACTION_BURST=1000000000 CHAT_MAX_CONNECTIONS_PER_IP=0 \
    CHAT_REGISTER_BURST=1000000000 CHAT_REGISTER_GLOBAL_BURST=1000000000 "$@" \
    "$server_bin" >"$data/server.log" 2>&1 &
  server_pid=$!
  url=""
  for _ in $(seq 1 300); do
    url=$(sed -n 's/.*listening.*address=\([0-9.:]*\).*/http:\/\/\1/p' "$data/server.log" | head -n 1)
    [ -n "$url" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "the server did not start:"; cat "$data/server.log"; exit 1
}

run() {
  local name=$1; shift
  echo "==> $name: chat-bench $*" >&2
  "$bench_bin" --server "$url" --duration "$duration" --json "$@" | tee "$out/$name.json"
}

for scenario in "${scenarios[@]}"; do
  case $scenario in
    fanout)
      start_server
      run fanout fanout --rooms 1 --members 100 --senders 10 --rate 0 --payload 100 ;;
    fanout-half)
      # Half of the 200,000 deliveries/s target: 1,000 messages/s into 100 members.
      start_server
      run fanout-half fanout --rooms 1 --members 100 --senders 10 --rate 1000 --payload 100 ;;
    idle)
      start_server CHAT_MAX_CONNECTIONS_PER_USER=1000
      run idle idle --connections 50000 --users 100 --source-ips 4 --server-pid "$server_pid" ;;
    persist)
      start_server
      run persist persist --senders 64 --window 32 --rooms 8 ;;
    persist-postgres)
      db="chat_bench_$(date +%s)"
      psql "$postgres" -qc "CREATE DATABASE $db"
      start_server CHAT_DATABASE_URL="${postgres%/*}/$db"
      run persist-postgres persist --senders 64 --window 32 --rooms 8
      stop_server
      psql "$postgres" -qc "DROP DATABASE $db WITH (FORCE)" ;;
    history)
      start_server
      run history history --messages 1000000 --concurrency 8 ;;
    login)
      # The default bcrypt cost (12), as a host runs it.
      start_server CHAT_BCRYPT_COST=12
      run login login --users 200 --concurrency 64 --bcrypt-cost 12 ;;
    me)
      start_server
      run me me --concurrency 64 ;;
    *)
      echo "unknown scenario: $scenario"; exit 2 ;;
  esac
  stop_server
done
