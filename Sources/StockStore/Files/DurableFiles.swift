import Foundation
import StockCore

#if canImport(Glibc)
  import Glibc
#endif

/// A write, fsync, rename or directory problem, naming the path. Any such error aborts the run before its
/// commit point, so the ledger stays as it was (reliability §2.2: fsync is never retried).
public struct StoreError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var message: String
  public init(path: String, _ message: String) {
    self.path = path
    self.message = message
  }
  public var description: String { "\(path): \(message)" }
}

/// The ledger fails its integrity checks (a hash, the chain, a torn file): exit 3.
public struct IntegrityError: Error, Sendable, CustomStringConvertible {
  public var place: String
  public var message: String
  public init(place: String, _ message: String) {
    self.place = place
    self.message = message
  }
  public var description: String { "\(place): \(message)" }
}

/// File operations with the durability the commit protocol needs: temp file → write → fsync → rename →
/// fsync the directory.
public enum DurableFiles {
  /// Writes `bytes` to `path` atomically and durably. With `durable: false` the file is still replaced
  /// atomically (readers never see half a file) but not fsynced: for derived files every run rewrites.
  /// With `syncingDirectory: false` the file is fsynced but its directory is not: the caller fsyncs it
  /// once for the files it puts there (``syncDirectory(_:)``), before anything depends on their names.
  public static func write(_ bytes: [UInt8], to path: String, durable: Bool = true, syncingDirectory: Bool = true) throws(StoreError) {
    let dir = (path as NSString).deletingLastPathComponent
    let tmp = dir + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw StoreError(path: tmp, "cannot create: \(errnoText())") }
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { p in p.baseAddress.map { Glibc.write(fd, $0 + offset, bytes.count - offset) } ?? 0 }
      if n < 0 {
        let e = errnoText()
        close(fd)
        unlink(tmp)
        throw StoreError(path: tmp, "write failed: \(e)")
      }
      offset += n
    }
    CrashPoint.hit("write:\((path as NSString).lastPathComponent)")
    if durable && fsync(fd) != 0 {
      let e = errnoText()
      close(fd)
      unlink(tmp)
      throw StoreError(path: tmp, "fsync failed: \(e)")
    }
    if close(fd) != 0 { throw StoreError(path: tmp, "close failed: \(errnoText())") }
    CrashPoint.hit("fsync:\((path as NSString).lastPathComponent)")
    if rename(tmp, path) != 0 { throw StoreError(path: path, "rename failed: \(errnoText())") }
    CrashPoint.hit("rename:\((path as NSString).lastPathComponent)")
    if durable && syncingDirectory { try syncDirectory(dir) }
  }

  public static func write(_ text: String, to path: String, syncingDirectory: Bool = true) throws(StoreError) {
    try write(Array(text.utf8), to: path, syncingDirectory: syncingDirectory)
  }

  /// fsyncs a directory so that renames and creations in it are durable.
  public static func syncDirectory(_ dir: String) throws(StoreError) {
    let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw StoreError(path: dir, "cannot open directory: \(errnoText())") }
    defer { close(fd) }
    if fsync(fd) != 0 { throw StoreError(path: dir, "fsync of directory failed: \(errnoText())") }
  }

  /// Creates a directory and its parents.
  public static func makeDirectory(_ path: String) throws(StoreError) {
    do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
      throw StoreError(path: path, "cannot create directory: \(error.localizedDescription)")
    }
  }

  /// Reads a whole file.
  public static func read(_ path: String) throws(StoreError) -> [UInt8] {
    guard let d = FileManager.default.contents(atPath: path) else { throw StoreError(path: path, "cannot read") }
    return [UInt8](d)
  }

  public static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

  /// Asks the kernel to drop the file's clean pages from the page cache (`POSIX_FADV_DONTNEED`; dirty ones
  /// are left to writeback): a large file about to be replaced, whose pages would otherwise be freed when it
  /// is removed, at the end of the run. A hint; the file's contents do not change.
  /// - Complexity: O(pages cached), in the kernel.
  public static func dropCachedPages(_ path: String) { advise(path, Int32(POSIX_FADV_DONTNEED)) }

  /// Asks the kernel to read the file into the page cache (`POSIX_FADV_WILLNEED`), 8 MiB at a time (asked
  /// for whole, it read the first 8 MiB only): a large file written past the cache that a run is about to
  /// read. Returns once the reads are queued, about 20 ms for 119 MB on this project's VM (call it on
  /// another thread); they complete at the device's speed. A hint; the file's contents do not change.
  /// - Complexity: O(size), in the kernel; nothing is read for pages already cached.
  public static func warm(_ path: String) { advise(path, Int32(POSIX_FADV_WILLNEED), step: 8 << 20) }

  /// Gives the kernel `advice` on the whole file's pages (`posix_fadvise`), at once or `step` bytes at a time.
  private static func advise(_ path: String, _ advice: Int32, step: Int? = nil) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    defer { close(fd) }
    guard let step else {
      _ = posix_fadvise(fd, 0, 0, advice)
      return
    }
    var info = stat()
    guard fstat(fd, &info) == 0 else { return }
    var offset = off_t(0)
    while offset < info.st_size {
      _ = posix_fadvise(fd, offset, off_t(step), advice)
      offset += off_t(step)
    }
  }

  /// The size of a regular file, nil when there is none.
  public static func size(_ path: String) -> Int? {
    var st = stat()
    guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Int(st.st_size)
  }

  /// Cuts `path` back to `size` bytes and appends `bytes` (not atomic, not fsynced: for derived files whose
  /// completeness a marker written afterwards vouches for).
  public static func append(_ bytes: [UInt8], to path: String, truncatingTo size: Int) throws(StoreError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw StoreError(path: path, "cannot open: \(errnoText())") }
    defer { close(fd) }
    guard ftruncate(fd, off_t(size)) == 0, lseek(fd, off_t(size), SEEK_SET) >= 0 else { throw StoreError(path: path, "cannot truncate: \(errnoText())") }
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { p in p.baseAddress.map { Glibc.write(fd, $0 + offset, bytes.count - offset) } ?? 0 }
      if n < 0 { throw StoreError(path: path, "write failed: \(errnoText())") }
      offset += n
    }
    CrashPoint.hit("append:\((path as NSString).lastPathComponent)")
  }

  /// Removes the temp files an interrupted ``write(_:to:)`` left in `dir` (`.NAME.tmp-PID`).
  public static func removeStrayTemporaries(in dir: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
    for n in names where n.hasPrefix(".") && n.contains(".tmp-") { unlink(dir + "/" + n) }
  }

  /// Makes a file written elsewhere durable under `path`: fsyncs it, renames it into place and fsyncs the
  /// directory (a file another thread wrote under a temporary name, adopted once its place exists).
  /// - Parameters:
  ///   - crashPoints: whether to pass the crash points of ``write(_:to:durable:syncingDirectory:)`` under
  ///     `path`'s name (a ledger file, which the crash tests stop at).
  ///   - syncingDirectory: false when the caller fsyncs the directory itself, once for the files it puts there.
  public static func adopt(_ temporary: String, as path: String, crashPoints: Bool = false, syncingDirectory: Bool = true) throws(StoreError) {
    let name = (path as NSString).lastPathComponent
    if crashPoints { CrashPoint.hit("write:\(name)") }
    let fd = open(temporary, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw StoreError(path: temporary, "cannot open: \(errnoText())") }
    let synced = fsync(fd) == 0
    close(fd)
    guard synced else { throw StoreError(path: temporary, "fsync failed: \(errnoText())") }
    if crashPoints { CrashPoint.hit("fsync:\(name)") }
    guard rename(temporary, path) == 0 else { throw StoreError(path: path, "cannot rename \(temporary) into place: \(errnoText())") }
    if crashPoints { CrashPoint.hit("rename:\(name)") }
    if syncingDirectory { try syncDirectory((path as NSString).deletingLastPathComponent) }
  }

  /// Gives the durable file `source` a second name, `path` (a hard link under a temporary name, renamed
  /// into place; the directory fsynced). The file is made read-only first: the two names are one file, so a
  /// write through either would change both (`source` is a ledger file, `path` a report of its bytes).
  /// - Returns: false, with nothing but the mode changed, where the file system cannot (`path` on another
  ///   file system, no hard links): the caller copies the file instead.
  /// - Parameter syncingDirectory: false when the caller fsyncs `path`'s directory itself.
  /// - Throws: when the link was made but cannot be renamed into place or made durable.
  public static func link(_ source: String, as path: String, syncingDirectory: Bool = true) throws(StoreError) -> Bool {
    guard chmod(source, 0o444) == 0 else { return false }
    let dir = (path as NSString).deletingLastPathComponent
    let temporary = dir + "/." + (path as NSString).lastPathComponent + ".tmp-link-\(getpid())"
    unlink(temporary)
    guard Glibc.link(source, temporary) == 0 else { return false }
    guard rename(temporary, path) == 0 else {
      let reason = errnoText()
      unlink(temporary)
      throw StoreError(path: path, "cannot rename the link \(temporary) into place: \(reason)")
    }
    if syncingDirectory { try syncDirectory(dir) }
    return true
  }

  /// Renames a file, then fsyncs both directories (unless `syncingDirectories` is false: the caller fsyncs
  /// them, once for all its moves). Across file systems (EXDEV) the file is copied to a temp name beside the
  /// target, fsynced, checked byte for byte, renamed into place, and only then removed.
  public static func move(_ from: String, to: String, syncingDirectories: Bool = true) throws(StoreError) {
    if rename(from, to) != 0 {
      guard errno == EXDEV else { throw StoreError(path: from, "cannot move to \(to): \(errnoText())") }
      let bytes = try read(from)
      try write(bytes, to: to)
      guard (try? read(to)) == bytes else { throw StoreError(path: to, "the copy differs from \(from); the original was kept") }
      if unlink(from) != 0 { throw StoreError(path: from, "copied to \(to) but cannot remove the original: \(errnoText())") }
    }
    guard syncingDirectories else { return }
    try syncDirectory((to as NSString).deletingLastPathComponent)
    try syncDirectory((from as NSString).deletingLastPathComponent)
  }

  static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Named crash points for fault-injection tests (reliability §5). Inert unless the environment asks:
