#!/usr/bin/env bash
# Side-by-side measurement of zkseal and the peer EZKL (23.0.5, Poseidon-`hashed` weights) on the
# same ONNX models, in one run on one machine. Results: benches/ezkl_compare.md (written by hand
# from the summary this script prints; see that file for the recorded figures).
#
#   bash benches/ezkl_compare.sh                               # mlp_small,cnn_small; all phases
#   MODELS=mlp_small bash benches/ezkl_compare.sh
#   SCHEME=poseidon bash benches/ezkl_compare.sh                # zkseal's in-circuit Poseidon scheme
#   BACKEND=halo2 SCHEME=poseidon bash benches/ezkl_compare.sh  # zkseal's transparent halo2 backend
#   MODELS=mlp_wide EZKL_MODES=fixed bash benches/ezkl_compare.sh  # EZKL with weights baked in
#   PHASES=zkseal bash benches/ezkl_compare.sh                 # zkseal only (no Python needed)
#   PHASES=summary bash benches/ezkl_compare.sh                # re-print the summary of an earlier run
#
# Phases (PHASES, comma list, in this order):
#   build     cargo build --release -p zkseal-cli
#   zkseal    import, setup (SETUP_REPS), commit, prove (PROVE_REPS), verify (VERIFY_REPS), sizes;
#             SCHEME=lego (default) or poseidon
#   ezkl      the peer's own pipeline: $PEER_DIR/run_ezkl.sh --modes $EZKL_MODES (settings, calibration,
#             compile, local test SRS, setup, witness, prove x PROVE_REPS, verify x VERIFY_REPS);
#             makes a Python venv and pip-installs ezkl==23.0.5 the first time (PyPI needed)
#   reprove   zkseal prove again (PROVE_REPS) right after EZKL, so both sides share a time window
#   summary   tables (markdown) from $WORK/measure.jsonl and $EZKL_WORK/runs/<model>_hashed/result.json
#
# Every zkseal step runs under /usr/bin/time -v (apt-get install time): wall seconds (measured by
# this script around the process, ns clock) and max RSS; the 1-minute load average is recorded
# before each step. The machine this was written for is a shared 2-core VM: quote medians and
# ratios from one run, not absolute times.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
MODELS=${MODELS:-mlp_small,cnn_small}
PHASES=${PHASES:-build,zkseal,ezkl,reprove,summary}
PROVE_REPS=${PROVE_REPS:-3}
VERIFY_REPS=${VERIFY_REPS:-5}
SETUP_REPS=${SETUP_REPS:-2}
SCHEME=${SCHEME:-lego}
BACKEND=${BACKEND:-groth16}
EZKL_MODES=${EZKL_MODES:-hashed}
WORK=${WORK:-${TMPDIR:-/tmp}/zkcmp}
EZKL_WORK=${EZKL_WORK:-${TMPDIR:-/tmp}/ezkl-peer}
PEER_DIR=${PEER_DIR:-$repo/../shared/peers/ezkl}
MODEL_DIR=${MODEL_DIR:-$PEER_DIR/models}
CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
ZKSEAL=${ZKSEAL:-$CARGO_TARGET_DIR/release/zkseal}
TIME=${TIME_BIN:-/usr/bin/time}
EZKL_TIMEOUT=${EZKL_TIMEOUT:-900}   # per EZKL child phase, seconds
LOG=$WORK/measure.jsonl

