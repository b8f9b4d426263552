import Foundation
import StockCore

#if canImport(Glibc)
  import Glibc
#endif

/// A large file written in chunks, made atomic and durable as ``DurableFiles/write(_:to:durable:)`` makes a
/// whole one (temporary name → write → fsync → rename → fsync the directory, with the same crash points), and
/// hashed as it is written. The ledger's run files are hundreds of megabytes at a million vouchers: built
/// whole, each cost its size in fresh memory, which on this project's VM costs more than writing it.
///
/// A stream not finished (an error, a throw on the way) removes its temporary file when it is released.
public final class DurableStream {
  public let path: String
  private let temporary: String
  private var fd: Int32
  private var hasher = SHA256()
  /// Bytes written so far.
  public private(set) var count = 0

  /// Size of the chunks ``write(from:flushingAt:)`` passes on.
  public static let chunk = 4 << 20

  public init(path: String) throws(StoreError) {
    self.path = path
    temporary = (path as NSString).deletingLastPathComponent + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())"
    fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw StoreError(path: temporary, "cannot create: \(DurableFiles.errnoText())") }
  }

  deinit {
    if fd >= 0 {
      close(fd)
      unlink(temporary)
    }
  }

  /// Writes what `writer` holds once it holds at least `threshold` bytes (every byte when 0), and empties it.
  /// - Complexity: O(bytes written).
  public func write(from writer: inout ByteWriter, flushingAt threshold: Int = DurableStream.chunk) throws(StoreError) {
    guard writer.bytes.count >= max(threshold, 1) else { return }
    let written = writer.bytes.withUnsafeBytes { p -> Result<Void, StoreError> in
      do throws(StoreError) { try write(p) } catch { return .failure(error) }
      return .success(())
    }
    try written.get()
    writer.removeAll()
  }

  private func write(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
    hasher.update(bytes)
    var offset = 0
    while offset < bytes.count {
      let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 { throw StoreError(path: temporary, "write failed: \(DurableFiles.errnoText())") }
      offset += n
    }
    count += bytes.count
  }

  /// Closes the file under its temporary name, not fsynced, for the caller to rename into place later (a
  /// derived file that must not appear before something else is durable).
  /// - Returns: the temporary path.
  public func closeTemporary() throws(StoreError) -> String {
    let closed = close(fd)
    fd = -1
    if closed != 0 {
      unlink(temporary)
      throw StoreError(path: temporary, "close failed: \(DurableFiles.errnoText())")
    }
    return temporary
  }

  /// Makes the file durable under its name.
  /// - Returns: its size and lowercase hex SHA-256.
  public func finish(durable: Bool = true) throws(StoreError) -> (count: Int, sha256: String) {
    let name = (path as NSString).lastPathComponent
    CrashPoint.hit("write:\(name)")
    if durable && fsync(fd) != 0 { throw StoreError(path: temporary, "fsync failed: \(DurableFiles.errnoText())") }
    let closed = close(fd)
    fd = -1
    if closed != 0 {
      unlink(temporary)
      throw StoreError(path: temporary, "close failed: \(DurableFiles.errnoText())")
    }
    CrashPoint.hit("fsync:\(name)")
    if rename(temporary, path) != 0 {
      unlink(temporary)
      throw StoreError(path: path, "rename failed: \(DurableFiles.errnoText())")
    }
    CrashPoint.hit("rename:\(name)")
    if durable { try DurableFiles.syncDirectory((path as NSString).deletingLastPathComponent) }
    return (count, hasher.finalizeHex())
  }
}
