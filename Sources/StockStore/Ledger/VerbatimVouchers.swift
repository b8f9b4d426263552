import Foundation
import StockCore

/// An inbox file whose bytes are a run's accepted vouchers, taken as the run's `vouchers.csv` instead of
/// its vouchers written again: a CSV file accepted whole, each voucher's rows one run of lines (in the
/// file's order, as the run's vouchers are), none changed by validation or by the engine. Its lines are
/// read back by the same reader with the file's own header (``LedgerStore`` for a whole file, a part of the
/// history by the byte ranges of its vouchers with the first line of the file). At a hundred thousand
/// movements the vouchers written again were 7 % of a run's instructions, most of them in its last stretch.
public struct VerbatimVouchers: Sendable {
  /// The file in the inbox, as the run read it: its size and modification time then, and its SHA-256.
  public var path: String
  public var size: Int
  public var modified: timespec
  public var sha256: String
  /// Whether the file may be linked into the run (it is moved to the archive after the commit, and the
  /// link shares it, read-only); else it is copied (it stays in the inbox, where it may be written again).
  public var link: Bool
  /// Where its vouchers lie, found from the bytes the run read (``places(in:)``, waited for at the commit;
  /// nil there when they are not the vouchers); nil: found in the file at the commit.
  public var foundPlaces: (@Sendable () -> VoucherPlaces?)?

  /// The largest file copied rather than linked (a million vouchers are 83 MB), and whose places are found
  /// from the bytes read (``places(in:)``: they are held until then).
  public static let largestCopy = 128 << 20

  public init(path: String, size: Int, modified: timespec, sha256: String, link: Bool, foundPlaces: (@Sendable () -> VoucherPlaces?)? = nil) {
    (self.path, self.size, self.modified, self.sha256, self.link) = (path, size, modified, sha256, link)
    self.foundPlaces = foundPlaces
  }

