import Foundation
import TestSupport
import Testing
@testable import StockApp
@testable import StockCore
@testable import StockRead
@testable import StockStore
@testable import StockValidate

/// A run keeps its vouchers as values up to a budget: one that will have more (its first file's count,
/// scaled to the bytes of all its files) keeps none from its first file on; one within it keeps all; and
/// without the inbox's size (the tests' fixed budget) the budget is kept as it is. Every voucher is on
/// the shelf, valid or not, and each file's valid ones are its range of it.
@Suite struct RunWorkShelfTests {
  static let masters: Masters = {
    // swift-format-ignore: NeverUseForceTry
    try! Masters(
      company: TestMasters.company("Test Co"), accounts: TestMasters.accounts(), warehouses: [.init(name: "Stores", account: "Stock In Hand")],
      items: [.init(code: "RM", valuationMethod: .fifo)], parties: [.init(name: "Supplier", kind: .supplier)])
  }()

  /// A file of `count` receipts, `size` bytes long as picked.
  static func file(_ name: String, count: Int, size: Int) -> RunWork.InputFile {
    let vouchers = (0..<count).map { n in
      var v = Voucher(type: .purchaseReceipt, no: "\(name)-\(n)", date: BusinessDate(year: 2026, month: 5, day: 1)!, source: SourceLocation(file: name, line: n + 2))
      v.party = "Supplier"
      var row = ItemRow(line: n + 2, itemCode: "RM")
      row.warehouse = "Stores"
      row.qty = Fixed(1)
      row.rate = Fixed(10)
      v.items = [row]
      return v
    }
    var read = VoucherFile(name: name, vouchers: vouchers, rowCount: count)
    read.numbersAreDistinct = true
    return RunWork.InputFile(picked: PickedFile(name: name, path: "/nonexistent/" + name, sha256: "", size: size, mtime: timespec()), read: read)
  }

  /// Two files of 20 vouchers, 1,000 bytes each, with a budget of `holding` and an inbox of `inboxBytes`;
  /// `immortal`: which of the 40 vouchers as given were made immortal.
  static func held(holding: Int, inboxBytes: Int) -> (held: Int, valid: [[Voucher]], shelf: VoucherShelf, immortal: [Bool]) {
    var work = RunWork(masters: masters, ledger: LedgerContents(), facts: LedgerFacts(), partial: false, shelf: VoucherShelf(holding: holding))
    work.inboxBytes = inboxBytes
    work.files = [file("a.csv", count: 20, size: 1_000)]
    var given = work.files[0].read.vouchers
    work.validate(file: 0)
    work.files.append(file("b.csv", count: 20, size: 1_000))
    given += work.files[1].read.vouchers
    work.validate(file: 1)
    work.finishValidation()
    return (work.shelf.heldVouchers.count, work.files.map { Array($0.valid) }, work.shelf, given.map(\.isImmortal))
  }

  @Test func aRunLargerThanItsBudgetHoldsNone() {
    // 20 vouchers in the first 1,000 of 10,000 bytes: 200 expected, over a budget of 50.
    let (held, valid, shelf, immortal) = Self.held(holding: 50, inboxBytes: 10_000)
    #expect(held == 0 && shelf.count == 40 && shelf.encodes)
    #expect(!immortal.contains(true))  // (encoded and let go: made immortal, each would never be freed)
    #expect(valid.map { $0.map(\.no) } == [(0..<20).map { "a.csv-\($0)" }, (0..<20).map { "b.csv-\($0)" }])
    #expect(valid[1].first?.source.file == "b.csv" && valid[1].first?.items.first?.qty == Fixed(1))
  }

  @Test func aRunWithinItsBudgetHoldsAll() {
    let (held, valid, shelf, immortal) = Self.held(holding: 50, inboxBytes: 2_000)
    #expect(held == 40 && !shelf.encodes && valid.map(\.count) == [20, 20])
    // Kept to the end of the run: immortal, so that handing them on counts no references.
    #expect(!immortal.contains(false) && shelf.heldVouchers.allSatisfy(\.isImmortal))
  }

  @Test func withoutTheInboxSizeTheBudgetIsKept() {
    let (held, valid, shelf, immortal) = Self.held(holding: 25, inboxBytes: 0)
    #expect(held == 25 && shelf.encodes && valid.map(\.count) == [20, 20])
    #expect(immortal == Array(repeating: true, count: 25) + Array(repeating: false, count: 15))
    #expect(valid[1].map(\.no) == (0..<20).map { "b.csv-\($0)" })
  }
}
