#!/usr/bin/env bash
# The stockledger benchmark (release build, /usr/bin/time): end-to-end runs on ../shared/bench/gen.py
# workloads, incremental runs on a posted ledger, a 10,000-serial receipt, many serials and many batches in
# stock picked one delivery at a time, XML throughput, and the hledger
# ratio where hledger is installed. Prints one markdown row per measurement; BENCHMARKS.md keeps the results.
#
# usage: Benchmarks/run.sh [SIZES...]     default: 100000 1000000
# Work goes to ${BENCH_DIR:-/tmp/stockledger-bench}; gen.py comes from ../shared/bench.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${SHARED_BENCH:-$root/../shared/bench}
work=${BENCH_DIR:-/tmp/stockledger-bench}
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
mkdir -p "$work"
(cd "$root" && swift build -c release --product stockledger 2>&1 | tail -1)
bin=$root/.build/release/stockledger

measure() {  # label, command...: prints | label | wall s | peak RSS MB |, the label marked when the command failed
  local label=$1; shift
  sync  # the previous run's writeback is not the measured run's cost
  local status=0
  /usr/bin/time -o "$work/time" -f "%e %M" "$@" >/dev/null 2>&1 || status=$?
  local out; out=$(tail -1 "$work/time")
  local wall=${out% *} rss=${out#* }
  # A run that rejected something (exit 1) or failed is not the work the row names: said in the row.
  [ $status -eq 0 ] || label="$label **(exit $status: not what the row names)**"
  printf '| %s | %s s | %d MB |\n' "$label" "$wall" $((rss / 1024))
  echo "$wall" > "$work/last-wall"
}

# The release build is guided by the profile Benchmarks/profile.sh made (Package.swift): from which sources.
[ -f "$root/Benchmarks/Profile/made-from.txt" ] && echo "profile: $(tr '\n' ';' < "$root/Benchmarks/Profile/made-from.txt")"
echo "| measurement | wall | peak RSS |"
echo "| --- | --- | --- |"
for n in "${sizes[@]}"; do
  case $n in 100000) items=1000 whs=6 ;; 1000000) items=5000 whs=8 ;; 10000000) items=5000 whs=8 ;; *) items=200 whs=4 ;; esac
  w=$work/w$n; b=$work/b$n
  [ -f "$w/movements.csv" ] || python3 "$bench/gen.py" "$n" "$items" "$whs" 42 "$w" >/dev/null
  rm -rf "$b"; python3 "$bench/to_stockledger.py" "$w/movements.csv" "$b"
  measure "gen.py $n movements: run from scratch" "$bin" run "$b" --quiet
  full=$(cat "$work/last-wall")
  awk -v n="$n" -v t="$full" 'BEGIN { printf "| gen.py %d: throughput | %.0f movements/s | |\n", n, n / t }'
  if command -v hledger >/dev/null; then
    measure "hledger bal on the same $n movements" hledger -f "$w/books.hledger" bal
  fi
  # One backdated receipt for one item-warehouse, onto the posted ledger.
  first=$(sed -n 2p "$w/movements.csv" | cut -d, -f1)
  row=$(grep -m1 "Purchase Receipt" "$b/archive/movements.csv")
  item=$(echo "$row" | cut -d, -f7); wh=$(echo "$row" | cut -d, -f8)
  printf 'voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,BACK-1,%s,%s,%s,1,1\n' "$first" "$item" "$wh" > "$b/inbox/backdated.csv"
  measure "gen.py $n: one backdated receipt onto the posted ledger" "$bin" run "$b" --quiet
  awk -v t="$(cat "$work/last-wall")" -v f="$full" 'BEGIN { printf "| gen.py backdated receipt / from scratch | %.1f %% | |\n", 100 * t / f }'
  # Another, for another item-warehouse: its part looked up in the history's index, which the first wrote.
  row=$(grep "Purchase Receipt" "$b/archive/movements.csv" | sed -n 5000p)
  item=$(echo "$row" | cut -d, -f7); wh=$(echo "$row" | cut -d, -f8)
  printf 'voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,BACK-2,%s,%s,%s,1,1\n' "$first" "$item" "$wh" > "$b/inbox/backdated2.csv"
  measure "gen.py $n: another backdated receipt (the history's index)" "$bin" run "$b" --quiet
  awk -v t="$(cat "$work/last-wall")" -v f="$full" 'BEGIN { printf "| gen.py second backdated receipt / from scratch | %.1f %% | |\n", 100 * t / f }'
  # A daily run of 10,000 new vouchers DAYS days after the last one: receipts, then deliveries of part of them.
  daily() {  # days, voucher number prefix, file
    python3 - "$w/movements.csv" "$1" "$2" "$3" <<'PY'
import csv, datetime, sys
rows = list(csv.DictReader(open(sys.argv[1])))
last = max(r["posting_date"] for r in rows)
day = (datetime.date.fromisoformat(last) + datetime.timedelta(days=int(sys.argv[2]))).isoformat()
prefix = sys.argv[3]
keys = sorted({(r["item_code"], r["warehouse"]) for r in rows if r["voucher_type"] == "Purchase Receipt"})
with open(sys.argv[4], "w") as f:
    f.write("voucher_type,voucher_no,posting_date,posting_time,item_code,warehouse,qty,rate\n")
    for i in range(5000):
        item, wh = keys[i * 7919 % len(keys)]
        f.write(f"Purchase Receipt,{prefix}-R{i},{day},08:{i // 100 % 60:02d}:{i % 60:02d},{item},{wh},10,{10 + i % 90}.25\n")
    for i in range(5000):
        item, wh = keys[i * 7919 % len(keys)]
        f.write(f"Delivery Note,{prefix}-D{i},{day},17:{i // 100 % 60:02d}:{i % 60:02d},{item},{wh},4,\n")
PY
  }
  daily 1 DAY "$b/inbox/daily.csv"
  measure "gen.py $n: a daily run of 10,000 new vouchers onto the ledger" "$bin" run "$b" --quiet
  awk -v t="$(cat "$work/last-wall")" -v f="$full" 'BEGIN { printf "| gen.py daily run / from scratch | %.1f %% | |\n", 100 * t / f }'
  # The next day's run after an item was added to the master data (a new product line): it continues from
  # the snapshot (until the forty-sixth session any change of master data replayed the whole ledger).
  echo "NEWITEM,New item,Nos,1,FIFO" >> "$b/masters/items.csv"
  daily 2 DAY2 "$b/inbox/daily2.csv"
  measure "gen.py $n: a daily run after an item was added to the master data" "$bin" run "$b" --quiet
  # A period close through the movements' last day (its pack as of that date reads the whole ledger), then
  # the next daily run: it continues from the snapshot the close carried to its new head (until the
  # forty-sixth session it replayed the ledger).
  last=$(awk -F, 'NR > 1 && $1 > m { m = $1 } END { print m }' "$w/movements.csv")
  measure "gen.py $n: a period close through the last day of the movements" "$bin" close "$b" --through "$last"
  daily 3 DAY3 "$b/inbox/daily3.csv"
  measure "gen.py $n: a daily run after the period close" "$bin" run "$b" --quiet
  # A cancellation of one of the first daily run's deliveries beside the next daily run: the part of the
  # history it touches is revalued (until the forty-sixth session a cancellation replayed the ledger).
  printf 'voucher_type,voucher_no,posting_date,action\nDelivery Note,DAY-D0,%s,cancel\n' "$(date -d "$last + 1 day" +%F)" > "$b/inbox/cancel.csv"
  daily 4 DAY4 "$b/inbox/daily4.csv"
  measure "gen.py $n: a cancellation beside a daily run" "$bin" run "$b" --quiet
  # An item renamed (its item_name: nothing posted depends on it) before the next daily run: it continues
  # from the snapshot (until the forty-seventh session an edited record replayed the whole ledger).
  sed -i '2s/^\([^,]*\),[^,]*,/\1,Renamed item,/' "$b/masters/items.csv"
  daily 5 DAY5 "$b/inbox/daily5.csv"
  measure "gen.py $n: a daily run after an item was renamed" "$bin" run "$b" --quiet
  # An item's valuation method changed (FIFO to moving average) before the next daily run: the vouchers
  # naming it are posted again (until the forty-eighth session the whole ledger was replayed).
  # (The file's lines end in CRLF, as to_stockledger.py writes them: the edit keeps the CR.)
  sed -i '3s/,FIFO\(\r\{0,1\}\)$/,Moving Average\1/' "$b/masters/items.csv"
  grep -q '^ITEM00002,.*,Moving Average' "$b/masters/items.csv" || { echo "the valuation method was not changed" >&2; exit 1; }
  daily 6 DAY6 "$b/inbox/daily6.csv"
  measure "gen.py $n: a daily run after an item's valuation method changed" "$bin" run "$b" --quiet
  # A Sales Order dated the day after the last daily run, then a delivery against it dated before that run:
  # the order's part is revalued (until the forty-eighth session an order's fulfilment dated before the
  # head replayed the ledger).
  so=$(date -d "$last + 7 day" +%F); before=$(date -d "$last + 6 day" +%F)
  row=$(grep -m1 "DAY6-R0," "$b/archive/daily6.csv")
  item=$(echo "$row" | cut -d, -f5); wh=$(echo "$row" | cut -d, -f6)
  printf 'voucher_type,voucher_no,posting_date,posting_time,item_code,warehouse,qty,rate,against_voucher
