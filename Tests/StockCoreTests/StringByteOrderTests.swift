import TestSupport
import Testing
@testable import StockCore

/// Names sorted by their UTF-8 bytes through their first 16 bytes as two words (`String.byteOrder`): the
/// order of a byte-by-byte comparison, equal names in the order given.
@Suite struct StringByteOrderTests {
  /// Against a plain model (a stable sort by the names' bytes), over random lists of short names, names
  /// of exactly 16 bytes, long names that share their first 16 bytes and differ after them, prefixes of
  /// one another, non-ASCII names (composed and decomposed "é": different bytes, equal strings), repeats
  /// and the empty name.
  @Test func sortsAsTheBytesDo() {
    let stems = ["", "A", "B", "SN-0001", "SN-0010", "SN-01", "SITEM00050-00001", "SITEM00050-00002", "SITEM00050-000010", "SITEM00050-000009",
                 "SITEM00050-00001x", "caf\u{E9}", "cafe\u{301}", "\u{1F4E6}box", "Z", "a"]
    var g = SeededGenerator(seed: 40)  // the same draws every run: a failure can be repeated
    for _ in 0..<500 {
      let names = (0..<Int.random(in: 0...40, using: &g)).map { _ in
        stems.randomElement(using: &g)! + (Bool.random(using: &g) ? "" : String(Int.random(in: 0...99, using: &g)))
      }
      let want = names.indices.sorted { a, b in
        let c = names[a].compareInByteOrder(names[b])
        return c != 0 ? c < 0 : a < b
      }
      #expect(String.byteOrder(names) == want, "\(names)")
    }
  }

  /// The exact order of a few names: bytes, not characters ("é" composed, 0xC3 0xA9, after "e" and
  /// its combining accent, 0x65 0xCC 0x81), a name before its own extensions, a "0" past the 16th byte
  /// before a "1" at it, upper case before lower.
  @Test func aFewNamesInOrder() {
    let names = ["caf\u{E9}", "cafe\u{301}", "SITEM00050-000010", "SITEM00050-00001", "a", "B", "SITEM00050-000009"]
    #expect(String.byteOrder(names).map { names[$0] } == ["B", "SITEM00050-000009", "SITEM00050-00001", "SITEM00050-000010", "a", "cafe\u{301}", "caf\u{E9}"])
  }
}
