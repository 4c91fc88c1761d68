#!/usr/bin/env bash
# Builds the C ABI library, compiles tests/verify.c against zkseal.h, and runs it on
# the committed real proofs (tests/data/proofs): honest (valid), tampered (invalid),
# truncated key (malformed), under both commitment schemes.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
cargo build --release --locked -p zkseal-verifier-capi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -std=c11 -Wall -Wextra -Werror -I. tests/verify.c -L"$root/target/release" -lzkseal_c -o "$work/verify"
export LD_LIBRARY_PATH="$root/target/release"
for scheme in lego poseidon; do
  d=$root/tests/data/proofs/$scheme
  field=commitment; [ "$scheme" = lego ] && field=commitment_point
  "$work/verify" "$d/verifying.key" "$d/commitment.json" "$d/proof.json" 0 "$field"
  perl -0pe 's/("input":\s*\[\s*)(-?\d+)/$1.($2+1)/e' "$d/proof.json" > "$work/tampered.json"
  "$work/verify" "$d/verifying.key" "$d/commitment.json" "$work/tampered.json" 1 "$field"
  head -c 100 "$d/verifying.key" > "$work/cut.key"
  "$work/verify" "$work/cut.key" "$d/commitment.json" "$d/proof.json" 2 "$field"
done
echo "C ABI: all checks passed"
