/// A run's vouchers by position, in the order they were put: the first ``holding`` kept as values, the
/// rest encoded (``Voucher/encode(file:into:)``, 50–70 bytes each) in a ``ByteLog`` that spills to a file
/// without a name in the ledger directory. Ten million vouchers kept as values were 2.5 GB of a run's
/// memory; past the budget a voucher costs the run 12 bytes (its offset, date and time; 4 once its date and
/// time go) and is decoded each time it is read (a few hundred nanoseconds).
///
/// The date and time of every voucher are kept beside it until the timeline is ordered, so that it is
/// ordered without decoding one.
///
/// Vouchers are put by one thread, before any is read; then read by any number of threads, each through
/// its own ``Reader`` (which keeps the part of the log's file it read last).
public final class VoucherShelf: @unchecked Sendable {
  /// How many vouchers are kept as values; the rest are encoded.
  public private(set) var holding: Int
  // (No exclusivity checks: written by one thread before any reads, as the type says.)
  @exclusivity(unchecked) fileprivate var held: [Voucher] = []
  fileprivate let log: ByteLog
  /// The log offset of each voucher past `holding` (4 bytes each: they only grow).
  @exclusivity(unchecked) fileprivate var offsets = GrowingOffsets()
  /// Date (high 32 bits) and time of each voucher.
  @exclusivity(unchecked) private var keys: [UInt64] = []
  /// The file names the encoded vouchers index (a decoded voucher shares its file's string).
  @exclusivity(unchecked) private var files: [String] = []
  private var lastFile: (name: String, index: Int)?
  /// The log the second half of the vouchers last put were encoded into, kept for the next (its memory
  /// reused), until all are put (``releaseDatesAndTimes()``).
  private var secondHalf: ByteLog?

  /// - Parameters:
  ///   - holding: how many vouchers are kept as values (the rest encoded).
  ///   - directory: where the encoded vouchers spill past `every` bytes; nil keeps them in memory.
  ///   - inFlight: how many parts of the log may be being written at once (``ByteLog``): a run puts its
  ///     vouchers a file at a time, tens of megabytes faster than the page cache takes them.
  public init(holding: Int = .max, spillingTo directory: String? = nil, every bytes: Int = 16 << 20, inFlight: Int = 1) {
    self.holding = max(0, holding)
    log = ByteLog(spillingTo: directory, every: bytes, inFlight: inFlight)
    (spillDirectory, spillBytes) = (directory, bytes)
  }

  /// Where the encoded vouchers spill, and past how many bytes (as given to ``init(holding:spillingTo:every:inFlight:)``).
  private let spillDirectory: String?
  private let spillBytes: Int

  /// An empty shelf that encodes every voucher put and spills where this one does: for vouchers a large run
  /// makes as it goes (those the engine filled in), kept as this shelf's are.
  public func encodingSibling() -> VoucherShelf { VoucherShelf(holding: 0, spillingTo: spillDirectory, every: spillBytes) }

  /// A shelf of `vouchers`, all kept as values.
  public convenience init(_ vouchers: [Voucher]) {
    self.init()
    held = vouchers
    keys = vouchers.map { VoucherShelf.key(of: $0) }
  }

  /// Vouchers put.
  public var count: Int { keys.count + keysReleased }
  /// Vouchers whose date and time were let go (``releaseDatesAndTimes()``).
  private var keysReleased = 0

  /// Makes room for `count` vouchers in all (the arrays that grow with them do not double past it).
  public func reserveCapacity(_ count: Int) {
    keys.reserveCapacity(count)
    if count > holding { offsets.reserveCapacity(count - holding) }
  }

  /// Lets the dates and times go once the timeline is ordered (8 bytes a voucher, 80 MB at ten million
  /// while they post); ``date(_:)`` and ``time(_:)`` are not asked again, nor is a voucher put, until they
  /// are put back (``restoreDatesAndTimes(_:)``).
  /// The log's parts still being written are waited for here, and the memory it kept for more let go.
  public func releaseDatesAndTimes() {
    guard keysReleased == 0 else { return }
    keysReleased = keys.count
    keys = []
    log.settle()
    secondHalf = nil
  }

  /// Puts back the dates and times let go, of the vouchers `entries` names (by position), from where the
  /// caller kept them (a timeline ordered again without some of its vouchers). Those not named read as the
  /// day 0 at midnight: the caller names every voucher it will ask for.
  /// - Complexity: O(vouchers put + entries).
  public func restoreDatesAndTimes(_ entries: (_ restore: (_ position: Int, BusinessDate, BusinessTime) -> Void) -> Void) {
    guard keysReleased > 0 else { return }
    var restored = [UInt64](repeating: 0, count: keysReleased)
    entries { position, date, time in restored[position] = VoucherShelf.key(date: date, time: time) }
    keys = restored
    keysReleased = 0
  }

