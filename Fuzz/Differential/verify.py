#!/usr/bin/env python3
"""Differential test of `stockledger verify` read a part at a time against the whole ledger loaded.

For each seed: generated books posted over several runs (monthly files, cancellations, a backdated receipt),
then copies of them changed at random — a field of a stock entry or a GL line edited, a stock line removed
or repeated with another position, a voucher's quantity edited in a run's vouchers.csv, the master data
changed under the ledger, the snapshot damaged — or left alone. On each copy `verify` must give the same exit
code, output and first place named whether it reads the ledger a part at a time (the default, here with
parts of a few hundred bytes, so that records and vouchers straddle them) or loads it whole
(`STOCKLEDGER_TEST_VERIFY_WHOLE=1`, the reference). Prints one line a seed, and each case that differs.

usage: Fuzz/Differential/verify.py BINARY [SEEDS...]     (work in $FUZZ_DIR or /tmp)
"""
import os, random, shutil, subprocess, sys
BIN = sys.argv[1]
seeds = [int(x) for x in sys.argv[2:]] or [1]
WORK = os.environ.get("FUZZ_DIR", "/tmp/stockledger-verify-differential")


def sh(args, env=None):
    return subprocess.run([BIN] + args, capture_output=True, text=True, env={**os.environ, **(env or {})})


def lines_of(path):
    return open(path).read().split("\n")


def edit_line(path, k, change):
    ls = lines_of(path)
    ls[k] = change(ls[k])
    os.chmod(path, 0o644)
    open(path, "w").write("\n".join(ls))


bad = 0
for seed in seeds:
    rnd = random.Random(seed)
    base = f"{WORK}/s{seed}"
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    B = base + "/books"
    assert sh(["generate", B, "--vouchers", str(rnd.choice([800, 1500])), "--items", "8", "--warehouses", "3", "--seed", str(seed)]).returncode == 0
    os.makedirs(B + "/hold")
    for f in os.listdir(B + "/inbox"): shutil.move(B + "/inbox/" + f, B + "/hold/" + f)
    for i, f in enumerate(sorted(os.listdir(B + "/hold"))):
        shutil.move(B + "/hold/" + f, B + "/inbox/" + f)
        sh(["run", B])
        sl = [l.split(",") for l in lines_of(B + "/reports/stock-ledger.csv")[1:] if l]
        if i in (2, 5) and sl:
            r = rnd.choice(sl)
            open(B + "/inbox/c%d.csv" % i, "w").write(f"voucher_type,voucher_no,posting_date,action\n{r[2]},{r[3]},{r[0]},cancel\n")
            sh(["run", B])
        if i == 4 and sl:
            r = rnd.choice(sl)
            open(B + "/inbox/b.csv", "w").write("voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\n"
                                                 f"Purchase Receipt,BK-1,{sl[0][0]},{r[4]},{r[5]},3,7\n")
            sh(["run", B])
    runs = sorted(os.listdir(B + "/ledger/runs"))
    cases = ["none"] + [rnd.choice(["stock-field", "gl-field", "stock-drop", "stock-extra", "voucher-qty", "masters", "snapshot", "index"]) for _ in range(8)]
    results = []
    for n, case in enumerate(cases):
        C = f"{base}/case{n}"
        shutil.copytree(B, C)
        run = C + "/ledger/runs/" + rnd.choice(runs)
        what = case
        if case in ("stock-field", "stock-drop", "stock-extra"):
            path = run + "/stock.csv"
            ls = lines_of(path)
            k = rnd.randrange(1, max(2, len([l for l in ls if l])))
            if case == "stock-field":
                col = rnd.choice([8, 9, 10, 11, 12, 13])
                edit_line(path, k, lambda l: ",".join(f if j != col else (f + "1" if f else "1") for j, f in enumerate(l.split(","))))
            elif case == "stock-drop":
                ls.pop(k); os.chmod(path, 0o644); open(path, "w").write("\n".join(ls))
            else:
                f = ls[k].split(",")
                if len(f) == 17: f[15] = str(int(f[15] or 0) + 50)  # (a line with a quoted field left as it is: repeated)
                ls.insert(k + 1, ",".join(f))
                os.chmod(path, 0o644); open(path, "w").write("\n".join(ls))
            what += f" {path[len(C):]}:{k + 1}"
        elif case == "gl-field":
            path = run + "/gl.csv"
            k = rnd.randrange(1, max(2, len([l for l in lines_of(path) if l])))
            col = rnd.choice([4, 5])
            edit_line(path, k, lambda l: ",".join(f if j != col else "%.2f" % (float(f or 0) + 1.25) for j, f in enumerate(l.split(","))))
            what += f" {path[len(C):]}:{k + 1}"
        elif case == "voucher-qty":
            path = run + "/vouchers.csv"
            ls = lines_of(path)
            header = ls[0].split(",")
            if "qty" in header:
                q = header.index("qty")
                k = rnd.randrange(1, max(2, len([l for l in ls if l])))
                edit_line(path, k, lambda l: ",".join(f if j != q or not f else str(int(float(f)) * 50) for j, f in enumerate(l.split(","))))
                what += f" {path[len(C):]}:{k + 1}"
        elif case == "masters":
            p = C + "/masters/items.csv"
            ls = lines_of(p)
            k = rnd.randrange(1, len([l for l in ls if l]))
            ls[k] = ls[k].replace("FIFO", "Moving Average") if "FIFO" in ls[k] else ls[k].replace("Moving Average", "FIFO")
            open(p, "w").write("\n".join(ls))
        elif case in ("snapshot", "index"):
            p = C + ("/ledger/snapshot.bin" if case == "snapshot" else "/ledger/vouchers.idx")
            b = bytearray(open(p, "rb").read())
            if len(b) > 200:
                i = rnd.randrange(100, len(b) - 40); b[i] ^= 0x10
                open(p, "wb").write(bytes(b))
        streamed = sh(["verify", C], {"STOCKLEDGER_TEST_READ_PART": str(rnd.choice([256, 700, 4096]))})
        whole = sh(["verify", C], {"STOCKLEDGER_TEST_VERIFY_WHOLE": "1"})
        same = (streamed.returncode, streamed.stdout, streamed.stderr) == (whole.returncode, whole.stdout, whole.stderr)
        results.append((what, streamed.returncode, same))
        if not same:
            bad += 1
            print(f"DIFF seed {seed} {what}\n  streamed {streamed.returncode}: {streamed.stdout}{streamed.stderr}  whole {whole.returncode}: {whole.stdout}{whole.stderr}")
        shutil.rmtree(C)
    print(f"seed {seed}: runs {len(runs)} cases " + ", ".join(f"{w.split()[0]}→{c}" for w, c, _ in results) + f"; differ {sum(1 for r in results if not r[2])}")
print("BAD", bad)
