import Dispatch
import Testing
@testable import StockCore

/// Interned names are boxes found by their exact bytes, equal and hashed as their texts are, and a row's
/// names behave as the strings they replaced.
@Suite struct InternedNameTests {
  func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

  @Test func theSameBytesAreTheSameBoxAndOthersAreNot() {
    let a = InternedName("WH-North-InternedNameTests")
    let again = bytes("WH-North-InternedNameTests").withUnsafeBufferPointer { InternedName(utf8: $0) }
    #expect(again.address == a.address && again == a)
    #expect(a.text == "WH-North-InternedNameTests")
    #expect(InternedName("ITEM00001-InternedNameTests").address != InternedName("ITEM00002-InternedNameTests").address)
    #expect(InternedName("ITEM00001-InternedNameTests") != InternedName("ITEM00002-InternedNameTests"))
    // The empty name is no box, whichever way it is made.
    #expect(InternedName("").address == 0 && InternedName("").isEmpty && InternedName("").text == "")
    #expect([UInt8]().withUnsafeBufferPointer { InternedName(utf8: $0) }.address == 0)
    #expect(InternedName.empty == InternedName(""))
    #expect(InternedName("x") != .empty && .empty != InternedName("x"))
    #expect(InternedName.empty.nameHash == NameHash.hash("") && InternedName.empty.withUTF8 { $0.count } == 0)
  }

  /// Two spellings `String` calls equal (composed and decomposed, the Kelvin sign) keep their own bytes
  /// and boxes, and are equal names with equal hashes; so are rows that name them.
  @Test func equalTextsInOtherSpellingsAreEqualNames() {
    for (x, y) in [("caf\u{E9}", "cafe\u{301}"), ("K\(#line)", "\u{212A}\(#line)")] {
      let (a, b) = (InternedName(x), InternedName(y))
      #expect(a.address != b.address)
      #expect(bytes(a.text) == bytes(x) && bytes(b.text) == bytes(y))
      #expect(a == b && a.hashValue == b.hashValue)
      #expect(a.nameHash == NameHash.hash(x) && a.nameHash == b.nameHash)
      #expect(StockKey.hashedNames(item: a, warehouse: b) == StockKey(item: x, warehouse: y).hashedNames)
      var (r, s) = (ItemRow(line: 1, itemCode: x), ItemRow(line: 1, itemCode: y))
      (r.warehouse, s.warehouse) = (y, x)
      #expect(r == s && r.hashValue == s.hashValue)
      #expect(r.itemCode == x && s.itemCode == y && bytes(r.itemCode) == bytes(x))
    }
  }

