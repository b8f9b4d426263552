import Foundation
import TestSupport
import Testing
@testable import StockApp
@testable import StockCore
@testable import StockRead

/// The inbox listed, then each file read and hashed once: the hash is that of the bytes the run parses,
/// a CSV file's bytes come with it (an XML file's reader streams it), and a file that changed since it was
/// listed, or cannot be read, is left in the inbox with a note that says so.
@Suite struct PickupTests {
  @Test func listedFilesAreHashedAsRead() throws {
    let inbox = Scratch.directory("pickup")
    let csv = Array("voucher_type,voucher_no\nPurchase Receipt,PR-1\n".utf8)
    try Data(csv).write(to: URL(fileURLWithPath: inbox + "/b.csv"))
    try Data("<vouchers/>".utf8).write(to: URL(fileURLWithPath: inbox + "/a.XML"))
    try Data("skipped".utf8).write(to: URL(fileURLWithPath: inbox + "/c.csv.part"))
    let (listed, left) = Pickup.scan(inbox: inbox, minAge: 0)
    #expect(listed.map(\.name) == ["a.XML", "b.csv"] && left.isEmpty)
    guard case .success(let x) = Pickup.load(listed[0]), case .success(let c) = Pickup.load(listed[1]) else {
      Issue.record("both files are readable")
      return
    }
    #expect(x.bytes == nil && x.file.sha256 == FileBytes.sha256(inbox + "/a.XML")?.sha256)
    #expect(c.bytes?.withUnsafeBufferPointer { Array($0) } == csv)
    #expect(c.file.sha256 == FileBytes.sha256(inbox + "/b.csv")?.sha256 && c.file.size == csv.count)
    // Mapped where it lies, not read into an array of its own.
    guard case .mapped = c.bytes else {
      Issue.record("a CSV file on a local file system is mapped")
      return
    }
  }

  @Test func aFileChangedOrGoneSinceItWasListedIsLeft() throws {
    let inbox = Scratch.directory("pickup")
    try Data("voucher_type\n".utf8).write(to: URL(fileURLWithPath: inbox + "/grows.csv"))
    try Data("voucher_type\n".utf8).write(to: URL(fileURLWithPath: inbox + "/gone.csv"))
    let (listed, _) = Pickup.scan(inbox: inbox, minAge: 0)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: inbox + "/grows.csv"))
    handle.seekToEndOfFile()
    handle.write(Data("Purchase Receipt\n".utf8))
    try handle.close()
    try FileManager.default.removeItem(atPath: inbox + "/gone.csv")
    let notes = listed.map { f -> String in
      if case .failure(let left) = Pickup.load(f) { return left.note }
      return "read"
    }
    #expect(notes == ["gone.csv: cannot be read (No such file or directory); left in the inbox",
                      "grows.csv: changed while it was read (still being written?); left for the next run"])
  }

  /// A CSV file cut short after it was mapped: reading it (the parse and the hash) meets zeros past its new
  /// end instead of ending the process, the bytes say they were cut, and the file says it changed — what the
  /// run needs to leave it in the inbox.
  @Test func aFileCutWhileMappedIsReadAsCut() throws {
    let inbox = Scratch.directory("pickup")
    var text = "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\n"
    for i in 0..<400 { text += "Purchase Receipt,PR-\(100_000 + i),2026-11-01,RM0001,Stores,1,10\n" }
    #expect(text.utf8.count > 4 * 4096)
    try Data(text.utf8).write(to: URL(fileURLWithPath: inbox + "/cut.csv"))
    let (listed, _) = Pickup.scan(inbox: inbox, minAge: 0)
    guard case .success(var loaded) = Pickup.load(listed[0]) else {
      Issue.record("the file is readable")
      return
    }
    #expect(loaded.bytes?.wasCut == false)
    #expect(truncate(inbox + "/cut.csv", 100) == 0)
    let bytes = loaded.bytes.take()
    let parsed = RunWork.parse(listed[0], bytes: bytes, schema: { nil })
    #expect(parsed != nil)
    _ = loaded.file  // the hash, which reads past the cut too
    #expect(bytes?.wasCut == true)
    #expect(!loaded.file.isUnchanged)
  }
}
