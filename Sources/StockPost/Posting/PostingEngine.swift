import StockCore

/// Values and posts vouchers in timeline order: one stock ledger entry per stock movement, the valued
/// state per item and warehouse, and the voucher's GL (SPEC §5.4, §5.7).
///
/// A voucher posts completely or not at all: its movements change the states in place, and what they were
/// is put back when a row fails (``Transaction/undoStates()``). The engine starts from any state (empty for a
/// replay from scratch), so an incremental run can continue from a snapshot.
public struct PostingEngine: Sendable {
  public let masters: Masters
  /// The work of the voucher posting, kept from one voucher to the next: it holds the engine's state
  /// (`base`) and its scratch (GL lines and touched states, emptied after each voucher, their storage
  /// kept). Made, swapped in and out and destroyed per voucher it cost about 1,500 instructions a voucher.
  private var tx: Transaction
  /// Everything the vouchers posted so far left behind: stock per item and warehouse, serials, batches,
  /// what returns need of their originals.
  public var state: PostingState { tx.base }
  /// Called before the engine appends past the capacity of the caller's `entries` or `gl` (which then
  /// move to new storage): a reader of their storage on another thread is drained first.
  public var beforeGrowing: (@Sendable () -> Void)? {
    get { tx.beforeGrowing }
    set { tx.beforeGrowing = newValue }
  }

  /// State of every item and warehouse after the vouchers posted so far.
  public var states: StockStates { state.stock }
  /// How many documents were set so far (``PostedDocuments/setCount``). A `mutating get`, as the prefetch
  /// steps are `mutating`: read per voucher, its caller's engine is passed by address, not copied.
  public var documentsSet: Int { mutating get { tx.base.documents.setCount } }

  public init(masters: Masters, state: PostingState = PostingState()) {
    self.masters = masters
    tx = Transaction(masters: masters, voucher: Voucher(type: .stockEntry, no: "", date: BusinessDate(dayNumber: 0), source: SourceLocation(file: "", line: 0)))
    tx.base = state
  }

  /// The states a voucher will look up, brought into cache in three steps a few vouchers before it posts
  /// (``StockStates``): `probe` the table slots of its first keys' hashes (``StateHashes``), then the
  /// `positions` they point to (key and state), then the `queues` of those states. Each step reads only
  /// what the one before asked for; a guess that proves wrong (a name spelled otherwise than the master's)
  /// costs a wasted prefetch, never a wrong answer.
  /// - Complexity: O(1) each.
  /// The first row's item is brought in alongside, in the same three steps (``Masters/prefetchItem(slotOf:)``).
  ///
  /// `mutating` though they change nothing, so that the replay (another module) passes its engine by
  /// address: a non-mutating call copied the whole engine (536 bytes) to a temporary first, five copies a
  /// voucher with ``documentsSet`` (callgrind at 100k: 226 → 163 M instructions of `memcpy`, with the
  /// renderer's ``LedgerFolds`` steps).
  @inline(__always) public mutating func prefetch(probe h: StateHashes) {
    tx.base.stock.prefetch(probe: h.first)
    if h.count > 1 { tx.base.stock.prefetch(probe: h.second) }
    if let item = h.item { masters.prefetchItem(slotOf: item) }
  }
  @inline(__always) public mutating func prefetch(positions h: StateHashes) -> StatePositions {
    StatePositions(
      first: tx.base.stock.prefetch(position: h.first), second: h.count > 1 ? tx.base.stock.prefetch(position: h.second) : -1,
      item: h.item.map { masters.prefetchItem(entryOf: $0) } ?? -1)
  }
  @inline(__always) public mutating func prefetch(queues p: StatePositions) {
    tx.base.stock.prefetch(queueAt: p.first)
    tx.base.stock.prefetch(queueAt: p.second)
    masters.prefetchItem(at: p.item)
  }

  /// Where the second prefetch step found a voucher's states and item (-1: not found).
  public struct StatePositions: Sendable {
    public var first = -1, second = -1, item = -1
    public init() {}
    @usableFromInline init(first: Int, second: Int, item: Int) { (self.first, self.second, self.item) = (first, second, item) }
  }

