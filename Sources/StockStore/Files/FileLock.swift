import StockCore

#if canImport(Glibc)
  import Glibc
#endif

/// An exclusive `flock(2)` on `ledger/.lock`, held for the life of the value's owner. A second run cannot
/// take it and exits 75 at once; backup scripts may take the same lock for a consistent copy.
public final class FileLock {
  private let fd: Int32
  public let path: String

  /// Takes the lock without waiting; nil when another process holds it.
  public init?(path: String) throws(StoreError) {
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw StoreError(path: path, "cannot open lock file: \(String(cString: strerror(errno)))") }
    if flock(fd, LOCK_EX | LOCK_NB) != 0 {
      close(fd)
      return nil
    }
    self.fd = fd
    self.path = path
  }

  deinit {
    flock(fd, LOCK_UN)
    close(fd)
  }
}
