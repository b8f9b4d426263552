import Testing
@testable import StockCore
@testable import StockReports

/// `stock-ledger.csv` rewritten after a revaluation: the revalued voucher's lines replaced where they stood,
/// the run's inserted after every posted line of the same date and time — by both ways of finding them.
@Suite struct StockLedgerRewriteTests {
  let old = """
    posting_date,posting_time,voucher_type,voucher_no,item_code,warehouse
    2026-01-01,09:00:00,Purchase Receipt,PR-1,A,W1
    2026-01-02,09:00:00,Stock Entry,SE-1,B,W1
    2026-01-02,09:00:00,Stock Entry,SE-2,A,W1
    2026-01-02,09:00:00,Stock Entry,SE-2,A,W2
    2026-01-03,10:00:00,Delivery Note,DN-1,B,W1
    2026-01-04,10:00:00,Delivery Note,DN-2,A,W2

    """
  let replacing: [[UInt8]: [UInt8]] = [Array("SE-2".utf8): Array("2026-01-02,09:00:00,Stock Entry,SE-2,A,W1,NEW\n2026-01-02,09:00:00,Stock Entry,SE-2,A,W2,NEW\n".utf8)]
  let inserting = [
    StockLedgerRewrite.Block(date: BusinessDate(year: 2026, month: 1, day: 2)!, time: BusinessTime(seconds: 9 * 3600), bytes: Array("2026-01-02,09:00:00,Purchase Receipt,PR-9,A,W1\n".utf8)),
    StockLedgerRewrite.Block(date: BusinessDate(year: 2026, month: 1, day: 9)!, time: .midnight, bytes: Array("2026-01-09,00:00:00,Purchase Receipt,PR-10,A,W1\n".utf8)),
  ]
  let expected = """
    posting_date,posting_time,voucher_type,voucher_no,item_code,warehouse
    2026-01-01,09:00:00,Purchase Receipt,PR-1,A,W1
    2026-01-02,09:00:00,Stock Entry,SE-1,B,W1
    2026-01-02,09:00:00,Stock Entry,SE-2,A,W1,NEW
    2026-01-02,09:00:00,Stock Entry,SE-2,A,W2,NEW
    2026-01-02,09:00:00,Purchase Receipt,PR-9,A,W1
    2026-01-03,10:00:00,Delivery Note,DN-1,B,W1
    2026-01-04,10:00:00,Delivery Note,DN-2,A,W2
    2026-01-09,00:00:00,Purchase Receipt,PR-10,A,W1

    """

  @Test func readingEveryLine() {
    var out: [UInt8] = []
    let ok = Array(old.utf8).withUnsafeBytes { b in
      StockLedgerRewrite.rewrite(b, replacing: replacing, inserting: inserting, from: BusinessDate(year: 2026, month: 1, day: 2)!) { out.append(contentsOf: $0) }
    }
    #expect(ok)
    #expect(String(decoding: out, as: UTF8.self) == expected)
  }

  var replacements: [StockLedgerRewrite.Replacement] {
    [.init(voucherNo: "SE-2", date: BusinessDate(year: 2026, month: 1, day: 2)!, time: BusinessTime(seconds: 9 * 3600), bytes: replacing.values.first!)]
  }

  /// The plan's edits applied with the previous file's ranges copied out (as the run copies them with
  /// `sendfile`): nil when a change cannot be placed.
  func planned(_ text: String, _ replacements: [StockLedgerRewrite.Replacement], _ inserting: [StockLedgerRewrite.Block]) -> String? {
    let bytes = Array(text.utf8)
    guard let plan = bytes.withUnsafeBytes({ StockLedgerRewrite.plan($0, replacing: replacements, inserting: inserting) }) else { return nil }
    var out: [UInt8] = []
    plan.apply(emit: { out.append(contentsOf: $0) }, copy: { out.append(contentsOf: bytes[$0]) })
    return String(decoding: out, as: UTF8.self)
  }

  @Test func byBinarySearchOnDateAndTime() {
    #expect(planned(old, replacements, inserting) == expected)
  }

  @Test func aMissingVoucherIsReported() {
    let missing: [[UInt8]: [UInt8]] = [Array("SE-7".utf8): Array("x\n".utf8)]
    #expect(!Array(old.utf8).withUnsafeBytes { b in StockLedgerRewrite.rewrite(b, replacing: missing, inserting: [], from: BusinessDate(year: 2026, month: 1, day: 1)!) { _ in } })
    let wrongTime = [StockLedgerRewrite.Replacement(voucherNo: "SE-2", date: BusinessDate(year: 2026, month: 1, day: 2)!, time: .midnight, bytes: [])]
    #expect(planned(old, wrongTime, []) == nil)
  }

  @Test func aQuotedFieldLeavesTheFileToTheLineByLineForm() {
    let quoted = old.replacingOccurrences(of: "DN-1,B", with: "\"DN\n1\",B")
    #expect(quoted.utf8.contains(StockLedgerRewrite.quote) && !old.utf8.contains(StockLedgerRewrite.quote))
    var out: [UInt8] = []
    let read = Array(quoted.utf8).withUnsafeBytes { b in
      StockLedgerRewrite.rewrite(b, replacing: replacing, inserting: inserting, from: BusinessDate(year: 2026, month: 1, day: 2)!) { out.append(contentsOf: $0) }
    }
    #expect(read)
    #expect(String(decoding: out, as: UTF8.self) == expected.replacingOccurrences(of: "DN-1,B", with: "\"DN\n1\",B"))
  }
}
