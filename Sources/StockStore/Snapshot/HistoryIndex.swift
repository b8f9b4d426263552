import Foundation
import StockCore
import StockRead

#if canImport(Glibc)
  import Glibc
#endif

/// `ledger/history.idx`: the history's vouchers as ``HistoryFile/Contents`` holds them once read whole — each
/// voucher's place and item-warehouses, each item-warehouse's vouchers — kept on disk, so that a backdated
/// run finds its part of the history from the vouchers of the item-warehouses it touches, mapped where they
/// lie, instead of reading every voucher of the history again (at a million vouchers that read was 63–78 ms
/// and 20 MB of fresh memory, most of a backdated run's wait before it posts; at ten million, ten times
/// that).
///
/// Derived, like the history: written by the run that read the history whole, describing its first `size`
/// bytes; used while the history file is the one it describes (the same file by inode: a replay writes the
/// history anew under a new one, and removes the index; the same bytes where it samples them) and the
/// records appended since take fewer bytes than an eighth of those it describes (``HistoryFile/contents(size:)``);
/// else the history is read whole and the index written anew. Not fsynced, replaced by a rename: a stale,
/// torn or damaged index is refused by its checks, and the history read whole.
///
/// Layout (little-endian): the tag; where the arrays start, the history's size, its vouchers, the file's
/// inode, the hash of the sampled bytes, the item-warehouses and the (voucher, item-warehouse) pairs, as
/// eight bytes each; the item-warehouses, in their numbers' order, spelled out; then, from a multiple of
/// four bytes, arrays of 32-bit numbers: each voucher's record start in the history, each voucher's first
/// pair (one more than the vouchers), each pair's item-warehouse, each item-warehouse's first pair in the
/// next array (one more than the item-warehouses), each pair's voucher (by item-warehouse, ascending).
final class HistoryIndex: @unchecked Sendable {
  static let tag = "stockledger-history-index 1"

  /// The index beside the history file at `history`.
  static func path(ledgerOf history: String) -> String { (history as NSString).deletingLastPathComponent + "/history.idx" }

  /// The history's bytes and vouchers it describes.
  let size: Int
  let count: Int
  /// The item-warehouses, by number.
  let keys: [StockKey]
  var keyCount: Int { keys.count }
  private let mapped: MappedFile
  private let recordStart, keyStart, keyIDs, voucherStart, vouchers: UnsafeBufferPointer<Int32>
  /// The history file, open for the places of the vouchers looked up.
  private let history: Int32

