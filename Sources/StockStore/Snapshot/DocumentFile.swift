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

  /// Replaces the file with `bytes` (records built with ``record(_:into:)``).
  public func replace(with bytes: [UInt8]) throws(StoreError) {
    try DurableFiles.write(bytes, to: path, durable: false)
  }

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
