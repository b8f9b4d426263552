import StockCore

/// A run's `vouchers.csv` as it is written, voucher by voucher, with where each voucher's rows are
/// (``VoucherPlace``, for the history). The commit writes one whole; a run onto an empty ledger begins one
/// beside the posting, in the renderer's idle time (its vouchers are known before they post), and the
/// commit continues it (``LedgerStore/commit(_:previousChain:places:prewritten:)``): at a million vouchers
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
  @exclusivity(unchecked) public private(set) var lastNumber: String?
  /// Vouchers written so far (``takePlaces()`` keeps it).
  public var count: Int { taken ?? places.count }
  /// The count when the places were taken.
  private var taken: Int?

  /// Starts the file (its header) at `path` (under a temporary name beside it until finished).
  public init(path: String, run: Int, capacity: Int = 0) throws(StoreError) {
    file = try StreamedFile(path: path)
    self.run = run
    places = VoucherPlaces(run: run)
    buffer = ByteWriter(guardsFormulas: false, capacity: StreamedFile.chunk + (1 << 16))
    buffer.texts(LedgerFormat.voucherHeader)
    buffer.endRow()
    places.reserveCapacity(capacity)
  }

  /// Appends the rows of `vouchers` (``LedgerFormat/write(_:into:)``).
  /// - Complexity: O(rows written).
  public func write(_ vouchers: some Sequence<Voucher>) throws(StoreError) {
    for v in vouchers { try write(v) }
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
    lastNumber = v.no
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
    let no = String(decoding: v.head.no, as: UTF8.self)
    if firstNumber == nil { firstNumber = no }
    lastNumber = no
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

  /// Makes the file durable under its name (``StreamedFile/finish(durable:)``).
  public func finish() throws(StoreError) -> (count: Int, sha256: String) {
    try file.write(from: &buffer, flushingAt: 0)
    let (count, hash) = try file.finish()
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
