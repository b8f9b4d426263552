import Foundation
import TestSupport
import Testing

/// A run onto an empty ledger renders the head reports on the other core while it posts (`RenderAhead`):
/// they must be exactly what `report` derives from the committed ledger — also when the replay's arrays
/// move as they grow (the renderer drained before each move), and when a replay fails and the run posts
/// again without the rejected file (the first renderer cancelled, its temporary files gone). The run's
/// own `stock.csv` and `gl.csv`, written beside the posting and adopted by the commit, must re-derive
/// (`verify`); `gl.csv` is left to the commit when a remark is guarded against formulas in the reports.
@Suite struct RenderAheadEndToEndTests {
  let e2e = EndToEndTests()
  static let names = ["stock-ledger", "general-ledger", "stock-balance", "trial-balance", "stock-vs-gl", "batch-balance", "serial-status", "stock-ageing", "projected-qty", "material-requests"]

  /// - Parameter mode: 1: the replay's arrays start without room (and one voucher's remark is
  ///   formula-like, so the ledger's `gl.csv` differs from the general ledger's bytes; otherwise a batch
  ///   number is, so `stock.csv` rows differ from the stock ledger's); 2: windows of 100 entries, so the
  ///   replay goes round the ring of windows the renderer reads (a few dozen closed, each filled again);
  ///   3: the same windows, the renderer reading none before the replay has posted, so it reads dozens of
  ///   closed windows after the run's vouchers were written and taken (it once let go of the vouchers of
  ///   the windows after the one it read: the serial status lost the parties of deliveries).
  @Test(arguments: [0, 1, 2, 3]) func headReportsRenderedWhilePostingAreTheLedgers(mode: Int) throws {
    let arraysMove = mode == 1
    let dir = Scratch.path("sl-ahead") + "/books"
    let g = try e2e.cli(["generate", dir, "--vouchers", "3000", "--items", "30", "--warehouses", "3", "--seed", "5"])
    #expect(g.code == 0, "\(g.err)")
    // A delivery far beyond any stock, in a file of its own: the file is rejected at posting and the
    // timeline posts again without it.
    let short = "voucher_type,voucher_no,posting_date,posting_time,purpose,party,item_code,warehouse,source_warehouse,target_warehouse,qty,rate\n"
      + "Delivery Note,SHORT-1,2024-03-15,12:00:00,,Customer 1,ITEM00001,WH01,,,999999,1\n"
    try short.write(toFile: dir + "/inbox/zz-short.csv", atomically: true, encoding: .utf8)
    let formula = arraysMove
    if !formula {
      // A formula-like batch number: guarded in the stock ledger report only. The run's stock.csv is still
      // prewritten (no GL text is guarded), its rows otherwise copied from the report's.
      let lot = "voucher_type,voucher_no,posting_date,posting_time,party,item_code,warehouse,qty,rate,batch_no\n"
        + "Purchase Receipt,LOT-1,2024-02-12,09:00:00,Supplier 1,ITEM00025,WH01,2,2.50,-LOT1\n"
      try lot.write(toFile: dir + "/inbox/ab-lot.csv", atomically: true, encoding: .utf8)
    }
    if formula {
      let remark = "voucher_type,voucher_no,posting_date,posting_time,party,item_code,warehouse,qty,rate,remarks\n"
        + "Purchase Receipt,FORMULA-1,2024-02-10,09:00:00,Supplier 1,ITEM00001,WH01,3,2.50,=1+1\n"
      try remark.write(toFile: dir + "/inbox/aa-formula.csv", atomically: true, encoding: .utf8)
    }
    let environment = [
      1: ["STOCKLEDGER_TEST_NO_RESERVE": "1"], 2: ["STOCKLEDGER_TEST_WINDOW": "100"],
      3: ["STOCKLEDGER_TEST_WINDOW": "100", "STOCKLEDGER_TEST_RENDER_LATE": "1"],
    ][mode] ?? [:]
    let r = try e2e.cli(["run", dir], environment: environment)
    #expect(r.code == 1, "\(r.out)\(r.err)")
    #expect(FileManager.default.fileExists(atPath: dir + "/rejected/zz-short.csv"))
    #expect(e2e.read(dir + "/reports/runs/000001/rejections.csv").contains("SHORT-1"))
    for folder in ["reports", "ledger"] {
      let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/" + folder).filter { $0.contains(".tmp-") }
      #expect(leftovers.isEmpty, "temporary files left in \(folder): \(leftovers)")
    }
    let verified = try e2e.cli(["verify", dir])
    #expect(verified.code == 0, "\(verified.out)\(verified.err)")
    let gl = e2e.read(dir + "/ledger/runs/000001/gl.csv")
    #expect(gl.contains("FORMULA-1") == formula)
    #expect((gl == e2e.read(dir + "/reports/general-ledger.csv")) == !formula)
    // The journal is the general ledger's bytes (the run's only lines), guarded; `gl.csv` linked when those
    // are its bytes, else a copy of the general ledger.
    let journal = dir + "/reports/runs/000001/gl-journal.csv"
    #expect(e2e.read(journal) == e2e.read(dir + "/reports/general-ledger.csv"))
    #expect(e2e.read(journal).contains(",'=1+1") == formula)
    var (j, committed) = (stat(), stat())
    #expect(stat(journal, &j) == 0 && stat(dir + "/ledger/runs/000001/gl.csv", &committed) == 0)
    #expect((j.st_ino == committed.st_ino) == !formula)
    if !formula {
      #expect(e2e.read(dir + "/reports/stock-ledger.csv").contains(",'-LOT1,"))
      let stock = e2e.read(dir + "/ledger/runs/000001/stock.csv")
      #expect(stock.contains(",-LOT1,") && !stock.contains("'-LOT1"))
    }
    // The run's vouchers.csv, begun beside the posting, holds the batch item's receipts and deliveries as
    // they posted: with the batches the engine named and picked.
    let batchRows = e2e.read(dir + "/ledger/runs/000001/vouchers.csv").split(separator: "\n").filter { $0.contains(",ITEM00025,") }
    #expect(batchRows.count > 100)
    #expect(batchRows.allSatisfy { $0.contains(",BITEM00025-") || $0.contains(",-LOT1,") })
    #expect(e2e.read(dir + "/reports/stock-ledger.csv").split(separator: "\n").count > 3000)
    #expect(!e2e.read(dir + "/reports/batch-balance.csv").isEmpty && !e2e.read(dir + "/reports/serial-status.csv").isEmpty)
    // Derived from the whole ledger (the snapshot moved aside, so `report` cannot read its folds).
    try FileManager.default.moveItem(atPath: dir + "/ledger/snapshot.bin", toPath: dir + "/snapshot.bin.aside")
    for name in RenderAheadEndToEndTests.names {
      #expect(try e2e.cli(["report", name, dir]).out == e2e.read(dir + "/reports/\(name).csv"), "\(name)")
    }
  }