///
/// - `STOCKLEDGER_CRASH_AT=LABEL[#N]`: at the N-th time (default 1) the process reaches LABEL it kills
///   itself with SIGKILL, as `kill -9` or a power cut would.
/// - `STOCKLEDGER_CRASH_TRACE=FILE`: every label reached is appended to FILE as `LABEL#N`, so a test can
///   enumerate the points of a run.
///
/// Labels: `write:FILE`, `fsync:FILE`, `rename:FILE` for every durable write, `before-commit`,
/// `after-commit`, `move` for every file moved after the commit, `errors` and `reports` after the post-commit
/// writes, `append:FILE` for the head reports appended to, `snapshot` after the head snapshot.
public enum CrashPoint {
  static let target: (label: String, count: Int)? = {
    guard let spec = ProcessEnvironment.value("STOCKLEDGER_CRASH_AT"), !spec.isEmpty else { return nil }
    if let hash = spec.lastIndex(of: "#"), let n = Int(spec[spec.index(after: hash)...]) { return (String(spec[..<hash]), n) }
    return (spec, 1)
  }()
  static let tracePath: String? = ProcessEnvironment.value("STOCKLEDGER_CRASH_TRACE")
  nonisolated(unsafe) static var counts: [String: Int] = [:]
  static let lock = NSLock()

  /// Reached a crash point. Safe from several threads (the caches are written beside the reports); each
  /// label is reached from one thread, so its count is the same in every run.
  public static func hit(_ label: String) {
    guard target != nil || tracePath != nil else { return }
    lock.lock()
    defer { lock.unlock() }
    let n = (counts[label] ?? 0) + 1
    counts[label] = n
    if let tracePath, let h = FileHandle(forWritingAtPath: tracePath) ?? (FileManager.default.createFile(atPath: tracePath, contents: nil) ? FileHandle(forWritingAtPath: tracePath) : nil) {
      h.seekToEndOfFile()
      h.write(Data("\(label)#\(n)\n".utf8))
      try? h.close()
    }
    if let target, target.label == label, target.count == n { kill(getpid(), SIGKILL) }
  }
}
