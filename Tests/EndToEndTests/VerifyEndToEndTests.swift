import Foundation
import TestSupport
import Testing

/// `verify` reads the ledger a part at a time and keeps digests (memory of a few dozen bytes a voucher);
/// what it says of a ledger — intact or changed in any of the ways below — is what the whole ledger loaded
/// and replayed in memory says (`STOCKLEDGER_TEST_VERIFY_WHOLE=1`), word for word.
@Suite(.serialized) struct VerifyEndToEndTests {
  let e2e = EndToEndTests()
  static let header = "voucher_type,voucher_no,posting_date,posting_time,purpose,item_code,warehouse,source_warehouse,target_warehouse,qty,rate\n"

  /// Books posted over four runs: receipts, deliveries, a transfer, a cancellation, and a backdated
  /// receipt that revalues the deliveries after it (adjustment lines in a later run's gl.csv).
  func posted() throws -> String {
    let b = try e2e.books()
    let h = VerifyEndToEndTests.header
    try e2e.drop(b, "1.csv", h + """
      Purchase Receipt,PR-1,2026-05-01,09:00:00,,RM0001,Stores,,,10,10
      Purchase Receipt,PR-2,2026-05-02,09:00:00,,RM0002,Stores,,,8,4
      Delivery Note,DN-1,2026-05-03,09:00:00,,RM0001,Stores,,,4,
      Stock Entry,MT-1,2026-05-04,09:00:00,Material Transfer,RM0002,,Stores,Finished Goods,3,

      """)
    #expect(try e2e.cli(["run", b]).code == 0)
    try e2e.drop(b, "2.csv", h + "Purchase Receipt,PR-3,2026-05-05,09:00:00,,RM0001,Stores,,,6,12\nDelivery Note,DN-2,2026-05-06,09:00:00,,RM0001,Stores,,,7,\n")
    #expect(try e2e.cli(["run", b]).code == 0)
    try e2e.drop(b, "3.csv", "voucher_type,voucher_no,posting_date,action\nPurchase Receipt,PR-2,2026-05-02,cancel\nStock Entry,MT-1,2026-05-04,cancel\n")
    let cancelled = try e2e.cli(["run", b])
    #expect(cancelled.code == 0, "\(cancelled.out)\(cancelled.err)")
    // (The snapshot of this head, kept for the test of a snapshot that no longer matches.)
    try FileManager.default.copyItem(atPath: b + "/ledger/snapshot.bin", toPath: b + "/after-3.snapshot")
    try e2e.drop(b, "4.csv", h + "Purchase Receipt,PR-0,2026-04-30,09:00:00,,RM0001,Stores,,,5,20\n")
    #expect(try e2e.cli(["run", b]).code == 0)
    return b
  }

  /// `verify` on `books` both ways (the streamed one in parts of `part` bytes): the same outcome, returned.
  func verifyBothWays(_ books: String, part: Int = 97, sourceLocation: SourceLocation = #_sourceLocation) throws -> EndToEndTests.Result {
    let streamed = try e2e.cli(["verify", books], environment: ["STOCKLEDGER_TEST_READ_PART": String(part)])
    let whole = try e2e.cli(["verify", books], environment: ["STOCKLEDGER_TEST_VERIFY_WHOLE": "1"])
    #expect(streamed.code == whole.code && streamed.out == whole.out && streamed.err == whole.err, "streamed \(streamed.code): \(streamed.out)\(streamed.err)\nwhole \(whole.code): \(whole.out)\(whole.err)", sourceLocation: sourceLocation)
    return streamed
  }

  /// Replaces the line of `file` that holds `match` (the first one) with what `change` makes of it.
  func edit(_ path: String, line match: String, _ change: (String) -> String?) throws {
    var lines = e2e.read(path).components(separatedBy: "\n")
    let k = try #require(lines.firstIndex { $0.contains(match) }, "\(match) in \(path)")
    if let changed = change(lines[k]) { lines[k] = changed } else { lines.remove(at: k) }
    try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
    try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
  }

