import Testing
@testable import StockCore

/// Names hash as `String` equality compares them: equal names (in any normal form) alike, the order of a
/// pair counted.
@Suite struct NameHashTests {
  @Test func equalNamesHashAlikeInEveryNormalForm() {
    let pairs: [(String, String)] = [
      ("caf\u{E9}", "cafe\u{301}"),  // composed and decomposed
      ("K", "\u{212A}"),  // the Kelvin sign is K
      ("ITEM-\u{212A}1", "ITEM-K1"), (";", "\u{37E}"),  // the Greek question mark is a semicolon
      ("", String("")), ("A long warehouse name - Company Ltd", "A long warehouse name - Company Ltd"),
    ]
    for (a, b) in pairs {
      #expect(a == b)
      #expect(NameHash.hash(a) == NameHash.hash(b), "\(a.debugDescription) and \(b.debugDescription)")
      #expect(StockKey(item: a, warehouse: b) == StockKey(item: b, warehouse: a))
      #expect(StockKey(item: a, warehouse: b).hashedNames == StockKey(item: b, warehouse: a).hashedNames)
    }
  }

  @Test func differentNamesSpreadAndThePairsOrderCounts() {
    // Every length up to 40 (the word loop and its tail), names a byte apart.
    var seen = Set<UInt64>()
    for n in 0...40 {
      for c in ["a", "b", "Z"] { seen.insert(NameHash.hash(String(repeating: "x", count: n) + c)) }
    }
    #expect(seen.count == 41 * 3)
    #expect(NameHash.hash("ITEM1", "WH2") != NameHash.hash("WH2", "ITEM1"))
    #expect(NameHash.hash("AB", "C") != NameHash.hash("A", "BC"))
    var keys = Set<Int>()
    for i in 0..<5000 { for w in 0..<9 { keys.insert(StockKey(item: "ITEM\(i)", warehouse: "WH0\(w)").hashedNames) } }
    #expect(keys.count == 45000)
  }

  /// Names given as their bytes hash as the strings do when both are ASCII (every length, either one
  /// empty), and are refused when one is not (its normal form is needed).
  @Test func asciiBytesHashAsTheirStrings() {
    func bytesHash(_ a: String, _ b: String) -> UInt64? {
      Array(a.utf8).withUnsafeBufferPointer { x in Array(b.utf8).withUnsafeBufferPointer { y in NameHash.hash(ascii: x, y) } }
    }
    for n in 0...20 {
      let item = String(repeating: "I", count: n) + (n % 2 == 0 ? "" : "-\(n)"), warehouse = String(repeating: "w", count: 20 - n)
      #expect(bytesHash(item, warehouse) == NameHash.hash(item, warehouse), "\(item) \(warehouse)")
    }
    #expect(bytesHash("caf\u{E9}", "WH") == nil && bytesHash("ITEM", "\u{212A}") == nil)
  }
}
