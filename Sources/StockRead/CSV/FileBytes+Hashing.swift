import Foundation
import StockCore

#if canImport(Glibc)
  import Glibc
#endif

extension FileBytes {
  /// An inbox file's bytes and the SHA-256 of exactly those bytes, or nil when it cannot be opened
  /// (`errno` says why) or read. Symbolic links are not followed.
  ///
  /// The file is read into one array in pieces of `piece` bytes, each hashed on another thread once it is
  /// in: the hash costs no wall time beside the read (at 83 MB, hashing first and reading after were 45 and
  /// 70 ms one after the other on one core, the other idle). A megabyte a piece: what is left to hash
  /// once the last byte is read is at most that (half a millisecond; with pieces of 4 MB the reader
  /// waited 2–4 ms for the hash of an 8 MB file).
  /// - Complexity: O(n) in the file size, on two threads.
  public static func readHashing(_ path: String, piece: Int = 1 << 20) -> (bytes: [UInt8], sha256: String)? {
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { return nil }
    let size = Int(st.st_size)
    let piece = max(1, piece)
    // Announced: every `piece` bytes or more, and the end (so at most size / piece + 1 times).
    let hashing = PieceHasher(pieces: size / piece + 1)
    var failed: Int32?  // the read's errno, kept: waiting for the hasher may change errno
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, count in
      var done = 0, announced = 0
      hashing.start(base: UnsafeRawPointer(buf.baseAddress))
      while done < size {
        let n = Glibc.read(fd, buf.baseAddress! + done, min(piece, size - done))
        if n < 0 && errno == EINTR { continue }
        if n < 0 { failed = errno; break }
        if n == 0 { break }  // shorter than it was: the caller compares the count with the size it listed
        done += n
        if done - announced >= piece || done == size {
          hashing.arrived(upTo: done)
          announced = done
        }
      }
      if done > announced { hashing.arrived(upTo: done) }
      count = done
      hashing.finish()  // the hasher reads `buf` until here
    }
    if let failed {
      errno = failed
      return nil
    }
    return (bytes, hashing.digest)
  }

  /// The SHA-256 of a file, read in pieces of a megabyte (symbolic links not followed); nil when it cannot
  /// be opened (`errno` says why) or read.
  /// - Complexity: O(n) in the file size.
  public static func sha256(_ path: String) -> (sha256: String, bytes: Int)? {
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var h = SHA256()
    var total = 0
    while true {
      let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n < 0 { return nil }
      if n == 0 { break }
      total += n
      buffer.withUnsafeBytes { h.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    }
    return (h.finalizeHex(), total)
  }
}

/// The hashing half of ``FileBytes/readHashing(_:piece:)``: a thread that hashes the bytes of a buffer as
/// the reader says they have arrived. The reader never waits for it but in ``finish()``.
private final class PieceHasher: @unchecked Sendable {
  /// Where each piece the reader announced ends (`pieces` at most); -1 after the last one. Written by the
  /// reader before it signals `arrivals`, read by the hasher after it waited: the semaphore orders the two.
  private let ends: UnsafeMutableBufferPointer<Int>
  private var announced = 0
  private let arrivals = DispatchSemaphore(value: 0)
  private let done = DispatchSemaphore(value: 0)
  private var base: UnsafeRawPointer?
  private var hasher = SHA256()
  private(set) var digest = ""

  init(pieces: Int) {
    ends = .allocate(capacity: pieces + 1)
    ends.initialize(repeating: 0)
  }
  deinit { ends.deallocate() }

  /// Starts hashing the buffer at `base` (nil: an empty file).
  func start(base: UnsafeRawPointer?) {
    self.base = base
    let thread = Thread { [self] in
      var from = 0, next = 0
      while true {
        arrivals.wait()
        let end = ends[next]
        next += 1
        if end < 0 { break }
        if let base = self.base { hasher.update(UnsafeRawBufferPointer(start: base + from, count: end - from)) }
        from = end
      }
      digest = hasher.finalizeHex()
      done.signal()
    }
    thread.start()
  }

  /// The bytes up to `end` are in (at most `pieces` calls).
  func arrived(upTo end: Int) {
    ends[announced] = end
    announced += 1
    arrivals.signal()
  }

  /// No more bytes; returns when every byte announced is hashed (``digest`` is then set).
  func finish() {
    ends[announced] = -1
    arrivals.signal()
    done.wait()
  }
}