  /// The GL lines go to the run's `gl.csv` as they are posted and are not kept, so the file is written
  /// beside the posting even when the reports cannot be: the run commits the same ledger as a run whose
  /// reports can (and stops after its commit, as before, on the reports' folder).
  @Test func theRunsGLFileIsWrittenWhenTheReportsCannotBe() throws {
    let root = Scratch.path("sl-ahead-noreports")
    var gl: [String] = []
    for (name, out) in [("fine", nil), ("blocked", "not-a-folder/reports")] as [(String, String?)] {
      let dir = root + "/" + name
      #expect(try e2e.cli(["generate", dir, "--vouchers", "2000", "--items", "20", "--warehouses", "3", "--seed", "9"]).code == 0)
      var args = ["run", dir]
      if let out {
        try "not a folder\n".write(toFile: dir + "/not-a-folder", atomically: true, encoding: .utf8)
        args += ["--out", dir + "/" + out]
      }
      let r = try e2e.cli(args)
      #expect(r.code == (out == nil ? 0 : 2), "\(r.out)\(r.err)")
      #expect(try e2e.cli(["verify", dir]).code == 0)
      gl.append(e2e.read(dir + "/ledger/runs/000001/gl.csv"))
    }
    #expect(gl[0].split(separator: "\n").count == 4001 && gl[0] == gl[1])
  }
}
