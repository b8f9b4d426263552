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
}
