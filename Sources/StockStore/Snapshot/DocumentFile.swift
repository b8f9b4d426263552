import Foundation
import StockCore

#if canImport(Glibc)
  import Glibc
#endif

/// `ledger/documents.bin`: the documents of posted vouchers (what returns and invoices take from their
/// originals) for runs that continue from the head snapshot, each record a LEB128 length and its bytes,
/// found by the offsets in the snapshot's ``VoucherIndex``. Derived like the snapshot: a replay rewrites it,
/// a run from the snapshot appends the documents it created or changed (a changed document is appended
/// again and the index points to the new copy).
public struct DocumentFile: Sendable {
  public let path: String
  public init(ledger: String) { path = ledger + "/documents.bin" }

  /// Appends one record (its length, then its bytes) to `file`, the bytes of a document file; returns the
  /// record's offset within them.
  public static func record(_ payload: [UInt8], into file: inout BinaryWriter) -> Int {
    let offset = file.bytes.count
    file.count(payload.count)
    file.raw(payload)
    return offset
  }

  /// The file rewritten record by record through one buffer (a replay's documents, tens of megabytes at a
  /// million vouchers, are not gathered in memory first); replaced when ``finish()`` is called.
  public final class Writer {
    private let file: StreamedFile
    private var pending = BinaryWriter(capacity: Writer.flushAt + 4096)
    private var flushed = 0
    static let flushAt = 1 << 20

    /// Written past the page cache: the next run reads a few records by offset, never the whole file, and
    /// copying a million vouchers' documents (51 MB) into new cache pages cost the end of a run 50–80 ms of
    /// the kernel's CPU. Through the cache once the device falls behind: the file is not fsynced, and it is
    /// written at the run's end, beside the commit's fsyncs.
    init(path: String) throws(StoreError) { file = try StreamedFile(path: path, hashing: false, directIO: true, cachingWhenBehind: true) }

    /// Appends a record (``DocumentFile/record(_:into:)``); its offset in the file.
    /// - Complexity: O(payload).
    public func record(_ payload: [UInt8]) -> Int {
      let offset = flushed + DocumentFile.record(payload, into: &pending)
      if pending.count >= Writer.flushAt { flush() }
      return offset
    }

    /// Appends records already framed (``DocumentFile/record(_:into:)``'s layout), as they are.
    /// - Complexity: O(bytes).
    public func records(_ bytes: UnsafeRawBufferPointer) {
      flush()
      file.append(bytes)
      flushed += bytes.count
    }

    private func flush() {
      file.append(pending.bytes)
      flushed += pending.bytes.count
      pending.reset()
    }

    /// Replaces the file with the records written (atomically, not fsynced: derived, the snapshot vouches for it);
    /// returns its size.
    public func finish() throws(StoreError) -> Int {
      flush()
      return try file.finish(durable: false).count
    }
  }

  /// A writer that replaces the file (until its ``Writer/finish()``, the file is as it was).
  public func rewrite() throws(StoreError) -> Writer { try Writer(path: path) }

  /// Cuts the file back to `size` (what the snapshot knows of) and appends `bytes`, records built with
  /// ``record(_:into:)`` whose offsets are then `size` + their offset in `bytes`. Returns the new size.
  /// - Complexity: O(bytes appended).
  public func append(_ bytes: [UInt8], after size: Int) throws(StoreError) -> Int {
    try DurableFiles.append(bytes, to: path, truncatingTo: size)
    return size + bytes.count
  }

  /// The record at `offset`, nil when the file does not have it.
  /// - Complexity: O(record size).
  public func read(at offset: Int) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var head = [UInt8](repeating: 0, count: 10)
    let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 10, off_t(offset)) }
    guard n > 0 else { return nil }
    var r = BinaryReader(Array(head[0..<n]))
    guard let length = try? r.count(limit: Int(Int32.max)) else { return nil }
    var body = [UInt8](repeating: 0, count: length)
    let got = body.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(offset + r.offset)) }
    return got == length ? body : nil
  }
}