has_phase() { case ",$PHASES," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
mkdir -p "$WORK"

# measure MODEL STEP REP CMD... : run CMD under time -v, append one JSON line to $LOG
measure() {
  local model=$1 step=$2 rep=$3; shift 3
  local tv="$WORK/$model/time.$step.$rep.txt" out="$WORK/$model/out.$step.$rep.txt"
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  local t0 t1 rc=0
  t0=$(date +%s%N)
  "$TIME" -v -o "$tv" "$@" >"$out" 2>&1 || rc=$?
  t1=$(date +%s%N)
  local rss; rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
  local usr; usr=$(awk -F': ' '/User time/ {print $2}' "$tv")
  local sys; sys=$(awk -F': ' '/System time/ {print $2}' "$tv")
  local wall; wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", (b - a) / 1e9}')
  printf '{"model":"%s","step":"%s","rep":"%s","wall_s":%s,"max_rss_kib":%s,"user_s":%s,"sys_s":%s,"load1_before":%s,"rc":%s,"utc":"%s"}\n' \
    "$model" "$step" "$rep" "$wall" "${rss:-null}" "${usr:-null}" "${sys:-null}" "$load" "$rc" "$(date -u +%FT%TZ)" >>"$LOG"
  printf '  %-10s %-8s rep %-3s %8.3f s  %8s KiB  load %s  rc %s\n' "$model" "$step" "$rep" "$wall" "${rss:-?}" "$load" "$rc"
  if [ "$rc" != 0 ]; then echo "  FAILED: $*"; tail -5 "$out"; return "$rc"; fi
}

if has_phase build; then
  (cd "$repo" && cargo build --release -p zkseal-cli)
fi
[ -x "$TIME" ] || { echo "need GNU time at $TIME (apt-get install -y time)"; exit 1; }

IFS=, read -r -a models <<<"$MODELS"

if has_phase zkseal; then
  [ -x "$ZKSEAL" ] || { echo "no zkseal binary at $ZKSEAL"; exit 1; }
  for m in "${models[@]}"; do
    W=$WORK/$m; rm -rf "$W"; mkdir -p "$W"
    echo "== zkseal $m"
    measure "$m" import 1 "$ZKSEAL" import "$MODEL_DIR/$m.onnx" -o "$W/m.zkq" --calibration "$MODEL_DIR/${m}_cal.json"
    for r in $(seq 1 "$SETUP_REPS"); do
      keys=$W/keys; [ "$r" = 1 ] || keys=$W/keys$r
      measure "$m" setup "$r" "$ZKSEAL" setup "$W/m.zkq" -o "$keys" --scheme "$SCHEME" --backend "$BACKEND"
    done
    measure "$m" commit 1 "$ZKSEAL" commit "$W/m.zkq" --pk "$W/keys/proving.key" --scheme "$SCHEME" \
      -o "$W/c.json" --salt "$W/salt.json"
    for r in $(seq 1 "$PROVE_REPS"); do
      measure "$m" prove "$r" "$ZKSEAL" prove "$W/m.zkq" --pk "$W/keys/proving.key" --salt "$W/salt.json" \
        --input "$MODEL_DIR/${m}_input.json" --commitment "$W/c.json" -o "$W/p.json"
    done
    for r in $(seq 1 "$VERIFY_REPS"); do
      measure "$m" verify "$r" "$ZKSEAL" verify --vk "$W/keys/verifying.key" --commitment "$W/c.json" "$W/p.json"
    done
    "$ZKSEAL" inspect "$W/m.zkq" --json >"$W/inspect.json"
    python3 - "$W" "$m" >>"$WORK/sizes.jsonl" <<'EOF'
import json, os, sys
w, m = sys.argv[1], sys.argv[2]
p = json.load(open(os.path.join(w, "p.json")))
hexp = p.get("proof", "")
hexp = hexp[2:] if isinstance(hexp, str) and hexp.startswith("0x") else hexp
sz = lambda f: os.path.getsize(os.path.join(w, f))
print(json.dumps({"model": m, "proving_key_bytes": sz("keys/proving.key"), "verifying_key_bytes": sz("keys/verifying.key"),
                  "proof_raw_bytes": len(hexp) // 2 if isinstance(hexp, str) else None, "proof_file_bytes": sz("p.json"),
                  "zkq_bytes": sz("m.zkq"), "commitment_file_bytes": sz("c.json")}))
EOF
  done
fi

if has_phase ezkl; then
  echo "== EZKL ($EZKL_MODES) on $MODELS; load before: $(cat /proc/loadavg)"
  EZKL_WORK=$EZKL_WORK bash "$PEER_DIR/run_ezkl.sh" --models "$MODELS" --modes "$EZKL_MODES" \
    --prove-reps "$PROVE_REPS" --force-reps --verify-reps "$VERIFY_REPS" --agree-n 0 --timeout "$EZKL_TIMEOUT" \
    2>&1 | tee "$WORK/ezkl.log"
fi

if has_phase reprove; then
  for m in "${models[@]}"; do
    W=$WORK/$m
    echo "== zkseal $m prove again (after EZKL)"
    for r in $(seq 1 "$PROVE_REPS"); do
      measure "$m" prove_after "$r" "$ZKSEAL" prove "$W/m.zkq" --pk "$W/keys/proving.key" --salt "$W/salt.json" \
        --input "$MODEL_DIR/${m}_input.json" --commitment "$W/c.json" -o "$W/p_after.json"
    done
    measure "$m" verify_after 1 "$ZKSEAL" verify --vk "$W/keys/verifying.key" --commitment "$W/c.json" "$W/p_after.json"
  done
fi

if has_phase summary; then
  python3 - "$WORK" "$EZKL_WORK" "$MODELS" "$EZKL_MODES" <<'EOF'
import json, os, statistics, sys
work, ezw, models, mode = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4].split(",")[0]
rows = [json.loads(l) for l in open(os.path.join(work, "measure.jsonl"))]
sizes = {}
if os.path.exists(os.path.join(work, "sizes.jsonl")):
    for l in open(os.path.join(work, "sizes.jsonl")):
        d = json.loads(l); sizes[d["model"]] = d