  /// The books copied, for one change each.
  func copy(_ b: String) throws -> String {
    let c = Scratch.path("sl-verify")
    try FileManager.default.copyItem(atPath: b, toPath: c)
    return c
  }

  /// Replaces field `k` of a CSV line (no quoted fields).
  func field(_ k: Int, of line: String, _ value: String) -> String {
    var f = line.components(separatedBy: ",")
    f[k] = value
    return f.joined(separator: ",")
  }

  @Test func anIntactLedgerVerifiesAlike() throws {
    let b = try posted()
    for part in [97, 4096, 8 << 20] {
      let r = try verifyBothWays(b, part: part)
      #expect(r.code == 0 && r.out.contains("OK — 4 runs, 9 vouchers, 5 stock entries, 22 GL lines") && r.out.contains("the head snapshot matches"), "\(r.out)\(r.err)")
    }
  }

  /// A run's vouchers.csv that is its inbox file as it came (a byte-order mark and CRLF line ends), and one
  /// the ledger wrote with quoted fields (a party with a comma, a remark across two lines), read back a
  /// part at a time as they are whole.
  @Test func vouchersFilesAsTheyCameAndAsWrittenVerifyAlike() throws {
    let b = try e2e.books()
    try e2e.drop(b, "a.csv", "\u{FEFF}voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\r\nPurchase Receipt,PR-1,2026-03-01,RM0001,Stores,5,10\r\nDelivery Note,DN-1,2026-03-02,RM0001,Stores,2,\r\n")
    #expect(try e2e.cli(["run", b]).code == 0)
    // (Its bytes as they came: the mark, then the inbox file's own header.)
    let kept = [UInt8](try Data(contentsOf: URL(fileURLWithPath: b + "/ledger/runs/000001/vouchers.csv")))
    #expect(kept.starts(with: [0xEF, 0xBB, 0xBF] + Array("voucher_type,voucher_no,posting_date,item_code".utf8)) && kept.contains(13))
    try e2e.drop(b, "b.csv", "voucher_type,voucher_no,posting_date,party,item_code,warehouse,qty,rate,remarks\n"
      + "Purchase Receipt,PR-2,2026-03-03,\"Arcu, Inc.\",RM0001,Stores,5,10,\"two\nlines\"\nPurchase Receipt,PR-2,2026-03-03,\"Arcu, Inc.\",RM0002,Stores,2,3,\"two\nlines\"\n")
    #expect(try e2e.cli(["run", b]).code == 0)
    #expect(e2e.read(b + "/ledger/runs/000002/vouchers.csv").contains("\"Arcu, Inc.\""))
    for part in [16, 64, 8 << 20] {
      let v = try verifyBothWays(b, part: part)
      #expect(v.code == 0 && v.out.contains("OK — 2 runs, 3 vouchers, 4 stock entries"), "\(v.out)\(v.err)")
    }
  }

  @Test func aChangedEntryIsNamedByItsFileLineAndField() throws {
    let c = try copy(try posted())
    // DN-1 as the backdated receipt of run 4 revalued it (its version of run 1 is no longer current).
    let path = c + "/ledger/runs/000004/stock.csv"
    try edit(path, line: ",DN-1,") { field(12, of: $0, "1.00") }  // stock_value
    let r = try verifyBothWays(c)
    #expect(r.code == 3)
    #expect(r.err.contains("\(path): the file differs from what run 4 committed"), "\(r.err)")
    #expect(r.err.contains("first difference: \(path):4: stock entry 0 of DN-1, stock_value: the ledger holds 1.00, the vouchers give 120.00"), "\(r.err)")
    // The version it replaced changed instead: only the file is named.
    let old = try copy(try posted())
    try edit(old + "/ledger/runs/000001/stock.csv", line: ",DN-1,") { field(12, of: $0, "1.00") }
    let o = try verifyBothWays(old)
    #expect(o.code == 3 && !o.err.contains("first difference") && o.err.contains("runs/000001/stock.csv: the file differs"), "\(o.err)")
  }