  /// The index of the history file at `history`, when it describes the first bytes of its first `size`
  /// (the same file, with the same bytes where it samples them); nil otherwise, or when it cannot be read.
  /// - Complexity: O(item-warehouses) decoded; the arrays mapped, read only where looked up (each number
  ///   checked as it is read: ``isDamaged``).
  init?(history: String, size requested: Int) {
    let path = HistoryIndex.path(ledgerOf: history)
    guard DurableFiles.exists(path), let mapped = MappedFile(path: path), mapped.buffer.count >= 64 else { return nil }
    let all = mapped.buffer
    var head = BinaryReader(Array(all[..<min(all.count, 256)]))
    guard (try? head.string()) == HistoryIndex.tag, let arraysAt = try? head.uint64(), arraysAt % 4 == 0, arraysAt <= UInt64(all.count) else { return nil }
    var r = BinaryReader(Array(all[..<Int(arraysAt)]))
    do throws(BinaryFormatError) {
      _ = try r.string()
      _ = try r.uint64()
      // (Sizes past 32 bits, which no index has, are refused before they are made numbers.)
      let fields = [try r.uint64(), try r.uint64(), try r.uint64(), try r.uint64(), try r.uint64(), try r.uint64()]
      let (inode, sample) = (fields[2], fields[3])
      guard fields.indices.allSatisfy({ $0 == 2 || $0 == 3 || fields[$0] < UInt64(Int32.max) }) else { return nil }
      let (size, count, keyCount, pairs) = (Int(fields[0]), Int(fields[1]), Int(fields[4]), Int(fields[5]))
      guard size <= requested, count <= size, pairs <= size, keyCount <= pairs + 1 else { return nil }
      var keys: [StockKey] = []
      keys.reserveCapacity(keyCount)
      for _ in 0..<keyCount { keys.append(try r.key()) }
      // The arrays, where they lie.
      let lengths = [count, count + 1, pairs, keyCount + 1, pairs]
      guard UInt64(all.count) - arraysAt == UInt64(lengths.reduce(0, +) * 4) else { return nil }
      var at = all.baseAddress!.advanced(by: Int(arraysAt))
      var views: [UnsafeBufferPointer<Int32>] = []
      for n in lengths {
        views.append(UnsafeBufferPointer(start: UnsafeRawPointer(at).assumingMemoryBound(to: Int32.self), count: n))
        at = at.advanced(by: 4 * n)
      }
      guard views[1].first == 0, views[1].last == Int32(pairs), views[3].first == 0, views[3].last == Int32(pairs) else { return nil }
      // The history file it describes: the same file (by inode), with the same bytes where it samples them.
      let fd = open(history, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { return nil }
      var st = stat()
      guard fstat(fd, &st) == 0, UInt64(st.st_ino) == inode, HistoryIndex.sample(fd, size: size) == sample else {
        close(fd)
        return nil
      }
      (self.size, self.count, self.keys, self.mapped, self.history) = (size, count, keys, mapped, fd)
      (recordStart, keyStart, keyIDs, voucherStart, vouchers) = (views[0], views[1], views[2], views[3], views[4])
    } catch {
      return nil
    }
  }

  deinit { close(history) }

  /// A hash of the history file's first and last bytes of its first `size` (4 KB each): what tells a
  /// history written anew under a reused inode.
  static func sample(_ fd: Int32, size: Int) -> UInt64? {
    let n = min(size, 4096)
    var bytes = [UInt8](repeating: 0, count: 2 * n)
    guard n == 0 || (pread(fd, &bytes, n, 0) == n && bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + n, n, off_t(size - n)) } == n) else { return nil }
    return FNV1a.hash(bytes) ^ UInt64(size)
  }

  /// Whether a lookup met a number outside the arrays it points into (an index damaged on disk, though
  /// its header and samples hold): it gave nothing for it, and the caller reads the history whole instead.
  /// Checked as each number is read rather than all of them at the start, which read the whole index
  /// (17.5 MB at a million vouchers, 5–7 ms).
  private(set) var isDamaged = false

  /// Where voucher `ordinal` is written (read from its record in the history); nil when the index or the
  /// history does not say.
  func place(of ordinal: Int) -> VoucherPlace? {
    guard ordinal >= 0, ordinal < count, recordStart[ordinal] >= 0, Int(recordStart[ordinal]) < size else {
      isDamaged = true
      return nil
    }
    var bytes = [UInt8](repeating: 0, count: 30)
    let got = pread(history, &bytes, 30, off_t(recordStart[ordinal]))
    guard got > 0 else { return nil }
    return HistoryFile.place(Array(bytes[..<got]))
  }

  /// The item-warehouse numbers of voucher `ordinal`.
  func keys(of ordinal: Int) -> [Int32] {
    let ids = HistoryIndex.range(keyStart, ordinal, in: keyIDs.count).flatMap { r in HistoryIndex.within(keyIDs[r], below: keyCount) }
    isDamaged = isDamaged || ids == nil
    return ids ?? []
  }

  /// The vouchers touching item-warehouse `key`, ascending.
  func vouchers(of key: Int) -> [Int32] {
    let ordinals = HistoryIndex.range(voucherStart, key, in: vouchers.count).flatMap { r in HistoryIndex.within(vouchers[r], below: count) }
    isDamaged = isDamaged || ordinals == nil
    return ordinals ?? []
  }

  /// `starts[i]..<starts[i + 1]`, when `i` is within them and the range within an array of `n`; nil
  /// otherwise.
  private static func range(_ starts: UnsafeBufferPointer<Int32>, _ i: Int, in n: Int) -> Range<Int>? {
    guard i >= 0, i + 1 < starts.count, starts[i] >= 0, starts[i] <= starts[i + 1], Int(starts[i + 1]) <= n else { return nil }
    return Int(starts[i])..<Int(starts[i + 1])
  }

  /// The numbers, when every one is below `limit` and not negative; nil otherwise.
  private static func within(_ numbers: Slice<UnsafeBufferPointer<Int32>>, below limit: Int) -> [Int32]? {
    numbers.allSatisfy { $0 >= 0 && Int($0) < limit } ? Array(numbers) : nil
  }

  /// Writes the index of `c`, the first `size` bytes of the history file at `history` read whole; nothing
  /// when it cannot be written (the next run that needs it reads the history whole again).
  /// - Complexity: O(vouchers + pairs + item-warehouses) written.
  static func write(_ c: HistoryFile.Contents, history: String, size: Int) {
    guard c.indexed == nil, size < Int(Int32.max) else { return }
    let fd = open(history, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    var st = stat()
    let sampled = fstat(fd, &st) == 0 ? sample(fd, size: size) : nil
    close(fd)
    guard let sampled else { return }
    var w = BinaryWriter(capacity: 64 + 24 * c.keys.count)
    w.string(tag)
    let arraysAtField = w.count
    w.uint64(0)  // (where the arrays start: put in below)
    for v in [size, c.count, Int(st.st_ino), 0, c.keys.count, c.keyIDs.count] { w.uint64(UInt64(truncatingIfNeeded: v)) }
    for k in c.keys { w.key(k) }
    while w.count % 4 != 0 { w.raw([0]) }
    var header = w.bytes
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { header.replaceSubrange(arraysAtField..<arraysAtField + 8, with: $0) }
    withUnsafeBytes(of: sampled.littleEndian) { header.replaceSubrange(arraysAtField + 32..<arraysAtField + 40, with: $0) }
    do throws(StoreError) {
      let file = try StreamedFile(path: path(ledgerOf: history), hashing: false, directIO: false)
      file.append(header)
      for a in [c.recordStart, c.keyStart, c.keyIDs, c.voucherStart, c.vouchers] { a.withUnsafeBytes { file.append($0) } }
      _ = try file.finish(durable: false)
    } catch {
      unlink(path(ledgerOf: history))
    }
  }
}
