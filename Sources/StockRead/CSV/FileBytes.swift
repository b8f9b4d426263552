#if canImport(Glibc)
  import Glibc
#endif

/// Reads a whole file into one byte array (one allocation, no `Data` in between).
public enum FileBytes {
  /// The file's bytes, or nil when it cannot be opened or read.
  /// - Complexity: O(n) in the file size.
  public static func read(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { return nil }
    let size = Int(st.st_size)
    var failed = false
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, count in
      var done = 0
      guard let base = buf.baseAddress else {
        count = 0
        return
      }
      while done < size {
        let n = Glibc.read(fd, base + done, size - done)
        if n < 0 { failed = true; break }
        if n == 0 { break }
        done += n
      }
      count = done
    }
    return failed ? nil : bytes
  }
}

extension FileBytes {
  /// The file's first line, with its line feed: a CSV file's header (at most 64 KB read; nil when the file
  /// cannot be read or has no line feed there).
  public static func firstLine(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out = [UInt8](repeating: 0, count: 1 << 16)
    let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, 0) }
    guard n > 0, let lf = out[..<n].firstIndex(of: 10) else { return nil }
    return Array(out[...lf])
  }

  /// Whether the file at `path` holds `byte`, read a megabyte at a time into one buffer (a large file
  /// mapped and searched was resident in the process whole: 1.2 GB at ten million vouchers); nil when it
  /// cannot be read.
  /// - Complexity: O(file size); memory O(1).
  public static func holds(_ byte: UInt8, in path: String) -> Bool? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var offset = 0
    return buffer.withUnsafeMutableBytes { b -> Bool? in
      while true {
        let n = pread(fd, b.baseAddress!, b.count, off_t(offset))
        if n < 0 { return nil }
        if n == 0 { return false }
        if memchr(b.baseAddress!, Int32(byte), n) != nil { return true }
        offset += n
      }
    }
  }

  /// Bytes `start..<end` of a file, nil when it cannot be read or is shorter.
  /// - Complexity: O(end − start).
  public static func read(_ path: String, range: Range<Int>) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out = [UInt8](repeating: 0, count: range.count)
    var done = 0
    while done < range.count {
      let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, range.count - done, off_t(range.lowerBound + done)) }
      if n <= 0 { return nil }
      done += n
    }
    return out
  }

  /// The first `size` bytes of a file.
  public static func readPrefix(_ path: String, _ size: Int) -> [UInt8]? { size == 0 ? [] : read(path, range: 0..<size) }
}
