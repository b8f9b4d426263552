import Testing
import TestSupport
@testable import StockCore
@testable import StockReports

/// A report with a row per item-warehouse, spliced: the changed item-warehouses' rows replaced, removed or
/// added in key order, the others kept byte for byte.
@Suite struct RowSpliceTests {
  let old = "item_code,warehouse,qty\nA,W1,1\nA,W2,2\nB,W1,3\nC,W1,4\n"

  @Test func replacedRemovedAndAddedInKeyOrder() {
    let changed: Set<StockKey> = [.init(item: "A", warehouse: "W2"), .init(item: "B", warehouse: "W1"), .init(item: "B", warehouse: "W0"), .init(item: "D", warehouse: "W1")]
    // A/W2 changes, B/W1 disappears, B/W0 and D/W1 are new.
    let rows = "A,W2,20\nB,W0,5\nD,W1,6\n"
    let out = RowSplice.splice(Array(old.utf8), changed: changed, rows: Array(rows.utf8))
    #expect(out.map { String(decoding: $0, as: UTF8.self) } == "item_code,warehouse,qty\nA,W1,1\nA,W2,20\nB,W0,5\nC,W1,4\nD,W1,6\n")
  }

  @Test func quotedOrGuardedFieldsAreRenderedWhole() {
    let changed: Set<StockKey> = [.init(item: "A", warehouse: "W1")]
    #expect(RowSplice.splice(Array("item_code,warehouse,qty\n\"A,1\",W1,1\n".utf8), changed: changed, rows: Array("A,W1,2\n".utf8)) == nil)
    #expect(RowSplice.splice(Array("item_code,warehouse,qty\n'-A,W1,1\n".utf8), changed: changed, rows: Array("A,W1,2\n".utf8)) == nil)
  }
}

extension RowSpliceTests {
  /// A line of one field has no key to splice by: the report is rendered whole (before, the search for
  /// its second field ran on into the next line). A last line without its line feed is still a line.
  @Test func aLineWithoutAKeyIsRenderedWholeAndALastLineNeedsNoLineFeed() throws {
    let changed: Set<StockKey> = [.init(item: "B", warehouse: "W1")]
    #expect(RowSplice.splice(Array("item_code,warehouse,qty\nA\nB,W1,3\n".utf8), changed: changed, rows: Array("B,W1,4\n".utf8)) == nil)
    let out = try #require(RowSplice.splice(Array("item_code,warehouse,qty\nA,W1,1\nB,W1,3".utf8), changed: changed, rows: Array("B,W1,4\n".utf8)))
    #expect(String(decoding: out, as: UTF8.self) == "item_code,warehouse,qty\nA,W1,1\nB,W1,4\n")
  }


  /// Rows of `keys` in report order, each with its value.
  static func render(_ rows: [StockKey: Int]) -> String {
    StockKey.sorted(rows.keys).map { "\($0.item),\($0.warehouse),\(rows[$0]!)\n" }.joined()
  }

  /// Spliced is what rendering every row gives: for names that are prefixes of one another, names past
  /// ASCII (compared as keys, not bytes), rows removed, replaced and added anywhere.
  @Test func splicedIsEveryRowRendered() throws {
    var g = SeededGenerator(seed: 5)
    let items = ["A", "AB", "A0", "B", "BA", "Z", "a", "ITEM-0001", "ITEM-00010"]
    let accented = ["É", "e\u{301}x", "Ü"]
    let warehouses = ["W", "W1", "W10", "W2", "Stores", "Stores - X"]
    for round in 0..<200 {
      let names = round % 4 == 0 ? items + accented : items
      var before: [StockKey: Int] = [:]
      for i in names { for w in warehouses where g.next() % 3 != 0 { before[StockKey(item: i, warehouse: w)] = Int(g.next() % 100) } }
      var after = before
      var changed = Set<StockKey>()
      for i in names {
        for w in warehouses where g.next() % 5 == 0 {
          let k = StockKey(item: i, warehouse: w)
          changed.insert(k)
          after[k] = g.next() % 4 == 0 ? nil : 100 + Int(g.next() % 100)
        }
      }
      let old = "item_code,warehouse,qty\n" + RowSpliceTests.render(before)
      let rows = RowSpliceTests.render(after.filter { changed.contains($0.key) })
      let out = try #require(RowSplice.splice(Array(old.utf8), changed: changed, rows: Array(rows.utf8)))
      #expect(String(decoding: out, as: UTF8.self) == "item_code,warehouse,qty\n" + RowSpliceTests.render(after), "round \(round)")
    }
  }
}