med = lambda xs: statistics.median(xs) if xs else None
def zk(m, step):
    return [r for r in rows if r["model"] == m and r["step"] == step and r["rc"] == 0]
def fmt(x, nd=3):
    return "—" if x is None else (f"{x:.{nd}f}" if isinstance(x, float) else str(x))
def ratio(a, b):
    return "—" if a is None or b in (None, 0) else f"{a / b:.1f}×" if a / b >= 10 else f"{a / b:.2f}×"
for m in models:
    E = {}
    rp = os.path.join(ezw, "runs", f"{m}_{mode}", "result.json")
    if os.path.exists(rp):
        E = json.load(open(rp))
    ep = [p for p in E.get("prove_runs", []) if p.get("ok")]
    ev = [v for v in E.get("verify_runs", []) if v.get("ok")]
    es = E.get("setup", {}) if E.get("setup", {}).get("ok") else {}
    zp, zp2, zv, zs = zk(m, "prove"), zk(m, "prove_after"), zk(m, "verify"), zk(m, "setup")
    S = sizes.get(m, {})
    z_prove = med([r["wall_s"] for r in zp]); z_prove2 = med([r["wall_s"] for r in zp2])
    z_ver = med([r["wall_s"] for r in zv]); z_setup = med([r["wall_s"] for r in zs])
    z_rss = max([r["max_rss_kib"] for r in zp + zp2], default=None)
    e_prove = med([p["inner_s"] for p in ep]); e_prove_w = med([p["wall_s"] for p in ep])
    e_ver = med([v["inner_s"] for v in ev]); e_ver_w = med([v["wall_s"] for v in ev])
    e_rss = max([p["peak_rss_mib"] for p in ep], default=None)
    e_proof = E.get("proof", {}).get("raw_proof_bytes"); e_pf = E.get("proof", {}).get("proof_file_bytes")
    print(f"\n### {m}  (EZKL k={E.get('settings', {}).get('logrows')}, rows={E.get('settings', {}).get('num_rows')}; errors: {E.get('errors')})\n")
    print(f"| metric | zkseal | EZKL {mode} | EZKL / zkseal |\n|---|---|---|---|")
    print(f"| prove s, median (zkseal: process wall; EZKL: in-call) | {fmt(z_prove)} | {fmt(e_prove)} | {ratio(e_prove, z_prove)} |")
    print(f"| prove s, zkseal re-run after EZKL (median) | {fmt(z_prove2)} | {fmt(e_prove)} | {ratio(e_prove, z_prove2)} |")
    print(f"| prove s, EZKL child wall (python start + import) vs zkseal after EZKL | {fmt(z_prove2)} | {fmt(e_prove_w)} | {ratio(e_prove_w, z_prove2)} |")
    z_cpu = med([r["user_s"] + r["sys_s"] for r in zp + zp2]); e_cpu = med([p["user_s"] + p["sys_s"] for p in ep])
    print(f"| prove CPU s (user+sys, median; less load-sensitive) | {fmt(z_cpu, 2)} | {fmt(e_cpu, 2)} | {ratio(e_cpu, z_cpu)} |")
    print(f"| verify s, median (EZKL in-call / zkseal process) | {fmt(z_ver, 4)} | {fmt(e_ver, 4)} | {ratio(e_ver, z_ver)} |")
    print(f"| verify s, EZKL child wall | {fmt(z_ver, 4)} | {fmt(e_ver_w, 4)} | {ratio(e_ver_w, z_ver)} |")
    print(f"| setup s (zkseal median of {len(zs)}; EZKL in-call, 1 rep) | {fmt(z_setup)} | {fmt(es.get('inner_s'))} | {ratio(es.get('inner_s'), z_setup)} |")
    zs_cpu = med([r["user_s"] + r["sys_s"] for r in zs]); es_cpu = es and es["user_s"] + es["sys_s"]
    print(f"| setup CPU s (user+sys) | {fmt(zs_cpu, 2)} | {fmt(es_cpu or None, 2)} | {ratio(es_cpu or None, zs_cpu)} |")
    print(f"| proof bytes (raw) | {S.get('proof_raw_bytes')} | {e_proof} | {ratio(e_proof, S.get('proof_raw_bytes'))} |")
    print(f"| proof file bytes (JSON) | {S.get('proof_file_bytes')} | {e_pf} | {ratio(e_pf, S.get('proof_file_bytes'))} |")
    print(f"| proving key bytes | {S.get('proving_key_bytes')} | {E.get('pk_bytes')} | {ratio(E.get('pk_bytes'), S.get('proving_key_bytes'))} |")
    print(f"| verifying key bytes | {S.get('verifying_key_bytes')} | {E.get('vk_bytes')} | {ratio(E.get('vk_bytes'), S.get('verifying_key_bytes'))} |")
    zr = None if z_rss is None else z_rss / 1024
    print(f"| prove peak RSS MiB (max) | {fmt(zr, 1)} | {fmt(e_rss, 1)} | {ratio(e_rss, zr)} |")
    print("\nraw reps (wall s / max RSS MiB / load1 before):")
    for st in ("import", "commit", "setup", "prove", "verify", "prove_after", "verify_after"):
        rs = zk(m, st)
        if rs:
            print(f"- zkseal {st}: " + ", ".join(f"{r['wall_s']:.4f} s / {r['max_rss_kib']/1024:.1f} / {r['load1_before']}" for r in rs))
    if es:
        print(f"- EZKL setup: in-call {es['inner_s']:.2f} s, child wall {es['wall_s']:.2f} s, {es['peak_rss_mib']:.0f} MiB, load {es.get('loadavg1_before'):.2f}")
    for name, xs in (("prove", ep), ("verify", ev)):
        if xs:
            print(f"- EZKL {name}: " + ", ".join(f"{x['inner_s']:.4f} s (wall {x['wall_s']:.2f}, {x['peak_rss_mib']:.0f} MiB, cpu {x['user_s']+x['sys_s']:.1f} s, load {x.get('loadavg1_before'):.2f})" for x in xs))
    for k in ("gen_settings_s", "calibrate_settings_s", "compile_circuit_s", "gen_srs_s"):
        if E.get(k) is not None:
            print(f"- EZKL {k}: {E[k]:.2f}")
EOF
fi
