#!/usr/bin/env bash
# The 100k side-by-side comparison (Benchmarks/sidebyside.sh) on a device whose direct writes are capped at
# BPS bytes a second, as a cloud volume's throughput cap or a slow disk would cap them: the runs go in a
# cgroup of their own with a write limit on the device that holds the work folder. What it shows is what a
# run waits for when the device, not the CPU, is short (BENCHMARKS.md, "The device judged by its writes",
# the thirty-ninth session). Needs root and the blkio (cgroup v1) or io (cgroup v2) controller; the page cache's own
# writeback is not capped under cgroup v1, only the run's direct writes and syncs' waits behind them.
#
# usage: Benchmarks/capped.sh OLD-BINARY NEW-BINARY [PAIRS, default 5] [BPS, default 150000000]
set -euo pipefail
old=$1; new=$2; pairs=${3:-5}; bps=${4:-150000000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/stockledger-bench}
mkdir -p "$work"
# The whole disk under the work folder (a limit is set on a disk, not on a partition).
source=$(findmnt -no SOURCE -T "$work")
parent=$(lsblk -no PKNAME "$source" 2>/dev/null | head -1 || true)
disk=$(lsblk -dno MAJ:MIN "${parent:+/dev/$parent}${parent:-$source}" 2>/dev/null | tr -d ' ' || true)
if [ -z "$disk" ]; then
  echo "$work is on $source, not on a block device this script can cap; set BENCH_DIR to a folder on a disk" >&2
  exit 2
fi
if [ -d /sys/fs/cgroup/blkio ]; then
  group=/sys/fs/cgroup/blkio/stockledger-capped
  mkdir -p "$group"
  echo "$disk $bps" > "$group/blkio.throttle.write_bps_device"
elif [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw io /sys/fs/cgroup/cgroup.controllers; then
  echo +io > /sys/fs/cgroup/cgroup.subtree_control
  group=/sys/fs/cgroup/stockledger-capped
  mkdir -p "$group"
  echo "$disk wbps=$bps" > "$group/io.max"
else
  echo "no blkio or io cgroup controller here: cannot cap the device" >&2
  exit 2
fi
echo "device $disk ($source) capped at $bps bytes/s for the runs (the cgroup $group stays; rmdir it when done)"
echo $$ > "$group/cgroup.procs"
exec "$root/Benchmarks/sidebyside.sh" "$old" "$new" "$pairs"
