#!/usr/bin/env bash
# Fuzzes the share-link decoder (decode_link), scenario validation (scenario_validate) and the
# engine's JSON parser against serde_json's (json_parse) with cargo-fuzz and libFuzzer, on
# stable Rust.
#
#   fuzz/run.sh [SECONDS]     each target runs SECONDS (default 600); prints executions and
#                             findings, and exits 1 if any target found a crash or timeout.
#   FUZZ_TARGETS=decode_link fuzz/run.sh 1200
#                             only the named targets (space-separated; default: all three).
#
# cargo-fuzz passes nightly-only -Z flags to rustc and cargo; RUSTC_BOOTSTRAP=1 lets the
# stable toolchain accept them. FUZZ_SANITIZER=none skips AddressSanitizer (about twice the
# executions a second; the engine has no unsafe code of its own).
set -euo pipefail

seconds="${1:-600}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: fuzz/run.sh [SECONDS]" >&2
  exit 2
fi
sanitizer="${FUZZ_SANITIZER:-address}"
cargo_fuzz_version="0.13.2"
cd "$(dirname "$0")"

if ! cargo fuzz --version 2>/dev/null | grep -qF "$cargo_fuzz_version"; then
  echo "installing cargo-fuzz $cargo_fuzz_version"
  cargo install cargo-fuzz --version "$cargo_fuzz_version" --locked
fi
export RUSTC_BOOTSTRAP=1

# Seed corpora: links to every example scenario (after "#", an odd first byte: read as text),
# the examples' JSON (after a space, an even first byte: wrapped into a link), and the
# examples themselves. Fuzzing adds what it finds beside them (corpus/ and artifacts/ are not
# committed).
mkdir -p corpus/decode_link corpus/scenario_validate corpus/json_parse
cp seeds/decode_link/*.txt corpus/decode_link/
for example in ../engine/examples/scenarios/*.json; do
  { printf ' '; cat "$example"; } >"corpus/decode_link/json-$(basename "$example")"
  cp "$example" corpus/scenario_validate/
  cp "$example" corpus/json_parse/
done

cargo fuzz build --sanitizer "$sanitizer"

passed=0
failed=0
for target in ${FUZZ_TARGETS:-decode_link scenario_validate json_parse}; do
  case "$target" in
    # Past the 32 KiB link cap, so the length check is exercised too.
    decode_link) options=(-max_len=40000) ;;
    scenario_validate) options=(-max_len=16384 -dict=scenario_validate.dict) ;;
    json_parse) options=(-max_len=4096 -dict=scenario_validate.dict) ;;
    *) echo "unknown fuzz target '$target' (decode_link, scenario_validate, json_parse)" >&2; exit 2 ;;
  esac
  log="target/$target.log"
  mkdir -p target "artifacts/$target"
  status=0
  cargo fuzz run --sanitizer "$sanitizer" "$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    "${options[@]}" >"$log" 2>&1 || status=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)
  findings=$(find "artifacts/$target" -type f \( -name 'crash-*' -o -name 'timeout-*' \
    -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
  if [ "$status" -eq 0 ] && [ "$findings" -eq 0 ]; then
    passed=$((passed + 1))
    echo "$target: ${executions:-?} executions in ${seconds} s (${rate:-?}/s, ${coverage:-cov: ?}), no findings"
  else
    failed=$((failed + 1))
    echo "$target: FAILED (libFuzzer exit $status, $findings finding(s) in fuzz/artifacts/$target); last lines of $log:"
    tail -n 30 "$log"
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