Sales Order,SO-B1,%s,09:00:00,%s,%s,5,20,
Delivery Note,DN-B0,%s,10:00:00,%s,%s,1,20,
' "$so" "$item" "$wh" "$so" "$item" "$wh" > "$b/inbox/order.csv"
  "$bin" run "$b" --quiet >/dev/null 2>&1
  printf 'voucher_type,voucher_no,posting_date,posting_time,item_code,warehouse,qty,rate,against_voucher
Delivery Note,DN-B1,%s,09:30:00,%s,%s,2,20,SO-B1
' "$so" "$item" "$wh" > "$b/inbox/fulfil.csv"
  measure "gen.py $n: a delivery against a Sales Order, dated before the ledger's last voucher" "$bin" run "$b" --quiet
  # The next daily run without the head snapshot (deleted; or the first run after an upgrade that changes its
  # layout): written anew from the ledger read a part at a time, then continued from (until the forty-ninth
  # session the whole ledger was replayed, as the second row does on a copy of the same books).
  rm -f "$b/ledger/snapshot.bin"; rm -rf "$b-replayed"; cp -r "$b" "$b-replayed"
  daily 8 DAY8 "$b/inbox/daily8.csv"; cp "$b/inbox/daily8.csv" "$b-replayed/inbox/"
  measure "gen.py $n: a daily run without the head snapshot (written anew from the ledger)" "$bin" run "$b" --quiet
  STOCKLEDGER_TEST_REPLAY=1 measure "gen.py $n: the same run replaying the whole ledger (as before)" "$bin" run "$b-replayed" --quiet
  rm -rf "$b-replayed"
  # The head reports deleted (all but the runs' folders) and nothing in the inbox: written anew from the
  # ledger read a part at a time, with the snapshot (until the fiftieth session from the ledger loaded
  # whole, as the second row does on a copy of the same books).
  find "$b/reports" -maxdepth 1 -type f -delete; rm -rf "$b-replayed"; cp -r "$b" "$b-replayed"
  measure "gen.py $n: the head reports deleted, nothing in the inbox (written anew from the ledger)" "$bin" run "$b" --quiet
  STOCKLEDGER_TEST_REPLAY=1 measure "gen.py $n: the same run loading the whole ledger (as before)" "$bin" run "$b-replayed" --quiet
  rm -rf "$b-replayed"
  # verify: every file hashed, every entry and line re-derived (a part of a file at a time since the
  # forty-seventh session; the whole ledger in memory before).
  measure "gen.py $n: verify the ledger" "$bin" verify "$b"
