#!/usr/bin/env bash
# The floor under a run from scratch: what writing its files alone costs on this machine, with no reading,
# posting or formatting. The files of a finished run are loaded into memory, then written again as the run
# writes them (1 MB blocks past the page cache, each file synced; SHA-256 of the inbox file and of the
# ledger's run files, as the run hashes them), on two threads. Prints the wall and CPU of that, beside the
# run's own, so a target can be checked against what the device and the hash leave of it.
#
# usage: Benchmarks/floor.sh [SIZE, default 100000] [REPEATS, default 5]
# Needs a C compiler and libcrypto's headers (libssl-dev). Work goes to ${BENCH_DIR:-/tmp/stockledger-bench}.
set -euo pipefail
n=${1:-100000}; repeats=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${SHARED_BENCH:-$root/../shared/bench}
work=${BENCH_DIR:-/tmp/stockledger-bench}
case $n in 100000) items=1000 whs=6 ;; 1000000) items=5000 whs=8 ;; *) items=200 whs=4 ;; esac
w=$work/w$n; b=$work/floor$n; out=$work/floor-out
mkdir -p "$work" "$out"
(cd "$root" && swift build -c release --product stockledger 2>&1 | tail -1)
bin=$root/.build/release/stockledger
[ -f "$w/movements.csv" ] || python3 "$bench/gen.py" "$n" "$items" "$whs" 42 "$w" >/dev/null

cat > "$work/floor.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
typedef struct { char *src, *dst; int hash; unsigned char *buf; size_t n; } File;
static File files[64]; static int count;
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static double cpu(void) { struct rusage u; getrusage(RUSAGE_SELF, &u); return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6; }
static void *writer(void *arg) {
  long half = (long)arg;
  for (int i = (int)half; i < count; i += 2) {
    File *f = &files[i];
    unsigned char digest[32];
    if (f->hash) SHA256(f->buf, f->n, digest);
    int fd = open(f->dst, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT, 0644);
    if (fd < 0) { perror(f->dst); exit(1); }
    size_t padded = (f->n + 4095) & ~(size_t)4095;
    for (size_t o = 0; o < padded; o += 1 << 20) {
      size_t c = padded - o < (1 << 20) ? padded - o : (1 << 20);
      if (pwrite(fd, f->buf + o, c, (off_t)o) != (ssize_t)c) { perror("pwrite"); exit(1); }
    }
    if (ftruncate(fd, (off_t)f->n) != 0 || fdatasync(fd) != 0) { perror(f->dst); exit(1); }
    close(fd);
  }
  return NULL;
}
int main(int argc, char **argv) {  /* OUTDIR then pairs: FILE HASH(0/1) */
  size_t total = 0;
  for (int a = 2; a + 1 < argc && count < 64; a += 2) {
    File *f = &files[count];
    f->src = argv[a]; f->hash = atoi(argv[a + 1]);
    f->dst = malloc(4096); snprintf(f->dst, 4096, "%s/file%d", argv[1], count);
    struct stat st; int fd = open(f->src, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0) { perror(f->src); return 1; }
    f->n = (size_t)st.st_size;
    f->buf = aligned_alloc(4096, ((f->n + 4095) & ~(size_t)4095) + 4096);
    memset(f->buf, 0, (f->n + 4095) & ~(size_t)4095);
    if (read(fd, f->buf, f->n) != (ssize_t)f->n) { perror(f->src); return 1; }
    close(fd); total += f->n; count++;
  }
  double c0 = cpu(), t0 = now();
  pthread_t one, two;
  pthread_create(&one, NULL, writer, (void *)0); pthread_create(&two, NULL, writer, (void *)1);
  pthread_join(one, NULL); pthread_join(two, NULL);
  printf("%d files, %.1f MB: %.1f ms wall, %.1f ms CPU\n", count, total / 1048576.0, (now() - t0) * 1e3, (cpu() - c0) * 1e3);
  return 0;
}
C
cc -O2 -o "$work/floor" "$work/floor.c" -lcrypto -lpthread

rm -rf "$b"; python3 "$bench/to_stockledger.py" "$w/movements.csv" "$b" >/dev/null
cp "$b/inbox/movements.csv" "$work/floor-input.csv"
sync
/usr/bin/time -f "the run itself: %e s wall, %U s user + %S s system" "$bin" run "$b" --quiet
# The run's files: the inbox file and the ledger's run files hashed; every large file written past the cache.
# (A vouchers.csv with two names is the inbox file taken whole: the run did not write it.)
args=("$work/floor-input.csv" 1)
for f in "$b"/ledger/runs/*/{stock,gl}.csv; do args+=("$f" 1); done
for f in "$b"/ledger/runs/*/vouchers.csv; do [ "$(stat -c %h "$f")" = 1 ] && args+=("$f" 1); done
for f in "$b"/ledger/*.bin "$b"/ledger/*.idx "$b"/reports/general-ledger.csv "$b"/reports/stock-ledger.csv; do
  [ -f "$f" ] && args+=("$f" 0)
done
for _ in $(seq "$repeats"); do sync; "$work/floor" "$out" "${args[@]}"; done
rm -rf "$out"
