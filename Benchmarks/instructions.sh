#!/usr/bin/env bash
# Instructions, not time: two stockledger binaries counted by callgrind on the 100k gen.py workload from
# scratch and on a daily run of 10,000 vouchers onto a 1M ledger each binary made itself (its snapshot in its
# own layout), with SHA-256 (libcrypto, which valgrind runs without the CPU's SHA extensions: a third of
# the count) shown apart. On a machine whose speed swings by tens of per cent the count is the comparison
# that holds a change of a few per cent; it does not see page faults, cache misses or the kernel (for those:
# sidebyside.sh, `perf stat -e page-faults`). callgrind runs every thread on one core, about fifty times
# slower: a few minutes in all.
#
# usage: Benchmarks/instructions.sh OLD-BINARY NEW-BINARY
# Needs valgrind. Work goes to ${BENCH_DIR:-/tmp/stockledger-bench}/instructions; the workloads are made by
# gen.py if missing.
set -euo pipefail
old=$1; new=$2
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${SHARED_BENCH:-$root/../shared/bench}
work=${BENCH_DIR:-/tmp/stockledger-bench}
W=$work/instructions; rm -rf "$W"; mkdir -p "$W"
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 2; }
for n in 100000 1000000; do
  [ -f "$work/w$n/movements.csv" ] || python3 "$bench/gen.py" "$n" $([ $n = 100000 ] && echo "1000 6" || echo "5000 8") 42 "$work/w$n" >/dev/null
done
python3 "$bench/to_stockledger.py" "$work/w100000/movements.csv" "$W/b100k" >/dev/null
python3 "$bench/to_stockledger.py" "$work/w1000000/movements.csv" "$W/b1m" >/dev/null
mkdir -p "$W/extra"; python3 "$root/Benchmarks/extras.py" "$work/w1000000/movements.csv" "$W/extra" 10000 >/dev/null

# Prints the program's total and libcrypto's part of a callgrind output file.
count() {
  callgrind_annotate "$1" 2>/dev/null | awk '
    /PROGRAM TOTALS/ { gsub(",", "", $1); total = $1 }
    /libcrypto/ && !sha { gsub(",", "", $1); sha = $1 }
    END { printf "%.1f M (SHA-256 %.1f M, the rest %.1f M)", total / 1e6, sha / 1e6, (total - sha) / 1e6 }'
}

for b in old new; do
  bin=$old; [ $b = new ] && bin=$new
  cp -r "$W/b100k" "$W/$b-100k"
  valgrind --tool=callgrind --callgrind-out-file="$W/$b-100k.out" "$bin" run "$W/$b-100k" --quiet >/dev/null 2>&1
  # The 1M ledger at full speed, then the daily run counted.
  cp -r "$W/b1m" "$W/$b-1m"
  "$bin" run "$W/$b-1m" --quiet >/dev/null 2>&1
  cp "$W/extra/daily.csv" "$W/$b-1m/inbox/"
  valgrind --tool=callgrind --callgrind-out-file="$W/$b-daily.out" "$bin" run "$W/$b-1m" --quiet >/dev/null 2>&1
done
for step in 100k daily; do
  echo "$step, old: $(count "$W/old-$step.out")"
  echo "$step, new: $(count "$W/new-$step.out")"
done
