#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS (default 60) from the committed
# seed corpus; exits non-zero on the first crash, leak, timeout or OOM.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#   RUNS=1000000 tests/fuzz/run.sh 0 TARGET     (a long run: that many executions)
# New corpus entries go to a scratch copy: the committed seeds stay as they are. A crash
# leaves its input under tests/fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(onnx_import model_file record_and_bundle keys verify)

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked
# cargo-fuzz needs nightly's -Z flags. Without a nightly toolchain, stable's compiler
# accepts them under RUSTC_BOOTSTRAP (it ships the sanitizer runtimes).
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz)
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
fi
"${fuzz[@]}" build --fuzz-dir .

limit=(-max_total_time="$seconds")
[ -z "${RUNS:-}" ] || limit=(-runs="$RUNS")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t" "artifacts/$t"
  if [ "$t" = onnx_import ]; then
    cp ../data/models/*.onnx ../data/ops/*.onnx "$scratch/$t/"
  else
    cp seeds/"$t"/* "$scratch/$t/"
  fi
  if [ -n "${RUNS:-}" ]; then echo "== $t ($RUNS runs)"; else echo "== $t (${seconds} s)"; fi
  # -rss_limit_mb: a parser allocating what its input cannot justify is a bug here.
  set +e
  "${fuzz[@]}" run --fuzz-dir . "$t" "$scratch/$t" -- \
    "${limit[@]}" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="artifacts/$t/" -print_final_stats=1 > "$scratch/$t.log" 2>&1
  rc=$?
  set -e
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^#[0-9]+ +DONE' "$scratch/$t.log" || true
  if [ $rc -ne 0 ]; then
    grep -E -A 2 'panicked|ERROR: |SUMMARY|Test unit written' "$scratch/$t.log" | cut -c 1-400 | head -n 40
    echo "fuzz target $t failed (exit $rc): its input is under tests/fuzz/artifacts/$t/"
    exit 1
  fi
done
