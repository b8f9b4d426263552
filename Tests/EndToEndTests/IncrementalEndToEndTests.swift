import Foundation
import Testing

/// A run continues from the head snapshot (`ledger/snapshot.bin`) when every voucher posts after the head,
/// and its results are byte for byte those of a run that replays the whole ledger.
@Suite(.serialized) struct IncrementalEndToEndTests {
  let e2e = EndToEndTests()
  let timings = ["STOCKLEDGER_TIMINGS": "1"]

  /// Every file under `dir` (relative path → bytes), the snapshot left out.
  func tree(_ dir: String) -> [String: Data] {
    var out: [String: Data] = [:]
    let walker = FileManager.default.enumerator(atPath: dir)
    while let rel = walker?.nextObject() as? String {
      var isDir: ObjCBool = false
      guard !rel.hasSuffix("snapshot.bin"), FileManager.default.fileExists(atPath: dir + "/" + rel, isDirectory: &isDir), !isDir.boolValue else { continue }
      out[rel] = FileManager.default.contents(atPath: dir + "/" + rel)
    }
    return out
  }

  /// What a run started from, as its timings say.
  func basis(_ r: EndToEndTests.Result) -> String {
    r.err.contains("timings (the head snapshot)") ? "snapshot" : (r.err.contains("timings (the ledger replayed)") ? "replay" : "?")
  }

  /// A generated books directory whose monthly files wait in `hold/`.
  func generated(_ name: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sl-inc-\(UUID().uuidString)").path + "/" + name
    let g = try e2e.cli(["generate", dir, "--vouchers", "2500", "--items", "30", "--warehouses", "3", "--seed", "11"])
    #expect(g.code == 0, "\(g.err)")
    try FileManager.default.moveItem(atPath: dir + "/inbox", toPath: dir + "/hold")
    try FileManager.default.createDirectory(atPath: dir + "/inbox", withIntermediateDirectories: true)
    return dir
  }

