import Foundation
import StockCore

#if canImport(Glibc)
  import Glibc
#endif

/// A large file written in pieces to a temporary name beside it, then either made durable under its name
/// (``finish(durable:syncingDirectory:)``: fsync, rename, fsync the directory, with the crash points of
/// ``DurableFiles/write(_:to:durable:)``) or left under the temporary name for the caller to rename into
/// place later (``closeTemporary()``: head reports, which appear only after the commit).
///
/// Built whole, the ledger's run files and the head ledgers cost their size in fresh memory (hundreds of
/// megabytes at a million vouchers), which on this project's VM costs more than writing them; streamed,
/// they pass through two blocks of 256 KiB: one filled by the caller while the other is written (and hashed)
/// on a thread of the file's own (``BlockWriter``), so the caller neither waits for the device nor spends
/// the kernel's copying; it waits only when it fills a block before the last one is out (a run's renderer
/// waited 0.4 s for its writes at a million vouchers, a sixth of its part of the post phase). Rows gathered
/// in a large ``ByteWriter`` skip the staging block: its whole blocks are written from the writer's own
/// buffer (``write(from:flushingAt:alsoTo:)``; copying them was half of a 100k run's `memmove`).
///
/// The bulk of a file bypasses the page cache (`O_DIRECT`): written in whole aligned blocks, the unaligned
/// tail written normally at the end. On this project's VM a write through the page cache costs the kernel
/// 2–4 ms of CPU per megabyte (fresh pages filled and copied; 240–700 MB/s), a direct write about 0.7 ms
/// of waiting on the device; the ledger's files are fsynced anyway. Where the file system refuses direct
/// I/O the file is written through the cache. Every write names its offset (`pwrite`).
///
/// A file nobody fsyncs (a head report) leaves direct I/O for the cache once the device falls behind
/// (`cachingWhenBehind`): waiting for the device is the run's wait, and on a device slower than the run's
/// formatting the head reports' direct writes were the last 50–100 ms of a 100k run. Behind is the
/// device's, judged by all the process's direct writes (``DeviceSpeed``), not by a writer found busy when
/// the next block is ready: on a machine whose two cores are both busy that is mostly a writer that has
/// not had a core yet (a million-voucher run then put its head ledgers through the cache and spent a
/// second of the kernel's CPU copying them). A file made durable at its end is synced every few megabytes
/// on the way (`syncingAsItGoes`), so that its fsync has little left to flush (see
/// ``init(path:hashing:directIO:cachingWhenBehind:syncingAsItGoes:)``).
///
/// A file neither finished nor closed under its temporary name (an error on the way) is removed when the
/// object is released.
public final class StreamedFile {
  public let path: String
  public let temporaryPath: String
  private var fd: Int32
  private var settled = false
  private var failure: StoreError?
  private var hasher = SHA256()
  /// Whether every byte went through `hasher` (not when ranges were copied by the kernel, nor when the
  /// file was made without hashing).
  private var hashed: Bool
  /// Bytes written so far (the block being written in the background included), staged ones included.
  public var count: Int { written + staged }
  /// Bytes handed to the file: written, or in the block being written.
  private var written = 0
  /// Whether the file is open for direct I/O.
  private var direct: Bool
  /// Whether the file goes through the page cache once the device is found slow (see
  /// ``init(path:hashing:directIO:cachingWhenBehind:syncingAsItGoes:)``).
  private let cachesWhenBehind: Bool
  /// Whether the data written is synced beside the writing, every ``syncEvery`` bytes (see
  /// ``init(path:hashing:directIO:cachingWhenBehind:syncingAsItGoes:)``).
  private let syncsAsItGoes: Bool
  /// Syncs made beside the writing, counted when the file is done (for tests).
  private(set) var syncsAsItWent = 0
  /// Bytes written between the syncs made beside the writing.
  static let syncEvery = 4 << 20
  /// Whether the file's descriptor is open for direct I/O now, as the kernel says (for tests).
  var isOpenForDirectIO: Bool { fd >= 0 && fcntl(fd, F_GETFL) & StreamedFile.directFlag != 0 && StreamedFile.directFlag != 0 }
  /// The block being filled; its first `staged` bytes are the file's next bytes.
  private var stage: UnsafeMutableRawPointer?
  private var staged = 0
  /// A block free for filling (the last one written), and the block being written, by `writer`.
  private var spare: UnsafeMutableRawPointer?
  private var inFlight: UnsafeMutableRawPointer?
  /// A writer's buffer handed over whole (``write(from:flushingAt:alsoTo:)``): being written, or written
  /// and waiting to be given back to the writer as its next buffer.
  private var handedOver: ByteWriter.Storage?
  private var writer: BlockWriter?
  /// For tests: direct writes fail as on a file system that takes the `O_DIRECT` open but not the write.
  var refusesDirectWrites = false
  /// Where the file's direct writes are timed, and which says when the device is too slow for a file
  /// that caches when behind (``DeviceSpeed``); tests give a device of their own before the first block.
  var device = DeviceSpeed.shared
  /// The staging block: a multiple of any device's logical block size, aligned as direct I/O needs.
  /// 256 KiB: a run writes half a dozen files at once, each through a buffer of a chunk and two blocks, all
  /// fresh pages the kernel zeroes: at 4 MiB they were 50 MB a run (100k: peak 183 → 134 MB, 1M 630 → 585 MB
  /// at 1 MiB, no slower), at 1 MiB 12 MB more than now (100k: 127 → 115 MB, 3,600 fewer page faults).
  static let block = 1 << 18
  static let alignment = 4096

