#!/usr/bin/env bash
# Batch proving against the machine's parallel headroom (issue 4's bar), whole process.
#
#   bash benches/batch_headroom.sh                 # torch_mlp, 200 inputs
#   MODEL=torch_cnn N=200 bash benches/batch_headroom.sh
#
# H (headroom)  = 2·T1 / T2, where T1 is one single-threaded process proving N inputs
#                 (RAYON_NUM_THREADS=1, --batch) and T2 the wall time of two such processes
#                 started together: how much faster two busy processes finish than one would
#                 twice; 2.0 on two idle cores, less on a shared machine.
# S (batch)     = Tseq / Tbatch: N inputs proved one at a time (single-threaded, one after
#                 the other, same process) against `zkseal prove --batch` with every core.
# The bar is S ≥ 0.85·H. Also: N separate `zkseal prove` processes (the naive loop, over the
# first NAIVE inputs and scaled to N), and peak RSS of the batch for N/10 and N inputs
# (memory must not grow with the file). Each timing is the median of REPS runs.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
MODEL=${MODEL:-torch_mlp}
N=${N:-200}
REPS=${REPS:-3}
NAIVE=${NAIVE:-20}
WORK=${WORK:-${TMPDIR:-/tmp}/zk_headroom_$MODEL}
Z=${ZKSEAL:-$repo/target/release/zkseal}
TIME=${TIME_BIN:-/usr/bin/time}
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK"

"$Z" import "$repo/tests/data/models/$MODEL.onnx" -o m.zkq --calibration "$repo/tests/data/digits/calibration.jsonl" >/dev/null
"$Z" setup m.zkq -o keys >/dev/null
"$Z" commit m.zkq --pk keys/proving.key -o c.json --salt salt.json >/dev/null
head -n "$N" "$repo/tests/data/digits/test.jsonl" > inputs.jsonl
head -n "$((N / 10))" inputs.jsonl > inputs_small.jsonl
sed -n 1p inputs.jsonl > one.json
prove_batch() { # THREADS INPUTS OUT
  rm -f "$3"; RAYON_NUM_THREADS=$1 "$Z" prove m.zkq --pk keys/proving.key --salt salt.json --batch "$2" -o "$3" >/dev/null
}
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
t1s=(); t2s=(); tseqs=(); tbs=(); tnaive=()
for r in $(seq 1 "$REPS"); do
  a=$(now); prove_batch 1 inputs.jsonl seq.jsonl; b=$(now); tseqs+=("$(echo "$b - $a" | bc)")
  t1s+=("${tseqs[-1]}")
  a=$(now); prove_batch 1 inputs.jsonl p1.jsonl & prove_batch 1 inputs.jsonl p2.jsonl & wait; b=$(now)
  t2s+=("$(echo "$b - $a" | bc)")
  a=$(now); prove_batch 0 inputs.jsonl batch.jsonl; b=$(now); tbs+=("$(echo "$b - $a" | bc)")
  a=$(now)
  for i in $(seq 1 "$NAIVE"); do
    sed -n "${i}p" inputs.jsonl > one.json
    "$Z" prove m.zkq --pk keys/proving.key --salt salt.json --input one.json -o one.proof.json >/dev/null
  done
  b=$(now); tnaive+=("$(echo "($b - $a) * $N / $NAIVE" | bc -l)")
  echo "rep $r: T1 ${t1s[-1]} s, T2 (two processes) ${t2s[-1]} s, Tbatch ${tbs[-1]} s, naive (scaled) ${tnaive[-1]} s, load $(cut -d' ' -f1 /proc/loadavg)"
done
T1=$(printf '%s\n' "${t1s[@]}" | median); T2=$(printf '%s\n' "${t2s[@]}" | median)
TB=$(printf '%s\n' "${tbs[@]}" | median); TN=$(printf '%s\n' "${tnaive[@]}" | median)
rss() { "$TIME" -f %M -o rss.txt env RAYON_NUM_THREADS=0 "$Z" prove m.zkq --pk keys/proving.key --salt salt.json --batch "$1" -o rss.proofs.jsonl >/dev/null; rm -f rss.proofs.jsonl; cat rss.txt; }
RS=$(rss inputs_small.jsonl); RL=$(rss inputs.jsonl)
grep -c '"bundle"' batch.jsonl >/dev/null
"$Z" verify --vk keys/verifying.key --commitment c.json --batch batch.jsonl
awk -v t1="$T1" -v t2="$T2" -v tb="$TB" -v tn="$TN" -v n="$N" -v m="$MODEL" -v rs="$RS" -v rl="$RL" -v cores="$(nproc)" 'BEGIN {
  h = 2 * t1 / t2; s = t1 / tb
  printf "\n%s, %d inputs, %d cores (medians):\n", m, n, cores
  printf "  one at a time, 1 thread: %.2f s (%.1f ms/proof)\n", t1, 1000 * t1 / n
  printf "  two such processes together: %.2f s -> headroom H = %.2f\n", t2, h
  printf "  prove --batch, all cores: %.2f s (%.1f ms/proof) -> S = %.2f = %.0f%% of H (bar 85%%)\n", tb, 1000 * tb / n, s, 100 * s / h
  printf "  %d separate zkseal prove processes (scaled): %.2f s -> batch is %.1fx faster\n", n, tn, tn / tb
  printf "  batch peak RSS: %d inputs %.1f MiB, %d inputs %.1f MiB\n", n / 10, rs / 1024, n, rl / 1024
}'