  /// Feeds the held files one run each; with `replay`, the snapshot is removed before every run.
  func feed(_ b: String, replay: Bool) throws -> [String] {
    var bases: [String] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: b + "/hold").sorted() {
      try FileManager.default.moveItem(atPath: b + "/hold/" + name, toPath: b + "/inbox/" + name)
      if replay { try? FileManager.default.removeItem(atPath: b + "/ledger/snapshot.bin") }
      let r = try e2e.cli(["run", b], environment: timings)
      #expect(r.code == 0, "\(name): \(r.err)")
      bases.append(basis(r))
    }
    return bases
  }

  @Test func runsFromTheSnapshotGiveTheBytesOfReplays() throws {
    let a = try generated("books"), b = try generated("books")
    let fromSnapshot = try feed(a, replay: false)
    let replayed = try feed(b, replay: true)
    #expect(fromSnapshot.count > 6)
    #expect(fromSnapshot == ["replay"] + Array(repeating: "snapshot", count: fromSnapshot.count - 1))
    #expect(replayed.allSatisfy { $0 == "replay" })
    let ta = tree(a), tb = tree(b)
    #expect(ta.keys.sorted() == tb.keys.sorted())
    for (path, bytes) in ta where tb[path] != bytes { Issue.record("\(path) differs between the run from the snapshot and the replay") }
    #expect(e2e.read(a + "/reports/stock-vs-gl.csv").split(separator: "\n").dropFirst().allSatisfy { $0.hasSuffix(",0.00") })
    #expect(try e2e.cli(["verify", a]).code == 0)
  }

  @Test func aBackdatedVoucherOrACancellationReplaysAndSaysWhy() throws {
    let b = try e2e.books()
    let header = "voucher_type,voucher_no,posting_date,action,purpose,item_code,warehouse,source_warehouse,target_warehouse,qty,rate\n"
    try e2e.drop(b, "1.csv", header + "Stock Entry,SE-1,2026-05-10,,Material Receipt,RM0001,,,Stores,5,10\n")
    #expect(basis(try e2e.cli(["run", b], environment: timings)) == "replay")
    try e2e.drop(b, "2.csv", header + "Stock Entry,SE-2,2026-05-12,,Material Issue,RM0001,,Stores,,2,\n")
    #expect(basis(try e2e.cli(["run", b], environment: timings)) == "snapshot")
    // A receipt dated before the head: the ledger is replayed, and the run says so.
    try e2e.drop(b, "3.csv", header + "Stock Entry,SE-3,2026-05-09,,Material Receipt,RM0001,,,Stores,5,20\n")
    let back = try e2e.cli(["run", b], environment: timings)
    #expect(basis(back) == "replay")
    #expect(back.out.contains("SE-3 (3.csv) is dated 2026-05-09 00:00:00, before the ledger's latest voucher (2026-05-12 00:00:00): the ledger was replayed"))
    // The issue of 2 now takes the @20 layer first: worth 40.
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "SE-2").first?["stock_value_difference"] == "-40.00")
    try e2e.drop(b, "4.csv", header + "Stock Entry,SE-3,2026-05-09,cancel,Material Receipt,RM0001,,,Stores,5,20\n")
    let cancel = try e2e.cli(["run", b], environment: timings)
    #expect(basis(cancel) == "replay")
    #expect(cancel.out.contains("SE-3 cancels a posted voucher: the ledger was replayed"))
    try e2e.drop(b, "5.csv", header + "Stock Entry,SE-5,2026-05-20,,Material Issue,RM0001,,Stores,,1,\n")
    #expect(basis(try e2e.cli(["run", b], environment: timings)) == "snapshot")
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "SE-5").first?["stock_value_difference"] == "-10.00")
    #expect(try e2e.cli(["verify", b]).code == 0)
  }

  @Test func aSnapshotThatNoLongerDescribesTheBooksIsNotUsed() throws {
    let b = try e2e.books()
    let header = "voucher_type,voucher_no,posting_date,purpose,item_code,target_warehouse,source_warehouse,qty,rate\n"
    try e2e.drop(b, "1.csv", header + "Stock Entry,SE-1,2026-05-10,Material Receipt,RM0001,Stores,,5,10\n")
    #expect(try e2e.cli(["run", b]).code == 0)
    // Damaged snapshot: ignored.
    try Data("not a snapshot".utf8).write(to: URL(fileURLWithPath: b + "/ledger/snapshot.bin"))
    try e2e.drop(b, "2.csv", header + "Stock Entry,SE-2,2026-05-11,Material Issue,RM0001,,Stores,1,\n")
    #expect(basis(try e2e.cli(["run", b], environment: timings)) == "replay")
    // Master data changed since the snapshot: replayed under the new master data.
    let items = b + "/masters/items.csv"
    try (e2e.read(items) + "NEW-ITEM,New item,Nos,1,FIFO,,,,,,,\n").write(toFile: items, atomically: true, encoding: .utf8)
    try e2e.drop(b, "3.csv", header + "Stock Entry,SE-3,2026-05-12,Material Issue,RM0001,,Stores,1,\n")
    let changed = try e2e.cli(["run", b], environment: timings)
    #expect(basis(changed) == "replay", "\(changed.out)\(changed.err)")
    // Head reports edited by hand: the next run rewrites them from the ledger.
    try "edited\n".write(toFile: b + "/reports/stock-ledger.csv", atomically: true, encoding: .utf8)
    try e2e.drop(b, "4.csv", header + "Stock Entry,SE-4,2026-05-13,Material Issue,RM0001,,Stores,1,\n")
    #expect(basis(try e2e.cli(["run", b], environment: timings)) == "replay")
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "SE-1").count == 1)
    try e2e.drop(b, "5.csv", header + "Stock Entry,SE-5,2026-05-14,Material Issue,RM0001,,Stores,1,\n")
    #expect(basis(try e2e.cli(["run", b], environment: timings)) == "snapshot")
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "SE-5").first?["qty_after_transaction"] == "1")
  }
}