done
# stockledger's own generator: batches, serials, transfers and issues besides receipts and deliveries.
g=$work/generated; rm -rf "$g"; "$bin" generate "$g" --vouchers 100000 --items 1000 --warehouses 6 >/dev/null
measure "generate 100,000 vouchers: run from scratch" "$bin" run "$g" --quiet
# A receipt of a batch item into a batch of its own, dated in the ledger's first month: every warehouse of
# the item is revalued with its batches (until the forty-eighth session a batch or serial item in the
# revalued part replayed the ledger).
printf 'voucher_type,voucher_no,posting_date,posting_time,item_code,warehouse,qty,rate,batch_no\nPurchase Receipt,BT-1,2024-01-15,10:00:00,ITEM00025,WH01,6,4.00,BT-LOT1\n' > "$g/inbox/batch.csv"
measure "generate 100,000: a batch item's receipt dated in the first month" "$bin" run "$g" --quiet
# 10,000 serials in one receipt (ten rows of 1,000 named serials: a field holds at most 10,000 bytes), then a
# delivery of 5,000 picked oldest first. (Until the fortieth session the receipt was one row of 80 kB of
# serials, which the reader rejects: the row measured a rejected file.)
s=$work/serials; rm -rf "$s"; "$bin" init "$s" >/dev/null
python3 - "$s/inbox/serials.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("voucher_type,voucher_no,posting_date,posting_time,item_code,warehouse,qty,rate,serial_nos\n")
    for r in range(10):
        f.write(f"Purchase Receipt,PR-1,2026-07-01,08:00:00,LAPTOP,Stores,1000,700,{';'.join('SN%05d' % i for i in range(r * 1000, r * 1000 + 1000))}\n")
    f.write("Delivery Note,DN-1,2026-07-02,08:00:00,LAPTOP,Stores,5000,900,\n")
