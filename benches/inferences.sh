#!/usr/bin/env bash
# Several inferences per proof: setup, prove and verify per B (whole process, medians),
# and the amortized cost per inference.
#
#   bash benches/inferences.sh                      # torch_mlp, B = 1 4 16 64
#   MODEL=torch_cnn BS="1 4 16" bash benches/inferences.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
MODEL=${MODEL:-torch_mlp}
BS=${BS:-1 4 16 64}
REPS=${REPS:-3}
WORK=${WORK:-${TMPDIR:-/tmp}/zk_inferences_$MODEL}
Z=${ZKSEAL:-$repo/target/release/zkseal}
TIME=${TIME_BIN:-/usr/bin/time}
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK"
"$Z" import "$repo/tests/data/models/$MODEL.onnx" -o m.zkq --calibration "$repo/tests/data/digits/calibration.jsonl" >/dev/null
timed() { # OUTVAR-PREFIX CMD... : sets T (wall s) and R (max RSS KiB)
  local a b; a=$(date +%s.%N); "$TIME" -f %M -o rss.txt "$@" >/dev/null; b=$(date +%s.%N)
  T=$(echo "$b - $a" | bc); R=$(cat rss.txt)
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '| B | constraints | setup s | pk MB | vk B | prove s (median) | per inference ms | prove peak MiB | verify ms (process) |\n|---|---|---|---|---|---|---|---|---|\n'
for b in $BS; do
  cons=$("$Z" inspect m.zkq --inferences "$b" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["circuit"]["lego"]["constraints"]["total"])')
  timed "$Z" setup m.zkq -o "keys$b" --inferences "$b"; ts=$T
  "$Z" commit m.zkq --pk "keys$b/proving.key" -o "c$b.json" --salt "salt$b.json" >/dev/null
  head -n "$b" "$repo/tests/data/digits/test.jsonl" > "in$b.jsonl"
  ps=(); rs=()
  for r in $(seq 1 "$REPS"); do
    timed "$Z" prove m.zkq --pk "keys$b/proving.key" --salt "salt$b.json" --input "in$b.jsonl" -o "p$b.json"
    ps+=("$T"); rs+=("$R")
  done
  vs=()
  for r in $(seq 1 "$REPS"); do
    timed "$Z" verify --vk "keys$b/verifying.key" --commitment "c$b.json" "p$b.json"; vs+=("$T")
  done
  p=$(printf '%s\n' "${ps[@]}" | median); v=$(printf '%s\n' "${vs[@]}" | median); rss=$(printf '%s\n' "${rs[@]}" | median)
  awk -v b="$b" -v c="$cons" -v ts="$ts" -v pk="$(stat -c %s "keys$b/proving.key")" -v vk="$(stat -c %s "keys$b/verifying.key")" \
      -v p="$p" -v rss="$rss" -v v="$v" 'BEGIN {
    printf "| %d | %d | %.2f | %.1f | %d | %.3f | %.1f | %.0f | %.1f |\n", b, c, ts, pk / 1e6, vk, p, 1000 * p / b, rss / 1024, 1000 * v }'
done
echo "($MODEL, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%FT%TZ))"
