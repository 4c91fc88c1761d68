#!/usr/bin/env bash
# Builds the C ABI library, compiles tests/verify.c against zkseal.h, and runs it on
# the committed real proofs (tests/data/proofs): honest (valid), tampered (invalid),
# truncated key (malformed), under both commitment schemes, each also with the proof's
# real input (the first line of digits/test.jsonl) and with that input changed.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
cargo build --release --locked -p zkseal-verifier-capi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -std=c11 -Wall -Wextra -Werror -I. tests/verify.c -L"$root/target/release" -lzkseal_c -o "$work/verify"
export LD_LIBRARY_PATH="$root/target/release"
# The real input the committed proofs answer, as space-separated numbers.
perl -ne 'if ($. == 1) { /"input":\s*\[([^\]]*)\]/ or die; print join(" ", split /,\s*/, $1) }' \
  "$root/tests/data/digits/test.jsonl" > "$work/input.txt"
for scheme in lego poseidon; do
  d=$root/tests/data/proofs/$scheme
  field=commitment; [ "$scheme" = lego ] && field=commitment_point
  "$work/verify" "$d/verifying.key" "$d/commitment.json" "$d/proof.json" 0 "$field" "$work/input.txt"
  perl -0pe 's/("input":\s*\[\s*)(-?\d+)/$1.($2+1)/e' "$d/proof.json" > "$work/tampered.json"
  "$work/verify" "$d/verifying.key" "$d/commitment.json" "$work/tampered.json" 1 "$field" "$work/input.txt"
  head -c 100 "$d/verifying.key" > "$work/cut.key"
  "$work/verify" "$work/cut.key" "$d/commitment.json" "$d/proof.json" 2 "$field" "$work/input.txt"
done
echo "C ABI: all checks passed"