PY
measure "10,000-serial receipt + 5,000-serial delivery" "$bin" run "$s" --quiet
# Many serials or batches in stock, each delivery picking a few of them: 20 receipts of 1,000 serials, then
# 10,000 deliveries of one serial each, picked oldest first; 5,000 receipts of a batch item (each a new batch
# of 10, named by the series), then 20,000 deliveries of 2, picked first expiring first.
for kind in serials batches; do
  s=$work/$kind-many; rm -rf "$s"; "$bin" init "$s" >/dev/null
  python3 - "$kind" "$s/inbox/$kind.csv" <<'PY'
import sys
kind, path = sys.argv[1], sys.argv[2]
def at(i): return f"{8 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}"
with open(path, "w") as f:
    f.write("voucher_type,voucher_no,posting_date,posting_time,item_code,warehouse,qty,rate,serial_nos\n")
    if kind == "serials":
        for r in range(20):
            f.write(f"Purchase Receipt,PR-{r},2026-07-01,{at(r * 60)},LAPTOP,Stores,1000,700,{';'.join('SN%06d' % i for i in range(r * 1000, r * 1000 + 1000))}\n")
        deliveries, item, qty = 10000, "LAPTOP", 1
    else:
        for r in range(5000):
            f.write(f"Purchase Receipt,PR-{r},2026-07-01,{at(r)},MED,Stores,10,{10 + r % 7},\n")
        deliveries, item, qty = 20000, "MED", 2
    for i in range(deliveries):
        f.write(f"Delivery Note,DN-{i},2026-07-02,{at(i)},{item},Stores,{qty},900,\n")
PY
done
measure "20,000 serials received, then 10,000 one-serial deliveries" "$bin" run "$work/serials-many" --quiet
measure "5,000 batches received, then 20,000 deliveries picking them" "$bin" run "$work/batches-many" --quiet
# XML: about 100 MB of vouchers.
x=$work/xml; rm -rf "$x"; mkdir -p "$x/inbox"; cp -r "$work/b${sizes[-1]}/masters" "$x/"
# Made once per workload it comes from (a file made from the 100k workload is 21 MB, not 100).
xml=$work/vouchers-${sizes[-1]}.xml
[ -f "$xml" ] || python3 "$root/Benchmarks/to_xml.py" "$work/b${sizes[-1]}/archive/movements.csv" "$xml" 460000
cp "$xml" "$x/inbox/vouchers.xml"
mb=$(( $(stat -c %s "$x/inbox/vouchers.xml") / 1000000 ))
measure "XML: $mb MB file, dry run (read, validate against the XSD, post)" "$bin" run "$x" --dry-run --quiet
awk -v mb="$mb" -v t="$(cat "$work/last-wall")" 'BEGIN { printf "| XML throughput end to end | %.1f MB/s | |\n", mb / t }'
