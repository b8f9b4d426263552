#!/usr/bin/env python3
"""Differential test of the incremental paths against replays, on random sequences of operations.

Two copies of a generated books directory take the same operations: its monthly files one run each, and
between them, at random, cancellations of one, two or eight posted vouchers, backdated receipts (of batch and
serial items with their own new batch or serial numbers, or with none) and deliveries, backdated Sales and
Purchase Orders with deliveries and receipts against them, their closes and cancellations (reservations
enforced or not), invoices that move no stock and their cancellations, a plain item's valuation method or income account edited, a warehouse's stock
account changed, items appended to
the master data, an item renamed with an account and a warehouse moved under new groups, period closes and copies of the whole books directory (new inodes and times). Books A run
as an operator's do (from the head snapshot where they can); books B have the snapshot removed before every
run and replay the whole ledger at each (`STOCKLEDGER_TEST_REPLAY=1`: not writing the snapshot anew from
the ledger first, as runs without one do); one run of A's in five has its snapshot removed first, so that it
writes the snapshot anew from the ledger and continues from it, one run in ten follows a change of an
account's type in both (A's snapshot then of other master data), and one run of A's in ten follows its head
reports edited (a line added to the stock ledger) or deleted (then written anew from the ledger with the
snapshot); one monthly file in ten is followed by a run cancelling up to 300 posted deliveries at once,
and one run in fifteen follows a change of the company's default cost of goods sold in both (then A's
snapshot is written anew with the GL adjustments a replay makes). At the end every file but the derived caches must be the same in
both (ledgers, journals, summaries, reports, close packs, rejections), every run must have exited alike in
both and none with exit 2 (no operation changes what posted vouchers depend on), and `verify` must pass on A. Prints one line a seed and, for a seed that fails, its steps.

usage: Fuzz/Differential/incremental.py BINARY [SEEDS...]     (a release build; work in $FUZZ_DIR or /tmp)
"""
import os, random, shutil, subprocess, sys, csv
BIN = sys.argv[1]
seeds = [int(x) for x in sys.argv[2:]] or [1]
WORK = os.environ.get("FUZZ_DIR", "/tmp/stockledger-differential")
DERIVED = {"ledger/snapshot.bin", "ledger/vouchers.idx", "ledger/documents.bin", "ledger/history.bin", "ledger/history.idx"}
def sh(args, **kw):
    return subprocess.run([BIN] + args, capture_output=True, text=True, **kw)
def tree(d):
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f); rel = os.path.relpath(p, d)
            if rel in DERIVED or rel.endswith("/.lock") or rel == "ledger/.lock": continue
            out[rel] = open(p, "rb").read()
    return out
def rows(path):
    try: return list(csv.DictReader(open(path)))
    except FileNotFoundError: return []
