import Foundation
import TestSupport
import Testing
@testable import StockApp
import StockReports
@testable import StockStore

/// The run's journal: the committed `gl.csv` linked when its bytes are the journal's, copied where it
/// cannot be linked, else the file holding the journal's bytes copied (a text field guarded in the reports).
@Suite struct PostCommitJournalTests {
  static let bytes = Array("posting_date,voucher_type\n2026-01-02,Purchase Receipt\n".utf8)

  /// Not read by the paths under test (only by formatting the lines, which none of them reaches).
  static let source = ReportSource(masters: RunWorkShelfTests.masters, entries: [], gl: [])

  func inode(_ path: String) -> UInt? {
    var st = stat()
    return stat(path, &st) == 0 ? UInt(st.st_ino) : nil
  }

  @Test func theCommittedFileIsLinked() throws {
    let d = Scratch.directory("sl-journal-link")
    try DurableFiles.write(Self.bytes, to: d + "/gl.csv")
    try DurableFiles.makeDirectory(d + "/run")
    try PostCommit.writeJournal([], to: d + "/run", source: Self.source, committed: d + "/gl.csv")
    #expect(inode(d + "/run/gl-journal.csv") == inode(d + "/gl.csv"))
  }

  @Test(.enabled(if: Scratch.elsewhere != nil, "needs a second file system (/dev/shm)"))
  func acrossFileSystemsTheCommittedFileIsCopied() throws {
    let d = Scratch.directory("sl-journal-copy")
    try DurableFiles.write(Self.bytes, to: d + "/gl.csv")
    let other = try #require(Scratch.directoryElsewhere("sl-journal"))
    try PostCommit.writeJournal([], to: other, source: Self.source, committed: d + "/gl.csv")
    #expect(try DurableFiles.read(other + "/gl-journal.csv") == Self.bytes)
    #expect(inode(other + "/gl-journal.csv") != inode(d + "/gl.csv"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: other) == ["gl-journal.csv"])
  }

  /// Not the committed gl.csv's bytes: the file named as the journal's is copied (not linked: it is the
  /// general ledger, which later runs append to).
  @Test func theJournalsBytesAreCopiedWhenTheCommittedFileDiffers() throws {
    let d = Scratch.directory("sl-journal-general")
    try DurableFiles.write(Self.bytes, to: d + "/general-ledger.csv")
    try DurableFiles.makeDirectory(d + "/run")
    try PostCommit.writeJournal([], to: d + "/run", source: Self.source, committed: nil, copy: d + "/general-ledger.csv")
    #expect(try DurableFiles.read(d + "/run/gl-journal.csv") == Self.bytes)
    #expect(inode(d + "/run/gl-journal.csv") != inode(d + "/general-ledger.csv"))
  }
}
