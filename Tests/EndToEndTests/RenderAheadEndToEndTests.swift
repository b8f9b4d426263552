import Foundation
import Testing

/// A run onto an empty ledger renders the head reports on the other core while it posts (`RenderAhead`):
/// they must be exactly what `report` derives from the committed ledger — also when the replay's arrays
/// move as they grow (the renderer drained before each move), and when a replay fails and the run posts
/// again without the rejected file (the first renderer cancelled, its temporary files gone).
@Suite struct RenderAheadEndToEndTests {
  let e2e = EndToEndTests()
  static let names = ["stock-ledger", "general-ledger", "stock-balance", "trial-balance", "stock-vs-gl", "batch-balance", "serial-status", "stock-ageing", "projected-qty", "material-requests"]

  @Test(arguments: [false, true]) func headReportsRenderedWhilePostingAreTheLedgers(arraysMove: Bool) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sl-ahead-\(UUID().uuidString)").path + "/books"
    let g = try e2e.cli(["generate", dir, "--vouchers", "3000", "--items", "30", "--warehouses", "3", "--seed", "5"])
    #expect(g.code == 0, "\(g.err)")
    // A delivery far beyond any stock, in a file of its own: the file is rejected at posting and the
    // timeline posts again without it.
    let short = "voucher_type,voucher_no,posting_date,posting_time,purpose,party,item_code,warehouse,source_warehouse,target_warehouse,qty,rate\n"
      + "Delivery Note,SHORT-1,2024-03-15,12:00:00,,Customer 1,ITEM00001,WH01,,,999999,1\n"
    try short.write(toFile: dir + "/inbox/zz-short.csv", atomically: true, encoding: .utf8)
    let r = try e2e.cli(["run", dir], environment: arraysMove ? ["STOCKLEDGER_TEST_NO_RESERVE": "1"] : [:])
    #expect(r.code == 1, "\(r.out)\(r.err)")
    #expect(FileManager.default.fileExists(atPath: dir + "/rejected/zz-short.csv"))
    #expect(e2e.read(dir + "/reports/runs/000001/rejections.csv").contains("SHORT-1"))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/reports").filter { $0.contains(".tmp-") }
    #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    #expect(e2e.read(dir + "/reports/stock-ledger.csv").split(separator: "\n").count > 3000)
    #expect(!e2e.read(dir + "/reports/batch-balance.csv").isEmpty && !e2e.read(dir + "/reports/serial-status.csv").isEmpty)
    // Derived from the whole ledger (the snapshot moved aside, so `report` cannot read its folds).
    try FileManager.default.moveItem(atPath: dir + "/ledger/snapshot.bin", toPath: dir + "/snapshot.bin.aside")
    for name in RenderAheadEndToEndTests.names {
      #expect(try e2e.cli(["report", name, dir]).out == e2e.read(dir + "/reports/\(name).csv"), "\(name)")
    }
  }
}
