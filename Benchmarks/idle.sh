#!/usr/bin/env bash
# Where a run leaves a core idle: one 100k run from scratch recorded with the scheduler's switches on every
# CPU (`perf record -a -e sched:sched_switch`), then per CPU and per 10 ms from the first switch, the
# milliseconds each thread name had the CPU and the milliseconds it was idle ("swapper"). A pocket of idle
# time is work the run could give the other core; none left means only less CPU makes the run shorter.
# (perf's own cost slows the run by a tenth or more; the pockets' places, not their exact sizes, are the
# point.) The forty-first session found idle time in three places: the first tens of milliseconds (the
# process's start, the master data and the inbox mapped, on one thread), between reading and posting, and
# the last 40 ms (BENCHMARKS.md, "Where a core idles").
#
# usage: Benchmarks/idle.sh [BINARY, default the release build] [BUCKET_MS, default 10]
# Needs perf with the sched tracepoints (Debian's linux-perf) and root. Work goes to
# ${BENCH_DIR:-/tmp/stockledger-bench}; the 100k workload is made by gen.py if missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/.build/release/stockledger}
bucket=${2:-10}
bench=${SHARED_BENCH:-$root/../shared/bench}
work=${BENCH_DIR:-/tmp/stockledger-bench}
w=$work/w100000; base=$work/idle-base; run=$work/idle-run
[ -f "$w/movements.csv" ] || python3 "$bench/gen.py" 100000 1000 6 42 "$w" >/dev/null
[ -d "$base" ] || python3 "$bench/to_stockledger.py" "$w/movements.csv" "$base" >/dev/null
command -v perf >/dev/null || { echo "idle.sh: perf is not installed (Debian: apt-get install linux-perf)" >&2; exit 2; }
rm -rf "$run"; cp -r "$base" "$run"; sync
# perf exits with the run's status: a run that rejected something or failed is not the run to look at, and
# perf's own refusal (not root, no sched tracepoints) is said as it said it.
status=0
perf record -q -a -e sched:sched_switch -o "$work/idle.data" -- "$bin" run "$run" --quiet >/dev/null 2>"$work/idle.err" || status=$?
if [ $status -ne 0 ]; then
  echo "idle.sh: the recorded run (or perf) exited $status; nothing to show:" >&2
  cat "$work/idle.err" >&2
  exit 2
fi
perf script -i "$work/idle.data" -F cpu,time,trace 2>/dev/null | python3 -c '
import collections, re, sys
bucket = float(sys.argv[1])
start, last = None, {}
busy = collections.defaultdict(collections.Counter)
for line in sys.stdin:
    m = re.match(r"\s*\[(\d+)\]\s+([\d.]+):\s+prev_comm=(.*?) prev_pid=\d+ .*next_comm=(.*?) next_pid=\d+", line)
    if not m:
        continue
    cpu, t = int(m.group(1)), float(m.group(2)) * 1000
    if start is None:
        start = t
    if cpu in last:
        (since, name) = last[cpu]
        a = since
        while a < t:
            b = min(t, (int((a - start) // bucket) + 1) * bucket + start)
            busy[int((a - start) // bucket)][(cpu, name)] += b - a
            a = b
    last[cpu] = (t, m.group(4))
total = 0.0
for k in sorted(busy):
    idle = sum(v for (c, n), v in busy[k].items() if n.startswith("swapper"))
    total += idle
    cells = " ".join(f"{c}:{n[:12]}={v:.1f}" for (c, n), v in sorted(busy[k].items()) if v >= 0.5)
    print(f"{k * bucket:5.0f} ms  idle {idle:4.1f}  {cells}")
print(f"idle in all: {total:.1f} ms of a core")
' "$bucket"
