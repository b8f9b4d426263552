import Foundation
import Testing

/// The bad-input catalogue (reliability §4): each bad file is rejected whole with a located, readable error,
/// while a good file beside it posts; and the operator's switches: --partial, --dry-run, --min-age.
@Suite(.serialized) struct HardeningEndToEndTests {
  let e2e = EndToEndTests()
  static let header = "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\n"

  static let cases: [(name: String, bytes: [UInt8], expected: String)] = [
    ("utf16.csv", [0xFF, 0xFE] + Array("v,o\n".utf8).flatMap { [$0, 0] }, "E_ENCODING,unsupported encoding UTF-16LE (expected UTF-8)"),
    ("latin1.csv", Array((header + "Purchase Receipt,L-1,2026-01-02,RM0001,Stores,1,2\n").utf8) + [0x43, 0x61, 0x66, 0xE9, 0x0A], "latin1.csv,3,,,E_ENCODING"),
    ("nul.csv", Array((header + "Purchase Receipt,N-1,2026-01-02,RM00").utf8) + [0] + Array("01,Stores,1,2\n".utf8), "nul.csv,2,,,E_ENCODING"),
    ("unterminated.csv", Array((header + "Purchase Receipt,U-1,2026-01-02,\"RM0001,Stores,1,2\n").utf8), "unterminated.csv,2,,,E_CSV_SYNTAX"),
    ("stray-quote.csv", Array((header + "Purchase Receipt,S-1,2026-01-02,RM\"0001,Stores,1,2\n").utf8), "stray-quote.csv,2,,,E_CSV_SYNTAX"),
    ("columns.csv", Array((header + "Purchase Receipt,C-1,2026-01-02,RM0001,Stores,1\n").utf8), "columns.csv,2,,,E_FIELD_COUNT"),
    ("dup-header.csv", Array("voucher_type,voucher_no,posting_date,qty,qty\n".utf8), "E_DUPLICATE_COLUMN"),
    ("unknown-col.csv", Array("voucher_type,voucher_no,posting_date,quantity\n".utf8), "unknown-col.csv,1,,quantity,E_UNKNOWN_COLUMN"),
    ("missing-col.csv", Array("voucher_type,posting_date\n".utf8), "missing-col.csv,1,,voucher_no,E_MISSING_COLUMN"),
    ("semicolons.csv", Array("voucher_type;voucher_no;posting_date\nPurchase Receipt;X;2026-01-01\n".utf8), "only 1 column found: the file seems to be separated by ';'"),
    ("empty.csv", [], "empty.csv,,,,E_FILE_EMPTY"),
    ("thousands.csv", Array((header + "Purchase Receipt,T-1,2026-01-02,RM0001,Stores,\"1,000.50\",2\n").utf8), "T-1,qty,E_NUMBER"),
    ("exponent.csv", Array((header + "Purchase Receipt,E-1,2026-01-02,RM0001,Stores,1e3,2\n").utf8), "E-1,qty,E_NUMBER"),
    ("nan.csv", Array((header + "Purchase Receipt,NN-1,2026-01-02,RM0001,Stores,1,NaN\n").utf8), "NN-1,rate,E_NUMBER"),
    ("huge.csv", Array((header + "Purchase Receipt,H-1,2026-01-02,RM0001,Stores,1000000000000000000,2\n").utf8), "H-1,qty,E_OUT_OF_RANGE"),
    ("decimals.csv", Array((header + "Purchase Receipt,D-1,2026-01-02,RM0001,Stores,1.0001,2\n").utf8), "D-1,qty,E_PRECISION"),
    ("zero.csv", Array((header + "Purchase Receipt,Z-1,2026-01-02,RM0001,Stores,0,2\n").utf8), "Z-1,qty,E_QTY_NOT_POSITIVE"),
    ("negative-rate.csv", Array((header + "Purchase Receipt,R-1,2026-01-02,RM0001,Stores,1,-3\n").utf8), "R-1,rate,E_NEGATIVE_RATE"),
    ("feb29.csv", Array((header + "Purchase Receipt,F-1,2026-02-29,RM0001,Stores,1,2\n").utf8), "F-1,posting_date,E_DATE"),
    ("us-date.csv", Array((header + "Purchase Receipt,F-2,03/04/2026,RM0001,Stores,1,2\n").utf8), "F-2,posting_date,E_DATE"),
    ("spaces.csv", Array((header + "Purchase Receipt,SP-1,2026-01-02, RM0001,Stores,1,2\n").utf8), "item ' RM0001' is not in items.csv (remove the spaces around it)"),
    ("unknown-wh.csv", Array((header + "Purchase Receipt,W-1,2026-01-02,RM0001,WH-X,1,2\n").utf8), "W-1,warehouse,E_UNKNOWN_WAREHOUSE,warehouse 'WH-X' is not in warehouses.csv: add it to warehouses.csv or correct warehouse"),
    ("misspelt-wh.csv", Array((header + "Purchase Receipt,W-2,2026-01-02,RM0001,Storez,1,2\n").utf8), "W-2,warehouse,E_UNKNOWN_WAREHOUSE,warehouse 'Storez' is not in warehouses.csv: did you mean 'Stores'?"),
    ("headless.csv", Array("Purchase Receipt,HL-1,2026-01-02,RM0001,Stores,1,2\n".utf8), "headless.csv,1,,,E_MISSING_COLUMN,\"the first line is not a header"),
    ("uom.csv", Array("voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate,uom\nPurchase Receipt,UOM-1,2026-01-02,RM0001,Stores,1,2,box\n".utf8), "UOM-1,uom,E_VALUE,no conversion from box to Nos"),
    ("dup-voucher.csv", Array((header + "Purchase Receipt,DV-1,2026-01-02,RM0001,Stores,1,2\nDelivery Note,DV-1,2026-01-02,RM0001,Stores,1,\n").utf8), "DV-1,voucher_type,E_VOUCHER_FIELDS_DISAGREE"),
    ("xml-in-csv.csv", Array("<?xml version=\"1.0\"?><vouchers/>\n".utf8), "the content is XML but the file is named .csv"),
    ("tax-decimals.csv", Array("voucher_type,voucher_no,posting_date,row_type,item_code,warehouse,qty,rate,account,amount,tax_category\nPurchase Receipt,TX-1,2026-01-02,item,RM0001,Stores,1,2,,,\nPurchase Receipt,TX-1,2026-01-02,tax,,,,,Shipping Charges,10.005,Valuation\n".utf8), "TX-1,amount,E_PRECISION"),
  ]

