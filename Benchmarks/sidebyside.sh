#!/usr/bin/env bash
# Two stockledger binaries side by side on the 100k gen.py workload, run alternately from scratch (the
# machine's speed drifts by tens of per cent within minutes: alternating pairs are the comparison to trust).
# Prints, per binary, the medians and the mean of the lower half of: the whole process's wall time timed from
# outside (what Benchmarks/run.sh measures), the run's own "since start" and CPU of all threads (task-clock,
# where perf is installed).
#
# usage: Benchmarks/sidebyside.sh OLD-BINARY NEW-BINARY [PAIRS, default 10]
# Work goes to ${BENCH_DIR:-/tmp/stockledger-bench}; the workload is made by gen.py if missing.
set -uo pipefail
old=$1; new=$2; pairs=${3:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${SHARED_BENCH:-$root/../shared/bench}
work=${BENCH_DIR:-/tmp/stockledger-bench}
w=$work/w100000; base=$work/sidebyside-base; run=$work/sidebyside-run
[ -f "$w/movements.csv" ] || python3 "$bench/gen.py" 100000 1000 6 42 "$w" >/dev/null
[ -d "$base" ] || python3 "$bench/to_stockledger.py" "$w/movements.csv" "$base" >/dev/null
python3 - "$base" "$run" "$pairs" "$old" "$new" <<'PY'
import os, shutil, statistics, subprocess, sys, time
base, run, pairs, binaries = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
perf = shutil.which("perf")
results = {b: {"wall": [], "since start": [], "cpu": []} for b in binaries}
for _ in range(pairs):
    for b in binaries:
        shutil.rmtree(run, ignore_errors=True)
        shutil.copytree(base, run)
        os.sync()
        command = [b, "run", run, "--quiet"]
        if perf:
            command = [perf, "stat", "-x,", "-e", "task-clock"] + command
        started = time.perf_counter()
        p = subprocess.run(command, env=dict(os.environ, STOCKLEDGER_TIMINGS="1"), capture_output=True, text=True)
        results[b]["wall"].append((time.perf_counter() - started) * 1000)
        for line in p.stderr.splitlines():
            if "since start" in line:
                results[b]["since start"].append(float(line.split("since start ")[1].split(" ms")[0]))
            if line.endswith(",task-clock,") or ",task-clock," in line:
                results[b]["cpu"].append(float(line.split(",")[0]))
for b in binaries:
    cells = []
    for name, values in results[b].items():
        if not values:
            continue
        values.sort()
        low = values[: max(1, len(values) // 2)]
        cells.append("%s %.1f ms (lower half %.1f)" % (name, statistics.median(values), statistics.mean(low)))
    print("%s: %s" % (os.path.basename(b), "; ".join(cells)))
PY
