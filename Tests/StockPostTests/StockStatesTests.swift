import Testing
@testable import StockCore
@testable import StockPost
import TestSupport

/// The engine's table of states answers as a dictionary of them does, through additions, removals (the
/// last key moving into the hole, the probe sequences closing up) and lookups by names in another form.
@Suite struct StockStatesTests {
  func state(_ q: Int) -> ItemWarehouseState {
    var s = ItemWarehouseState()
    s.qty = Fixed(q)
    s.queue = [StockBin(qty: Fixed(q), rate: Fixed(1))]
    return s
  }

  @Test func answersAsADictionaryThroughAdditionsAndRemovals() {
    var table = StockStates(), dictionary: [StockKey: ItemWarehouseState] = [:]
    var random = SeededGenerator(seed: 9)
    for step in 0..<20_000 {
      let key = StockKey(item: "I\(random.next() % 700)", warehouse: "W\(random.next() % 3)")
      switch random.next() % 4 {
      case 0: #expect(table.removeValue(forKey: key) == dictionary.removeValue(forKey: key))
      case 1: #expect(table[key] == dictionary[key] && table.qty(key) == (dictionary[key]?.qty ?? .zero))
      default:
        table[key] = state(step)
        dictionary[key] = state(step)
      }
    }
    #expect(table.count == dictionary.count)
    #expect(Dictionary(uniqueKeysWithValues: table.map { ($0, $1) }) == dictionary)
    for (k, s) in dictionary { #expect(table[k] == s && table[at: table.position(of: k)!] == s) }
  }

  @Test func namesInAnotherFormFindTheSameState() {
    var table = StockStates()
    table[StockKey(item: "cafe\u{301}", warehouse: "K1")] = state(5)
    #expect(table[StockKey(item: "caf\u{E9}", warehouse: "\u{212A}1")]?.qty == Fixed(5))
    table[StockKey(item: "caf\u{E9}", warehouse: "\u{212A}1")] = state(7)
    #expect(table.count == 1 && table.qty(StockKey(item: "cafe\u{301}", warehouse: "K1")) == Fixed(7))
  }

  /// A decoder's keys go in with one probe each: new ones are added (through growth, from no room), one
  /// already there (in any normal form) is refused and changes nothing.
  @Test func appendNewAddsOnlyNewKeys() {
    var table = StockStates(), dictionary: [StockKey: ItemWarehouseState] = [:]
    var random = SeededGenerator(seed: 11)
    for step in 0..<5_000 {
      let key = StockKey(item: "I\(random.next() % 900)", warehouse: "W\(random.next() % 2)")
      let isNew = dictionary[key] == nil
      let added = table.appendNew(key, state(step))
      #expect(added == isNew)
      if isNew { dictionary[key] = state(step) }
    }
    #expect(table.count == dictionary.count)
    for (k, s) in dictionary { #expect(table[k] == s) }
    let first = table.appendNew(StockKey(item: "cafe\u{301}", warehouse: "K1"), state(1))
    let again = table.appendNew(StockKey(item: "caf\u{E9}", warehouse: "\u{212A}1"), state(2))
    #expect(first && !again)
    #expect(table.qty(StockKey(item: "cafe\u{301}", warehouse: "K1")) == Fixed(1) && table.count == dictionary.count + 1)
  }

  /// A snapshot's state that names an item-warehouse twice is refused as a format error naming it (the
  /// run then replays the ledger), not decoded into a table holding the key twice.
  @Test func aStateWithAKeyTwiceIsAFormatError() throws {
    func bytes(_ state: PostingState) -> [UInt8] {
      var w = BinaryWriter()
      state.encode(into: &w)
      return w.bytes
    }
    var one = PostingState()
    one.stock[StockKey(item: "RM0001", warehouse: "Stores")] = state(4)
    let (empty, single) = (bytes(PostingState()), bytes(one))
    #expect(empty.first == 0 && single.first == 1)
    let rest = empty.dropFirst()
    let entry = single.dropFirst().dropLast(rest.count)
    var r = BinaryReader([1] + Array(entry) + Array(rest))
    #expect(try PostingState(decoding: &r).stock.qty(StockKey(item: "RM0001", warehouse: "Stores")) == Fixed(4))
    r = BinaryReader([2] + Array(entry) + Array(entry) + Array(rest))
    #expect {
      _ = try PostingState(decoding: &r)
    } throws: { error in
      (error as? BinaryFormatError)?.what == "item-warehouse RM0001 in Stores twice"
    }
  }

  /// Each item-warehouse's state is written as one record: the same bytes as written field by field (the
  /// layout of ``BinaryWriter``), for queues of no bins, a few, and more than a record takes (written bin
  /// by bin after it), with numbers too wide for 64 bits; and the bytes decode to the same states.
  @Test func statesAreWrittenAsFieldByField() throws {
    var state = PostingState()
    for (i, bins) in [0, 1, 3, 64, 65, 200].enumerated() {
      var s = ItemWarehouseState()
      s.qty = Fixed(bins)
      s.stockValue = Fixed(raw: Int128(Int64.max) * 3 + Int128(i))  // past 64 bits: the 16-byte form
      s.valuationRate = Fixed(parsing: "12.345678901") ?? .zero
      s.hasEntries = i % 2 == 0
      s.queue = StockQueue((0..<bins).map { StockBin(qty: Fixed($0 + 1), rate: Fixed(raw: Int128($0) * 1_000_000_007)) })
      state.stock[StockKey(item: "ITEM\(i)", warehouse: i == 5 ? "W\u{E9}" : "WH")] = s
    }
    var records = BinaryWriter()
    state.encode(into: &records)
    var fields = BinaryWriter()
    fields.count(state.stock.count)
    for (k, s) in state.stock {
      fields.key(k)
      fields.compactFixed(s.qty)
      fields.compactFixed(s.stockValue)
      fields.compactFixed(s.valuationRate)
      fields.bool(s.hasEntries)
      fields.count(s.queue.count)
      for b in s.queue.bins {
        fields.compactFixed(b.qty)
        fields.compactFixed(b.rate)
      }
    }
    var empty = BinaryWriter()
    PostingState().encode(into: &empty)
    #expect(Array(records.bytes.prefix(fields.bytes.count)) == fields.bytes)
    #expect(Array(records.bytes.dropFirst(fields.bytes.count)) == Array(empty.bytes.dropFirst()))
    var r = BinaryReader(records.bytes)
    #expect(try PostingState(decoding: &r).stock == state.stock)
  }

  @Test func appendAndRemoveLastUndoEachOtherAndEqualityIgnoresOrder() {
    var a = StockStates(), b = StockStates()
    for i in 0..<100 { a[StockKey(item: "I\(i)", warehouse: "W")] = state(i) }
    for i in (0..<100).reversed() { b[StockKey(item: "I\(i)", warehouse: "W")] = state(i) }
    #expect(a == b)
    let before = a
    let p = a.append(StockKey(item: "NEW", warehouse: "W"), state(1))
    #expect(p == 100 && a.count == 101 && a != before)
    a[at: 3].qty = Fixed(-1)
    a[at: 3] = before[at: 3]
    a.removeLast()
    #expect(a == before && a[StockKey(item: "NEW", warehouse: "W")] == nil)
  }
}