  @Test func everyBadFileIsRejectedWithItsLocatedReason() throws {
    let b = try e2e.books()
    for c in Self.cases { try Data(c.bytes).write(to: URL(fileURLWithPath: b + "/inbox/" + c.name)) }
    try e2e.drop(b, "zz-good.csv", Self.header + "Purchase Receipt,GOOD-1,2026-01-02,RM0001,Stores,1,2\n")
    // Ignored: hidden, partial and temporary names, a symlink, a directory.
    try e2e.drop(b, ".hidden.csv", Self.header)
    try e2e.drop(b, "upload.csv.part", Self.header)
    try e2e.drop(b, "edit.csv~", Self.header)
    try FileManager.default.createSymbolicLink(atPath: b + "/inbox/link.csv", withDestinationPath: "/etc/passwd")
    try FileManager.default.createDirectory(atPath: b + "/inbox/dir.csv", withIntermediateDirectories: false)
    let r = try e2e.cli(["run", b])
    #expect(r.code == 1)
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "GOOD-1").count == 1)
    for c in Self.cases {
      let errors = e2e.read(b + "/rejected/" + c.name + ".errors.csv")
      #expect(errors.contains(c.expected), "\(c.name): \(errors)")
      #expect(FileManager.default.fileExists(atPath: b + "/rejected/" + c.name), "\(c.name) not moved to rejected/")
    }
    for ignored in [".hidden.csv", "upload.csv.part", "edit.csv~", "link.csv", "dir.csv"] {
      #expect(FileManager.default.fileExists(atPath: b + "/inbox/" + ignored), "\(ignored) was touched")
    }
  }

  /// One problem, one message: a rate that is not a number is not also reported missing, and a file without
  /// its header gets one line, not one per field of its first row.
  @Test func aProblemIsReportedOnce() throws {
    let b = try e2e.books()
    try e2e.drop(b, "bad-rate.csv", Self.header + "Purchase Receipt,BR-1,2026-01-02,RM0001,Stores,1,abc\n")
    try e2e.drop(b, "headless.csv", "Purchase Receipt,HL-1,2026-01-02,RM0001,Stores,1,2\n")
    let r = try e2e.cli(["run", b])
    #expect(r.code == 1)
    let rate = e2e.read(b + "/rejected/bad-rate.csv.errors.csv").split(separator: "\n").dropFirst()
    #expect(rate.count == 1 && rate.first?.hasPrefix("bad-rate.csv,2,BR-1,rate,E_NUMBER,") == true, "\(rate)")
    let headless = e2e.read(b + "/rejected/headless.csv.errors.csv").split(separator: "\n").dropFirst()
    #expect(headless.count == 1 && headless.first?.hasPrefix("headless.csv,1,,,E_MISSING_COLUMN,") == true, "\(headless)")
  }

  @Test func partialHoldsBackOnlyTheBadVouchersInTheInputsLayout() throws {
    let b = try e2e.books()
    try e2e.drop(b, "mixed.csv", "voucher_no,voucher_type,posting_date,item_code,warehouse,qty,rate\nOK-1,Purchase Receipt,2026-01-02,RM0001,Stores,5,2\nBAD-1,Purchase Receipt,2026-01-02,NOPE,Stores,1,2\nOK-2,Delivery Note,2026-01-03,RM0001,Stores,2,\nBAD-2,Delivery Note,2026-01-04,RM0001,Stores,9,\n")
    let r = try e2e.cli(["run", b, "--partial"])
    #expect(r.code == 1)
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "OK-1").count == 1)
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "OK-2").count == 1)
    #expect(e2e.read(b + "/rejected/mixed.csv.rejected.csv") == "voucher_no,voucher_type,posting_date,item_code,warehouse,qty,rate\nBAD-1,Purchase Receipt,2026-01-02,NOPE,Stores,1,2\nBAD-2,Delivery Note,2026-01-04,RM0001,Stores,9,\n")
    let errors = e2e.read(b + "/rejected/mixed.csv.errors.csv")
    #expect(errors.contains("BAD-1,item_code,E_UNKNOWN_ITEM") && errors.contains("BAD-2,qty,E_INSUFFICIENT_STOCK"))
    #expect(FileManager.default.fileExists(atPath: b + "/archive/mixed.csv"))
  }

  @Test func dryRunChangesNothing() throws {
    let b = try e2e.books()
    try e2e.drop(b, "a.csv", Self.header + "Purchase Receipt,P-1,2026-01-02,RM0001,Stores,1,2\n")
    let r = try e2e.cli(["run", b, "--dry-run"])
    #expect(r.code == 0)
    #expect(r.out.contains("dry run: nothing was committed"))
    #expect(r.out.contains("1 posted"))
    #expect(!FileManager.default.fileExists(atPath: b + "/ledger/HEAD"))
    #expect(!FileManager.default.fileExists(atPath: b + "/reports"))
    #expect(FileManager.default.fileExists(atPath: b + "/inbox/a.csv"))
  }

  /// A dry run writes no `rejected/` files: it shows the problems it found (the first twenty, then how many
  /// more), and an empty inbox over an empty ledger says so.
  @Test func dryRunShowsItsProblems() throws {
    let b = try e2e.books()
    let empty = try e2e.cli(["run", b, "--dry-run"])
    #expect(empty.code == 0)
    #expect(empty.out == "stockledger: nothing new in \(b)/inbox; the ledger is empty\n")
    var rows = Self.header + "Purchase Receipt,P-1,2026-01-02,RM0001,Storez,1,2\n"
    for k in 1...21 { rows += "Delivery Note,D-\(k),2026-01-02,RM0001,Stores,1,\n" }
    try e2e.drop(b, "a.csv", rows)
    let r = try e2e.cli(["run", b, "--dry-run"])
    #expect(r.code == 1)
    #expect(r.out.contains("22 rejected (22 problems)\n"))
    #expect(r.out.contains("  problems (a run would write them to \(b)/rejected):\n    a.csv:2 voucher P-1 field warehouse: [E_UNKNOWN_WAREHOUSE] warehouse 'Storez' is not in warehouses.csv: did you mean 'Stores'?\n"))
    #expect(r.out.contains("    a.csv:3 voucher D-1 field qty: [E_INSUFFICIENT_STOCK]"))
    #expect(r.out.contains("    … and 2 more\n"))
    #expect(r.out.components(separatedBy: "[E_").count - 1 == 20)
    #expect(!FileManager.default.fileExists(atPath: b + "/rejected/a.csv.errors.csv"))
  }

  @Test func youngFilesWaitForMinAgeAndJSONSummary() throws {
    let b = try e2e.books()
    try e2e.drop(b, "a.csv", Self.header + "Purchase Receipt,P-1,2026-01-02,RM0001,Stores,1,2\n")
    let r = try e2e.cli(["run", b, "--min-age", "3600", "--format", "json"])
    #expect(r.code == 0)
    #expect(r.out.contains("younger than --min-age 3600 s; left for the next run"))
    #expect(FileManager.default.fileExists(atPath: b + "/inbox/a.csv"))
    let old = try e2e.cli(["run", b, "--format", "json"])
    #expect(old.out.contains("\"vouchers_posted\": 1"))
    #expect(old.out.contains("\"exit_code\": 0"))
  }
}