  /// Keeps no more vouchers as values: those put from here on are encoded (a run that finds it is larger
  /// than the budget; those already held stay held).
  public func stopHolding() { holding = min(holding, count) }
  /// The vouchers kept as values: positions `0..<heldVouchers.count`.
  public var heldVouchers: [Voucher] { held }
  /// Whether some vouchers are encoded (for tests and the run's timings).
  public var encodes: Bool { !offsets.isEmpty }

  /// What the shelf keeps of `v` until the timeline is ordered (its date and time), also for
  /// ``append(contentsOf:keys:)``: made where the voucher was last read, it is not read again for it.
  public static func key(of v: Voucher) -> UInt64 { key(date: v.date, time: v.time) }
  private static func key(date: BusinessDate, time: BusinessTime) -> UInt64 { UInt64(UInt32(bitPattern: Int32(date.dayNumber))) << 32 | UInt64(time.seconds) }

  /// Puts `v` after the others; returns its position.
  /// - Complexity: O(1) amortized kept as a value; O(fields) encoded.
  @discardableResult
  public func append(_ v: Voucher) -> Int {
    precondition(keysReleased == 0, "vouchers are put before their dates and times are let go")
    let position = keys.count
    keys.append(VoucherShelf.key(of: v))
    guard position >= holding else {
      held.append(v)
      return position
    }
    let name = v.source.file
    let file: Int
    if let last = lastFile, last.name == name {
      file = last.index
    } else {
      file = files.firstIndex(of: name) ?? files.count
      if file == files.count { files.append(name) }
      lastFile = (name, file)
    }
    offsets.append(log.append { v.encode(file: file, into: &$0) })
    return position
  }

  /// ``append(contentsOf:)`` of vouchers whose ``key(of:)`` the caller made (`keys`, parallel to them).
  /// The first vouchers put, all to be held, are kept as the array they came in (no reference count per
  /// voucher, and no read of each voucher's date and time where it lies, a cache miss each).
  /// - Complexity: O(1) for the first vouchers, all held; else as ``append(contentsOf:)``.
  @discardableResult
  public func append(contentsOf vouchers: [Voucher], keys given: [UInt64]) -> Range<Int> {
    precondition(given.count == vouchers.count, "a key per voucher")
    guard count == 0, vouchers.count <= holding else { return append(contentsOf: vouchers) }
    held = vouchers
    keys = given
    return 0..<vouchers.count
  }

  /// Puts `vouchers` after the others, in order; returns their positions. Those past the budget are
  /// encoded on both cores (each half into a log of its own, copied in after).
  /// - Complexity: O(n) fields.
  @discardableResult
  public func append(contentsOf vouchers: [Voucher]) -> Range<Int> {
    precondition(keysReleased == 0, "vouchers are put before their dates and times are let go")
    let start = count
    var i = 0
    while i < vouchers.count && keys.count < holding {
      append(vouchers[i])
      i += 1
    }
    let rest = vouchers.count - i
    guard rest >= 2_000 else {
      for v in vouchers[i...] { append(v) }
      return start..<count
    }
    // Every file named gets its place in the table first: the halves only look them up.
    var last: String?
    for v in vouchers[i...] where v.storage.file != last {
      last = v.storage.file
      if !files.contains(v.storage.file) { files.append(v.storage.file) }
    }
    // The first half is encoded into the shelf's log itself, the second into a log of its own (kept for
    // the next file's second half: fresh, it doubled its way to tens of megabytes of new pages each file)
    // and copied in after.
    let files = files, from = i, half = from + rest / 2
    let (log, part) = (log, secondHalf ?? ByteLog())
    part.removeAll()
    secondHalf = part
    let halves = Parallel.mapEach([from..<half, half..<vouchers.count], weight: \.count) { range -> ([Int], [UInt64]) in
      let into = range.lowerBound == from ? log : part
      var offsets: [Int] = [], keys: [UInt64] = []
      offsets.reserveCapacity(range.count)
      keys.reserveCapacity(range.count)
      var cached = (name: "", index: -1)
      for k in range {
        let v = vouchers[k]
        if cached.index < 0 || v.storage.file != cached.name { cached = (v.storage.file, files.firstIndex(of: v.storage.file)!) }
        offsets.append(into.append { v.encode(file: cached.index, into: &$0) })
        keys.append(VoucherShelf.key(of: v))
      }
      return (offsets, keys)
    }
    for o in halves[0].0 { offsets.append(o) }
    keys += halves[0].1
    var base = -1
    part.forEachPart(from: 0, to: part.count) { bytes in
      let at = log.append(records: bytes)
      if base < 0 { base = at }
    }
    for o in halves[1].0 { offsets.append(o + base) }
    keys += halves[1].1
    lastFile = nil
    return start..<count
  }

  /// The date of the voucher at `position`.
  /// - Complexity: O(1).
  /// - Precondition: the dates and times were not let go (``releaseDatesAndTimes()``).
  public func date(_ position: Int) -> BusinessDate {
    precondition(keysReleased == 0, "dates are read before they are let go")
    return BusinessDate(dayNumber: Int(Int32(bitPattern: UInt32(keys[position] >> 32))))
  }
  /// The time of the voucher at `position`.
  public func time(_ position: Int) -> BusinessTime {
    precondition(keysReleased == 0, "times are read before they are let go")
    return BusinessTime(seconds: Int(keys[position] & 0xFFFF_FFFF))
  }