  /// The file as the run's `vouchers.csv` at `target`, durable (its name once the commit fsyncs the run's
  /// directory), with the places of its `count` vouchers; nil, with nothing left at `target`, when the
  /// file changed since it was read or its lines are not `count` vouchers, each one run of lines (the commit
  /// then writes the vouchers).
  func adopt(as target: String, run: Int, count: Int) -> LargeFile.Written? {
    // Where its vouchers lie, when found as the file was read (in the bytes whose hash the manifest
    // takes): when they are not the run's vouchers, the file is neither linked nor copied.
    let found = foundPlaces.map { $0().flatMap { $0.count == count ? $0.inRun(run) : nil } }
    if case .some(.none) = found { return nil }
    var st = stat()
    guard lstat(path, &st) == 0, Int(st.st_size) == size, st.st_mtim.tv_sec == modified.tv_sec, st.st_mtim.tv_nsec == modified.tv_nsec else { return nil }
    do throws(StoreError) {
      // Linked only while the inbox holds the file's one name: another name (a producer's hard link) could
      // be written through after the run.
      let linked = link && st.st_nlink == 1 ? try DurableFiles.link(path, as: target, syncingDirectory: false) : false
      if !linked {
        // A copy, of the bytes hashed again: they must be those the run read. (Read whole: past
        // ``largestCopy`` the vouchers are written instead, within the run's memory.)
        guard size <= VerbatimVouchers.largestCopy else { return nil }
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
    guard let places = found ?? VerbatimVouchers.places(of: target, run: run, count: count) else {
      unlink(target)
      return nil
    }
    return LargeFile.Written(name: LargeFile.vouchers.fileName, count: size, sha256: sha256, places: places)
  }

  /// Where each of the file's `count` vouchers is: after its header, the lines that are not blank, grouped
  /// by their `voucher_no` (a voucher's rows are one run of lines), each group to the next one's start (a
  /// blank line after a voucher is its own, as the ledger's reader counts it); nil when there are not
  /// exactly `count` groups (a number that comes back after another's would make one more), or the file has
  /// a quote (a quoted line break would make one row two lines), or a line longer than a megabyte.
  /// - Complexity: O(bytes), read from the page cache a megabyte at a time.
  static func places(of path: String, run: Int, count: Int) -> VoucherPlaces? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var scanner = PlaceScanner(run: run, limit: count)
    // A megabyte at a time (a file of ten million vouchers is not read whole: its bytes would count to the
    // run's memory); a line cut by the end of one read is moved to the start of the buffer for the next.
    let chunk = 1 << 20
    var buffer = [UInt8](repeating: 0, count: 2 * chunk)
    var offset = 0  // of buffer[0] in the file
    var filled = 0  // bytes of the buffer read
    var atEnd = false
    while !atEnd {
      let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, chunk, off_t(offset + filled)) }
      guard n >= 0 else { return nil }
      if n == 0 { atEnd = true }
      filled += n
      let used = buffer.withUnsafeBufferPointer { scanner.scan($0.baseAddress!, count: filled, at: offset, atEnd: atEnd) }
      guard let used else { return nil }
      // The cut line moved to the front; a line longer than a read is not a voucher's row.
      let left = filled - min(used, filled)
      guard left < chunk else { return nil }
      if left > 0 { buffer.withUnsafeMutableBytes { _ = memmove($0.baseAddress!, $0.baseAddress! + used, left) } }
      offset += min(used, filled)
      filled = left
    }
    guard scanner.found == count else { return nil }
    return scanner.finish(end: offset + filled)
  }

  /// ``places(of:run:count:)`` of a file's bytes read whole, for any count of vouchers (the caller compares
  /// it), in a run numbered 0 (``VoucherPlaces/inRun(_:)``): found while the run reads and posts, on a
  /// thread of its own, rather than at its commit.
  /// - Complexity: O(bytes).
  public static func places(in bytes: UnsafeBufferPointer<UInt8>) -> VoucherPlaces? {
    guard let base = bytes.baseAddress else { return nil }
    var scanner = PlaceScanner(run: 0, limit: Int.max)
    guard scanner.scan(base, count: bytes.count, at: 0, atEnd: true) != nil else { return nil }
    return scanner.finish(end: bytes.count)
  }

  /// The scan of ``places(of:run:count:)``: lines handed over as they are read, grouped by `voucher_no`.
  struct PlaceScanner {
    private var places: VoucherPlaces
    /// More groups than this: not the run's vouchers (the scan stops).
    private let limit: Int
    private var column: Int?  // of voucher_no, once the header is read
    // The `voucher_no` of the group being measured (its bytes copied: the buffer moves under it).
    private var number = [UInt8](repeating: 0, count: 256)
    private var numberCount = -1  // -1: no group yet
    private var start = 0  // where that group begins
    private(set) var found = 0

    init(run: Int, limit: Int) {
      places = VoucherPlaces(run: run)
      if limit < Int.max { places.reserveCapacity(limit) }
      self.limit = limit
    }

    /// Scans the whole lines of the `count` bytes at `base`, the file's from offset `at` (with `atEnd`, the
    /// last one need not end in a line feed); returns how many bytes it used, or nil when the file is not
    /// the vouchers (a quote, no `voucher_no` column, a line with fewer fields, more groups than `limit`).
    /// Through pointers: a line is a `memchr` for its end, one for each comma up to the number, and a
    /// `memcmp` (through generic slices of the buffer it took 550 instructions, 350 so).
    /// - Complexity: O(count).
    mutating func scan(_ base: UnsafePointer<UInt8>, count filled: Int, at offset: Int, atEnd: Bool) -> Int? {
      // A quoted field may hold a line break: a line would then not be a row. (Plain files have none.)
      if memchr(base, 34, filled) != nil { return nil }
      var i = 0
      while i < filled {
        let lf = memchr(base + i, 10, filled - i).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
        guard let end = lf ?? (atEnd ? filled : nil) else { break }  // the line goes on in the next read
        var last = end
        if last > i && base[last - 1] == 13 { last -= 1 }
        if column == nil {
          column = VerbatimVouchers.column(of: "voucher_no", in: UnsafeBufferPointer(start: base + i, count: last - i))
          guard column != nil else { return nil }
        } else if last > i {
          guard let field = VerbatimVouchers.field(column!, from: base + i, count: last - i) else { return nil }
          let same = field.count == numberCount && (field.count == 0 || number.withUnsafeBytes { memcmp($0.baseAddress!, field.start, field.count) } == 0)
          if !same {
            if numberCount >= 0 { places.append(start: start, end: offset + i) }
            start = offset + i
            if field.count > number.count { number = [UInt8](repeating: 0, count: field.count) }
            number.withUnsafeMutableBytes { _ = memcpy($0.baseAddress!, field.start, field.count) }
            numberCount = field.count
            found += 1
            if found > limit { return nil }
          }
        }
        i = end + 1
      }
      return i
    }

    /// The places, the last group ending at `end` (the file's size); nil when no line had a voucher.
    mutating func finish(end: Int) -> VoucherPlaces? {
      guard numberCount >= 0 else { return nil }
      places.append(start: start, end: end)
      return places
    }
  }

  /// The index of the header field `name` (a byte order mark before the first ignored).
  static func column(of name: String, in header: UnsafeBufferPointer<UInt8>) -> Int? {
    var fields = header.split(separator: 44, omittingEmptySubsequences: false)
    if let first = fields.first, first.starts(with: [0xEF, 0xBB, 0xBF]) { fields[0] = first.dropFirst(3) }
    return fields.firstIndex { $0.elementsEqual(name.utf8) }
  }

  /// Field `k` of the line of `count` bytes at `line` (fields separated by commas, none quoted): where it
  /// starts and how long it is; nil when the line has fewer.
  static func field(_ k: Int, from line: UnsafePointer<UInt8>, count: Int) -> (start: UnsafePointer<UInt8>, count: Int)? {
    var from = line
    let end = line + count
    for _ in 0..<k {
      guard let comma = memchr(from, 44, end - from) else { return nil }
      from = UnsafePointer(comma.assumingMemoryBound(to: UInt8.self)) + 1
    }
    let to = memchr(from, 44, end - from).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) } ?? end
    return (from, to - from)
  }
}
