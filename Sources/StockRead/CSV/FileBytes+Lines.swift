import StockCore

#if canImport(Glibc)
  import Glibc
#endif

extension FileBytes {
  /// Reads the file at `path` a part of `part` bytes at a time and hands `body` each part's whole lines
  /// (a line longer than a part grows the part; the last line need not end in a line break), with whether
  /// they begin the file; stops when `body` returns false. Memory: a part, not the file.
  /// - Returns: false when the file cannot be opened or read, or `body` stopped.
  /// - Complexity: O(file size), read once.
  public static func forEachLines(ofFileAt path: String, part: Int = 8 << 20, _ body: (_ lines: UnsafeBufferPointer<UInt8>, _ atStart: Bool) -> Bool) -> Bool {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: max(part, 1))
    var kept = 0  // bytes of an unfinished line carried to the front
    var atStart = true
    while true {
      if kept == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }  // a line longer than a part
      let got = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + kept, $0.count - kept) }
      if got < 0 && errno == EINTR { continue }
      guard got >= 0 else { return false }
      let end = kept + got
      // The lines ended in this part (all that is left at the file's end).
      var whole = end
      if got > 0 { while whole > 0 && buffer[whole - 1] != 10 { whole -= 1 } }
      if whole > 0 {
        guard buffer.withUnsafeBufferPointer({ body(UnsafeBufferPointer(rebasing: $0[..<whole]), atStart) }) else { return false }
        atStart = false
      }
      if got == 0 { return true }
      buffer.withUnsafeMutableBufferPointer { b in
        if whole < end { _ = memmove(b.baseAddress!, b.baseAddress! + whole, end - whole) }
      }
      kept = end - whole
    }
  }
}

extension FileBytes {
  /// Reads the file at `path` a part of `part` bytes at a time, hashing every byte as it is read, and hands
  /// `body` each part's whole CSV records (they end in a line break outside quotes: a quoted field's line
  /// breaks stay inside its record; a record longer than a part grows the part; the last need not end in a
  /// line break) with the line number of their first line (1 for the file's first). Memory: a part, not the
  /// file. Symbolic links are followed (a committed file is read as the ledger's load reads it).
  /// - Returns: the file's SHA-256 and size; nil when it cannot be opened or read.
  /// - Complexity: O(file size), read and hashed once; the bytes of a part with a quote are also scanned
  ///   for where its last record ends.
  public static func forEachRecords(ofFileAt path: String, part: Int = 8 << 20, _ body: (_ records: UnsafeBufferPointer<UInt8>, _ firstLine: Int) -> Void) -> (sha256: String, bytes: Int)? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: max(part, 1))
    var hash = SHA256()
    var (kept, total, line) = (0, 0, 1)  // bytes of an unfinished record carried to the front; its first line
    while true {
      if kept == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }  // a record longer than a part
      let got = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + kept, $0.count - kept) }
      if got < 0 && errno == EINTR { continue }
      guard got >= 0 else { return nil }
      buffer.withUnsafeBytes { hash.update(UnsafeRawBufferPointer(rebasing: $0[kept..<kept + got])) }
      total += got
      let end = kept + got
      // The records ended in this part (all that is left at the file's end).
      let whole = got == 0 ? end : buffer.withUnsafeBufferPointer { FileBytes.recordsEnd(in: UnsafeBufferPointer(rebasing: $0[..<end])) }
      if whole > 0 {
        buffer.withUnsafeBufferPointer { b in
          let records = UnsafeBufferPointer(rebasing: b[..<whole])
          body(records, line)
          line += ByteScan.count(10, in: records)
        }
      }
      if got == 0 { return (hash.finalizeHex(), total) }
      buffer.withUnsafeMutableBufferPointer { b in
        if whole < end { _ = memmove(b.baseAddress!, b.baseAddress! + whole, end - whole) }
      }
      kept = end - whole
    }
  }

  /// Where the whole records of `bytes` (which begin with a record) end: after the last line break outside
  /// quotes; 0 when none ends in them.
  /// - Complexity: O(n) when they hold a quote (each quote toggles whether a line break ends a record);
  ///   else a search back for the last line break.
  static func recordsEnd(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
    if memchr(base, 34, bytes.count) == nil {
      var i = bytes.count
      while i > 0 && bytes[i - 1] != 10 { i -= 1 }
      return i
    }
    var (quoted, end) = (false, 0)
    for i in bytes.indices {
      if bytes[i] == 34 { quoted.toggle() } else if bytes[i] == 10 && !quoted { end = i + 1 }
    }
    return end
  }
}
