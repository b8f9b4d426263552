#!/usr/bin/env bash
# Byte-for-byte check of two stockledger binaries: the same inputs must give the same files.
# Runs both on the 100k gen.py workload and on a 30k `generate` workload (batches, serials), from scratch,
# then a backdated receipt and a daily run onto each, and compares every file the runs leave (the
# snapshot, which is a cache compared by what it decodes to, the history's index, a cache written by a
# backdated run of the builds that have it, and the run summaries' timings aside).
#
# usage: Benchmarks/compare.sh OLD-BINARY NEW-BINARY     (expects IDENTICAL, or SAME CONTENT, six times;
#        CACHE_LAYOUT_CHANGED=1 for a change of the caches' layout: SAME OUTPUTS where only they differ)
# Work goes to ${BENCH_DIR:-/tmp/stockledger-bench}/compare; the 100k workload is made by gen.py if missing.
set -uo pipefail
old=$1; new=$2
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${SHARED_BENCH:-$root/../shared/bench}
work=${BENCH_DIR:-/tmp/stockledger-bench}
w=$work/w100000
[ -f "$w/movements.csv" ] || python3 "$bench/gen.py" 100000 1000 6 42 "$w" >/dev/null
W=$work/compare; rm -rf "$W"; mkdir -p "$W/extra"
python3 "$bench/to_stockledger.py" "$w/movements.csv" "$W/base" >/dev/null
"$old" generate "$W/gen" --vouchers 30000 >/dev/null 2>&1 || echo "generate failed"
python3 "$root/Benchmarks/extras.py" "$w/movements.csv" "$W/extra"
for set in base gen; do
  for b in old new; do cp -r "$W/$set" "$W/$set-$b"; done
  for step in scratch backdated daily; do
    for b in old new; do
      [ $step = scratch ] || cp "$W/extra/$step.csv" "$W/$set-$b/inbox/"
      bin=$old; [ $b = new ] && bin=$new
      "$bin" run "$W/$set-$b" --quiet >/dev/null 2>&1
    done
    differing=$(diff -r -q -x snapshot.bin -x history.idx -x run-summary.json -x .lock "$W/$set-old" "$W/$set-new")
    if [ -z "$differing" ]; then echo "IDENTICAL $set $step"; continue; fi
    # A run's vouchers.csv may be its inbox file as it is, in the file's own layout (since the thirty-third
    # session): what names it differs (the manifest, the chain in HEAD and the reports' marker, the history's
    # byte places), every other file must not, and the new ledger must re-derive every entry from it.
    others=$(echo "$differing" | grep -v -E '/(vouchers\.csv|manifest|HEAD|history\.bin|\.ledger-head) and ')
    # With CACHE_LAYOUT_CHANGED=1 (a change of the derived caches' layout, with the snapshot's version):
    # documents.bin and vouchers.idx may differ; every report and ledger file must not, including those of
    # the backdated and daily runs, which read the caches.
    caches=$(echo "$differing" | grep -v -E '/(documents\.bin|vouchers\.idx) and ')
    if [ "$(echo "$differing" | grep -c -v '/\.ledger-head and ')" = 0 ] && "$new" verify "$W/$set-new" >/dev/null 2>&1; then
      # (The reports' marker records the reports' sizes since the forty-ninth session: against an older build
      # it is the one file that differs.)
      echo "SAME CONTENT $set $step (only the reports' marker differs: it records the reports' sizes in one of the builds; verify passes)"
    elif [ -z "$others" ] && "$new" verify "$W/$set-new" >/dev/null 2>&1; then
      echo "SAME CONTENT $set $step (the ledger's vouchers.csv in another layout; verify passes)"
    elif [ -n "${CACHE_LAYOUT_CHANGED:-}" ] && [ -z "$caches" ] && "$new" verify "$W/$set-new" >/dev/null 2>&1; then
      echo "SAME OUTPUTS $set $step (the caches documents.bin and vouchers.idx in another layout; verify passes)"
    else
      echo "$differing"; echo "DIFFERENT $set $step"
    fi
  done
done
