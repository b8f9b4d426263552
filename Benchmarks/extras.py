#!/usr/bin/env python3
"""The two incremental inputs of Benchmarks/compare.sh and Benchmarks/profile.sh, from a gen.py movements file:
backdated.csv (one receipt on the first day, for the first receipt's item and warehouse) and daily.csv (ROWS
receipts 400 days after the last movement, spread over the received item-warehouses).
usage: extras.py MOVEMENTS.csv OUT-DIR [ROWS, default 500]"""
import csv, datetime, sys

src, out = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 500
rows = list(csv.DictReader(open(src)))
last = max(r["posting_date"] for r in rows); first = min(r["posting_date"] for r in rows)
r0 = next(r for r in rows if r["voucher_type"] == "Purchase Receipt")
open(out + "/backdated.csv", "w").write("voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,BACK-1,%s,%s,%s,1,1\n" % (first, r0["item_code"], r0["warehouse"]))
day = (datetime.date.fromisoformat(last) + datetime.timedelta(days=400)).isoformat()
keys = sorted({(r["item_code"], r["warehouse"]) for r in rows if r["voucher_type"] == "Purchase Receipt"})
with open(out + "/daily.csv", "w") as f:
    f.write("voucher_type,voucher_no,posting_date,posting_time,item_code,warehouse,qty,rate\n")
    for i in range(count):
        item, wh = keys[i * 7919 % len(keys)]
        f.write(f"Purchase Receipt,DAY-R{i},{day},08:{i // 100 % 60:02d}:{i % 60:02d},{item},{wh},10,{10 + i % 90}.25\n")
