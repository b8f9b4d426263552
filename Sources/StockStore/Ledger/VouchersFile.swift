import Dispatch
import Foundation
import StockCore

/// A run's `vouchers.csv` as it is written, voucher by voucher, with where each voucher's rows are
/// (``VoucherPlace``, for the history). The commit writes one whole; a run onto an empty ledger begins one
/// beside the posting, in the renderer's idle time (its vouchers are known before they post), and the
/// commit continues it (``LedgerStore/commit(_:previousChain:places:prewritten:prewrittenVouchers:)``): at a million vouchers
/// the commit's core spent 0.4 s formatting them while the other core was busy with the caches.
///
/// Used by one thread at a time (handed over under a lock): its state is not checked for overlapping
/// accesses (`@exclusivity(unchecked)`; checked, a million vouchers' rows spent a tenth of their writing
/// in the runtime's access checks).
public final class VouchersFile: @unchecked Sendable {
  private let file: StreamedFile
  @exclusivity(unchecked) private var buffer: ByteWriter
  public let run: Int
  /// Where each voucher written so far is, in the order written.
  @exclusivity(unchecked) public private(set) var places: VoucherPlaces
  /// The numbers of the first and the last voucher written (a continuation must follow them).
  @exclusivity(unchecked) public private(set) var firstNumber: String?
  public var lastNumber: String? { lastIsBytes ? String(decoding: lastNumberBytes, as: UTF8.self) : lastNumberText }
  /// The last number: as text, or as the bytes of an encoded voucher's (a string made of them, its UTF-8
  /// checked, for every voucher written was a tenth of a microsecond each).
  @exclusivity(unchecked) private var lastNumberText: String?
  @exclusivity(unchecked) private var lastNumberBytes: [UInt8] = []
  @exclusivity(unchecked) private var lastIsBytes = false
  /// Vouchers written so far (``takePlaces()`` keeps it).
  public var count: Int { taken ?? places.count }
  /// The count when the places were taken.
  private var taken: Int?

  /// Starts the file (its header) at `path` (under a temporary name beside it until finished).
  public init(path: String, run: Int, capacity: Int = 0) throws(StoreError) {
    file = try StreamedFile(path: path, syncingAsItGoes: true)
    self.run = run
    places = VoucherPlaces(run: run)
    buffer = ByteWriter(guardsFormulas: false, capacity: StreamedFile.chunk + (1 << 16))
    buffer.texts(LedgerFormat.voucherHeader)
    buffer.endRow()
    places.reserveCapacity(capacity)
  }

  /// Appends the rows of `vouchers` from `start` on, on both cores when there are many: in blocks, each
  /// split in two, the first half written here while a thread of its own formats the second into rows
  /// appended after it (the commit wrote the vouchers the renderer had not, 20 ms at 100k, on one core at
  /// the very end of a run). A thread, not `Parallel`: the commit calls this from inside its own
  /// `concurrentPerform`, where a nested one runs its iterations one after the other.
  /// - Complexity: O(rows written); at most two blocks' rows held by the other thread.
  public func write(_ vouchers: VoucherList, from start: Int) throws(StoreError) {
    let block = VouchersFile.block, n = vouchers.count
    // A plain voucher the shelf encoded is written from where it lies, the others as values.
    func writeVouchers(_ range: Range<Int>) throws(StoreError) {
      try vouchers.forEachPlain(in: range, plain: { (e) throws(StoreError) in try write(e) }, decoded: { (v) throws(StoreError) in try write(v) })
    }
    guard n - start >= 2 * block else {
      try writeVouchers(start..<n)
      return
    }
    var blocks: [(first: Int, middle: Int, end: Int)] = []
    var i = start
    while i < n {
      let end = Swift.min(n, i + 2 * block)
      blocks.append((i, i + (end - i + 1) / 2, end))
      i = end
    }
    let other = OtherHalves(vouchers, blocks: blocks)
    defer { other.stop() }
    for (k, b) in blocks.enumerated() {
      try writeVouchers(b.first..<b.middle)
      // The other half's rows after this one's, their places from where they land.
      let side = other.take(k)
      let base = file.count + buffer.count
      var from = 0
      for e in side.ends {
        places.append(start: base + from, end: base + e)
        from = e
      }
      buffer.append(rowsOf: side.writer)
      if let last = side.lastNumber { (lastNumberText, lastIsBytes) = (last, false) }
      other.giveBack(k)
      try file.write(from: &buffer)
    }
  }

  /// Vouchers in a block's half of ``write(_:from:)`` (about 400 kB of rows).
  static let block = 4096

  /// The second halves of ``write(_:from:)``'s blocks, formatted on a thread of their own into two
  /// buffers in turn: block k's into buffer k % 2, once the writer gave it back from block k − 2.
  private final class OtherHalves: @unchecked Sendable {
    /// One block's rows. Each side is written by the thread, then read by the writer, never both at once
    /// (the semaphores order them): its fields are not checked for overlapping access at run time (a check
    /// per voucher written).
    final class Side {
      @exclusivity(unchecked) var writer = ByteWriter(guardsFormulas: false, capacity: 1 << 19)
      @exclusivity(unchecked) var ends: [Int] = []
      @exclusivity(unchecked) var lastNumber: String?
    }
    private let sides = [Side(), Side()]
    private let ready = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
    private let free = [DispatchSemaphore(value: 1), DispatchSemaphore(value: 1)]
    private let done = DispatchSemaphore(value: 0)
    /// Set before the writer gives the buffers back for the last time, read by the thread after it waited
    /// for one (the semaphore orders the two).
    private var stopped = false

