#!/usr/bin/env bash
# Protocol fuzzing: runs every cargo-fuzz (libFuzzer) target in fuzz/ for N seconds each
# (default 60), starting from the seed corpus in fuzz/corpus/<target>/, and prints the
# executions per target. A crash stops the script with libFuzzer's report; the input is kept
# in fuzz/artifacts/<target>/ (reproduce with `RUSTC_BOOTSTRAP=1 cargo fuzz run -s none
# <target> <file>` in fuzz/).
#
#   scripts/fuzz.sh        # 60 s per target
#   scripts/fuzz.sh 15     # a short run, as CI does
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds=${1:-60}
version=0.13.2

if ! cargo fuzz --version 2>/dev/null | grep -qF "$version"; then
  cargo install cargo-fuzz --version "$version" --locked
fi

# cargo-fuzz hands rustc a few unstable flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain
# take them. Without a sanitizer (`-s none`) no nightly-only runtime is needed: libFuzzer's
# coverage instrumentation (sancov) works on stable; what is lost is AddressSanitizer, which
# matters little for chat-core (`unsafe_code = "forbid"`). Debug assertions and overflow
# checks stay on (cargo-fuzz's default), so arithmetic overflow is a crash too.
export RUSTC_BOOTSTRAP=1
export CARGO_INCREMENTAL=0

cargo fuzz build -s none
summary=""
for target in $(cargo fuzz list); do
  # New inputs go to a scratch corpus under target/; the committed seeds stay as they are.
  scratch="target/corpus/$target"
  mkdir -p "$scratch"
  log="target/fuzz-$target.log"
  # A dictionary of the input's syntax (RFC 3339 offsets, zero-width characters…) helps
  # libFuzzer build inputs that byte mutations reach only by chance.
  dict=()
  [ -f "dict/$target.dict" ] && dict=(-dict="dict/$target.dict")
  if ! cargo fuzz run -s none "$target" "$scratch" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    "${dict[@]}" >"$log" 2>&1; then
    # The panic message comes before libFuzzer's long report; show both.
    grep -m 1 -A 8 "panicked" "$log" || true
    tail -n 40 "$log"
    echo "fuzz target $target failed; the input is in fuzz/artifacts/$target/"
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  corpus=$(find "$scratch" "corpus/$target" -type f | wc -l)
  summary+=$(printf '%-14s %10s runs in %s s, corpus %s inputs' "$target" "$runs" "$seconds" "$corpus")$'\n'
done
printf '\n%s' "$summary"
