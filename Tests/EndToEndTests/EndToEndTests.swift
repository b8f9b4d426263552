import Foundation
import TestSupport
import Testing

/// Spawns the built `stockledger` on books directories made from the sample's master data.
@Suite(.serialized) struct EndToEndTests {
  init() {}
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let binary = Bundle.main.bundleURL.appendingPathComponent("stockledger").path

  struct Result {
    var code: Int32
    var out: String
    var err: String
  }

  func cli(_ args: [String], environment: [String: String] = [:]) throws -> Result {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: Self.binary)
    p.arguments = args
    if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let o = Pipe(), e = Pipe()
    p.standardOutput = o
    p.standardError = e
    try p.run()
    let out = o.fileHandleForReading.readDataToEndOfFile()
    let err = e.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Result(code: p.terminationStatus, out: String(decoding: out, as: UTF8.self), err: String(decoding: err, as: UTF8.self))
  }

  /// A new books directory with the sample's master data.
  func books() throws -> String {
    let dir = Scratch.path("sl-e2e")
    try FileManager.default.createDirectory(atPath: dir + "/inbox", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: Self.root.path + "/Samples/books/masters", toPath: dir + "/masters")
    return dir
  }

  func drop(_ books: String, _ name: String, _ text: String) throws {
    try text.write(toFile: books + "/inbox/" + name, atomically: true, encoding: .utf8)
  }

  func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

  /// Rows of a CSV report whose voucher_no column matches, as [column: value].
  func rows(_ path: String, voucher: String) -> [[String: String]] {
    let lines = read(path).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    guard let header = lines.first, let vi = header.firstIndex(of: "voucher_no") else { return [] }
    return lines.dropFirst().filter { $0.count > vi && $0[vi] == voucher }.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
  }

  static let seed = """
    voucher_type,voucher_no,posting_date,posting_time,party,row_type,item_code,warehouse,qty,rate,account,amount,tax_rate,tax_category
    Purchase Receipt,PR-0001,2026-11-02,09:00:00,Arcu,item,RM0001,Stores,10,200,,,,
    Purchase Receipt,PR-0001,2026-11-02,09:00:00,Arcu,tax,,,,,Shipping Charges,100,,Valuation and Total
    Purchase Receipt,PR-0001,2026-11-02,09:00:00,Arcu,tax,,,,,Customs Duty,150,,Valuation
    Purchase Receipt,PR-0001,2026-11-02,09:00:00,Arcu,tax,,,,,Input VAT,,10,Total

    """

  @Test func seedExamplePostsExactly() throws {
    let b = try books()
    try drop(b, "a.csv", Self.seed)
    try drop(b, "b.csv", "voucher_type,voucher_no,posting_date,posting_time,item_code,warehouse,qty\nDelivery Note,DN-0001,2026-11-03,10:00,RM0001,Stores,5\n")
    let r = try cli(["run", b])
    #expect(r.code == 0, "\(r.err)")
    let sle = rows(b + "/reports/stock-ledger.csv", voucher: "DN-0001")
    #expect(sle.first?["stock_value_difference"] == "-1125.00")
    #expect(sle.first?["valuation_rate"] == "225")
    #expect(read(b + "/reports/general-ledger.csv").contains("2026-11-02,Purchase Receipt,PR-0001,Stores,2250.00,0.00"))
    #expect(read(b + "/reports/stock-vs-gl.csv") == "account,stock_value,gl_balance,difference\nStores,1125.00,1125.00,0.00\n")
    #expect(FileManager.default.fileExists(atPath: b + "/archive/a.csv"))
    #expect(try cli(["verify", b]).code == 0)
    // Nothing new: exit 0, reports unchanged.
    let before = read(b + "/reports/stock-ledger.csv")
    #expect(try cli(["run", b]).code == 0)
    #expect(read(b + "/reports/stock-ledger.csv") == before)
  }

  @Test func earlierDateInALaterFilePostsFirst() throws {
    let b = try books()
    try drop(b, "1.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty\nDelivery Note,DN-1,2026-03-05,RM0001,Stores,4\n")
    try drop(b, "2.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,PR-1,2026-03-01,RM0001,Stores,10,3\n")
    let r = try cli(["run", b])
    #expect(r.code == 0, "\(r.err)")
    let text = read(b + "/reports/stock-ledger.csv")
    let pr = try #require(text.range(of: "PR-1")), dn = try #require(text.range(of: "DN-1"))
    #expect(pr.lowerBound < dn.lowerBound)
    #expect(rows(b + "/reports/stock-ledger.csv", voucher: "DN-1").first?["stock_value"] == "18.00")
    // The ledger keeps them in the order they came (files by name), not the order they posted.
    let ledger = read(b + "/ledger/runs/000001/vouchers.csv")
    let dnInLedger = try #require(ledger.range(of: "DN-1")), prInLedger = try #require(ledger.range(of: "PR-1"))
    #expect(dnInLedger.lowerBound < prInLedger.lowerBound)
  }

  /// Each file is credited with its own posted vouchers when the timeline takes them in another order than
  /// they came (files interleaved by date), and an empty file with none.
  @Test func eachFileCountsItsOwnPostedVouchersWhateverTheOrder() throws {
    let b = try books()
    let header = "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\n"
    try drop(b, "1.csv", header + "Delivery Note,DN-1,2026-03-05,RM0001,Stores,4,\nDelivery Note,DN-2,2026-03-07,RM0001,Stores,1,\n")
    try drop(b, "2.csv", header)
    try drop(b, "3.csv", header + "Purchase Receipt,PR-1,2026-03-01,RM0001,Stores,10,3\n")
    try drop(b, "4.csv", header + "Purchase Receipt,PR-2,2026-03-06,RM0001,Stores,2,4\n")
    let r = try cli(["run", b])
    let summary = read(b + "/reports/runs/000001/run-summary.json")
    func posted(_ file: String) -> String? {
      guard let line = summary.split(separator: "\n").first(where: { $0.contains("\"file\": \"\(file)\"") }),
        let range = line.range(of: "\"vouchers_posted\": ") else { return nil }
      return String(line[range.upperBound...].prefix { $0.isNumber })
    }
    #expect(posted("1.csv") == "2" && posted("3.csv") == "1" && posted("4.csv") == "1", "\(r.out)\(summary)")
    #expect(posted("2.csv") == "0")  // a header alone: imported, nothing posted
    #expect(r.out.contains("1.csv: 2 rows, 2 vouchers, 2 posted"), "\(r.out)")
  }

  /// A file's control totals are exact whatever their size: a voucher whose value does not pack into 64
  /// bits of 10⁻⁹ (past ±9.2 × 10⁹) is summed again in full beside those that do.
  @Test func controlTotalsAreExactPastSixtyFourBits() throws {
    let b = try books()
    let header = "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\n"
    try drop(b, "big.csv", header + "Purchase Receipt,PR-1,2026-03-01,RM0001,Stores,10,3\nPurchase Receipt,PR-2,2026-03-02,RM0001,Stores,1000000,100000.5\nDelivery Note,DN-1,2026-03-03,RM0001,Stores,4,\n")
    let r = try cli(["run", b])
    #expect(r.code == 0, "\(r.err)")
    let summary = read(b + "/reports/runs/000001/run-summary.json")
    // 10 + 1,000,000 + 4; 10 × 3 + 1,000,000 × 100,000.5 (a delivery's rows have no rate: nothing).
    #expect(summary.contains("\"control_totals\": {\"qty\": \"1000014\", \"value\": \"100000500030.00\"}"), "\(summary)")
  }

  @Test func aBadVoucherRejectsItsWholeFileAndListsEveryProblem() throws {
    let b = try books()
    try drop(b, "good.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,PR-1,2026-03-01,RM0001,Stores,10,10\n")
    try drop(b, "bad.csv", """
      voucher_type,voucher_no,posting_date,item_code,warehouse,qty
      Delivery Note,DN-OK,2026-03-02,RM0001,Stores,3
      Delivery Note,DN-BAD,2026-03-03,RM0001,Stores,20
      Delivery Note,DN-X,2026-02-30,NOPE,Stores,1

      """)
    let r = try cli(["run", b])
    #expect(r.code == 1)
    #expect(rows(b + "/reports/stock-ledger.csv", voucher: "PR-1").count == 1)
    #expect(rows(b + "/reports/stock-ledger.csv", voucher: "DN-OK").isEmpty)
    let errors = read(b + "/rejected/bad.csv.errors.csv")
    #expect(errors.contains("bad.csv,4,DN-X,posting_date,E_DATE"))
    #expect(errors.contains("bad.csv,3,DN-BAD,qty,E_INSUFFICIENT_STOCK,\"13 units of RM0001 needed in Stores on 2026-03-03"))
    #expect(FileManager.default.fileExists(atPath: b + "/rejected/bad.csv"))
    #expect(!FileManager.default.fileExists(atPath: b + "/inbox/bad.csv"))
    // The run's journal holds only what posted.
    let journal = read(b + "/reports/runs/000001/gl-journal.csv")
    #expect(journal.contains("PR-1") && !journal.contains("DN-OK"))
  }

  @Test func sameInputsGiveByteIdenticalOutputs() throws {
    var digests: [String] = []
    for _ in 0..<2 {
      let b = try books()  // a different folder each time: the ledger records paths relative to itself
      try drop(b, "a.csv", Self.seed)
      try drop(b, "b.csv", "voucher_type,voucher_no,posting_date,purpose,item_code,source_warehouse,target_warehouse,qty\nStock Entry,T-1,2026-11-04,Material Transfer,RM0001,Stores,Finished Goods,3\n")
      #expect(try cli(["run", b]).code == 0)
      var all = ""
      for f in ["stock-ledger.csv", "general-ledger.csv", "stock-balance.csv", "trial-balance.csv", "stock-vs-gl.csv", "runs/000001/gl-journal.csv", "runs/000001/run-summary.json"] {
        all += read(b + "/reports/" + f)
      }
      for f in ["HEAD", "runs/000001/manifest", "runs/000001/stock.csv", "runs/000001/gl.csv"] { all += read(b + "/ledger/" + f) }
      digests.append(all)
    }
    #expect(digests[0] == digests[1])
    #expect(!digests[0].isEmpty)
  }

  /// Each run's journal is its committed `gl.csv` under a second name (the same bytes: nothing guarded),
  /// read-only, onto an empty ledger and onto a posted one; the ledger still verifies.
  @Test func theJournalIsTheLedgersGLFileLinked() throws {
    let b = try books()
    try drop(b, "a.csv", Self.seed)
    #expect(try cli(["run", b]).code == 0)
    try drop(b, "b.csv", "voucher_type,voucher_no,posting_date,purpose,item_code,source_warehouse,target_warehouse,qty\nStock Entry,T-1,2026-11-04,Material Transfer,RM0001,Stores,Finished Goods,3\n")
    #expect(try cli(["run", b]).code == 0)
    for run in ["000001", "000002"] {
      var journal = stat(), gl = stat()
      #expect(stat(b + "/reports/runs/\(run)/gl-journal.csv", &journal) == 0 && stat(b + "/ledger/runs/\(run)/gl.csv", &gl) == 0)
      #expect(journal.st_ino == gl.st_ino && journal.st_nlink == 2, "run \(run)")
      #expect(journal.st_mode & 0o777 == 0o444)
    }
    #expect(read(b + "/reports/runs/000002/gl-journal.csv").contains("T-1"))
    #expect(try cli(["verify", b]).code == 0)
  }

  @Test func tamperingMakesVerifyFailAndRunRefuse() throws {
    let b = try books()
    try drop(b, "a.csv", Self.seed)
    #expect(try cli(["run", b]).code == 0)
    let path = b + "/ledger/runs/000001/stock.csv"
    try read(path).replacingOccurrences(of: "2250.00", with: "2350.00").write(toFile: path, atomically: true, encoding: .utf8)
    let v = try cli(["verify", b])
    #expect(v.code == 3)
    #expect(v.err.contains("runs/000001/stock.csv"))
    try drop(b, "b.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty\nDelivery Note,DN-9,2026-11-09,RM0001,Stores,1\n")
    #expect(try cli(["run", b]).code == 3)
    #expect(FileManager.default.fileExists(atPath: b + "/inbox/b.csv"))
  }

  @Test func duplicateFileAndVoucherNumber() throws {
    let b = try books()
    try drop(b, "a.csv", Self.seed)
    #expect(try cli(["run", b]).code == 0)
    try drop(b, "copy-of-a.csv", Self.seed)
    let r = try cli(["run", b])
    #expect(r.code == 1)
    #expect(read(b + "/rejected/copy-of-a.csv.errors.csv").contains("E_DUPLICATE_FILE"))
    try drop(b, "again.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,PR-0001,2026-11-09,RM0001,Stores,1,1\n")
    #expect(try cli(["run", b]).code == 1)
    #expect(read(b + "/rejected/again.csv.errors.csv").contains("E_DUPLICATE_VOUCHER"))
    #expect(rows(b + "/reports/stock-ledger.csv", voucher: "PR-0001").count == 1)
  }

  /// Several files in one run: a copy of a file in the same run is rejected as a duplicate, and the files
  /// after it post with the others, in date order across them.
  @Test func filesOfOneRunPostInTurn() throws {
    let b = try books()
    let head = "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\n"
    let a = head + "Purchase Receipt,PR-1,2026-11-02,RM0001,Stores,4,10\n"
    try drop(b, "a.csv", a)
    try drop(b, "b.csv", a)
    try drop(b, "c.csv", head + "Purchase Receipt,PR-2,2026-11-05,RM0001,Stores,2,16\n")
    try drop(b, "d.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty\nDelivery Note,DN-1,2026-11-04,RM0001,Stores,3\n")
    #expect(try cli(["run", b]).code == 1)
    #expect(read(b + "/rejected/b.csv.errors.csv").contains("E_DUPLICATE_FILE"))
    // PR-1 (4 at 10), DN-1 on the 4th (3 out: 1 left at 10), PR-2 on the 5th (2 at 16: 3 worth 42).
    let path = b + "/reports/stock-ledger.csv"
    #expect(read(path).split(separator: "\n").dropFirst().map { $0.split(separator: ",")[3] } == ["PR-1", "DN-1", "PR-2"])
    #expect(["PR-1", "DN-1", "PR-2"].map { rows(path, voucher: $0).first?["qty_after_transaction"] ?? "" } == ["4", "1", "3"])
    #expect(rows(path, voucher: "PR-2").first?["stock_value"] == "42.00")
  }

  /// A number used twice in one run (across files, and a cancel given twice): the later file is rejected
  /// naming where the number was first seen; the earlier posts.
  @Test func voucherNumberRepeatedWithinARun() throws {
    let b = try books()
    let head = "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\n"
    try drop(b, "a1.csv", head + "Purchase Receipt,PR-A,2026-11-02,RM0001,Stores,4,10\nPurchase Receipt,PR-B,2026-11-02,RM0001,Stores,1,10\n")
    try drop(b, "a2.csv", head + "Purchase Receipt,PR-C,2026-11-03,RM0001,Stores,2,10\nPurchase Receipt,PR-A,2026-11-03,RM0001,Stores,3,10\n")
    #expect(try cli(["run", b]).code == 1)
    let errors = read(b + "/rejected/a2.csv.errors.csv")
    #expect(errors.contains("E_DUPLICATE_VOUCHER") && errors.contains("voucher PR-A also appears in a1.csv:2"))
    #expect(!errors.contains("PR-C also appears"))
    #expect(rows(b + "/reports/stock-ledger.csv", voucher: "PR-A").map { $0["actual_qty"] } == ["4"])
    #expect(rows(b + "/reports/stock-ledger.csv", voucher: "PR-B").count == 1 && rows(b + "/reports/stock-ledger.csv", voucher: "PR-C").isEmpty)
    let cancel = "voucher_type,voucher_no,posting_date,action,remarks\nPurchase Receipt,PR-B,2026-11-04,cancel,"
    try drop(b, "c1.csv", cancel + "first\n")
    try drop(b, "c2.csv", cancel + "again\n")
    #expect(try cli(["run", b]).code == 1)
    #expect(read(b + "/rejected/c2.csv.errors.csv").contains("PR-B is cancelled twice (also in c1.csv:2)"))
  }

  /// A number in three files of one run (`--partial`): the two later vouchers are rejected, each naming
  /// where the number was first seen; every other voucher posts.
  @Test func voucherNumberInThreeFiles() throws {
    let b = try books()
    let head = "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\n"
    for k in 1...3 {
      try drop(b, "f\(k).csv", head + "Purchase Receipt,PR-\(k),2026-11-0\(k),RM0001,Stores,1,10\nPurchase Receipt,PR-R,2026-11-0\(k),RM0001,Stores,\(k),10\n")
    }
    #expect(try cli(["run", b, "--partial"]).code == 1)
    for k in 2...3 {
      #expect(read(b + "/rejected/f\(k).csv.errors.csv").contains("f\(k).csv,3,PR-R,voucher_no,E_DUPLICATE_VOUCHER,voucher PR-R also appears in f1.csv:3"))
    }
    #expect(rows(b + "/reports/stock-ledger.csv", voucher: "PR-R").map { $0["actual_qty"] } == ["1"])
    #expect((1...3).allSatisfy { rows(b + "/reports/stock-ledger.csv", voucher: "PR-\($0)").count == 1 })
  }

  @Test func masterDataErrorsExitTwoAndTouchNothing() throws {
    let b = try books()
    try "item_code,valuation_method\nX,Average\n".write(toFile: b + "/masters/items.csv", atomically: true, encoding: .utf8)
    try drop(b, "a.csv", Self.seed)
    let r = try cli(["run", b])
    #expect(r.code == 2)
    #expect(r.err.contains("items.csv:2: valuation_method of X must be FIFO, LIFO or Moving Average"))
    #expect(FileManager.default.fileExists(atPath: b + "/inbox/a.csv"))
    #expect(!FileManager.default.fileExists(atPath: b + "/ledger/HEAD"))
  }

  /// Day counts are added to dates: a shelf life past 10,000 years is a master-data error, not a crash.
  @Test func absurdDayCountsAreMasterDataErrors() throws {
    let b = try books()
    try "item_code,shelf_life_days,warranty_days\nX,9223372036854775807,3652500\n".write(toFile: b + "/masters/items.csv", atomically: true, encoding: .utf8)
    try drop(b, "a.csv", Self.seed)
    let r = try cli(["run", b])
    #expect(r.code == 2)
    #expect(r.err.contains("items.csv:2: shelf_life_days must be a whole number of days from 0 to 3652500, not 9223372036854775807"))
    #expect(!r.err.contains("warranty_days"))
  }

  /// A report's filters name what the master data have: a mistyped item or warehouse is an error with the
  /// name it most likely meant (filtered by it, the report would be empty and look like a quiet period), a
  /// date range that ends before it begins is refused, and a group warehouse takes the warehouses under it.
  @Test func reportFiltersNameKnownThingsAndAGroupTakesItsChildren() throws {
    let b = try books()
    try drop(b, "a.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,P-1,2026-11-02,RM0001,Stores,10,5\nPurchase Receipt,P-2,2026-11-03,RM0001,Finished Goods,2,7\n")
    #expect(try cli(["run", b]).code == 0)
    let group = try cli(["report", "stock-balance", b, "--warehouse", "All Warehouses"])
    #expect(group.code == 0)
    #expect(group.out == "item_code,warehouse,opening_qty,opening_value,in_qty,in_value,out_qty,out_value,balance_qty,balance_value,valuation_rate\nRM0001,Finished Goods,0,0.00,2,14.00,0,0.00,2,14.00,7\nRM0001,Stores,0,0.00,10,50.00,0,0.00,10,50.00,5\n")
    let one = try cli(["report", "stock-ledger", b, "--warehouse", "Stores"])
    // P-1's 10 at 5 in Stores alone (P-2 went to Finished Goods): 50.00.
    #expect(one.out == "posting_date,posting_time,voucher_type,voucher_no,item_code,warehouse,batch_no,serial_nos,actual_qty,qty_after_transaction,incoming_rate,valuation_rate,stock_value,stock_value_difference,outgoing_rate\n2026-11-02,00:00:00,Purchase Receipt,P-1,RM0001,Stores,,,10,10,5,5,50.00,50.00,0\n")
    let item = try cli(["report", "stock-balance", b, "--item", "rm0001"])
    #expect(item.code == 2)
    #expect(item.out.isEmpty)
    #expect(item.err == "stockledger report: --item 'rm0001' is not in items.csv: did you mean 'RM0001'?\n")
    let warehouse = try cli(["report", "stock-ledger", b, "--warehouse", "Nowhere"])
    #expect(warehouse.code == 2)
    #expect(warehouse.err == "stockledger report: --warehouse 'Nowhere' is not in warehouses.csv: add it to warehouses.csv or correct --warehouse\n")
    let name = try cli(["report", "stock-balanc", b])
    #expect(name.code == 2)
    #expect(name.err.hasPrefix("stockledger report: unknown report stock-balanc; did you mean stock-balance? the reports are: stock-ledger, general-ledger, stock-balance,"))
    let dates = try cli(["report", "stock-ledger", b, "--from", "2026-12-01", "--to", "2026-11-01"])
    #expect(dates.code == 64)
    #expect(dates.err.contains("--from 2026-12-01 is after --to 2026-11-01: no date is in that range"))
  }

  @Test func reportCommandFormats() throws {
    let b = try books()
    try drop(b, "a.csv", Self.seed)
    #expect(try cli(["run", b]).code == 0)
    let csv = try cli(["report", "stock-balance", b])
    #expect(csv.out == "item_code,warehouse,opening_qty,opening_value,in_qty,in_value,out_qty,out_value,balance_qty,balance_value,valuation_rate\nRM0001,Stores,0,0.00,10,2250.00,0,0.00,10,2250.00,225\n")
    let json = try cli(["report", "trial-balance", b, "--format", "json"])
    #expect(json.out.contains("{\"account\": \"Stores\", \"root_type\": \"Asset\", \"opening_debit\": \"0.00\", \"opening_credit\": \"0.00\", \"debit\": \"2250.00\""))
    let filtered = try cli(["report", "stock-ledger", b, "--to", "2026-11-01"])
    #expect(filtered.out.split(separator: "\n").count == 1)
  }
}

