import Testing
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
