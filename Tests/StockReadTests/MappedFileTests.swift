import Foundation
import Testing
import TestSupport

@testable import StockCore
@testable import StockRead

/// Files mapped in place: the bytes and hash are the file's, an empty file maps to no bytes, and a file
/// cut short while it is mapped reads zeros past its new end and says so, instead of ending the process.
@Suite struct MappedFileTests {
  @Test func bytesAndHashAreTheFiles() throws {
    let dir = Scratch.directory("mapped")
    var g = SeededGenerator(seed: 5)
    for size in [0, 1, 4095, 4096, 4097, 3 * 4096 + 100] {
      let bytes = (0..<size).map { _ in UInt8(truncatingIfNeeded: g.next()) }
      let path = dir + "/f\(size).csv"
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      let mapped = try #require(FileBytes.mapStartingHash(path))
      #expect(Array(mapped.file.buffer) == bytes, "size \(size)")
      #expect(mapped.digest.sha256 == FileBytesHashingTests.sha256(bytes), "size \(size)")
      #expect(!mapped.file.wasCut)
    }
  }

  /// Truncated under its mapping, a file reads zeros past its new end (the process goes on) and is marked
  /// cut; another file mapped beside it is not; the guard's slots come back when mappings are released.
  @Test func aFileCutWhileMappedReadsZerosAndSaysSo() throws {
    let dir = Scratch.directory("mapped-cut")
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let bytes = [UInt8](repeating: 65, count: 5 * page)
    try Data(bytes).write(to: URL(fileURLWithPath: dir + "/cut.csv"))
    try Data(bytes).write(to: URL(fileURLWithPath: dir + "/kept.csv"))
    let cut = try #require(MappedFile(path: dir + "/cut.csv"))
    let kept = try #require(MappedFile(path: dir + "/kept.csv"))
    #expect(cut.buffer[3 * page] == 65 && !cut.wasCut)
    #expect(truncate(dir + "/cut.csv", off_t(page)) == 0)
    #expect(cut.buffer[0] == 65)
    #expect(!cut.wasCut)  // nothing past the end read yet
    #expect(cut.buffer[3 * page + 1] == 0 && cut.buffer[4 * page] == 0)
    #expect(cut.wasCut && !kept.wasCut)
    #expect(kept.buffer[4 * page] == 65)

    for _ in 0..<(2 * MappedFile.Guard.slots) {
      let again = MappedFile(path: dir + "/kept.csv")
      #expect(again?.buffer.count == bytes.count)
    }
  }
}
