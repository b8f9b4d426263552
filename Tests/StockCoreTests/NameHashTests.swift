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

  /// The word-at-a-time hash reads, for every length, the bytes a byte-by-byte reading gives (the last
  /// word by loads that overlap, never past the bytes), and finds a byte over 127 wherever it is.
  @Test func wordsReadAsTheBytesSpellThem() {
    func reference(_ bytes: [UInt8], seed: UInt64) -> (UInt64, Bool) {
      var h = seed ^ UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
      var words: [UInt64] = []
      var i = 0
      while i < bytes.count {
        var w: UInt64 = 0
        for k in 0..<min(8, bytes.count - i) { w |= UInt64(bytes[i + k]) << UInt64(8 * k) }
        words.append(w)
        i += 8
      }
      for (n, w) in words.enumerated() {
        let whole = 8 * (n + 1) <= bytes.count
        h = NameHash.fold(h ^ w, whole ? 0xE703_7ED1_A0B4_28DB : 0x8EBC_6AF0_9C88_C6E3)
      }
      return (NameHash.fold(h, bytes.isEmpty ? 0xE703_7ED1_A0B4_28DB : 0x5899_65CC_7537_4CC3), bytes.allSatisfy { $0 < 0x80 })
    }
    var generator = SystemRandomNumberGenerator()
    for n in 0...40 {
      // Each length a few times, with the bytes in their own allocation of exactly that size.
      for trial in 0..<4 {
        var bytes = (0..<n).map { _ in UInt8.random(in: 0x20...0x7E, using: &generator) }
        if trial == 3 && n > 0 { bytes[Int.random(in: 0..<n, using: &generator)] = 0xC3 }
        let seed = UInt64.random(in: .min ... .max, using: &generator) | 1
        let (expected, ascii) = reference(bytes, seed: seed)
        bytes.withUnsafeBufferPointer { b in
          #expect(NameHash.hash(bytes: b, seed: seed) == expected, "length \(n)")
          #expect((NameHash.hashASCII(b, seed: seed) != nil) == ascii, "length \(n)")
        }
      }
    }
  }
}
