import Testing
@testable import StockCore
@testable import StockRead

/// A large file read in two halves gives exactly what one pass gives: the same vouchers, the same
/// problems in the same order with the same lines.
@Suite struct CSVVoucherReaderTests {
  /// About 500 KB (split whatever the size): receipts with a tax row and a few broken rows spread through
  /// the file.
  func file(interleaved: Bool = false) -> [UInt8] {
    var text = "voucher_type,voucher_no,posting_date,row_type,item_code,warehouse,qty,rate,account,amount,tax_category,remarks\n"
    for i in 0..<6_000 {
      let filler = String(repeating: "x", count: 20)
      switch i % 1_000 {
      case 17: text += "Purchase Receipt,V\(i),2026-01-01,item,RM0001,Stores,-3,10,,,,\(filler)\n"  // qty must be positive
      case 18: text += "Delivery Note,V\(i),2026-01-01,item,RM0001,Stores\n"  // too few fields
      case 19: text += "Delivery Note,,2026-01-01,item,RM0001,Stores,1,,,,,\(filler)\n"  // no voucher number
      default:
        text += "Purchase Receipt,V\(i),2026-01-\(String(format: "%02d", 1 + i % 28)),item,RM0001,Stores,\(1 + i % 9),\(10 + i % 7),,,,\(filler)\n"
        text += "Purchase Receipt,V\(i),2026-01-\(String(format: "%02d", 1 + i % 28)),tax,,,,,Shipping Charges,\(i % 5 + 1),Valuation,\(filler)\n"
      }
    }
    if interleaved { text += "Purchase Receipt,V5,2026-01-06,item,RM0002,Stores,1,10,,,,late row of an early voucher\n" }
    return Array(text.utf8)
  }

  @Test func halvesReadLikeOnePass() {
    let bytes = file()
    guard let halves = CSVVoucherReader.readInHalves(bytes: bytes, file: "big.csv", minimum: 0) else {
      Issue.record("the file should split between vouchers")
      return
    }
    let once = CSVVoucherReader.read(bytes: bytes, file: "big.csv", inHalves: false)
    #expect(halves.vouchers == once.vouchers)
    #expect(halves.diagnostics == once.diagnostics)
    // 6 broken rows of each kind (one per thousand), the other 5,982 vouchers two rows each.
    #expect(halves.rowCount == once.rowCount && halves.rowCount == 18 + 5_982 * 2)
    #expect(halves.voucherCount == once.voucherCount)
    #expect(halves.header == once.header)
    // Field count and blank numbers are the reader's; the negative quantity is the validator's.
    #expect(once.diagnostics.count == 12)
    #expect(halves.vouchers.last?.source.line == once.vouchers.last?.source.line)
  }

  @Test func aVoucherWithRowsInBothHalvesIsReadInOnePass() {
    let bytes = file(interleaved: true)
    #expect(CSVVoucherReader.readInHalves(bytes: bytes, file: "big.csv", minimum: 0) == nil)
    let read = CSVVoucherReader.read(bytes: bytes, file: "big.csv")
    #expect(read.vouchers.first { $0.no == "V5" }?.items.count == 2)
  }

  /// Later rows of a voucher must give its voucher-level fields the same values as its first row: the same
  /// value spelt differently agrees, a different value is an error naming the column, both values and the
  /// first row's line; a first row that makes no voucher is compared as text.
  @Test func voucherLevelFieldsMustAgree() {
    let text = """
      voucher_type,voucher_no,posting_date,posting_time,party,is_return,item_code,warehouse,qty,rate
      Purchase Receipt,PR-1,2026-01-05,08:00,Acme,0,RM0001,Stores,1,10
      Purchase Receipt,PR-1,2026-01-05,08:00:00,Acme,no,RM0002,Stores,1,10
      Purchase Receipt,PR-2,2026-01-05,09:00,Acme,0,RM0001,Stores,1,10
      Purchase Receipt,PR-2,2026-01-06,09:00,Other,0,RM0002,Stores,1,10
      Purchase Reciept,PR-3,2026-01-05,09:00,Acme,0,RM0001,Stores,1,10
      Purchase Reciept,PR-3,2026-01-05,09:00,Acme,1,RM0002,Stores,1,10

      """
    let read = CSVVoucherReader.read(bytes: Array(text.utf8), file: "v.csv")
    #expect(read.vouchers.first { $0.no == "PR-1" }?.items.count == 2)
    let disagree = read.diagnostics.filter { $0.code == .voucherFieldsDisagree }
    #expect(disagree.map(\.voucherNo) == ["PR-2", "PR-2", "PR-3"])
    #expect(disagree.map(\.field) == ["posting_date", "party", "is_return"])
    #expect(disagree.map(\.location.line) == [5, 5, 7])
    #expect(disagree[0].message == "posting_date is '2026-01-06' here but '2026-01-05' on line 4: voucher-level fields must agree on every row of a voucher")
    #expect(disagree[1].message.hasPrefix("party is 'Other' here but 'Acme' on line 4"))
    #expect(disagree[2].message.hasPrefix("is_return is '1' here but '0' on line 6"))
  }
}