extension EndToEndTests {
  @Test func aRunWithNothingNewRewritesOnlyWhatIsMissing() throws {
    let b = try books()
    try drop(b, "a.csv", Self.seed)
    #expect(try cli(["run", b]).code == 0)
    let before = read(b + "/reports/trial-balance.csv")
    // The marker: the head, then the sizes of the reports a run splices or appends to, as written.
    let marker = read(b + "/reports/.ledger-head").split(separator: "\n")
    #expect(marker.count == 2 && marker[0].count == 64, "\(marker)")
    let sized = ["stock-ledger", "general-ledger", "stock-balance", "stock-ageing", "projected-qty"]
    #expect(marker.count == 2 && marker[1] == "sizes " + sized.map { String(read(b + "/reports/\($0).csv").utf8.count) }.joined(separator: " "), "\(marker)")
    // Nothing new and every report current: a quick no-op.
    let quiet = try cli(["run", b])
    #expect(quiet.code == 0)
    #expect(quiet.out.contains("nothing new"))
    // A report deleted by hand comes back, byte for byte.
    try FileManager.default.removeItem(atPath: b + "/reports/trial-balance.csv")
    #expect(try cli(["run", b]).code == 0)
    #expect(read(b + "/reports/trial-balance.csv") == before)
  }
}
