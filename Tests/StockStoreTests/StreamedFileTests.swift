import Foundation
import Testing
@testable import StockCore
@testable import StockStore

/// Files written in pieces: the bytes, the hash and the temporary file's fate.
@Suite struct StreamedFileTests {
  func directory() -> String { temporaryDirectory("sl-stream") }

  /// Rows written through a small buffer flushed at every row, and through the gathering append, give the
  /// file and the SHA-256 of the whole.
  @Test func piecesGiveTheWholeFileAndItsHash() throws {
    let d = directory()
    var whole: [UInt8] = []
    let file = try StreamedFile(path: d + "/a.csv")
    var w = ByteWriter(guardsFormulas: false, capacity: 16)
    for i in 0..<5_000 {
      w.text("row \(i)")
      w.endRow()
      whole += Array("row \(i)\n".utf8)
      try file.write(from: &w, flushingAt: i % 7 == 0 ? 0 : 100)
    }
    try file.write(from: &w, flushingAt: 0)  // what the writer still holds goes before the next append
    file.append(Array("tail\n".utf8))
    whole += Array("tail\n".utf8)
    #expect(file.count == whole.count)
    let (count, hash) = try file.finish()
    #expect(count == whole.count)
    #expect(try DurableFiles.read(d + "/a.csv") == whole)
    var h = SHA256()
    h.update(whole)
    #expect(hash == h.finalizeHex())
    #expect(!FileManager.default.fileExists(atPath: file.temporaryPath))
  }

  /// Closed under its temporary name the file waits there; abandoned it is removed; a range copied by the
  /// kernel leaves it without a hash.
  @Test func temporaryAbandonedAndCopied() throws {
    let d = directory()
    let kept = try StreamedFile(path: d + "/kept.csv")
    kept.append(Array("kept\n".utf8))
    let temporary = try kept.closeTemporary()
    #expect(try DurableFiles.read(temporary) == Array("kept\n".utf8))
    #expect(!FileManager.default.fileExists(atPath: d + "/kept.csv"))

    var path = ""
    do {
      let abandoned = try StreamedFile(path: d + "/gone.csv")
      abandoned.append(Array("half".utf8))
      path = abandoned.temporaryPath
    }
    #expect(!FileManager.default.fileExists(atPath: path))

    let source = open(temporary, O_RDONLY)
    defer { close(source) }
    let copy = try StreamedFile(path: d + "/copy.csv")
    copy.append(Array("x".utf8))
    copy.append(from: source, range: 1..<4)
    let (count, hash) = try copy.finish()
    #expect(count == 4 && hash == nil)
    #expect(try DurableFiles.read(d + "/copy.csv") == Array("xept".utf8))
  }

  /// Files larger than the direct-I/O block: whole blocks go past the page cache, the rest through it; the
  /// bytes, the count at every step and the hash are those of the whole, whatever the sizes of the pieces,
  /// also with a range copied by the kernel after blocks were written.
  @Test(arguments: [0, 1, 4095, 4096, 4097]) func filesPastOneBlockAreWhole(extra: Int) throws {
    let d = directory()
    let size = 2 * StreamedFile.block + extra
    var whole = [UInt8](repeating: 0, count: size)
    for i in whole.indices { whole[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 12) }
    let file = try StreamedFile(path: d + "/big.bin")
    // Pieces of every size: small ones gathered, large ones written through.
    var at = 0
    var k = 0
    while at < size {
      let n = min(size - at, [3, 70_000, 1 << 20, 5, 3 << 20][k % 5])
      if k % 3 == 2 {
        file.append(Array(whole[at..<at + n]))
      } else {
        whole[at..<at + n].withUnsafeBytes { file.append($0) }
      }
      at += n
      k += 1
      #expect(file.count == at)
    }
    let (count, hash) = try file.finish()
    #expect(count == size)
    #expect(try DurableFiles.read(d + "/big.bin") == whole)
    var h = SHA256()
    h.update(whole)
    #expect(hash == h.finalizeHex())

    let source = open(d + "/big.bin", O_RDONLY)
    defer { close(source) }
    let copy = try StreamedFile(path: d + "/copy.bin")
    whole[0..<StreamedFile.block + 10].withUnsafeBytes { copy.append($0) }
    copy.append(from: source, range: 7..<1000)
    #expect(try copy.finish().count == StreamedFile.block + 10 + 993)
    #expect(try DurableFiles.read(d + "/copy.bin") == Array(whole[0..<StreamedFile.block + 10] + whole[7..<1000]))

    // Exactly whole blocks before the copy: nothing staged, a block still being written in the background
    // (the copy waits for it, and for direct I/O to be off: the kernel's copy is not aligned).
    let blocks = try StreamedFile(path: d + "/blocks.bin")
    whole[0..<2 * StreamedFile.block].withUnsafeBytes { blocks.append($0) }
    #expect(blocks.count == 2 * StreamedFile.block)
    blocks.append(from: source, range: 3..<10)
    blocks.append(Array(whole[0..<5]))
    #expect(try blocks.finish().count == 2 * StreamedFile.block + 12)
    #expect(try DurableFiles.read(d + "/blocks.bin") == Array(whole[0..<2 * StreamedFile.block] + whole[3..<10] + whole[0..<5]))
  }

  /// Without direct I/O (a file system that refuses it at the open, or at the first write after some
  /// blocks went out directly) the file is the same, through the page cache, in order.
  @Test(arguments: [0, 1, 2]) func withoutDirectIOTheFileIsTheSame(refusedAfterBlocks: Int) throws {
    let d = directory()
    let whole = (0..<(3 * StreamedFile.block + 4099)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 13) }
    let file = try StreamedFile(path: d + "/big.bin", hashing: true, directIO: refusedAfterBlocks > 0)
    let first = refusedAfterBlocks * StreamedFile.block + 1000
    file.append(Array(whole[..<first]))
    file.refusesDirectWrites = true
    whole[first...].withUnsafeBytes { file.append($0) }
    let (count, hash) = try file.finish()
    #expect(count == whole.count)
    #expect(try DurableFiles.read(d + "/big.bin") == whole)
    var h = SHA256()
    h.update(whole)
    #expect(hash == h.finalizeHex())
  }
}
