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

  /// Replaces the file with `records`; returns each record's offset and the file's size.
  /// - Complexity: O(total bytes).
  public func write(_ records: [[UInt8]]) throws(StoreError) -> (offsets: [Int], size: Int) {
    var w = BinaryWriter(capacity: records.reduce(0) { $0 + $1.count + 2 })
    var offsets: [Int] = []
    offsets.reserveCapacity(records.count)
    for r in records {
      offsets.append(w.bytes.count)
      w.count(r.count)
      w.raw(r)
    }
    try DurableFiles.write(w.bytes, to: path, durable: false)
    return (offsets, w.bytes.count)
  }

  /// Cuts the file back to `size` (what the snapshot knows of) and appends `records`; returns their offsets
  /// and the file's new size.
  /// - Complexity: O(bytes appended).
  public func append(_ records: [[UInt8]], after size: Int) throws(StoreError) -> (offsets: [Int], size: Int) {
    var w = BinaryWriter()
    var offsets: [Int] = []
    for r in records {
      offsets.append(size + w.bytes.count)
      w.count(r.count)
      w.raw(r)
    }
    try DurableFiles.append(w.bytes, to: path, truncatingTo: size)
    return (offsets, size + w.bytes.count)
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
