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
