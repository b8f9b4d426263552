import Foundation
import Testing
@testable import StockCore
@testable import StockStore

/// The posted-voucher index: a base file searched in place, recent vouchers beside it, and their merge.
@Suite struct PostedVouchersTests {
  let day = BusinessDate(year: 2026, month: 3, day: 1)!

  @Test func lookupsAgreeBeforeAndAfterAMerge() throws {
    let dir = temporaryDirectory("sl-index")
    let base = VoucherIndex().adding((0..<500).map { ("PR-\($0)", VoucherType.purchaseReceipt, day.adding(days: $0)) })
    let size = try PostedVouchers(base: base).writeBase(ledger: dir)
    var posted = PostedVouchers(mapped: try PostedVouchers.mapBase(ledger: dir, size: size))
    posted.add([("DN-1", .deliveryNote, day), ("PR-x,\"quoted\"", .purchaseReceipt, day)])
    posted.setDocuments([("PR-7", 1234), ("DN-1", 99)])
    func check(_ p: PostedVouchers) {
      #expect(p.lookup("PR-499")?.date == day.adding(days: 499))
      #expect(p.lookup("PR-0")?.type == .purchaseReceipt)
      #expect(p.lookup("PR-500") == nil)
      #expect(p.lookup("DN-1")?.type == .deliveryNote)
      #expect(p.lookup("PR-x,\"quoted\"") != nil)
      #expect(p.documentOffset("PR-7") == 1234)
      #expect(p.documentOffset("DN-1") == 99)
      #expect(p.documentOffset("PR-8") == nil)
    }
    check(posted)
    let merged = try posted.merged()
    #expect(merged.recent.isEmpty && merged.movedDocuments.isEmpty && merged.base.count == 502)
    check(merged)
    #expect(throws: BinaryFormatError.self) { try PostedVouchers.mapBase(ledger: dir, size: size + 1) }
  }
}
