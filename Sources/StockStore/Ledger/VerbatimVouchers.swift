import Foundation
import StockCore

/// An inbox file whose bytes are a run's accepted vouchers, taken as the run's `vouchers.csv` instead of
/// its vouchers written again: a CSV file accepted whole, each voucher one line (in the file's order, as
/// the run's vouchers are), none changed by validation or by the engine. Its lines are read back by the
/// same reader with the file's own header (``LedgerStore`` for a whole file, a part of the history by the
/// byte ranges of its vouchers with the first line of the file). At a hundred thousand movements the
/// vouchers written again were 7 % of a run's instructions, most of them in its last stretch.
public struct VerbatimVouchers: Sendable {
  /// The file in the inbox, as the run read it: its size and modification time then, and its SHA-256.
  public var path: String
  public var size: Int
  public var modified: timespec
  public var sha256: String
  /// Whether the file may be linked into the run (it is moved to the archive after the commit, and the
  /// link shares it, read-only); else it is copied (it stays in the inbox, where it may be written again).
  public var link: Bool

  public init(path: String, size: Int, modified: timespec, sha256: String, link: Bool) {
    (self.path, self.size, self.modified, self.sha256, self.link) = (path, size, modified, sha256, link)
  }

  /// The file as the run's `vouchers.csv` at `target`, durable (its name once the commit fsyncs the run's
  /// directory), with the places of its `count` vouchers; nil, with nothing left at `target`, when the
  /// file changed since it was read or its lines are not `count` vouchers of one line each (the commit then
  /// writes the vouchers).
  func adopt(as target: String, run: Int, count: Int) -> LargeFile.Written? {
    var st = stat()
    guard lstat(path, &st) == 0, Int(st.st_size) == size, st.st_mtim.tv_sec == modified.tv_sec, st.st_mtim.tv_nsec == modified.tv_nsec else { return nil }
    do throws(StoreError) {
      // Linked only while the inbox holds the file's one name: another name (a producer's hard link) could
      // be written through after the run.
      let linked = link && st.st_nlink == 1 ? try DurableFiles.link(path, as: target, syncingDirectory: false) : false
      if !linked {
        // A copy, of the bytes hashed again: they must be those the run read.
        let bytes = try DurableFiles.read(path)
        var hash = SHA256()
        bytes.withUnsafeBytes { hash.update($0) }
        guard bytes.count == size, hash.finalizeHex() == sha256 else { return nil }
        try DurableFiles.write(bytes, to: target, syncingDirectory: false)
      } else {
        // The producer's bytes, made durable: they were never synced by the run.
        let fd = open(target, O_RDONLY)
        guard fd >= 0 else { throw StoreError(path: target, "cannot be opened to sync it") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw StoreError(path: target, "cannot be synced") }
      }
    } catch {
      unlink(target)
      return nil
    }
    guard let places = VerbatimVouchers.places(of: target, run: run, count: count) else {
      unlink(target)
      return nil
    }
    return LargeFile.Written(name: LargeFile.vouchers.fileName, count: size, sha256: sha256, places: places)
  }

  /// Where each of the file's `count` vouchers is: after its header, one per line that is not blank, each
  /// to the next one's start (a blank line after a voucher is its own, as the ledger's reader counts it);
  /// nil when the file does not have exactly `count` such lines, or has a quote (a quoted line break would
  /// make one row two lines).
  /// - Complexity: O(bytes), read from the page cache a megabyte at a time.
  static func places(of path: String, run: Int, count: Int) -> VoucherPlaces? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var places = VoucherPlaces(run: run)
    places.reserveCapacity(count)
    // Read a megabyte at a time (a file of ten million vouchers is not mapped whole: its pages would count
    // to the run's memory), each line measured from its start to the next line's.
    let chunk = 1 << 20
    var buffer = [UInt8](repeating: 0, count: chunk)
    var offset = 0  // of buffer[0] in the file
    var header = true
    var start: Int?  // where the voucher line being measured begins
    var lineStart = 0
    var previous: UInt8 = 10  // the byte before the buffer's first
    var found = 0
    /// A line from `lineStart` to a line feed at `end` (or to the file's end): a voucher's unless blank.
    func line(to end: Int, lastByte: UInt8) -> Bool {
      let length = end - lineStart
      let blank = length == 0 || (length == 1 && lastByte == 13)
      if header {
        header = false
      } else if !blank {
        if let s = start { places.append(start: s, end: lineStart) }
        start = lineStart
        found += 1
        if found > count { return false }
      }
      return true
    }
    while true {
      let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, chunk, off_t(offset)) }
      guard n >= 0 else { return nil }
      if n == 0 { break }
      let ok = buffer.withUnsafeBufferPointer { b -> Bool in
        let base = b.baseAddress!
        // A quoted field may hold a line break: a line would then not be a row. (Plain files have none.)
        if memchr(base, 34, n) != nil { return false }
        var i = 0
        while i < n, let lf = memchr(base + i, 10, n - i) {
          let at = base.distance(to: lf.assumingMemoryBound(to: UInt8.self))
          if !line(to: offset + at, lastByte: at > 0 ? b[at - 1] : previous) { return false }
          lineStart = offset + at + 1
          i = at + 1
        }
        previous = b[n - 1]
        return true
      }
      guard ok else { return nil }
      offset += n
    }
    // The last line, without a line feed.
    if lineStart < offset, !line(to: offset, lastByte: previous) { return nil }
    guard found == count, let s = start else { return nil }
    places.append(start: s, end: offset)
    return places
  }
}
