#if canImport(Glibc)
  import Glibc
#endif

/// A file mapped read-only into memory where the page cache holds it (no copy, no fresh pages to clear);
/// unmapped when released. An inbox file is read this way (``FileBytes/mapStartingHash(_:)``): read into
/// an array of its own it cost fresh memory the size of the file, zeroed and then copied into (8 MB: 6–7 ms
/// before the first byte was parsed, against under a millisecond mapped and populated); so are the voucher
/// index and the stock ledger a backdated run splices.
///
/// A mapped file that shrinks under its reader (an inbox file truncated by its producer, against the
/// inbox's rules, or a report truncated by hand) would end the process with `SIGBUS` at the first byte past
/// its new end.
/// While a file is mapped, such a fault is caught (``Guard``): the page is replaced by zeros, and the file
/// is marked ``wasCut``; a run then leaves an inbox file as changed while it was read (its size and
/// modification time say so too). A fault anywhere else meets the action there was before the guard's
/// (the runtime's crash report, or the default).
///
/// The C library is used as is (`mmap`, `sigaction`): a `Data` read with `.alwaysMapped` cannot be asked to
/// populate its pages, and would leave a cut file to `SIGBUS`.
public final class MappedFile: @unchecked Sendable {
  /// The file's bytes (nil base when it is empty).
  public let buffer: UnsafeBufferPointer<UInt8>
  /// The guard's slot for this mapping, nil when the file is empty.
  private let slot: Int?

  /// The file's bytes, untyped.
  public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(buffer) }

  /// Maps the file at `path`; nil when it cannot be opened (`errno` says why) or mapped.
  /// - Parameters:
  ///   - populate: see ``init(fd:size:populate:)``.
  ///   - followingLinks: false for an inbox file, whose symbolic links are not followed.
  public convenience init?(path: String, populate: Bool = false, followingLinks: Bool = true) {
    let fd = open(path, O_RDONLY | O_CLOEXEC | (followingLinks ? 0 : O_NOFOLLOW))
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { return nil }
    self.init(fd: fd, size: Int(st.st_size), populate: populate)
  }

  /// Maps the open file `fd`'s first `size` bytes; nil when the file system does not map it (the caller
  /// reads it instead) or every guard slot is taken.
  /// - Parameter populate: whether every page is mapped at once (a file read whole), rather than as it is
  ///   first read (a file searched in a few places).
  public init?(fd: Int32, size: Int, populate: Bool = false) {
    guard size > 0 else {
      buffer = UnsafeBufferPointer(start: nil, count: 0)
      slot = nil
      return
    }
    guard let slot = Guard.reserve() else { return nil }
    let p = mmap(nil, size, PROT_READ, MAP_PRIVATE | (populate ? MAP_POPULATE : 0), fd, 0)
    guard let p, p != MAP_FAILED else {
      Guard.release(slot)
      return nil
    }
    let start = UInt(bitPattern: p)
    Guard.cover(slot, start..<(start + UInt(size)))
    buffer = UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: size)
    self.slot = slot
  }

  deinit {
    guard let slot, let base = buffer.baseAddress else { return }
    munmap(UnsafeMutableRawPointer(mutating: base), buffer.count)
    Guard.release(slot)
  }

  /// Whether a byte past the file's end was read (the file shrank while mapped): the bytes read from
  /// there on were zeros, not the file's.
  public var wasCut: Bool { slot.map { Guard.wasCut($0) } ?? false }

  /// The mappings a `SIGBUS` handler answers for: up to ``slots`` address ranges, each a start, an end
  /// and a flag in a table of words. Slots are taken and given back under a lock; the handler (which may
  /// take no lock) reads the words of a slot only while its mapping is in use, which the threads that
  /// read the mapping order after its cover.
  enum Guard {
    /// How many files may be mapped at once (a run maps two or three).
    static let slots = 64
    /// Per slot: start, end, cut (1), taken (1).
    nonisolated(unsafe) private static let table: UnsafeMutablePointer<UInt> = {
      let t = UnsafeMutablePointer<UInt>.allocate(capacity: 4 * slots)
      t.initialize(repeating: 0, count: 4 * slots)
      return t
    }()
    nonisolated(unsafe) private static var lock = pthread_mutex_t()
    nonisolated(unsafe) private static var installed = false
    /// The action before the guard's (the default, or the runtime's crash handler), which a fault outside
    /// the guarded mappings is handed back to.
    nonisolated(unsafe) private static let previous: UnsafeMutablePointer<sigaction> = {
      let p = UnsafeMutablePointer<sigaction>.allocate(capacity: 1)
      p.initialize(to: sigaction())
      return p
    }()
    /// The size of the pages the handler replaces (read before the handler is installed).
    private static let pageSize = UInt(sysconf(Int32(_SC_PAGESIZE)))

    /// A free slot (the handler installed with the first), or nil when all are taken.
    static func reserve() -> Int? {
      pthread_mutex_lock(&lock)
      defer { pthread_mutex_unlock(&lock) }
      if !installed {
        installed = true
        _ = (table, pageSize, previous)
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = Guard.handle
        action.sa_flags = SA_SIGINFO
        sigemptyset(&action.sa_mask)
        sigaction(SIGBUS, &action, previous)
      }
      for s in 0..<slots where table[4 * s + 3] == 0 {
        table[4 * s + 3] = 1
        return s
      }
      return nil
    }

    /// Puts `range` under the slot's guard (before any thread reads it).
    static func cover(_ s: Int, _ range: Range<UInt>) {
      (table[4 * s], table[4 * s + 1], table[4 * s + 2]) = (range.lowerBound, range.upperBound, 0)
    }

    static func wasCut(_ s: Int) -> Bool { table[4 * s + 2] != 0 }

    /// Gives the slot back (its mapping is gone).
    static func release(_ s: Int) {
      pthread_mutex_lock(&lock)
      defer { pthread_mutex_unlock(&lock) }
      (table[4 * s], table[4 * s + 1], table[4 * s + 2], table[4 * s + 3]) = (0, 0, 0, 0)
    }

    /// The `SIGBUS` handler: a fault inside a guarded mapping gets a page of zeros there (the access is
    /// then made again and reads them) and marks the mapping cut; any other fault restores the action
    /// before the guard's, which the access made again then meets. (Only system calls and plain loads and
    /// stores.)
    private static let handle: @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void = { _, info, _ in
      if let info {
        let address = UInt(bitPattern: info.pointee._sifields._sigfault.si_addr)
        for s in 0..<Guard.slots where Guard.table[4 * s + 3] != 0 && Guard.table[4 * s] <= address && address < Guard.table[4 * s + 1] {
          let page = address & ~(Guard.pageSize - 1)
          let zeros = mmap(UnsafeMutableRawPointer(bitPattern: page), Int(Guard.pageSize), PROT_READ, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
          if zeros != MAP_FAILED {
            Guard.table[4 * s + 2] = 1
            return
          }
        }
      }
      sigaction(SIGBUS, Guard.previous, nil)
    }
  }
}