  /// The hashes of the first (at most two) item-warehouses a voucher moves, as its rows name them.
  public struct StateHashes: Sendable {
    public var first = 0, second = 0, count = 0
    /// The hash the masters' table looks the first row's item code up by (``InternedName/tableHash``).
    public var item: UInt64?
    public init() {}
    public init(_ v: Voucher) {
      // Rows read in place and the warehouses spelled out: a copy of a row retained its dozen names, an
      // array of the three warehouses cost an allocation.
      // From the hashes the names' boxes keep (``InternedName``): no name read, none hashed.
      v.items.withUnsafeBufferPointer { rows in
        guard !rows.isEmpty else { return }
        let r0 = rows[0].itemName
        item = r0.tableHash
        if !rows[0].warehouseName.isEmpty { add(r0, rows[0].warehouseName) }
        if !rows[0].sourceWarehouseName.isEmpty { add(r0, rows[0].sourceWarehouseName) }
        if count < 2 && !rows[0].targetWarehouseName.isEmpty { add(r0, rows[0].targetWarehouseName) }
        if count < 2 && rows.count > 1 {
          if !rows[1].warehouseName.isEmpty {
            add(rows[1].itemName, rows[1].warehouseName)
          } else if !rows[1].sourceWarehouseName.isEmpty {
            add(rows[1].itemName, rows[1].sourceWarehouseName)
          }
        }
      }
    }

    private mutating func add(_ item: InternedName, _ warehouse: InternedName) {
      if count == 0 { first = StockKey.hashedNames(item: item, warehouse: warehouse) } else { second = StockKey.hashedNames(item: item, warehouse: warehouse) }
      count += 1
    }
  }

  /// Makes room for `count` vouchers' worth of history, so a long replay does not rehash as it grows.
  public mutating func reserve(vouchers count: Int) {
    tx.base.documents.reserveCapacity(count)
  }

  /// Posts one validated voucher.
  /// - Complexity: O(rows × bins touched).
  public mutating func post(_ voucher: Voucher) -> Result<PostedVoucher, VoucherProblems> {
    var entries: [StockLedgerEntry] = [], gl: [GLEntry] = []
    switch post(voucher, appendingTo: &entries, gl: &gl) {
    case .success(let resolved): return .success(PostedVoucher(voucher: resolved ?? voucher, entries: entries, gl: gl))
    case .failure(let problems): return .failure(problems)
    }
  }

  /// Posts one validated voucher, appending its stock ledger entries to `entries` and its GL lines to `gl`
  /// in place (a replay's arrays: no per-voucher arrays, no copies); nothing is appended when it fails.
  /// - Returns: the voucher as posted when the engine filled in rows (batches or serials it named or
  ///   picked), else nil (it posted as it came).
  /// - Complexity: O(rows × bins touched).
  /// - Parameter prefetched: the voucher's own ``StateHashes``, when the caller made them for its prefetch
  ///   (its first row's item and key are then not hashed again).
  public mutating func post(
    _ voucher: Voucher, appendingTo entries: inout [StockLedgerEntry], gl: inout [GLEntry], prefetched: StateHashes = StateHashes()
  ) -> Result<Voucher?, VoucherProblems> {
    tx.prefetched = prefetched
    tx.begin(voucher)
    // The transaction borrows the caller's entries (no copy) and gives them back.
    swap(&tx.entries, &entries)
    tx.firstEntry = tx.entries.count
    defer {
      swap(&tx.entries, &entries)
      tx.gl.removeAll()
    }
    switch (voucher.type, voucher.action) {
    case (_, .close): tx.closeOrder()
    case (.purchaseReceipt, _), (.purchaseInvoice, _): tx.buying()
    case (.deliveryNote, _), (.salesInvoice, _): tx.selling()
    case (.stockEntry, _): tx.stockEntry()
    case (.stockReconciliation, _): tx.reconciliation()
    case (.salesOrder, _), (.purchaseOrder, _), (.workOrder, _): tx.openOrder()
    }
    if !tx.problems.isEmpty {
      tx.entries.removeSubrange(tx.firstEntry...)
      tx.base.documents.discardPendingLines()
      tx.undoStates()
      return .failure(VoucherProblems(diagnostics: tx.problems))
    }
    tx.commit()
    let lines = tx.gl.balance(roundOff: masters.defaultAccountNames.roundOff)
    if gl.count + lines > gl.capacity {
      tx.beforeGrowing?()  // (read only here: handed to the builder, it was retained and released per voucher)
      gl.reserveCapacity(max(gl.count + lines, 2 * gl.capacity))  // geometric, as appending grows
    }
    tx.gl.append(for: voucher, number: tx.number, to: &gl)
    // (Most vouchers have no overlays: their empty rows table was made and freed for the test.)
    return .success(tx.rare?.resolvedRows.isEmpty ?? true ? nil : tx.resolvedVoucher)
  }
}

