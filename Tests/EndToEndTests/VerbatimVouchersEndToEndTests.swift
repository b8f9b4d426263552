import Foundation
import Testing

/// A CSV file accepted whole, each voucher's rows one run of lines and none changed, is the run's
/// `vouchers.csv` as it is (linked to its archived copy, read-only; copied when it stays in the inbox); any
/// other run writes its vouchers in the ledger's layout. Either way the ledger reads the vouchers back, a
/// backdated run revalues from them, `verify` re-derives every entry, and the reports are the same bytes.
@Suite(.serialized) struct VerbatimVouchersEndToEndTests {
  let e2e = EndToEndTests()
  static let header = "voucher_type,voucher_no,posting_date,posting_time,item_code,warehouse,qty,rate\r\n"
  /// Receipts and deliveries of two items, CRLF lines and a blank line, the rates as people type them: in
  /// two parts, for the run of two files.
  static let first = "Purchase Receipt,PR-1,2026-03-02,09:00:00,RM0001,Stores,10,12.50\r\nPurchase Receipt,PR-2,2026-03-02,10:00:00,RM0002,Stores,4,7\r\n\r\n"
  static let second = "Delivery Note,DN-1,2026-03-03,09:00:00,RM0001,Stores,3,\r\nPurchase Receipt,PR-3,2026-03-04,09:00:00,RM0001,Stores,5,13.000\r\nDelivery Note,DN-2,2026-03-05,09:00:00,RM0002,Stores,1,\r\n"
  static let lines = first + second

