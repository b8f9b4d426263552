import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An append-only log of records, each framed as a LEB128 length and its payload (as `DocumentFile` frames
/// its records), held in memory up to a threshold and, when given a directory, written there past it to a
/// file without a name (gone when the process ends, however it ends): what a run writes once and reads back
/// rarely — a million vouchers' documents — costs memory for its last part only.
///
/// Shared by the values that keep offsets into it (copies of the engine's documents): bytes written are
/// never changed, so an offset stays good for every copy. One writer at a time, and no reads while it
/// writes: a run's engine writes as it posts; the caches read once it has posted.
public final class ByteLog: @unchecked Sendable {
  /// The records from `spilled` on: `used` bytes of `capacity` at `memory`.
  private var memory: UnsafeMutablePointer<UInt8>
  private var used = 0
  private var capacity: Int
  /// Bytes no longer in `memory`: the log's first `spilled` bytes, in the file up to `written` and the
  /// rest in `flights`, being written to it on other threads (a spill does not wait for the kernel: at ten
  /// million vouchers the posting core spent 1.2 s in its documents' spills, throttled as the run's
  /// output filled the page cache).
  private var spilled = 0
  private var written = 0
  /// The parts handed to writers, oldest first: together bytes `written..<spilled`, each at `bytes`
  /// (left alone while in flight, and read from there) from log offset `start`; `done` is signalled with
  /// the outcome in `result` once written. At most ``inFlight`` of them.
  private var flights: [Flight] = []
  private struct Flight {
    let bytes: UnsafeMutablePointer<UInt8>
    let capacity: Int
    let start: Int
    let count: Int
    let done: DispatchSemaphore
    let result: SpillResult
  }
  /// Written parts' memory, kept for the next parts to fill (no fresh pages to fault in).
  private var spares: [(bytes: UnsafeMutablePointer<UInt8>, capacity: Int)] = []
  private final class SpillResult: @unchecked Sendable { var complete = false }
  /// A part's memory handed to the writer (read there only, until it signals).
  private struct Part: @unchecked Sendable { let bytes: UnsafeMutablePointer<UInt8> }
  /// How many parts may be in flight at once before a spill waits for the oldest.
  private let inFlight: Int
  private var file: Int32 = -1
  private let directory: String?
  private let spillAt: Int
  /// Set when the file could not be made or written: the log stays in memory from there on.
  private var cannotSpill = false
  /// For tests: the writer writes nothing, as on a full disk.
  var writesFailForTesting = false

  /// - Parameters:
  ///   - directory: where the log spills; nil keeps it in memory.
  ///   - bytes: the size of the part in memory that makes it spill (up to `inFlight + 1` such parts are in
  ///     memory: one filling, the others being written).
  ///   - inFlight: how many parts may be being written at once. More than one for a log filled faster than
  ///     the kernel takes its writes: a run's vouchers, put a file at a time (each file's 70–100 MB at ten
  ///     million waited for the page cache's 8 MB at a time, with the other core idle).
  public init(spillingTo directory: String? = nil, every bytes: Int = 16 << 20, inFlight: Int = 1) {
    self.directory = directory
    spillAt = max(1, bytes)
    self.inFlight = max(1, inFlight)
    capacity = 4096
    memory = .allocate(capacity: capacity)
  }

  deinit {
    landFlights()
    memory.deallocate()
    for s in spares { s.bytes.deallocate() }
    if file >= 0 { close(file) }
  }

  /// Bytes in the log.
  public var count: Int { spilled + used }

  /// The bytes a record with a payload of `length` bytes takes in the log (its length's prefix and the
  /// payload): the offset of the record after it, relative to its own.
  /// - Complexity: O(1).
  public static func recordSize(payload length: Int) -> Int {
    var prefix = 1, v = length >> 7
    while v > 0 {
      prefix += 1
      v >>= 7
    }
    return prefix + length
  }

  /// Empties a log kept in memory, keeping its memory for the records appended next (a part encoded again
  /// and again). Offsets it gave are no longer records.
  /// - Precondition: the log does not spill.
  /// - Complexity: O(1).
  public func removeAll() {
    precondition(directory == nil, "a log kept in memory is emptied")
    used = 0
  }

  /// Whether part of the log is in its file (for tests).
  public var hasSpilled: Bool { spilled > 0 }

  /// Appends a record whose payload `encode` writes; returns the record's offset. `encode` is called again
  /// with more room when the payload did not fit (it must write the same bytes each time).
  /// - Complexity: O(payload); O(bytes in memory) when the memory grows or spills.
  @discardableResult
  public func append(_ encode: (inout RawByteWriter) -> Void) -> Int {
    let offset = count
    var room = 4096
    while true {
      if used + room + 10 > capacity { grow(to: used + room + 10) }
      // The payload goes after a length of one byte (under 128 bytes), moved when its length takes more.
      var w = RawByteWriter(memory + used + 1, limit: capacity - used - 10)
      encode(&w)
      guard w.overflowed else {
        frame(length: w.position)
        break
      }
      room = 2 * (capacity - used)
    }
    if directory != nil && !cannotSpill && used >= spillAt { spill() }
    if used >= ByteLog.populateWindow && used + ByteLog.populateWindow > populated { populateAhead() }
    return offset
  }

  /// Appends records framed elsewhere (another log's bytes, ``forEachPart(from:to:_:)``) as they are;
  /// returns the offset of the first: a record at offset `o` there is at that offset plus `o` here.
  /// - Precondition: `bytes` are whole records.
  /// - Complexity: O(bytes).
  @discardableResult
  public func append(records bytes: UnsafeRawBufferPointer) -> Int {
    let offset = count
    let b = bytes.bindMemory(to: UInt8.self)
    var at = 0
    while at < b.count {
      // Whole records, up to the spill threshold (at least one): a record is never part in the file and
      // part in memory.
      var end = at
      repeat {
        var length = 0, shift = 0
        while true {
          let byte = b[end]
          end += 1
          length |= Int(byte & 0x7F) << shift
          if byte < 0x80 { break }
          shift += 7
        }
        end += length
      } while end < b.count && used + (end - at) < spillAt
      precondition(end <= b.count, "records are appended whole")
      let n = end - at
      if used + n > capacity { grow(to: used + n) }
      (memory + used).update(from: b.baseAddress! + at, count: n)
      used += n
      at = end
      if directory != nil && !cannotSpill && used >= spillAt { spill() }
      if used >= ByteLog.populateWindow && used + ByteLog.populateWindow > populated { populateAhead() }
    }
    return offset
  }

  /// Puts the length before the payload written after one byte at `used`, and takes both in.
  private func frame(length: Int) {
    if length < 0x80 {
      memory[used] = UInt8(length)
      used += 1 + length
      return
    }
    var prefix = 0
    var v = length
    while v > 0 {
      prefix += 1
      v >>= 7
    }
    (memory + used + prefix).update(from: memory + used + 1, count: length)
    var at = RawByteWriter(memory + used, limit: 10)  // writes `prefix` bytes (the room check asks for the widest)
    at.count(length)
    used += prefix + length
  }

  /// How far into `memory` the pages were asked to be faulted in (``populateAhead()``).
  private var populated = 0
  /// The pages between one and two of these ahead of the log's end are faulted in on another thread.
  static let populateWindow = 4 << 20
  private static let populating = DispatchQueue(label: "stockledger.bytelog.populate", qos: .utility)

  /// Asks for the pages of the next window or two of `memory` to be faulted in on another thread
  /// (`MADV_POPULATE_WRITE`: the pages' contents are not touched), once the log has room reserved for its
  /// threshold (a log that spills, ``grow(to:)``) and has filled a window of it: the posting core, which
  /// fills a million vouchers' documents, otherwise zeroes each fresh page it writes to (0.1 s at 1M),
  /// while the renderer waits for it; a small run's logs fault in only what they write (ahead of them, a
  /// daily run held 14 MB more). A hint: the memory may be given back before the other thread gets to it
  /// (then it faults in nothing, or fresh pages the allocator will hand out).
  private func populateAhead() {
    // Two windows ahead, or half what the log holds if less (a log that stops soon after its first window
    // leaves little faulted in and never written), asked for again once less than half of that is left.
    let ahead = min(2 * ByteLog.populateWindow, used / 2)
    guard directory != nil && !cannotSpill, capacity > populated, populated - used < ahead / 2 else { return }
    let from = max(populated, used), to = min(capacity, used + ahead)
    populated = to
    let address = UInt(bitPattern: memory + from)
    ByteLog.populating.async { Pages.populate(address: address, count: to - from) }
  }

  private func grow(to least: Int) {
    var c = capacity
    // A log that spills holds under `spillAt` bytes and a record: room for that at once, the first time it
    // needs more than its first page. (Doubling copied it a dozen times and faulted in four times the
    // pages, a new page about 8 µs on this project's VM: 5 % of the posting core at a million vouchers,
    // in the documents' logs.) Pages of the room not yet written are not touched.
    if directory != nil && !cannotSpill { c = max(c, spillAt + 8192) }
    while c < least { c *= 2 }
    let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
    bigger.update(from: memory, count: used)
    memory.deallocate()
    (memory, capacity, populated) = (bigger, c, used)
  }

  /// Bytes of the log's file kept by a reader: consecutive reads of nearby records read the file once.
  public struct Window: Sendable {
    fileprivate var start = 0
    fileprivate var bytes: [UInt8] = []
    public init() {}
    fileprivate init(start: Int, bytes: [UInt8]) {
      self.start = start
      self.bytes = bytes
    }
  }

  /// Lends the payload of the record at `offset` (one ``append(_:)`` returned) to `body`, where it lies:
  /// in the log's memory, or in `window` (read from the file when it does not hold the record).
  /// - Parameter ahead: bytes of the file read into `window` when it does not hold the record (the record
  ///   and those after it: a reader going through the log in order reads the file once).
  /// - Complexity: O(1); from the file, O(`ahead`) when `window` does not hold it yet.
  public func withPayload<R>(at offset: Int, window: inout Window, ahead: Int = 64 << 10, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    precondition(offset >= 0 && offset < count, "a record of the log")
    /// The length of the record at `bytes` (`left` of them), and of its length's prefix.
    func frame(_ bytes: UnsafePointer<UInt8>, _ left: Int) -> (prefix: Int, length: Int) {
      var r = RawByteReader(UnsafeRawBufferPointer(start: bytes, count: min(left, 10)))
      guard let length = try? r.count(limit: .max) else { preconditionFailure("the log holds a record at \(offset)") }
      return (r.offset, length)
    }
    if offset >= written {
      // In memory, or in the part in flight that holds it (a record is never split between parts).
      var (base, from, end) = (memory, spilled, spilled + used)
      if offset < spilled, let f = flights.last(where: { $0.start <= offset }) { (base, from, end) = (f.bytes, f.start, f.start + f.count) }
      let at = base + (offset - from), left = end - offset
      let (prefix, length) = frame(at, left)
      precondition(prefix + length <= left, "the log holds a record at \(offset)")
      return body(UnsafeRawBufferPointer(start: at + prefix, count: length))
    }
    func holds(_ from: Int, _ to: Int) -> Bool { from >= window.start && to <= window.start + window.bytes.count }
    if !holds(offset, min(offset + 10, written)) { window = load(from: offset, at: max(ahead, 16)) }
    let start = offset - window.start
    let (prefix, length) = window.bytes.withUnsafeBufferPointer { frame($0.baseAddress! + start, $0.count - start) }
    if !holds(offset, offset + prefix + length) { window = load(from: offset, at: max(ahead, prefix + length)) }
    let at = offset - window.start + prefix
    return window.bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[at..<at + length])) }
  }

  /// Reads the record at `offset` (one ``append(_:)`` returned): `body` gets a reader of its payload (a
  /// copy, for decoders that read arrays) and the payload's length.
  /// - Complexity: O(payload); from the file, O(64 KB) when `window` does not hold it yet.
  public func read<R>(at offset: Int, window: inout Window, _ body: (inout BinaryReader, Int) -> R) -> R {
    withPayload(at: offset, window: &window) { payload in
      var r = BinaryReader(Array(payload.bindMemory(to: UInt8.self)))
      return body(&r, payload.count)
    }
  }

  /// Hands the log's bytes `from..<to` to `body` in parts, in order (from the file in 1 MB reads, then
  /// from memory).
  /// - Complexity: O(to - from).
  public func forEachPart(from: Int, to: Int, _ body: (UnsafeRawBufferPointer) -> Void) {
    precondition(0 <= from && from <= to && to <= count, "a range of the log")
    var at = from
    while at < min(to, written) {
      let part = load(from: at, at: min(1 << 20, min(to, written) - at))
      part.bytes.withUnsafeBytes(body)
      at += part.bytes.count
    }
    for f in flights where at < min(to, f.start + f.count) {
      let end = min(to, f.start + f.count)
      body(UnsafeRawBufferPointer(start: f.bytes + (at - f.start), count: end - at))
      at = end
    }
    if at < to { body(UnsafeRawBufferPointer(start: memory + (at - spilled), count: to - at)) }
  }

  /// Up to `size` bytes of the file from `offset`.
  private func load(from offset: Int, at size: Int) -> Window {
    let n = min(size, written - offset)
    var bytes = [UInt8](repeating: 0, count: n)
    var done = 0
    bytes.withUnsafeMutableBytes { b in
      while done < n {
        let got = pread(file, b.baseAddress! + done, n - done, off_t(offset + done))
        if got < 0 && errno == EINTR { continue }
        guard got > 0 else { break }
        done += got
      }
    }
    precondition(done == n, "the log's file reads back (\(done) of \(n) bytes at \(offset))")
    return Window(start: offset, bytes: bytes)
  }

  /// Hands the part in memory to the file (made on the first spill), written on another thread while the
  /// log goes on in another part of memory; with ``inFlight`` parts already being written, the oldest is
  /// waited for first. On failure the log stays in memory from what its file holds.
  private func spill() {
    if file < 0 {
      guard let directory, let fd = ByteLog.unnamedFile(in: directory) else {
        cannotSpill = true
        return
      }
      file = fd
    }
    if flights.count >= inFlight { landOldest() }
    guard !cannotSpill else { return }
    let (part, count, offset, fd, fails) = (Part(bytes: memory), used, spilled, file, writesFailForTesting)
    let done = DispatchSemaphore(value: 0), result = SpillResult()
    DispatchQueue.global().async {
      var at = 0
      while at < count && !fails {
        let n = pwrite(fd, part.bytes + at, count - at, off_t(offset + at))
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { break }
        at += n
      }
      result.complete = at == count
      done.signal()
    }
    flights.append(Flight(bytes: part.bytes, capacity: capacity, start: spilled, count: used, done: done, result: result))
    spilled += used
    if let s = spares.popLast() {
      (memory, capacity) = s
    } else {
      memory = .allocate(capacity: capacity)
    }
    used = 0
    populated = 0
  }

  /// Waits for the parts in flight and frees the memory kept for later parts: for a log that is done
  /// growing (a run's vouchers, once all are put), which would otherwise keep up to ``inFlight`` parts'
  /// memory to its end. It may still grow (from fresh memory).
  /// - Complexity: O(parts in flight), waiting for their writes.
  public func settle() {
    landFlights()
    for s in spares { s.bytes.deallocate() }
    spares = []
  }

  /// Waits for every part in flight (``landOldest()`` in turn).
  private func landFlights() {
    while !flights.isEmpty { landOldest() }
  }

  /// Waits for the oldest part in flight: written, its memory is kept for a later part; not written (a
  /// short write: a full disk), it and every part after it come back into memory before the rest, and the
  /// log spills no more (a part written short is never read: reads below `written` only).
  private func landOldest() {
    let f = flights.removeFirst()
    f.done.wait()
    if f.result.complete {
      written = f.start + f.count
      if f.capacity >= capacity { spares.append((f.bytes, f.capacity)) } else { f.bytes.deallocate() }
      return
    }
    cannotSpill = true
    var parts = [f]
    for later in flights {
      later.done.wait()
      parts.append(later)
    }
    flights = []
    let back = spilled - written
    let merged = UnsafeMutablePointer<UInt8>.allocate(capacity: back + capacity)
    var at = 0
    for p in parts {
      (merged + at).update(from: p.bytes, count: p.count)
      at += p.count
      p.bytes.deallocate()
    }
    precondition(at == back, "the parts in flight are the bytes past the file")
    (merged + back).update(from: memory, count: used)
    memory.deallocate()
    (memory, capacity, used, spilled, populated) = (merged, back + capacity, back + used, written, back + used)
  }

  /// A file in `directory` that has no name (Linux `O_TMPFILE`), else one made and unlinked at once.
  private static func unnamedFile(in directory: String) -> Int32? {
    #if os(Linux)
      // O_TMPFILE is `__O_TMPFILE | O_DIRECTORY`, which Glibc's module lacks; `__O_TMPFILE` is the same on
      // every Linux architecture, O_DIRECTORY is not.
      let fd = open(directory, 0o20_000_000 | O_DIRECTORY | O_RDWR | O_CLOEXEC, 0o600)
      if fd >= 0 { return fd }
    #endif
    var template = Array((directory + "/.spill-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard made >= 0 else { return nil }
    _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
    _ = fcntl(made, F_SETFD, FD_CLOEXEC)
    return made
  }
}