    init(_ vouchers: VoucherList, blocks: [(first: Int, middle: Int, end: Int)]) {
      let thread = Thread { [self] in
        for (k, b) in blocks.enumerated() {
          free[k % 2].wait()
          if stopped { break }
          let side = sides[k % 2]
          side.writer.removeAll()
          side.ends.removeAll(keepingCapacity: true)
          side.lastNumber = nil  // (a half without vouchers names none: not the one of two blocks before)
          // (The last one's number alone is kept: made from an encoded voucher's bytes, it is a string made.)
          var lastPlain: [UInt8]?
          vouchers.forEachPlain(
            in: b.middle..<b.end,
            plain: { e in
              LedgerFormat.write(e, into: &side.writer)
              side.ends.append(side.writer.count)
              if lastPlain == nil { lastPlain = [] }
              lastPlain!.removeAll(keepingCapacity: true)
              lastPlain!.append(contentsOf: e.head.no)
            },
            decoded: { v in
              LedgerFormat.write(v, into: &side.writer)
              side.ends.append(side.writer.count)
              side.lastNumber = v.no
              lastPlain = nil
            })
          if let lastPlain { side.lastNumber = String(decoding: lastPlain, as: UTF8.self) }
          ready[k % 2].signal()
        }
        done.signal()
      }
      thread.start()
    }

    /// Block `k`'s rows, once formatted.
    func take(_ k: Int) -> Side {
      ready[k % 2].wait()
      return sides[k % 2]
    }

    /// Block `k`'s buffer, appended: for block k + 2.
    func giveBack(_ k: Int) { free[k % 2].signal() }

    /// Waits for the thread to end, telling it to stop where it is (the writer failed, or is done).
    func stop() {
      stopped = true
      free[0].signal()
      free[1].signal()
      done.wait()
    }
  }

  /// Appends the rows of `v` (``LedgerFormat/write(_:into:)``): what the renderer calls a voucher at a
  /// time (not through the generic sequence: unspecialised across modules, its iterator's metadata
  /// lookups cost as much as the formatting at ten million vouchers).
  /// - Complexity: O(rows written).
  public func write(_ v: Voucher) throws(StoreError) {
    precondition(taken == nil, "nothing is written after the places are taken")
    let start = file.count + buffer.count
    LedgerFormat.write(v, into: &buffer)
    places.append(start: start, end: file.count + buffer.count)
    if firstNumber == nil { firstNumber = v.no }
    (lastNumberText, lastIsBytes) = (v.no, false)
    try file.write(from: &buffer)
  }

  /// Writes a plain voucher read where it lies (``LedgerFormat/write(_:into:)-(EncodedVoucher,_)``): what
  /// ``write(_:)`` writes for it decoded.
  /// - Complexity: O(rows written).
  public func write(_ v: EncodedVoucher) throws(StoreError) {
    precondition(taken == nil, "nothing is written after the places are taken")
    let start = file.count + buffer.count
    LedgerFormat.write(v, into: &buffer)
    places.append(start: start, end: file.count + buffer.count)
    if firstNumber == nil { firstNumber = String(decoding: v.head.no, as: UTF8.self) }
    lastNumberBytes.removeAll(keepingCapacity: true)
    lastNumberBytes.append(contentsOf: v.head.no)
    lastIsBytes = true
    try file.write(from: &buffer)
  }

  /// Whether `vouchers` begin with the ones written: checked by the count and the first and last numbers
  /// (the writer was given them in this order, ``Timeline/arrivalOrder(_:)``; this guards the hand-over).
  public func isBeginning(of vouchers: VoucherList, run: Int) -> Bool {
    run == self.run && count <= vouchers.count && (count == 0 || (vouchers[0].no == firstNumber && vouchers[count - 1].no == lastNumber))
  }

  /// The places of the vouchers written, handed over rather than shared (the file keeps none: ten million
  /// places are 152 MB, held to the run's end by whoever keeps the file). Nothing is written after.
  public func takePlaces() -> VoucherPlaces {
    precondition(taken == nil, "a file's places are taken once")
    taken = places.count
    defer { places = VoucherPlaces(run: run) }
    return places
  }

  /// Makes the file durable under its name (``StreamedFile/finish(durable:syncingDirectory:)``).
  public func finish(syncingDirectory: Bool = true) throws(StoreError) -> (count: Int, sha256: String) {
    try file.write(from: &buffer, flushingAt: 0)
    let (count, hash) = try file.finish(syncingDirectory: syncingDirectory)
    guard let hash else { throw StoreError(path: file.path, "written without its hash") }
    return (count, hash)
  }

  /// Closes the file under its temporary name, hashed, for the caller to adopt elsewhere.
  public func closeHashed() throws(StoreError) -> StreamedFile.Closed {
    try file.write(from: &buffer, flushingAt: 0)
    return try file.closeHashed()
  }

  /// Removes the unfinished file.
  public func discard() { file.discard() }
}