bad = 0
for seed in seeds:
    rnd = random.Random(seed)
    anew = random.Random(seed * 7919 + 1)  # (apart, so that a seed's operations are those it always had)
    reports = random.Random(seed * 7919 + 2)  # (apart, too)
    mass = random.Random(seed * 7919 + 3)  # (apart, too)
    accounts = random.Random(seed * 7919 + 4)  # (apart, too)
    base = f"{WORK}/s{seed}"
    shutil.rmtree(base, ignore_errors=True); os.makedirs(base)
    A, B = base + "/A", base + "/B"
    r = sh(["generate", A, "--vouchers", str(rnd.choice([2000, 4000])), "--items", str(rnd.choice([10, 25, 50])), "--warehouses", "3", "--seed", str(seed)])
    assert r.returncode == 0, r.stderr
    if rnd.random() < 0.3:
        # Reservations not enforced (the generated company enforces them).
        t = open(A + "/masters/company.toml").read()
        open(A + "/masters/company.toml", "w").write(t.replace("enforce_reservations = true", "enforce_reservations = false"))
    os.makedirs(A + "/hold")
    for f in os.listdir(A + "/inbox"): shutil.move(A + "/inbox/" + f, A + "/hold/" + f)
    shutil.copytree(A, B)
    held = sorted(os.listdir(A + "/hold"))
    log = []
    n = 0
    def toggle(master, one, other):
        # `one` replaced by `other` in a master file of both copies, or back when `other` is there.
        for d in (A, B):
            path = d + "/masters/" + master
            t = open(path).read()
            open(path, "w").write(t.replace(one, other) if one in t else t.replace(other, one))
    def run_both(tag):
        global n
        n += 1
        # One run in five of A's without its snapshot: written anew from the ledger, then continued from.
        if n > 1 and anew.random() < 0.2:
            try: os.remove(A + "/ledger/snapshot.bin")
            except FileNotFoundError: pass
            tag += " (snapshot written anew)"
        # One run in ten after an account's type changed in both (Round Off's, back and forth): A's snapshot is
        # then of other master data, written anew from the ledger when its vouchers post as they did.
        if n > 1 and anew.random() < 0.1:
            toggle("accounts.csv", "Round Off,Expenses,Expense,Expense Account,0", "Round Off,Expenses,Expense,Tax,0")
            tag += " (an account's type changed)"
        # One run in fifteen after the company's default cost of goods sold changed in both (back and forth):
        # the deliveries' GL moves, their stock does not, so A's snapshot is written anew with the GL
        # adjustments a replay makes (when the run has nothing dated before the head).
        if n > 1 and accounts.random() < 1 / 15:
            toggle("company.toml", 'cost_of_goods_sold = "Cost of Goods Sold"', 'cost_of_goods_sold = "Stock Adjustment"')
            tag += " (the default cost of goods sold changed)"
        # One run in ten of A's after its head reports were edited (a line added to the stock ledger) or
        # deleted (all but the runs' folders): written anew from the ledger with the snapshot.
        if n > 1 and reports.random() < 0.1:
            if reports.random() < 0.5:
                with open(A + "/reports/stock-ledger.csv", "a") as f: f.write("2020-01-01,00:00:00,Purchase Receipt,HAND-1,X,Y,,,1,1,1,1,1,1,0\n")
                tag += " (head reports edited)"
            else:
                for name in os.listdir(A + "/reports"):
                    if name != "runs" and os.path.isfile(A + "/reports/" + name): os.remove(A + "/reports/" + name)
                tag += " (head reports deleted)"
        ra = sh(["run", A], env={**os.environ, "STOCKLEDGER_TIMINGS": "1"})
        try: os.remove(B + "/ledger/snapshot.bin")
        except FileNotFoundError: pass
        rb = sh(["run", B], env={**os.environ, "STOCKLEDGER_TEST_REPLAY": "1"})
        basis = "snapshot" if "timings (the head snapshot)" in ra.stderr else ("revalue" if "timings (the head snapshot, revaluing" in ra.stderr else "replay")
        why = [l.strip() for l in ra.stdout.splitlines() if "the ledger was replayed" in l]
        log.append((tag, ra.returncode, rb.returncode, basis) + ((why[0],) if why and n > 1 else ()))
        if ra.returncode != rb.returncode: print("EXIT DIFF", seed, tag, ra.returncode, rb.returncode, ra.stderr[-300:], rb.stderr[-300:])
    def drop(name, text):
        for d in (A, B): open(d + "/inbox/" + name, "w").write(text)
    closed = None
    orders = []  # (number, type, date, item, warehouse) of the orders posted
    invoiced = set()  # items of the invoices that move no stock
    invoices = []  # (number, date) of those posted
    for i, f in enumerate(held):
        for d in (A, B): shutil.move(d + "/hold/" + f, d + "/inbox/" + f)
        run_both(f)
        if i < 2: continue
        sl = rows(A + "/reports/stock-ledger.csv")
        # One monthly file in ten followed by a run cancelling up to 300 posted deliveries (a wrong import
        # undone: more than 256 revalue their part since the fiftieth session, where they replayed).
        if mass.random() < 0.1:
            numbers = sorted({(r["voucher_no"], r["posting_date"]) for r in sl if r["voucher_type"] == "Delivery Note"})
            picks = mass.sample(numbers, min(300, len(numbers)))
            if picks:
                drop(f"m{n}.csv", "voucher_type,voucher_no,posting_date,action\n" + "".join(f"Delivery Note,{no},{d},cancel\n" for no, d in picks))
                run_both(f"cancel {len(picks)} deliveries")
                sl = rows(A + "/reports/stock-ledger.csv")
        tracked = [r for r in sl if r["batch_no"] or r["serial_nos"]]
        def pick():
            # Half the time a row of a batch or serial item, where there are any (a few per cent of the rows).
            return rnd.choice(tracked if tracked and rnd.random() < 0.5 else sl)
        for k in range(rnd.randint(0, 3)):
            op = rnd.choice(["cancel", "cancel", "back", "back", "backout", "item", "close", "copy", "cancel2", "cancel8", "rename",
                             "order", "order", "fulfil", "fulfil", "oclose", "ocancel", "invoice", "invoice", "icancel", "edit", "edit", "wedit"])
            if op in ("cancel", "cancel2", "cancel8") and sl:
                picks = [pick() for _ in range({"cancel": 1, "cancel2": 2, "cancel8": 8}[op])]
                picks = list({p["voucher_no"]: p for p in picks}.values())  # (a voucher's rows once)
                text = "voucher_type,voucher_no,posting_date,action\n" + "".join(f"{p['voucher_type']},{p['voucher_no']},{p['posting_date']},cancel\n" for p in picks)
                drop(f"c{n}.csv", text); run_both("cancel " + ",".join(p['voucher_no'] for p in picks))
            elif op == "back" and sl:
                # A backdated receipt; of a batch or serial item (the stock ledger row has a batch or serials)
                # with its own new batch or serial numbers, or, at random, none (then the run takes them from
                # the item's naming series).
                p = pick()
                q = rnd.randint(1, 9)
                named = rnd.random() < 0.8
                batch = f"BK{n}" if p["batch_no"] and named else ""
                serials = ";".join(f"SBK{n}-{j}" for j in range(q)) if p["serial_nos"] and named else ""
                text = ("voucher_type,voucher_no,posting_date,posting_time,purpose,party,item_code,warehouse,source_warehouse,target_warehouse,qty,rate,batch_no,serial_nos\n"
                        f"Purchase Receipt,BK{n},{p['posting_date']},00:00:0{rnd.randint(0,9)},,Supplier 2,{p['item_code']},{p['warehouse']},,,{q},{rnd.randint(1,99)},{batch},{serials}\n")
                drop(f"b{n}.csv", text); run_both(f"back {p['item_code']} {p['warehouse']} {p['posting_date']} {batch}{serials}")
            elif op == "backout" and sl:
                # A backdated delivery of one unit: batches picked first-expiring-first, serials oldest first.
                p = pick()
                text = ("voucher_type,voucher_no,posting_date,posting_time,purpose,party,item_code,warehouse,source_warehouse,target_warehouse,qty,rate\n"
                        f"Delivery Note,BO{n},{p['posting_date']},23:59:5{rnd.randint(0,9)},,Customer 2,{p['item_code']},{p['warehouse']},,,1,{rnd.randint(1,99)}\n")
                drop(f"o{n}.csv", text); run_both(f"backout {p['item_code']} {p['warehouse']} {p['posting_date']}")
            elif op == "order" and sl:
                # A Sales or Purchase Order on a plain item's warehouse, dated at a posted date (backdated).
                plain = [r for r in sl if not r["batch_no"] and not r["serial_nos"]] or sl
                p = rnd.choice(plain)
                t = rnd.choice(["Sales Order", "Purchase Order"])
                party = "Customer 3" if t == "Sales Order" else "Supplier 3"
                no = f"OR{n}"
                text = ("voucher_type,voucher_no,posting_date,posting_time,party,item_code,warehouse,qty,rate\n"
                        f"{t},{no},{p['posting_date']},00:00:0{rnd.randint(0,9)},{party},{p['item_code']},{p['warehouse']},{rnd.randint(2,30)},{rnd.randint(1,99)}\n")
                drop(f"r{n}.csv", text)
                run_both(f"order {no} {t} {p['item_code']} {p['warehouse']} {p['posting_date']}")
                if log[-1][1] == 0: orders.append((no, t, p["posting_date"], p["item_code"], p["warehouse"]))
            elif op == "fulfil" and orders:
                # A delivery or receipt against an order, on or after its date (backdated as a rule).
                no, t, d, item, wh = rnd.choice(orders)
                later = sorted({r["posting_date"] for r in sl if r["posting_date"] >= d}) or [d]
                vt, party = ("Delivery Note", "Customer 3") if t == "Sales Order" else ("Purchase Receipt", "Supplier 3")
                text = ("voucher_type,voucher_no,posting_date,posting_time,party,item_code,warehouse,qty,rate,against_voucher\n"
                        f"{vt},FF{n},{rnd.choice(later)},12:00:0{rnd.randint(0,9)},{party},{item},{wh},{rnd.randint(1,12)},{rnd.randint(1,99)},{no}\n")
                drop(f"f{n}.csv", text); run_both(f"fulfil {no} {t}")
            elif op == "oclose" and orders:
                no, t, d, item, wh = rnd.choice(orders)
                later = sorted({r["posting_date"] for r in sl if r["posting_date"] >= d}) or [d]
                text = f"voucher_type,voucher_no,posting_date,posting_time,action\n{t},{no},{rnd.choice(later)},23:00:0{rnd.randint(0,9)},close\n"
                drop(f"z{n}.csv", text); run_both(f"oclose {no}")
            elif op == "ocancel" and orders:
                no, t, d, item, wh = rnd.choice(orders)
                text = f"voucher_type,voucher_no,posting_date,action\n{t},{no},{d},cancel\n"
                drop(f"y{n}.csv", text); run_both(f"ocancel {no}")
            elif op == "invoice" and sl:
                # A Sales Invoice that moves no stock (no warehouse), at a posted date.
                plain = [r for r in sl if not r["batch_no"] and not r["serial_nos"]] or sl
                p = rnd.choice(plain)
                text = ("voucher_type,voucher_no,posting_date,posting_time,party,item_code,qty,rate\n"
                        f"Sales Invoice,SI{n},{p['posting_date']},13:00:0{rnd.randint(0,9)},Customer 4,{p['item_code']},{rnd.randint(1,5)},{rnd.randint(10,99)}\n")
                no = f"SI{n}"
                drop(f"i{n}.csv", text); run_both(f"invoice {p['item_code']} {p['posting_date']}")
                invoiced.add(p["item_code"])
                if log[-1][1] == 0: invoices.append((no, p["posting_date"]))
            elif op == "icancel" and invoices:
                no, d = invoices.pop(rnd.randrange(len(invoices)))
                drop(f"k{n}.csv", f"voucher_type,voucher_no,posting_date,action\nSales Invoice,{no},{d},cancel\n"); run_both(f"icancel {no}")
            elif op == "edit":
                # A plain item's valuation method changed, or its income account (an account added for it):
                # the vouchers naming it post otherwise (the next run posts them again).
                rows_ = list(csv.reader(open(A + "/masters/items.csv")))
                head, body = rows_[0], rows_[1:]
                if "income_account" not in head:
                    head = head + ["income_account"]; body = [r + [""] for r in body]
                plain = [i for i, r in enumerate(body) if r[5] == "0" and r[6] == "0"]
                if plain:
                    # Half the time an item of an invoice that moves no stock, where there is one.
                    billed = [i for i in plain if body[i][0] in invoiced]
                    i = rnd.choice(billed if billed and rnd.random() < 0.5 else plain)
                    if rnd.random() < 0.6:
                        body[i][4] = rnd.choice([m for m in ["FIFO", "LIFO", "Moving Average"] if m != body[i][4]])
                    else:
                        body[i][head.index("income_account")] = "" if body[i][head.index("income_account")] else "Other Sales"
                    for d in (A, B):
                        acc = open(d + "/masters/accounts.csv").read()
                        if "Other Sales," not in acc: open(d + "/masters/accounts.csv", "a").write("Other Sales,Income,Income,Income Account,0\n")
                        with open(d + "/masters/items.csv", "w", newline="") as fh:
                            w = csv.writer(fh, lineterminator="\n"); w.writerow(head); w.writerows(body)
                    # Then a run (a receipt of another item after the head): it posts the edited item's vouchers again.
                    last = max(r["posting_date"] for r in sl)
                    text = ("voucher_type,voucher_no,posting_date,posting_time,party,item_code,warehouse,qty,rate\n"
                            f"Purchase Receipt,ED{n},{last},23:59:59,Supplier 2,{sl[0]['item_code']},{sl[0]['warehouse']},1,5\n")
                    drop(f"e{n}.csv", text); run_both(f"edit {body[i][0]} {body[i][4]} {body[i][-1]}")
            elif op == "wedit" and sl:
                # A warehouse's stock account changed (to Stock In Hand, or back to its own), then a run.
                wh = rnd.choice(["WH01", "WH02", "WH03"])
                for d in (A, B):
                    t = open(d + "/masters/warehouses.csv").read()
                    own, shared = f"{wh},All Warehouses,Stock {wh},", f"{wh},All Warehouses,Stock In Hand,"
                    open(d + "/masters/warehouses.csv", "w").write(t.replace(own, shared) if own in t else t.replace(shared, own))
                last = max(r["posting_date"] for r in sl)
                text = ("voucher_type,voucher_no,posting_date,posting_time,party,item_code,warehouse,qty,rate\n"
                        f"Purchase Receipt,WE{n},{last},23:59:59,Supplier 2,{sl[0]['item_code']},{sl[0]['warehouse']},1,5\n")
                drop(f"w{n}.csv", text); run_both(f"wedit {wh}")
            elif op == "item":
                added = sum(1 for t in log if t[0].startswith("item"))
                width = len(open(A + "/masters/items.csv").readline().split(","))
                for d in (A, B): open(d + "/masters/items.csv", "a").write(f"NEW{seed}X{added},New {added},Nos,1,FIFO,0,0" + "," * (width - 7) + "\n")
                log.append(("item", 0, 0, ""))
            elif op == "rename":
                # Columns nothing posted depends on: an item renamed, an account and a warehouse moved under
                # a new group (the run continues from the snapshot; the replay must give the same books).
                renamed = sum(1 for t in log if t[0].startswith("rename"))
                for d in (A, B):
                    def edit(name, change):
                        text = open(d + "/masters/" + name).read(); open(d + "/masters/" + name, "w").write(change(text))
                    edit("items.csv", lambda t: t.replace(",Item 0,", f",Item 0 r{renamed},", 1) if ",Item 0," in t else t.replace(f",Item 0 r{renamed - 1},", f",Item 0 r{renamed},", 1))
                    edit("accounts.csv", lambda t: t.replace("Stock WH01,Assets,", f"Stock WH01,Group {renamed},", 1).replace(f"Stock WH01,Group {renamed - 1},", f"Stock WH01,Group {renamed},", 1) + f"Group {renamed},Assets,Asset,,1\n")
                    edit("warehouses.csv", lambda t: t.replace("WH02,All Warehouses,", f"WH02,North {renamed},", 1).replace(f"WH02,North {renamed - 1},", f"WH02,North {renamed},", 1) + f"North {renamed},All Warehouses,,1\n")
                log.append(("rename", 0, 0, ""))
            elif op == "close" and sl:
                dates = sorted({r['posting_date'] for r in sl})
                c = dates[len(dates) * rnd.randint(1, 9) // 10]
                if closed is None or c > closed:
                    ra = sh(["close", A, "--through", c]); rb = sh(["close", B, "--through", c])
                    if ra.returncode != rb.returncode: print("CLOSE EXIT DIFF", seed, c, ra.returncode, rb.returncode, ra.stderr, rb.stderr)
                    if ra.returncode == 0: closed = c
                    log.append(("close " + c, ra.returncode, rb.returncode, ""))
            elif op == "copy":
                shutil.copytree(A, A + ".tmp"); shutil.rmtree(A); os.rename(A + ".tmp", A)
                log.append(("copy", 0, 0, ""))
    ta, tb = tree(A), tree(B)
    diffs = sorted(set(ta) ^ set(tb)) + sorted(p for p in ta if p in tb and ta[p] != tb[p])
    v = sh(["verify", A])
    bases = {}
    for t in log: bases[t[3]] = bases.get(t[3], 0) + 1
    # No operation here changes what posted vouchers depend on: a run that exits 2 (the ledger no longer
    # posts) took a rejection for a broken ledger, and its file would stay in the inbox to fail every run.
    jammed = sum(1 for t in log if t[1] == 2)
    print(f"seed {seed}: steps {len(log)} bases {bases} diffs {len(diffs)} verify {v.returncode} exit-2 runs {jammed}", diffs[:5])
    if os.environ.get("FUZZ_VERBOSE"):
        for t in log: print("   ", t)
    if diffs or v.returncode != 0 or jammed:
        bad += 1
        for t in log: print("   ", t)
print("BAD", bad)