  func fileInfo(_ path: String) -> (links: Int, mode: Int)? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return (Int(st.st_nlink), Int(st.st_mode & 0o777))
  }

  /// The SHA-256 the run's summary gives the inbox file `name`.
  func summarySHA(_ b: String, _ name: String) -> String? {
    let summary = e2e.read(b + "/reports/runs/000001/run-summary.json")
    guard let at = summary.range(of: "\"file\": \"\(name)\", \"sha256\": \"") else { return nil }
    return String(summary[at.upperBound...].prefix(64))
  }

  /// The head reports and the run's journal of a books directory, by name.
  func reports(_ b: String) throws -> [String: String] {
    var out: [String: String] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: b + "/reports") where name.hasSuffix(".csv") {
      out[name] = e2e.read(b + "/reports/" + name)
    }
    return out
  }

  @Test func aFileTakenWholeIsTheRunsVouchersAndReadsBack() throws {
    let taken = try e2e.books()
    try e2e.drop(taken, "day.csv", Self.header + Self.lines)
    #expect(try e2e.cli(["run", taken]).code == 0)
    let vouchers = taken + "/ledger/runs/000001/vouchers.csv"
    #expect(e2e.read(vouchers) == Self.header + Self.lines)
    #expect(fileInfo(vouchers)?.links == 2 && fileInfo(vouchers)?.mode == 0o444)
    #expect(fileInfo(taken + "/archive/day.csv")?.links == 2)
    let sha = try #require(summarySHA(taken, "day.csv"))
    #expect(e2e.read(taken + "/ledger/runs/000001/manifest").contains("file vouchers.csv \((Self.header + Self.lines).utf8.count) \(sha)\n"))
    // The same vouchers in two files: written in the ledger's layout.
    let written = try e2e.books()
    try e2e.drop(written, "a.csv", Self.header + Self.first)
    try e2e.drop(written, "b.csv", Self.header + Self.second)
    #expect(try e2e.cli(["run", written]).code == 0)
    #expect(e2e.read(written + "/ledger/runs/000001/vouchers.csv").hasPrefix("voucher_type,voucher_no,posting_date,posting_time,action,purpose,party,"))
    #expect(try reports(taken) == reports(written))
    // A backdated receipt revalues RM0001 from the vouchers read back by their byte places.
    for b in [taken, written] {
      try e2e.drop(b, "late.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,PR-0,2026-03-01,RM0001,Stores,2,11\n")
      let r = try e2e.cli(["run", b], environment: ["STOCKLEDGER_TIMINGS": "1"])
      #expect(r.code == 0)
      #expect(r.err.contains("revaluing 3 posted vouchers of 1 item-warehouses"), "\(r.err)")
      #expect(try e2e.cli(["verify", b]).code == 0)
    }
    #expect(try reports(taken) == reports(written))
    // FIFO after the backdated receipt: DN-1's 3 take PR-0's 2 at 11 and 1 of PR-1's at 12.50.
    #expect(e2e.rows(taken + "/reports/stock-ledger.csv", voucher: "DN-1").first?["stock_value_difference"] == "-34.50")
    // The archived copy edited in place (made writable first) is the ledger's file changed: verify says so.
    let archived = taken + "/archive/day.csv"
    #expect(chmod(archived, 0o644) == 0)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: archived))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("Delivery Note,DN-9,2026-03-06,09:00:00,RM0001,Stores,1,\r\n".utf8))
    try handle.close()
    let v = try e2e.cli(["verify", taken])
    #expect(v.code == 3)
    #expect((v.out + v.err).contains("runs/000001/vouchers.csv"))
    #expect((v.out + v.err).contains("it has another name, such as the file's copy in the archive: an edit there changed it too"))
  }

  /// Kept in the inbox, or with another name, the file is copied (the producer may write it again); a file
  /// the run cannot take whole — a voucher whose lines are apart, a barcode resolved to its item, a voucher
  /// held back — is written in the ledger's layout.
  @Test func aFileLeftInTheInboxIsCopiedAndOthersAreWritten() throws {
    let kept = try e2e.books()
    try e2e.drop(kept, "day.csv", Self.header + Self.lines)
    #expect(try e2e.cli(["run", kept, "--keep-inbox"]).code == 0)
    let copy = kept + "/ledger/runs/000001/vouchers.csv"
    #expect(e2e.read(copy) == Self.header + Self.lines)
    #expect(fileInfo(copy)?.links == 1 && fileInfo(kept + "/inbox/day.csv")?.links == 1)
    #expect(try e2e.cli(["verify", kept]).code == 0)
    // A file with another name (a producer's hard link, which it could write through later) is copied.
    let shared = try e2e.books()
    try e2e.drop(shared, "day.csv", Self.header + Self.lines)
    #expect(link(shared + "/inbox/day.csv", shared + "/producer-copy.csv") == 0)
    #expect(try e2e.cli(["run", shared]).code == 0)
    #expect(e2e.read(shared + "/ledger/runs/000001/vouchers.csv") == Self.header + Self.lines)
    #expect(fileInfo(shared + "/ledger/runs/000001/vouchers.csv")?.links == 1 && fileInfo(shared + "/producer-copy.csv")?.links == 2)
    let layout = "voucher_type,voucher_no,posting_date,posting_time,action,purpose,party,"
    // A voucher of several lines (with its taxes) is taken too, when its lines are together.
    let taxed = try e2e.books()
    try e2e.drop(taxed, "taxed.csv", EndToEndTests.seed)
    #expect(try e2e.cli(["run", taxed]).code == 0)
    #expect(e2e.read(taxed + "/ledger/runs/000001/vouchers.csv") == EndToEndTests.seed)
    #expect(try e2e.cli(["verify", taxed]).code == 0)
    let cases: [(name: String, text: String, flags: [String], code: Int32)] = [
      ("interleaved.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,I-1,2026-03-02,RM0001,Stores,1,2\nPurchase Receipt,I-2,2026-03-02,RM0002,Stores,1,2\nPurchase Receipt,I-1,2026-03-02,FG0001,Stores,1,2\n", [], 0),
      ("barcode.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,B-1,2026-03-02,4006381333931,Stores,1,2\n", [], 0),
      ("held.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,H-1,2026-03-02,RM0001,Stores,1,2\nDelivery Note,H-2,2026-03-02,RM0001,Stores,5,\n", ["--partial"], 1),
    ]
    for c in cases {
      let b = try e2e.books()
      try e2e.drop(b, c.name, c.text)
      #expect(try e2e.cli(["run", b] + c.flags).code == c.code, "\(c.name)")
      #expect(e2e.read(b + "/ledger/runs/000001/vouchers.csv").hasPrefix(layout), "\(c.name)")
      #expect(try e2e.cli(["verify", b]).code == 0, "\(c.name)")
    }
  }
}