extension HardeningEndToEndTests {
  @Test func aWriteErrorAbortsTheRunNamingThePathAndChangesNothing() throws {
    let b = try e2e.books()
    try e2e.drop(b, "a.csv", Self.header + "Purchase Receipt,P-1,2026-01-02,RM0001,Stores,1,2\n")
    // ledger/runs is a file, so the run cannot create its directory.
    try FileManager.default.createDirectory(atPath: b + "/ledger", withIntermediateDirectories: true)
    try "not a directory".write(toFile: b + "/ledger/runs", atomically: true, encoding: .utf8)
    let r = try e2e.cli(["run", b])
    #expect(r.code == 2)
    #expect(r.err.contains("/ledger/runs"))
    #expect(!FileManager.default.fileExists(atPath: b + "/ledger/HEAD"))
    #expect(FileManager.default.fileExists(atPath: b + "/inbox/a.csv"))
    // Once the obstacle is gone, the next run posts as if nothing had happened.
    try FileManager.default.removeItem(atPath: b + "/ledger/runs")
    #expect(try e2e.cli(["run", b]).code == 0)
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "P-1").count == 1)
  }
}

extension HardeningEndToEndTests {
  @Test func anArchiveOnAnotherFileSystemGetsAVerifiedCopy() throws {
    guard FileManager.default.fileExists(atPath: "/dev/shm") else { return }
    let b = try e2e.books()
    let archive = "/dev/shm/stockledger-archive-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: archive) }
    let text = Self.header + "Purchase Receipt,P-1,2026-01-02,RM0001,Stores,1,2\n"
    try e2e.drop(b, "a.csv", text)
    let r = try e2e.cli(["run", b, "--archive", archive])
    #expect(r.code == 0, "\(r.err)")
    #expect(e2e.read(archive + "/a.csv") == text)
    #expect(!FileManager.default.fileExists(atPath: b + "/inbox/a.csv"))
  }
}
