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
    var atStart = true
    let read = forEachPart(ofFileAt: path, part: part, hashing: false, wholeUpTo: { lastLineBreak(in: $0) }) { lines in
      defer { atStart = false }
      return body(lines, atStart)
    }
    return read?.complete ?? false
  }

  /// Reads the file at `path` a part of `part` bytes at a time, hashing every byte as it is read, and hands
  /// `body` each part's whole CSV records (they end in a line break outside quotes: a quoted field's line
  /// breaks stay inside its record; a record longer than a part grows the part; the last need not end in a
  /// line break) with the line number of their first line (1 for the file's first). Memory: a part, not the
  /// file. Symbolic links are followed (a committed file is read as the ledger's load reads it).
  /// - Returns: the file's SHA-256 and size; nil when it cannot be opened or read.
  /// - Complexity: O(file size), read and hashed once; the bytes of a part with a quote are also scanned
  ///   for where its last record ends.
  public static func forEachRecords(ofFileAt path: String, part: Int = 8 << 20, _ body: (_ records: UnsafeBufferPointer<UInt8>, _ firstLine: Int) -> Void) -> (sha256: String, bytes: Int)? {
    var line = 1
    let read = forEachPart(ofFileAt: path, part: part, hashing: true, wholeUpTo: { recordsEnd(in: $0) }) { records in
      body(records, line)
      line += ByteScan.count(10, in: records)
      return true
    }
    guard let read, let sha256 = read.sha256 else { return nil }
    return (sha256, read.bytes)
  }

  /// The loop of ``forEachLines(ofFileAt:part:_:)`` and ``forEachRecords(ofFileAt:part:_:)``: the file read
  /// a part at a time (each part's bytes hashed as they arrive, when `hashing`), `body` handed the bytes up
  /// to where `wholeUpTo` says a part's whole lines or records end (all that is left at the file's end), the
  /// rest carried to the front of the next part (a part grows when nothing in it ends).
  /// - Returns: whether `body` took every part, the SHA-256 (when hashing) and the bytes read; nil when the
  ///   file cannot be opened or read.
  private static func forEachPart(
    ofFileAt path: String, part: Int, hashing: Bool, wholeUpTo: (UnsafeBufferPointer<UInt8>) -> Int, _ body: (UnsafeBufferPointer<UInt8>) -> Bool
  ) -> (complete: Bool, sha256: String?, bytes: Int)? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: max(part, 1))
    var hash = SHA256()
    var (kept, total) = (0, 0)  // bytes of an unfinished line or record carried to the front
    while true {
      if kept == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }  // longer than a part
      let got = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + kept, $0.count - kept) }
      if got < 0 && errno == EINTR { continue }
      guard got >= 0 else { return nil }
      if hashing { buffer.withUnsafeBytes { hash.update(UnsafeRawBufferPointer(rebasing: $0[kept..<kept + got])) } }
      total += got
      let end = kept + got
      let whole = got == 0 ? end : buffer.withUnsafeBufferPointer { wholeUpTo(UnsafeBufferPointer(rebasing: $0[..<end])) }
      if whole > 0 {
        guard buffer.withUnsafeBufferPointer({ body(UnsafeBufferPointer(rebasing: $0[..<whole])) }) else { return (false, nil, total) }
      }
      if got == 0 { return (true, hashing ? hash.finalizeHex() : nil, total) }
      buffer.withUnsafeMutableBufferPointer { b in
        if whole < end { _ = memmove(b.baseAddress!, b.baseAddress! + whole, end - whole) }
      }
      kept = end - whole
    }
  }

  /// Where the whole lines of `bytes` end: after the last line break; 0 when none is in them.
  static func lastLineBreak(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var i = bytes.count
    while i > 0 && bytes[i - 1] != 10 { i -= 1 }
    return i
  }

  /// Where the whole records of `bytes` (which begin with a record) end: after the last line break outside
  /// quotes; 0 when none ends in them.
  /// - Complexity: O(n) when they hold a quote (each quote toggles whether a line break ends a record);
  ///   else a search back for the last line break.
  static func recordsEnd(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
    if memchr(base, 34, bytes.count) == nil { return lastLineBreak(in: bytes) }
    var (quoted, end) = (false, 0)
    for i in bytes.indices {
      if bytes[i] == 34 { quoted.toggle() } else if bytes[i] == 10 && !quoted { end = i + 1 }
    }
    return end
  }
}
