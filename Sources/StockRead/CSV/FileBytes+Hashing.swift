import Foundation
import StockCore

#if canImport(Glibc)
  import Glibc
#endif

extension FileBytes {
  /// An inbox file's bytes and the SHA-256 of exactly those bytes, or nil when it cannot be opened
  /// (`errno` says why) or read. Symbolic links are not followed. (``readStartingHash(_:piece:)``, the hash
  /// waited for.)
  /// - Complexity: O(n) in the file size, on two threads.
  public static func readHashing(_ path: String, piece: Int = 1 << 20) -> (bytes: [UInt8], sha256: String)? {
    guard let read = readStartingHash(path, piece: piece) else { return nil }
    return (read.bytes, read.digest.sha256)
  }

  /// An inbox file's bytes, and the SHA-256 of exactly those bytes as it is finished on another thread;
  /// nil when the file cannot be opened (`errno` says why) or read. Symbolic links are not followed.
  ///
  /// The file is read into one array in pieces of `piece` bytes, each hashed on another thread once it is
  /// in: the hash costs no wall time beside the read (at 83 MB, hashing first and reading after were 45 and
  /// 70 ms one after the other on one core, the other idle). A megabyte a piece: what is left to hash
  /// once the last byte is read is at most that. The hash is slower than the read (8 MB took 9 ms to hash
  /// and 7.5 ms to read, 4.5 ms with the pages faulted in first), so the bytes are returned at once and
  /// the caller parses them while the hash is finished (``FileDigest/sha256`` waits for it).
  /// - Complexity: O(n) in the file size, on two threads.
  public static func readStartingHash(_ path: String, piece: Int = 1 << 20) -> (bytes: [UInt8], digest: FileDigest)? {
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
      // The buffer's pages faulted in at once, before the copies into them: page by page, inside `read`,
      // the read took two fifths longer.
      if let base = buf.baseAddress { Pages.populate(address: UInt(bitPattern: base), count: size) }
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
      hashing.endOfBytes()
    }
    if let failed {
      hashing.finish()  // the hasher reads the bytes until here
      errno = failed
      return nil
    }
    return (bytes, FileDigest(hashing: hashing, keeping: bytes))
  }

  /// An inbox file's bytes mapped in place (``MappedFile``), and the SHA-256 of exactly those bytes as it
  /// is made on another thread; nil when the file cannot be opened (`errno` says why) or mapped (the caller
  /// reads it with ``readStartingHash(_:piece:)``). Symbolic links are not followed.
  /// - Complexity: O(n) in the file size: the kernel maps the file's pages, the hash reads them.
  public static func mapStartingHash(_ path: String) -> (file: MappedFile, digest: FileDigest)? {
    guard let mapped = MappedFile(path: path, populate: true, followingLinks: false) else { return nil }
    // The bytes are all there: one piece.
    let hashing = PieceHasher(pieces: 1)
    hashing.start(base: UnsafeRawPointer(mapped.buffer.baseAddress))
    hashing.arrived(upTo: mapped.buffer.count)
    hashing.endOfBytes()
    return (mapped, FileDigest(hashing: hashing, keeping: mapped))
  }

  /// The SHA-256 of a file, read in pieces of a megabyte (symbolic links not followed, unless
  /// `followingLinks`: an inbox file's are not, a committed ledger file is read as the ledger's load reads
  /// it); nil when it cannot be opened (`errno` says why) or read.
  /// - Complexity: O(n) in the file size; memory a piece.
  public static func sha256(_ path: String, followingLinks: Bool = false) -> (sha256: String, bytes: Int)? {
    let fd = open(path, O_RDONLY | O_CLOEXEC | (followingLinks ? 0 : O_NOFOLLOW))
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
fileprivate final class PieceHasher: @unchecked Sendable {
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

  /// No more bytes (once).
  func endOfBytes() {
    ends[announced] = -1
    arrivals.signal()
  }

  /// Returns when every byte announced is hashed (``digest`` is then set); after ``endOfBytes()``, once.
  func finish() { done.wait() }
}

/// The SHA-256 of a file's bytes being hashed on another thread (``FileBytes/readStartingHash(_:piece:)``):
/// the bytes are kept until the hash is finished (the hasher reads them where they are).
public final class FileDigest: @unchecked Sendable {
  private var hashing: PieceHasher?
  /// What holds the bytes being hashed (an array, a mapped file), kept until the hash is made.
  private var bytes: Any?
  private var digest: String?

  fileprivate init(hashing: PieceHasher, keeping bytes: Any) {
    self.hashing = hashing
    self.bytes = bytes
  }

  /// A digest already made.
  public init(sha256: String) { digest = sha256 }

  /// The hex digest, waited for (on the thread that read the file; once it is finished, from any).
  public var sha256: String {
    if let digest { return digest }
    guard let hashing else { preconditionFailure("a digest is being made or made") }
    hashing.finish()
    let d = hashing.digest
    (digest, self.hashing, bytes) = (d, nil, nil)
    return d
  }

  deinit { hashing?.finish() }  // never dropped while the hasher reads the bytes it keeps
}
