import Foundation
import TestSupport
import Testing
@testable import StockStore

/// A ledger file given a second name (the run's journal is its `gl.csv` when the bytes are the same): one
/// file, read-only, under both names; across file systems nothing is linked and the caller copies.
@Suite struct DurableFilesLinkTests {
  /// `stat` of a path (nil when there is none).
  static func info(_ path: String) -> stat? {
    var st = stat()
    return stat(path, &st) == 0 ? st : nil
  }

  @Test func theFileGetsASecondReadOnlyNameReplacingWhatWasThere() throws {
    let d = temporaryDirectory("sl-link")
    try DurableFiles.makeDirectory(d + "/ledger")
    try DurableFiles.makeDirectory(d + "/reports")
    try DurableFiles.write(Array("a,b\n1,2\n".utf8), to: d + "/ledger/gl.csv")
    try DurableFiles.write(Array("an older journal\n".utf8), to: d + "/reports/gl-journal.csv")
    #expect(try DurableFiles.link(d + "/ledger/gl.csv", as: d + "/reports/gl-journal.csv"))
    let (source, linked) = (Self.info(d + "/ledger/gl.csv"), Self.info(d + "/reports/gl-journal.csv"))
    #expect(source?.st_ino == linked?.st_ino && source?.st_nlink == 2)
    #expect((linked?.st_mode ?? 0) & 0o777 == 0o444)
    #expect(try DurableFiles.read(d + "/reports/gl-journal.csv") == Array("a,b\n1,2\n".utf8))
    #expect(try FileManager.default.contentsOfDirectory(atPath: d + "/reports") == ["gl-journal.csv"])
  }

  @Test(.enabled(if: Scratch.elsewhere != nil, "needs a second file system (/dev/shm)"))
  func acrossFileSystemsNothingIsLinked() throws {
    let d = temporaryDirectory("sl-link-across")
    try DurableFiles.write(Array("x\n".utf8), to: d + "/gl.csv")
    let other = try #require(Scratch.directoryElsewhere("sl-link"))
    #expect(try !DurableFiles.link(d + "/gl.csv", as: other + "/gl-journal.csv"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: other).isEmpty)
  }
}
