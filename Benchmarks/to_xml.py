#!/usr/bin/env python3
"""Turns a stockledger CSV voucher file (one row per voucher, as to_stockledger.py writes) into the XML
layout of Schemas/vouchers.xsd. usage: to_xml.py IN.csv OUT.xml [MAX_ROWS]"""
import csv, sys
from xml.sax.saxutils import quoteattr

src, dst = sys.argv[1], sys.argv[2]
limit = int(sys.argv[3]) if len(sys.argv) > 3 else None
voucher_attrs = ["voucher_type", "voucher_no", "posting_date", "posting_time", "purpose", "party"]
item_attrs = ["item_code", "warehouse", "source_warehouse", "target_warehouse", "qty", "rate"]
with open(src, newline="") as f, open(dst, "w") as out:
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<vouchers xmlns="urn:stockledger:vouchers:1">\n')
    for n, r in enumerate(csv.DictReader(f)):
        if limit is not None and n >= limit:
            break
        va = " ".join(f"{k}={quoteattr(r[k])}" for k in voucher_attrs if r.get(k))
        ia = " ".join(f"{k}={quoteattr(r[k])}" for k in item_attrs if r.get(k))
        out.write(f"  <voucher {va}>\n    <item {ia}/>\n  </voucher>\n")
    out.write("</vouchers>\n")
