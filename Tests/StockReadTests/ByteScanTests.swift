import Testing
import TestSupport

@testable import StockRead

/// The word-at-a-time scans give what a byte-by-byte loop gives, at every length and alignment, and for
/// every byte value next to the one counted (the zero-byte test must not see a byte as equal because of
/// its neighbours or its top bit).
@Suite struct ByteScanTests {
  /// Bytes drawn mostly from a few values near LF and CR, and the extremes, so runs and neighbours vary.
  static func bytes(_ n: Int, _ g: inout SeededGenerator) -> [UInt8] {
    let alphabet: [UInt8] = [10, 13, 0x0B, 0x09, 0x8A, 0x8D, 0x00, 0xFF, 0x7F, 0x80, 0x2C, 0x41]
    return (0..<n).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
  }

  @Test func countIsTheBytesEqualToTheOneCounted() {
    var g = SeededGenerator(seed: 7)
    for n in 0..<200 {
      let b = ByteScanTests.bytes(n, &g)
      for start in 0..<min(n, 9) {
        let part = Array(b[start...])
        for byte: UInt8 in [10, 13, 0, 0xFF, 0x8A] {
          let counted = part.withUnsafeBufferPointer { ByteScan.count(byte, in: $0) }
          #expect(counted == part.filter { $0 == byte }.count, "n \(n) start \(start) byte \(byte)")
        }
      }
    }
    // All equal, none equal, long.
    #expect([UInt8](repeating: 10, count: 1001).withUnsafeBufferPointer { ByteScan.count(10, in: $0) } == 1001)
    #expect([UInt8](repeating: 11, count: 1001).withUnsafeBufferPointer { ByteScan.count(10, in: $0) } == 0)
    // Past the 255 steps of sixteen bytes whose lanes are added up at once (a lane holds at most 255),
    // all equal and drawn.
    #expect([UInt8](repeating: 10, count: 8 * 255 * 3 + 5).withUnsafeBufferPointer { ByteScan.count(10, in: $0) } == 8 * 255 * 3 + 5)
    #expect([UInt8](repeating: 10, count: 16 * 255 * 3 + 7).withUnsafeBufferPointer { ByteScan.count(10, in: $0) } == 16 * 255 * 3 + 7)
    let long = ByteScanTests.bytes(9_001, &g)
    for byte: UInt8 in [10, 0xFF, 0] {
      #expect(long.withUnsafeBufferPointer { ByteScan.count(byte, in: $0) } == long.filter { $0 == byte }.count)
    }
  }

  @Test func aBareCRIsACRWithoutAnLFAfterIt() {
    var g = SeededGenerator(seed: 11)
    func naive(_ b: [UInt8]) -> Bool { b.indices.contains { b[$0] == 13 && ($0 + 1 == b.count || b[$0 + 1] != 10) } }
    for n in 0..<300 {
      let b = ByteScanTests.bytes(n, &g)
      #expect(CSVParser.hasBareCR(b) == naive(b), "\(b)")
      // The same with every CR made a CRLF: none is bare.
      let crlf = b.flatMap { $0 == 13 ? [13, 10] : [$0] }
      #expect(!CSVParser.hasBareCR(crlf))
    }
    #expect(CSVParser.hasBareCR([13]))
    #expect(!CSVParser.hasBareCR([]))
    #expect(CSVParser.hasBareCR(Array("a\r\nb\r".utf8)))
  }
}