  @Test func aChangedGLLineIsNamedByItsVoucherAndAccount() throws {
    let c = try copy(try posted())
    let path = c + "/ledger/runs/000002/gl.csv"
    try edit(path, line: "PR-3,Stores,") { field(4, of: $0, "70.00") }
    let r = try verifyBothWays(c)
    #expect(r.code == 3)
    #expect(r.err.contains("first difference: \(path):2: GL of PR-3, account Stores: the ledger nets 70.00, the vouchers give 72.00"), "\(r.err)")
  }

  @Test func aMissingAndAnExtraEntryAreNamed() throws {
    let missing = try copy(try posted())
    try edit(missing + "/ledger/runs/000004/stock.csv", line: ",PR-0,") { _ in nil }
    let m = try verifyBothWays(missing)
    #expect(m.code == 3 && m.err.contains("first difference: stock entry 0 of PR-0 is missing from the ledger"), "\(m.err)")
    let extra = try copy(try posted())
    let path = extra + "/ledger/runs/000004/stock.csv"
    try edit(path, line: ",PR-3,") { $0 + "\n" + field(15, of: $0, "7") }
    let x = try verifyBothWays(extra)
    #expect(x.code == 3 && x.err.contains("first difference: \(path):6: a stock entry no voucher gives (PR-3 #7)"), "\(x.err)")
  }

  @Test func aCancelledVoucherWhoseGLDoesNotNetToZeroIsNamed() throws {
    let c = try copy(try posted())
    let path = c + "/ledger/runs/000003/gl.csv"
    try edit(path, line: "cancellation of PR-2") { _ in nil }
    let r = try verifyBothWays(c)
    // (PR-2's receipt debited Stores 32.00; the reversal of that line is gone, the other's nets to zero.)
    #expect(r.code == 3 && r.err.contains("first difference: GL of cancelled voucher PR-2, account Stores: nets 32.00 instead of 0"), "\(r.err)")
  }

  @Test func aVoucherThatNoLongerPostsComesFirst() throws {
    let c = try copy(try posted())
    // DN-2 asks for more than is in stock (its file changed), and an entry before it was changed too.
    let path = c + "/ledger/runs/000002/vouchers.csv"
    try edit(path, line: "DN-2") { $0.replacingOccurrences(of: ",7,", with: ",70,") }
    try edit(c + "/ledger/runs/000001/stock.csv", line: ",DN-1,") { field(12, of: $0, "1.00") }
    let r = try verifyBothWays(c)
    // 5 (PR-0) + 10 (PR-1) − 4 (DN-1) + 6 (PR-3) = 17 in Stores when DN-2 asks for 70.
    #expect(r.code == 3 && r.err.contains("first difference: voucher DN-2 no longer posts: \(path):3 voucher DN-2 field qty: [E_INSUFFICIENT_STOCK] 53 units of RM0001 needed in Stores on 2026-05-06 09:00:00 for DN-2 to complete this transaction: 17 available, 70 required"), "\(r.err)")
  }

  @Test func aSnapshotThatDiffersIsNamed() throws {
    let c = try copy(try posted())
    // The snapshot of the head before the backdated receipt, given the head's chain: a run would take it.
    let path = c + "/ledger/snapshot.bin"
    let current = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var older = [UInt8](try Data(contentsOf: URL(fileURLWithPath: c + "/after-3.snapshot")))
    let chainAt = 1 + Int(current[0]) + 1  // (the tag, then the chain: a length byte and 64 hex digits)
    #expect(current[chainAt - 1] == 64 && older[chainAt - 1] == 64)
    older.replaceSubrange(chainAt..<chainAt + 64, with: current[chainAt..<chainAt + 64])
    try Data(older).write(to: URL(fileURLWithPath: path))
    let r = try verifyBothWays(c)
    #expect(r.code == 3 && r.err.contains("\(path): RM0001 in Stores is held as "), "\(r.err)")
    #expect(r.err.contains("It is a cache: delete it and the next run replays the ledger and writes it anew."))
  }
}
