#!/usr/bin/env bash
# Makes the profile the release build is optimised with (`Benchmarks/Profile/stockledger.profdata`, read by
# Package.swift: LLVM's IR-level profile-guided optimisation). Builds an instrumented binary under
# .build-profile, runs it on the benchmark's workloads, merges what the runs counted, and has the next release
# build compile every module again with the new profile.
#
# The workloads are those of Benchmarks/compare.sh, which must keep giving identical files: the 100k gen.py
# workload and a 30k `generate` workload (batches, serials) from scratch, then a backdated receipt and a daily
# run onto each; the 100k workload again under the test settings that make a small run take a large run's
# paths (vouchers held on disk, spilled logs, small windows), split into three files, and as XML; and the 1M
# gen.py workload from scratch, which weighs the counts toward the paths a large run spends its time on.
#
# Run it after a change to the hot path (a stale profile is still used: functions whose code changed are
# compiled without it, as before; BENCHMARKS.md, "Guided by a profile").
#
# usage: Benchmarks/profile.sh        Work goes to ${BENCH_DIR:-/tmp/stockledger-bench}/profile.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${SHARED_BENCH:-$root/../shared/bench}
work=${BENCH_DIR:-/tmp/stockledger-bench}
W=$work/profile; raw=$W/raw
swiftc=$(readlink -f "$(command -v swiftc)")
toolchain=$(dirname "$(dirname "$swiftc")")
runtime=$(ls "$toolchain"/lib/clang/*/lib/linux/libclang_rt.profile-x86_64.a | head -1)
profdata=$toolchain/bin/llvm-profdata

# The instrumented binary, built apart (its own scratch path, from nothing: the package manager does not
# rebuild objects when only -Xswiftc flags change) and without the current profile (STOCKLEDGER_PGO=0).
rm -rf "$root/.build-profile/x86_64-unknown-linux-gnu/release"
(cd "$root" && STOCKLEDGER_PGO=0 swift build -c release --product stockledger --scratch-path .build-profile \
  -Xswiftc -Xfrontend -Xswiftc "-ir-profile-generate=$raw/%p.profraw" \
  -Xlinker "$runtime" -Xlinker -u__llvm_profile_runtime 2>&1 | grep -v -E "mktemp|^\[" | tail -1)
bin=$root/.build-profile/release/stockledger

for n in 100000 1000000; do
  case $n in 100000) items=1000 whs=6 ;; *) items=5000 whs=8 ;; esac
  [ -f "$work/w$n/movements.csv" ] || python3 "$bench/gen.py" "$n" "$items" "$whs" 42 "$work/w$n" >/dev/null
done
rm -rf "$W"; mkdir -p "$W/extra" "$raw"
python3 "$bench/to_stockledger.py" "$work/w100000/movements.csv" "$W/base" >/dev/null
"$bin" generate "$W/gen" --vouchers 30000 >/dev/null
python3 "$root/Benchmarks/extras.py" "$work/w100000/movements.csv" "$W/extra" 5000

train() {  # books, env settings...: a run of the instrumented binary, which must succeed
  local books=$1; shift
  env "$@" LLVM_PROFILE_FILE="$raw/%p.profraw" "$bin" run "$books" --quiet >/dev/null
}
for set in base gen; do
  cp -r "$W/$set" "$W/$set-run"
  train "$W/$set-run"
  for step in backdated daily; do cp "$W/extra/$step.csv" "$W/$set-run/inbox/"; train "$W/$set-run"; done
done
modes=("STOCKLEDGER_TEST_HELD_VOUCHERS=0 STOCKLEDGER_TEST_INDEX_NAMES=0 STOCKLEDGER_TEST_SPILL_BYTES=256"
  "STOCKLEDGER_TEST_WINDOW=100" "STOCKLEDGER_TEST_WINDOW=500 STOCKLEDGER_TEST_RENDER_LATE=1")
for i in "${!modes[@]}"; do
  cp -r "$W/base" "$W/mode$i"
  # shellcheck disable=SC2086 # (each mode is a list of settings)
  train "$W/mode$i" ${modes[$i]}
done
# Three files in one inbox (a large run's many), and the workload as XML.
cp -r "$W/base" "$W/split"; rm "$W/split/inbox/"*
python3 - "$W/base/inbox/movements.csv" "$W/split/inbox" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines(keepends=True)
body = lines[1:]; third = len(body) // 3
for k in range(3):
    part = body[k * third:] if k == 2 else body[k * third:(k + 1) * third]
    open(f"{sys.argv[2]}/part{k}.csv", "w").writelines([lines[0]] + part)
PY
train "$W/split"
cp -r "$W/base" "$W/xml"; rm "$W/xml/inbox/"*
python3 "$root/Benchmarks/to_xml.py" "$W/base/inbox/movements.csv" "$W/xml/inbox/movements.xml"
train "$W/xml"
python3 "$bench/to_stockledger.py" "$work/w1000000/movements.csv" "$W/large" >/dev/null
train "$W/large"

mkdir -p "$root/Benchmarks/Profile"
# Sparse: functions never run are left out (they are compiled as without a profile), a fifth of the size.
"$profdata" merge --sparse -o "$root/Benchmarks/Profile/stockledger.profdata" "$raw"/*.profraw
# What the profile was made from, for the next reader to see how far the code has moved since
# (`git diff` from that commit; functions changed since are compiled without their counts).
{
  # (Dirty when the sources or the package differ from the commit: the profile itself, written above,
  # does not count.)
  echo "sources: $(cd "$root" && { git describe --always --abbrev=12 2>/dev/null || echo unknown; } | tr -d '\n'; git -C "$root" diff --quiet HEAD -- Sources Package.swift 2>/dev/null || echo -n "-dirty")"
  echo "made: $(date -u +%Y-%m-%d)"
  echo "toolchain: $(swiftc --version 2>/dev/null | head -1)"
} > "$root/Benchmarks/Profile/made-from.txt"
rm -rf "$W"
# The package manager does not know the profile is an input: the sources are touched, so that the next
# release build compiles every module with the new one.
find "$root/Sources" -name '*.swift' -exec touch {} +
ls -l "$root/Benchmarks/Profile/stockledger.profdata"
