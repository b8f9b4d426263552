#!/usr/bin/env bash
# Builds the reader modules with libFuzzer instrumentation, links each harness against them and fuzzes
# it for a bounded time. Usage: Fuzz/run.sh [SECONDS per harness, default 60]
# Findings (crashes, hangs) are written to Fuzz/findings/; the corpus grows in a copy under /tmp.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
swift build -c release -Xswiftc -sanitize=fuzzer 2>&1 | tail -1
objects=(.build/release/StockCore.build/*.o .build/release/StockRead.build/*.o)
mkdir -p findings
for h in csv xml; do
  upper=$(echo "$h" | tr a-z A-Z)
  swiftc -O -sanitize=fuzzer -parse-as-library -I .build/release/Modules -I Sources/CLibXML2 -I Sources/CLibCrypto -I Sources/CSystem \
    -Xcc -I/usr/include/libxml2 "Harness/${upper}Fuzz.swift" "${objects[@]}" -lxml2 -lcrypto -o ".build/$h-fuzz"
  work=$(mktemp -d)
  cp Corpus/$h/* "$work/"
  echo "== $h: fuzzing for $seconds s"
  SWIFT_BACKTRACE=enable=no ".build/$h-fuzz" "$work" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=findings/ -print_final_stats=1 2>&1 | grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)" || true
  echo "   corpus grew from $(ls Corpus/$h | wc -l) to $(ls "$work" | wc -l) inputs"
done
echo "findings: $(ls findings | wc -l) (in Fuzz/findings/)"