  /// Size of the pieces ``write(from:flushingAt:)`` passes on.
  public static let chunk = 1 << 18

  /// - Parameters:
  ///   - hashing: whether ``finish(durable:syncingDirectory:)`` gives the file's SHA-256 (the ledger's files); a report
  ///     nobody hashes is written without (a quarter of a second per 300 MB).
  ///   - directIO: whether to write the bulk past the page cache; false for a file the next run reads
  ///     (the snapshot and its caches), which it would otherwise read from the disk.
  ///   - cachingWhenBehind: whether to go on through the page cache once the device is slower than the
  ///     cache would be (``DeviceSpeed``), from the next block on: for a file that is not fsynced, whose
  ///     direct writes would otherwise make the run wait for a slow device. The file's bytes are the same
  ///     either way; on a device that keeps up it stays past the cache (which costs the kernel no copy).
  ///   - syncingAsItGoes: whether to sync the data written every ``syncEvery`` bytes on a thread of its own
  ///     while the writing goes on (``Syncer``): for a file made durable at its end, whose fsync then has
  ///     little left to flush. On a VM whose disk keeps writes in the host's cache, that fsync flushed
  ///     everything written since the last one: 60–90 ms for a 100k run's `stock.csv` and `gl.csv`.
  public init(path: String, hashing: Bool = true, directIO: Bool = true, cachingWhenBehind: Bool = false, syncingAsItGoes: Bool = false) throws(StoreError) {
    self.path = path
    hashed = hashing
    cachesWhenBehind = cachingWhenBehind
    syncsAsItGoes = syncingAsItGoes
    temporaryPath = (path as NSString).deletingLastPathComponent + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())"
    let flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
    fd = StreamedFile.directFlag == 0 || !directIO ? -1 : open(temporaryPath, flags | StreamedFile.directFlag, 0o644)
    direct = fd >= 0
    if fd < 0 { fd = open(temporaryPath, flags, 0o644) }
    guard fd >= 0 else { throw StoreError(path: temporaryPath, "cannot create: \(DurableFiles.errnoText())") }
  }

  deinit {
    writer?.stop()
    if fd >= 0 { close(fd) }
    if !settled { unlink(temporaryPath) }
    for block in [stage, spare, inFlight] { block?.deallocate() }
  }

  /// `O_DIRECT`, which Swift's Glibc module does not export (its value differs by architecture); 0 where
  /// unknown (then every file is written through the page cache).
  #if arch(x86_64) || arch(i386) || arch(s390x)
    static let directFlag: Int32 = 0o40000
  #elseif arch(arm64) || arch(arm)
    static let directFlag: Int32 = 0o200000
  #else
    static let directFlag: Int32 = 0
  #endif

  /// Copies bytes into the staging block, handing each block to the background writer as it fills.
  private func stageBytes(_ p: UnsafeRawBufferPointer) {
    guard let source = p.baseAddress, failure == nil else { return }
    var offset = 0
    while offset < p.count && failure == nil {
      let block = stage ?? takeBlock()
      let n = min(p.count - offset, StreamedFile.block - staged)
      (block + staged).copyMemory(from: source + offset, byteCount: n)
      staged += n
      offset += n
      if staged == StreamedFile.block { submitStaged() }
    }
  }

  /// The spare block, or a new one, as the staging block.
  private func takeBlock() -> UnsafeMutableRawPointer {
    let block = spare ?? UnsafeMutableRawPointer.allocate(byteCount: StreamedFile.block, alignment: StreamedFile.alignment)
    spare = nil
    stage = block
    return block
  }

  /// Hands the (full) staging block to the background writer, once the block before it is written.
  private func submitStaged() {
    guard let block = stage else { return }
    finishWrite()
    guard failure == nil else { return }
    backgroundWriter().submit(.init(block: block, count: staged, offset: written, hasher: hashed ? hasher : nil, refuse: direct && refusesDirectWrites, timed: direct))
    inFlight = block
    stage = nil
    written += staged
    staged = 0
  }

  /// The file's writer thread, started with the first block handed to it.
  private func backgroundWriter() -> BlockWriter {
    if let writer { return writer }
    let w = BlockWriter(fd: fd, syncEvery: syncsAsItGoes ? StreamedFile.syncEvery : nil, device: device)
    writer = w
    return w
  }

  /// Waits for the block being written, if any: takes back the hash, records a failure, writes the block
  /// again through the page cache if the file system refused it directly, and keeps the block as the spare.
  private func finishWrite() {
    guard let w = writer else { return }
    let behind = direct && cachesWhenBehind && device.isSlow
    guard let job = w.wait() else { return }
    defer { if behind && failure == nil { leaveDirect() } }
    if let block = inFlight {
      inFlight = nil
      spare = block
    }
    if let h = job.hasher { hasher = h }
    if job.refused {
      leaveDirect()
      _ = writeNow(job.block, job.count, at: job.offset, hashing: false)
    } else if job.error != 0 {
      failure = StoreError(path: temporaryPath, "write failed: \(String(cString: strerror(job.error)))")
    }
  }

  /// Writes `count` bytes at `base` to the file at `offset` now, hashing them first if asked; a direct
  /// write refused (before any byte) turns direct I/O off and is written through the cache. Records the
  /// first failure.
  /// - Returns: the bytes written.
  private func writeNow(_ base: UnsafeRawPointer, _ count: Int, at offset: Int, hashing: Bool) -> Int {
    var job = BlockWriter.Job(block: base, count: count, offset: offset, hasher: hashing ? hasher : nil, refuse: direct && refusesDirectWrites)
    BlockWriter.run(&job, fd: fd)
    if let h = job.hasher { hasher = h }
    if job.refused {
      leaveDirect()
      job.hasher = nil
      job.refuse = false
      job.refused = false
      BlockWriter.run(&job, fd: fd)
    }
    if job.error != 0 && failure == nil {
      failure = StoreError(path: temporaryPath, "write failed: \(String(cString: strerror(job.error)))")
    }
    return job.written
  }

  /// Turns direct I/O off for the rest of the file (no block may be in flight).
  private func leaveDirect() {
    guard direct else { return }
    direct = false
    let flags = fcntl(fd, F_GETFL)
    if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~StreamedFile.directFlag) }
  }

  /// Writes everything staged now, after the block in flight: the whole blocks of it directly, the
  /// unaligned tail through the cache (direct I/O is off from then on; later bytes are staged again).
  private func settleStaged() {
    finishWrite()
    guard let block = stage, staged > 0, failure == nil else { return leaveDirect() }
    let aligned = direct ? staged - staged % StreamedFile.alignment : 0
    var done = aligned > 0 ? writeNow(block, aligned, at: written, hashing: hashed) : 0
    leaveDirect()
    if failure == nil && done < staged {
      done += writeNow(block + done, staged - done, at: written + done, hashing: hashed)
    }
    written += done
    staged = 0
  }

  /// Appends bytes (staged, and written a block at a time in the background).
  public func append(_ p: UnsafeRawBufferPointer) { stageBytes(p) }

  public func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

  /// Writes what `writer` holds once it holds at least `threshold` bytes (whatever it holds when 0), and
  /// empties it: a large file built row by row through one buffer. Bytes left in the writer are not in the
  /// file: write them (threshold 0) before appending anything else.
  /// - Complexity: O(bytes written).
  ///
  /// When nothing is staged and the writer holds at least a block, its whole blocks are written from
  /// where they lie: the writer's buffer is handed to the background writer and the writer goes on in
  /// the buffer handed over before (``ByteWriter/handOff(prefix:reusing:)``), with the bytes past the
  /// blocks. `also` (a file holding the same bytes so far) takes the same bytes, the same blocks written
  /// from the same buffer: the general ledger and the run's `gl.csv`, without a copy for either. A failure
  /// of `also` is its own (thrown when it is flushed or closed), not this file's.
  /// - Complexity: O(bytes written) copied, except for the blocks handed over.
  public func write(from writer: inout ByteWriter, flushingAt threshold: Int = StreamedFile.chunk, alsoTo also: StreamedFile? = nil) throws(StoreError) {
    guard writer.count >= max(threshold, 1) else { return }
    let blocks = writer.count - writer.count % StreamedFile.block
    if blocks > 0, canTakeBlocks(), also.map({ $0.canTakeBlocks() && $0.written == written }) ?? true, writer.canHandOff() {
      // The blocks in flight are done first: the buffer they were written from is the writer's next.
      finishWrite()
      also?.finishWrite()
      also?.handedOver = nil
      let storage = writer.handOff(prefix: blocks, reusing: &handedOver)
      submit(storage, count: blocks)
      also?.submit(storage, count: blocks)
      if threshold > 0 || writer.count == 0 {
        if let failure { throw failure }
        return
      }
    }
    writer.withUnsafeBytes { p in
      also?.stageBytes(p)
      stageBytes(p)
    }
    writer.removeAll()
    if let failure { throw failure }
  }

  /// Whether a writer's blocks can be written from where they lie: nothing staged ahead of them, and the
  /// file's end on a block.
  private func canTakeBlocks() -> Bool {
    failure == nil && staged == 0 && written % StreamedFile.block == 0
  }

  /// Hands `count` bytes of a writer's buffer to the background writer, once the block before them is written.
  private func submit(_ storage: ByteWriter.Storage, count: Int) {
    finishWrite()
    guard failure == nil else { return }
    backgroundWriter().submit(.init(block: storage.base, count: count, offset: written, hasher: hashed ? hasher : nil, refuse: direct && refusesDirectWrites, timed: direct))
    handedOver = storage
    written += count
  }

  /// Rows that `body` writes into a buffer, handed to the file each time it holds a chunk (`body` calls
  /// `flush` after each row), and what is left at the end: a large CSV file built through one buffer.
  /// - Returns: whether a text field would be guarded against formulas (``ByteWriter/sawFormula``).
  @discardableResult
  public func writeRows(
    guardingFormulas: Bool, _ body: (inout ByteWriter, _ flush: (inout ByteWriter) throws(StoreError) -> Void) throws(StoreError) -> Void
  ) throws(StoreError) -> Bool {
    var w = ByteWriter(guardsFormulas: guardingFormulas, capacity: StreamedFile.chunk + (1 << 16))
    try body(&w) { (w: inout ByteWriter) throws(StoreError) in try self.write(from: &w) }
    try write(from: &w, flushingAt: 0)
    return w.sawFormula
  }

  /// Appends the whole file at `path`, copied by the kernel (see ``append(from:range:)``).
  public func append(contentsOf path: String) throws(StoreError) {
    let source = open(path, O_RDONLY | O_CLOEXEC)
    guard source >= 0 else { throw StoreError(path: path, "cannot open: \(DurableFiles.errnoText())") }
    defer { close(source) }
    var info = stat()
    guard fstat(source, &info) == 0 else { throw StoreError(path: path, "cannot stat: \(DurableFiles.errnoText())") }
    append(from: source, range: 0..<Int(info.st_size))
    if let failure { throw failure }
  }

  /// Appends `range` of the open file `source`, copied by the kernel (`sendfile`) without passing through
  /// this process (nor through the hash: ``finish(durable:syncingDirectory:)`` then gives none).
  public func append(from source: Int32, range: Range<Int>) {
    settleStaged()
    hashed = false
    // sendfile writes at the file's position; every other write gives its offset (`pwrite`).
    guard failure == nil, lseek(fd, off_t(written), SEEK_SET) >= 0 else {
      if failure == nil { failure = StoreError(path: temporaryPath, "seek failed: \(DurableFiles.errnoText())") }
      return
    }
    var offset = off_t(range.lowerBound)
    var left = range.count
    while failure == nil && left > 0 {
      let n = sendfile(fd, source, &offset, left)
      if n <= 0 {
        failure = StoreError(path: temporaryPath, "copy failed: \(DurableFiles.errnoText())")
        return
      }
      left -= n
      written += n
    }
  }

  /// Ends the background writer's thread (waiting for its block) and frees the blocks: the file is done.
  private func release() {
    if let w = writer {
      w.stop()
      syncsAsItWent += w.syncs
      if w.syncError != 0 && failure == nil {
        failure = StoreError(path: temporaryPath, "fsync failed while it was written: \(String(cString: strerror(w.syncError)))")
      }
    }
    writer = nil
    for block in [stage, spare, inFlight] { block?.deallocate() }
    (stage, spare, inFlight, staged) = (nil, nil, nil, 0)
    handedOver = nil
  }

  /// Writes what is staged and waits for the background writer (the file is written through the cache
  /// from then on); throws the first write error.
  public func flush() throws(StoreError) {
    settleStaged()
    if let failure { throw failure }
  }

  /// Closes the file under its temporary name, not fsynced, for the caller to rename into place later.
  /// - Returns: the temporary path.
  public func closeTemporary() throws(StoreError) -> String {
    try flush()
    release()
    if let failure { throw failure }  // a sync beside the writing failed
    let closed = close(fd)
    fd = -1
    guard closed == 0 else { throw StoreError(path: temporaryPath, "close failed: \(DurableFiles.errnoText())") }
    settled = true
    return temporaryPath
  }

  /// A file closed under its temporary name with its size and SHA-256, for another thread or a later step
  /// to make durable under a name of its own (``adopt(as:)``): a run file written beside the posting.
  public struct Closed: Sendable {
    public let temporaryPath: String
    public let count: Int
    public let sha256: String

    /// Makes the file durable as `path` (``DurableFiles/adopt(_:as:crashPoints:syncingDirectory:)``, with the
    /// crash points of ``StreamedFile/finish(durable:syncingDirectory:)`` under `path`'s name).
    /// - Parameter syncingDirectory: false when the caller fsyncs `path`'s directory itself, once for the
    ///   files it puts there.
    public func adopt(as path: String, syncingDirectory: Bool = true) throws(StoreError) {
      try DurableFiles.adopt(temporaryPath, as: path, crashPoints: true, syncingDirectory: syncingDirectory)
    }

    /// Removes the file if it is still under its temporary name (it was not adopted).
    public func discard() { unlink(temporaryPath) }
  }

  /// Closes the file under its temporary name, not fsynced, with its size and SHA-256 (a file made with
  /// hashing, every byte through this process).
  public func closeHashed() throws(StoreError) -> Closed {
    guard hashed else { throw StoreError(path: path, "written without its hash") }
    let temporary = try closeTemporary()
    return Closed(temporaryPath: temporary, count: written, sha256: hasher.finalizeHex())
  }

  /// Makes the file durable under its name.
  /// - Parameter syncingDirectory: false when the caller fsyncs the directory itself, once for the files it
  ///   puts there (a rename is durable only then).
  /// - Returns: its size, and its lowercase hex SHA-256 when every byte went through this process.
  public func finish(durable: Bool = true, syncingDirectory: Bool = true) throws(StoreError) -> (count: Int, sha256: String?) {
    try flush()
    release()
    if let failure { throw failure }  // a sync beside the writing failed: this file's fsync would not say so
    let name = (path as NSString).lastPathComponent
    CrashPoint.hit("write:\(name)")
    if durable && fsync(fd) != 0 { throw StoreError(path: temporaryPath, "fsync failed: \(DurableFiles.errnoText())") }
    let closed = close(fd)
    fd = -1
    guard closed == 0 else { throw StoreError(path: temporaryPath, "close failed: \(DurableFiles.errnoText())") }
    CrashPoint.hit("fsync:\(name)")
    guard rename(temporaryPath, path) == 0 else { throw StoreError(path: path, "rename failed: \(DurableFiles.errnoText())") }
    settled = true
    CrashPoint.hit("rename:\(name)")
    if durable && syncingDirectory { try DurableFiles.syncDirectory((path as NSString).deletingLastPathComponent) }
    return (count, hashed ? hasher.finalizeHex() : nil)
  }

  /// Removes the unfinished file.
  public func discard() {
    release()
    if fd >= 0 { close(fd) }
    fd = -1
    settled = true
    unlink(temporaryPath)
  }
}