/// What later vouchers need to know of a posted one: returns take its rates and may not exceed its
/// quantities; invoices check the receipt they bill.
public struct PostedDocument: Sendable, Hashable {
  public var type: VoucherType
  public var isReturn: Bool
  public var party: String
  /// One line per stock movement of the voucher.
  public var lines: [Line]
  /// Quantity already returned, by item and warehouse of the original line.
  public var returned = [StockKey: Quantity]()

  /// A line is 72 bytes, not 96: its three numbers packed into 64 bits of 10⁻⁹ each (up to ±9.2 × 10⁹), or
  /// all three boxed whole when one does not fit (one form per value: `==` and `hash` hold). A
  /// million-voucher run holds a line per receipt and delivery.
  public struct Line: Sendable, Hashable {
    public var key: StockKey
    private var packedQty: Int64 = 0, packedRate: Int64 = 0, packedDocumentRate: Int64 = 0
    private var wide: Wide?

    public init(key: StockKey, qty: Quantity, rate: Rate, documentRate: Rate) {
      self.key = key
      numbers = (qty, rate, documentRate)
    }

    /// Stock UOM, positive.
    public var qty: Quantity {
      get { wide?.numbers.qty ?? Fixed(raw: Int128(packedQty)) }
      set { numbers.qty = newValue }
    }
    /// Inward: the incoming (valuation) rate; outward: the value issued per unit.
    public var rate: Rate {
      get { wide?.numbers.rate ?? Fixed(raw: Int128(packedRate)) }
      set { numbers.rate = newValue }
    }
    /// The document rate per stock unit (purchase or selling price), for returns without a rate.
    public var documentRate: Rate {
      get { wide?.numbers.documentRate ?? Fixed(raw: Int128(packedDocumentRate)) }
      set { numbers.documentRate = newValue }
    }

    /// The three numbers: read from wherever they are, written packed when all fit, else boxed.
    private var numbers: (qty: Quantity, rate: Rate, documentRate: Rate) {
      get { wide?.numbers ?? (Fixed(raw: Int128(packedQty)), Fixed(raw: Int128(packedRate)), Fixed(raw: Int128(packedDocumentRate))) }
      set {
        if let q = Int64(exactly: newValue.qty.raw), let r = Int64(exactly: newValue.rate.raw), let d = Int64(exactly: newValue.documentRate.raw) {
          (packedQty, packedRate, packedDocumentRate, wide) = (q, r, d, nil)
        } else {
          (packedQty, packedRate, packedDocumentRate, wide) = (0, 0, 0, Wide(numbers: newValue))
        }
      }
    }

    /// A line's numbers when one of them needs more than 64 bits. Immutable: a change makes a new box.
    final class Wide: Sendable, Hashable {
      let numbers: (qty: Quantity, rate: Rate, documentRate: Rate)
      init(numbers: (qty: Quantity, rate: Rate, documentRate: Rate)) { self.numbers = numbers }
      static func == (a: Wide, b: Wide) -> Bool { a.numbers == b.numbers }
      func hash(into h: inout Hasher) {
        h.combine(numbers.qty)
        h.combine(numbers.rate)
        h.combine(numbers.documentRate)
      }
    }
  }

  public init(type: VoucherType, isReturn: Bool, party: String, lines: [Line]) {
    self.type = type
    self.isReturn = isReturn
    self.party = party
    self.lines = lines
  }
}