  /// The voucher at `position`, read on its own (a reader going through many keeps its place: ``Reader``).
  /// - Complexity: O(1) kept as a value; O(fields) and two small reads of the file encoded.
  public subscript(position: Int) -> Voucher {
    var window = ByteLog.Window()
    return voucher(position, window: &window, ahead: 512)
  }

  fileprivate func voucher(_ position: Int, window: inout ByteLog.Window, ahead: Int) -> Voucher {
    if position < held.count { return held[position] }
    let files = files
    return log.withPayload(at: offsets[position - held.count], window: &window, ahead: ahead) { bytes in
      var r = RawByteReader(bytes)
      do throws(BinaryFormatError) { return try Voucher(decoding: &r, files: files) } catch {
        preconditionFailure("a voucher of the shelf reads back (\(error))")
      }
    }
  }

  /// Reads vouchers of a shelf, keeping the part of its file read last: vouchers read in about the order
  /// they were put read the file once.
  public struct Reader: Sendable {
    public let shelf: VoucherShelf
    private var window = ByteLog.Window()
    public init(_ shelf: VoucherShelf) { self.shelf = shelf }
    /// - Complexity: O(1) kept as a value; O(fields) encoded, and a 64 KB read when the window does not hold it.
    public mutating func voucher(_ position: Int) -> Voucher { shelf.voucher(position, window: &window, ahead: 64 << 10) }

    /// The sketch of the voucher at `position`, without making the voucher (`rows`: as
    /// ``VoucherList/forEachSketch(rows:_:)``).
    /// - Complexity: as ``voucher(_:)``, without the voucher's allocations.
    public mutating func sketch(_ position: Int, into sketch: inout VoucherSketch, rows: Bool = true) {
      guard position >= shelf.held.count else { return sketch.fill(from: shelf.held[position]) }
      shelf.log.withPayload(at: shelf.offsets[position - shelf.held.count], window: &window) { bytes in
        var r = RawByteReader(bytes)
        do throws(BinaryFormatError) { try sketch.fill(decoding: &r, rows: rows) } catch {
          preconditionFailure("a voucher of the shelf reads back (\(error))")
        }
      }
    }

    /// Calls `body` with the voucher at `position` read where it lies (``EncodedVoucher``, valid during the
    /// call, read into `voucher`), when it is encoded and plain; false, without calling it, otherwise.
    /// - Complexity: O(fields), and a 64 KB read when the window does not hold it.
    public mutating func withPlain(_ position: Int, into voucher: inout EncodedVoucher, _ body: (EncodedVoucher) -> Void) -> Bool {
      withEncoded(position) { (r) throws(BinaryFormatError) in
        guard try voucher.fill(decoding: &r) else { return false }
        body(voucher)
        return true
      } ?? false
    }

    /// Calls `body` with the head of the voucher at `position` read where it lies (``EncodedHead``, valid
    /// during the call, read into `head`); false, without calling it, for a voucher held: ``sketch(_:into:rows:)``
    /// reads those.
    /// - Complexity: O(1), and a 64 KB read when the window does not hold it.
    public mutating func withHead(_ position: Int, into head: inout EncodedHead, _ body: (EncodedHead) -> Void) -> Bool {
      withEncoded(position) { (r) throws(BinaryFormatError) in
        try head.fill(decoding: &r)
        body(head)
        return true
      } ?? false
    }

    /// Calls `body` with the moves of the voucher at `position` read where they lie (``EncodedMoves``,
    /// valid during the call, read into `moves`); false, without calling it, for a voucher held or one with
    /// rare fields: ``sketch(_:into:rows:)`` reads those.
    /// - Complexity: as ``sketch(_:into:rows:)``, without making names.
    public mutating func withMoves(_ position: Int, into moves: inout EncodedMoves, _ body: (EncodedMoves) -> Void) -> Bool {
      withEncoded(position) { (r) throws(BinaryFormatError) in
        guard try moves.fill(decoding: &r) else { return false }
        body(moves)
        return true
      } ?? false
    }

    /// `read`'s result for a reader of the voucher the shelf encoded at `position`, where it lies; nil for a
    /// voucher held.
    private mutating func withEncoded<R>(_ position: Int, _ read: (inout RawByteReader) throws(BinaryFormatError) -> R) -> R? {
      guard position >= shelf.held.count else { return nil }
      return shelf.log.withPayload(at: shelf.offsets[position - shelf.held.count], window: &window) { bytes in
        var r = RawByteReader(bytes)
        do throws(BinaryFormatError) { return try read(&r) } catch {
          preconditionFailure("a voucher of the shelf reads back (\(error))")
        }
      }
    }
  }
}