  /// Bytes that are not UTF-8 are interned as they are, and their text is what `String(decoding:as:)`
  /// makes of them, which is also what a writer is given.
  @Test func bytesThatAreNotUTF8AreRepairedInTheText() {
    let raw: [UInt8] = [0x57, 0x48, 0xFF, 0x31, UInt8(#line % 64)]
    let n = raw.withUnsafeBufferPointer { InternedName(utf8: $0) }
    #expect(n.text == String(decoding: raw, as: UTF8.self))
    #expect(raw.withUnsafeBufferPointer { n.hasBytes($0) })
    #expect(n.withUTF8 { Array($0) } == bytes(n.text))
    #expect(n.tableHash == FNV1a.hash(n.text.utf8))
    #expect(raw.withUnsafeBufferPointer { InternedName(utf8: $0) }.address == n.address)
  }

  /// A name is written as its text is, whether its box keeps it as plain bytes or not: names that need
  /// quotes or look like formulas, first in a row or after a field, with the formula guard on and off.
  @Test func namesAreWrittenAsTheirTexts() {
    let names = ["WH-01", "Stores - Main", "RM, \"special\"", "=SUM(A1)", "+1", "-5", "-x", "@x", "caf\u{E9}", "a\nb", "x", ""]
    for guarding in [false, true] {
      for name in names {
        var byName = ByteWriter(guardsFormulas: guarding), byText = ByteWriter(guardsFormulas: guarding)
        byName.text(InternedName(name)); byName.text("y"); byName.text(InternedName(name)); byName.endRow()
        byText.text(name); byText.text("y"); byText.text(name); byText.endRow()
        #expect(byName.bytes == byText.bytes, "\(name.debugDescription), guarding \(guarding)")
        #expect(byName.sawFormula == byText.sawFormula, "\(name.debugDescription)")
      }
    }
    #expect(InternedName("WH-01").plainText != nil && InternedName("RM, \"special\"").plainText == nil)
    #expect(InternedName("=SUM(A1)").plainText == nil && InternedName("").plainText == nil)
  }

  /// A name past the table's share (half a million names) is boxed once in the overflow, and is the same
  /// name as one the table holds with the same text.
  @Test func namesPastTheTableAreBoxedOnceAndEqual() {
    let text = "OVERFLOW-InternedNameTests"
    let (a, b) = Array(text.utf8).withUnsafeBufferPointer { (InternedName.overflowed($0), InternedName.overflowed($0)) }
    #expect(a == b && a != 0)
    let overflowed = InternedName(address: a), inTable = InternedName(text)
    #expect(overflowed.text == text && overflowed.utf8Count == text.utf8.count)
    #expect(overflowed == inTable && overflowed.hashValue == inTable.hashValue && overflowed.nameHash == inTable.nameHash)
  }

  /// Threads interning the same names at once agree on every box, also across the small table's share
  /// (eight thousand names: past it names go to the large one, and a name two threads meet as it fills is
  /// still boxed once).
  @Test func threadsInterningAtOnceAgree() {
    let names = (0..<12_000).map { "CONCURRENT-\(#line)-\($0)" }
    let results = UnsafeMutableBufferPointer<UInt>.allocate(capacity: 8 * names.count)
    defer { results.deallocate() }
    let base = UInt(bitPattern: results.baseAddress!)  // (an address, to be captured by the threads)
    DispatchQueue.concurrentPerform(iterations: 8) { t in
      let out = UnsafeMutablePointer<UInt>(bitPattern: base)!
      for (i, name) in (t % 2 == 0 ? Array(names.enumerated()) : names.enumerated().reversed()) {
        (out + t * names.count + i).initialize(to: InternedName(name).address)
      }
    }
    for i in names.indices {
      let first = results[i]
      #expect(first != 0)
      for t in 1..<8 where results[t * names.count + i] != first { Issue.record("thread \(t) boxed \(names[i]) apart") }
      #expect(InternedName(names[i]).text == names[i])
    }
  }

  /// Past the small table's share (eight thousand names) names go to the large one, and each is still one
  /// box: found again by its bytes, its text as given.
  @Test func namesPastTheSmallTableAreFoundInTheLarge() {
    let names = (0..<20_000).map { "TIERS-\(#line)-\($0)" }
    let boxes = names.map { InternedName($0).address }
    #expect(Set(boxes).count == names.count)
    for (i, name) in names.enumerated() {
      let again = Array(name.utf8).withUnsafeBufferPointer { InternedName(utf8: $0) }
      if again.address != boxes[i] || again.text != name { Issue.record("\(name) boxed twice or misread") }
    }
  }
}

/// A cache of what interned names stand for keeps one value per slot, looks a name up again only when
/// another took its slot, and keeps no empty name.
@Suite struct InternedNameCacheTests {
  @Test func aNameIsLookedUpOnceWhileItHoldsItsSlot() {
    var lookups: [String] = []
    func value(_ n: InternedName) -> String? {
      lookups.append(n.text)
      return n.text.hasPrefix("NONE") ? nil : n.text.lowercased()
    }
    // (A cache each: two names may share a slot, and push each other out.)
    var cache = InternedNameCache<String>(slotCount: 16), missing = InternedNameCache<String>(slotCount: 16)
    let a = InternedName("CACHE-A-\(#line)"), none = InternedName("NONE-\(#line)")
    for _ in 0..<3 {
      #expect(cache.value(a, lookUp: value) == a.text.lowercased())
      #expect(missing.value(none, lookUp: value) == nil)
    }
    #expect(lookups == [a.text, none.text])  // a missing value is kept as such
    #expect(cache.value(.empty, lookUp: value) == "" && cache.value(.empty, lookUp: value) == "")
    #expect(lookups.count == 4)  // the empty name looked up each time
  }

  @Test func aNameWhoseSlotAnotherTookIsLookedUpAgain() {
    var cache = InternedNameCache<Int>(slotCount: 1)  // every name shares the one slot
    var count = 0
    func value(_ n: InternedName) -> Int? {
      count += 1
      return n.utf8Count
    }
    let (a, b) = (InternedName("SLOT-A-\(#line)"), InternedName("SLOT-BB-\(#line)"))
    #expect(cache.value(a, lookUp: value) == a.utf8Count && cache.value(a, lookUp: value) == a.utf8Count)
    #expect(count == 1)
    #expect(cache.value(b, lookUp: value) == b.utf8Count && count == 2)
    #expect(cache.value(a, lookUp: value) == a.utf8Count && count == 3)
  }
}

/// A thread's local cache of short names gives the shared table's boxes, whatever the names share: a
/// prefix, their first or last eight bytes, their length; and names too long for it go to the table.
@Suite struct InternedNameLocalCacheTests {
  @Test func namesThroughTheCacheAreTheTablesBoxes() {
    var cache = InternedNameLocalCache(slotCount: 64)  // small: names share slots and push each other out
    var names = (1...300).map { "ITEM\(String(repeating: "0", count: 5 - String($0).count))\($0)" }  // ITEM00001…
    names += (1...17).map { String(repeating: "W", count: $0) }  // every length to one past the cache's
    names += ["ABCDEFGHIJ", "ABCDEFGHIJK", "ABCDEFGHXIJ", "XBCDEFGHIJ", "ABCDEFGHI", "caf\u{E9}-\(#line)", "A", "B", "AB", "BA"]
    for round in 0..<3 {
      for name in (round == 1 ? names.reversed() : names) {
        let viaCache = Array(name.utf8).withUnsafeBufferPointer { cache.name(utf8: $0) }
        if viaCache.identity != InternedName(name).identity || viaCache.text != name {
          Issue.record("\(name) through the cache is not the table's box")
        }
        #expect(cache.name(name).identity == viaCache.identity)
      }
    }
    #expect([UInt8]().withUnsafeBufferPointer { cache.name(utf8: $0) } == .empty && cache.name("").isEmpty)
  }
}
