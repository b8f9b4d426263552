import StockCore

/// The work of posting one voucher: the states it touches, the entries it writes, its GL, and the problems
/// that keep it from posting. Voucher families extend it (`Transaction+Buying`, `+Selling`, `+StockEntry`,
/// `+Reconciliation`).
///
/// The small non-mutating helpers the families call per row (`stockKey(ofRow:_:_:)`, `state(_:)`, the
/// accounts) are `@inline(__always)`: called from a mutating method, each call was given a copy of the
/// whole transaction (a `memcpy` of its 600 bytes), a tenth of a delivery's instructions.
struct Transaction {
  /// Not retained: the engine holds the masters while a voucher posts (a retain and release per voucher).
  unowned(unsafe) let masters: Masters
  /// The voucher posting (the engine keeps one transaction and begins it anew for each, ``begin(_:)``).
  private(set) var voucher: Voucher
  /// The voucher's number as its entries and GL lines hold it (made once per voucher).
  private(set) var number: VoucherNumber
  /// The engine's state; the `pending…` overlays hold what the voucher changed until it commits, but for
  /// the states of stock, which it changes in place (``setState(_:_:)``), keeping what they were in `undo`.
  var base = PostingState()
  /// The states the voucher changed in `base.stock`, in the order first changed, each with what it was but
  /// for its queue: put back if the voucher fails (``undoStates()``). Changed in place, a state is looked
  /// up once per movement, its FIFO queue is not copied (a copy kept for undoing shared the queue, so the
  /// change copied it, and the commit freed the old one: an allocation and a free per movement), and the
  /// voucher's states are not written back when it commits (a small map of the touched states and the
  /// write-back cost a ninth of posting).
  var undo: [Undo] = []
  /// How to undo each change the voucher made to a queue in `base.stock`, oldest first (kept from voucher
  /// to voucher, so no allocation): a movement changes a bin or two, where a copy of the queue grew with
  /// its open layers.
  var queueEdits = QueueEdits()

  /// A state as it was before the voucher changed it (its queue is put back by `queueEdits`); `added` when
  /// the voucher added its key.
  struct Undo {
    var position: Int
    var added: Bool
    var qty: Quantity, stockValue: Amount, valuationRate: Rate, hasEntries: Bool
  }
  /// The undo of each queue change, with the position of the state whose queue it changed.
  struct QueueEdits: QueueJournal {
    /// The state whose queue the next changes are to.
    var position = 0
    /// The edits as plain values (emptied after every voucher without a destructor call per edit, which
    /// an array of ``QueueEdit`` — one of its cases holds an array — took: 3 % of the posting core).
    private(set) var edits: [(position: Int, edit: Edit)] = []
    /// The bins of the queues set whole, which ``Edit/replaced(_:)`` names by position (rare).
    private var replaced: [[StockBin]] = []
    enum Edit {
      case appended
      case changed(StockBin, at: Int)
      case removed(StockBin, at: Int)
      case replaced(Int)
    }
    mutating func record(_ edit: QueueEdit) {
      switch edit {
      case .appended: edits.append((position, .appended))
      case let .changed(bin, at: i): edits.append((position, .changed(bin, at: i)))
      case let .removed(bin, at: i): edits.append((position, .removed(bin, at: i)))
      case let .replaced(bins):
        replaced.append(bins)
        edits.append((position, .replaced(replaced.count - 1)))
      }
    }
    /// The edit as the queue undoes it.
    func queueEdit(_ edit: Edit) -> QueueEdit {
      switch edit {
      case .appended: .appended
      case let .changed(bin, at: i): .changed(bin, at: i)
      case let .removed(bin, at: i): .removed(bin, at: i)
      case let .replaced(k): .replaced(replaced[k])
      }
    }
    mutating func removeAll() {
      edits.removeAllScratch()
      if !replaced.isEmpty { replaced.removeAll(keepingCapacity: true) }
    }
  }
  /// The changes the voucher made in place to the engine's lists of serials and batches in stock
  /// (`base.serialsIn`, `base.batchesIn`), oldest first: undone newest first if it fails
  /// (``undoStates()``). Kept from voucher to voucher (empty but for tracked items' movements). An overlay
  /// copy of a list, as the other tracking states have, cost every movement a copy of all the serials in
  /// stock there (20,000 in stock: 1.5 s for 10,000 one-serial deliveries, against 0.12 s now).
  var listEdits: [ListEdit] = []
  /// Which of the two lists an edit changed.
  enum ListKind { case serials, batches }
  enum ListEdit {
    /// `count` names appended.
    case appended(StockKey, ListKind, count: Int)
    /// A name inserted at a place (counted from the list's front).
    case inserted(StockKey, ListKind, at: Int)
    /// These names removed from the front.
    case removedFirst(StockKey, ListKind, [String])
    /// Names removed from where they were (counted from the list's front), in the list's order.
    case removed(StockKey, ListKind, [(at: Int, name: String)])

    var key: StockKey {
      switch self {
      case let .appended(k, _, _), let .inserted(k, _, _), let .removedFirst(k, _, _), let .removed(k, _, _): k
      }
    }
    var kind: ListKind {
      switch self {
      case let .appended(_, kind, _), let .inserted(_, kind, _), let .removedFirst(_, kind, _), let .removed(_, kind, _): kind
      }
    }
  }
  /// The overlays of batches, serials, orders, planning and returns: most vouchers touch none of them, so
  /// they exist only once one is written (a transaction of a dozen empty collections cost ~1,700
  /// instructions to destroy and as many to commit, per voucher).
  var rare: Rare?
  struct Rare {
    var serials: [String: SerialState] = [:]
    var batches: [String: BatchState] = [:]
    var batchStock: [BatchKey: BatchStock] = [:]
    var series: [String: Int] = [:]
    var orders: [String: OrderState] = [:]
    var planning: [StockKey: PlanningTotals] = [:]
    var tracked: [String: TrackedCounts] = [:]
    var transferChunks: [Int: [Chunk]] = [:]
    var resolvedRows: [Int: [ItemRow]] = [:]
    var returnedNow: [StockKey: Quantity] = [:]
  }
  /// The entries of every voucher posted so far, borrowed from the caller: this voucher's start at
  /// `firstEntry` (removed again if it fails).
  var entries: [StockLedgerEntry] = []
  var firstEntry = 0
  /// Called before an append would move `entries` to new storage (see ``PostingEngine/beforeGrowing``).
  var beforeGrowing: (@Sendable () -> Void)?
  var problems: [Diagnostic] = []
  var gl = GLBuilder()
  /// The Sales Order whose reservation this voucher's outward movements may take.
  var fulfilling: String?
  /// A Stock Entry's rows as they post (``stockEntry()``), kept from voucher to voucher.
  var entryRows: [EntryRow] = []

  /// The company's precisions and rounding rule, held apart from `company` (whose copies cost a dozen
  /// retains and releases: the valuation rounds several times per row).
  let arithmetic: Company.Arithmetic
  /// The company's flags every voucher reads, held apart for the same reason: read through `company`, each
  /// was a copy of the company (its strings retained and released), two or three per voucher.
  let perpetual: Bool
  let enforcesReservations: Bool

  init(masters: Masters, voucher: Voucher) {
    self.masters = masters
    self.voucher = voucher
    number = VoucherNumber(voucher.no)
    arithmetic = masters.company.arithmetic
    perpetual = masters.company.perpetualInventory
    enforcesReservations = masters.company.enforceReservations
    lookUpItems()
  }

  /// Starts on `voucher`: what the last voucher left (problems, overlays, the order it fulfilled) is
  /// cleared; the engine emptied its GL lines and touched states when it finished.
  mutating func begin(_ voucher: Voucher) {
    self.voucher = voucher
    number = VoucherNumber(voucher.no)
    lookUpItems()
    // (Checked first: assigning nil destroyed the old value through the runtime's generic witness, for
    // every voucher, though most leave none.)
    if rare != nil { rare = nil }
    fulfilling = nil
    if !problems.isEmpty { problems.removeAll() }
  }

  mutating func fail(_ code: ErrorCode, line: Int, field: String, _ message: String) {
    var loc = voucher.source
    loc.line = line
    problems.append(Diagnostic(code, at: loc, voucher: voucher.no, field: field, message))
  }

  /// The company's settings (read through the shared masters, not copied per voucher).
  var company: Company { _read { yield masters.company } }  // borrowed, not copied (its strings are many)
  /// The voucher's rows whose item is known, each with its item and its index among those rows (the
  /// positions of per-row arrays such as a purchase's net amounts), in row order: validation rejects rows of
  /// unknown items, a ledger replayed under other master data skips them. Walked as the rows are, each item
  /// looked up as it comes: an array of (row, item) pairs per voucher copied every row with its four names,
  /// and an array of positions cost more than the lookups it saved.
  var knownRows: KnownRows { KnownRows(rows: voucher.items, items: rowItemsInPlace) }
  /// The item of each of the voucher's rows (nil: not in the masters), looked up once when the voucher
  /// begins: the families walk `knownRows` two or three times, and each walk looked every item up again
  /// (a hash of the code, a probe and a reference count: a tenth of posting).
  private(set) var rowItems: [Item?] = []
  /// A purchase's net amount per known row, kept from voucher to voucher (``buying()`` takes it for the
  /// voucher and puts it back: made anew, it was an allocation per receipt).
  var netsScratch: [Amount] = []

  /// Fills `rowItems` for the voucher (its array kept from voucher to voucher).
  private mutating func lookUpItems() {
    rowItems.removeAllScratch()
    // (By index: a loop over the rows copied each, retaining its four names, to read one.) The first
    // row's code was hashed for the prefetch (``prefetched``).
    // Through a cache by the code's box (``itemCache``), else looked up by the bytes and hash the box keeps
    // (``InternedName``): nothing hashed, no name read.
    let masters = unretainedMasters
    voucher.items.withUnsafeBufferPointer { rows in
      for p in rows.indices {
        let item = itemCache.value(rows[p].itemName) { code in masters._withUnsafeGuaranteedRef { $0.unretainedItem(code) } }
        rowItems.append(item?.takeUnretainedValue())
      }
    }
    rowItemsPlace = InPlace(rowItems.withUnsafeBufferPointer { $0 })
  }

  /// `rowItems` where they lie, for the walks over a voucher's rows (``knownRows``, ``knownRowPlaces``,
  /// a transfer's rows): set when the voucher begins, once the array is filled, and valid until the next
  /// voucher begins (nothing else changes the array; a copy of the transaction keeps the same storage alive
  /// and sets its own when it begins a voucher). A copy of the array per walk counted a reference to its
  /// storage, atomically, and dropped it.
  var rowItemsInPlace: UnsafeBufferPointer<Item?> { rowItemsPlace.buffer }
  private var rowItemsPlace = InPlace(UnsafeBufferPointer(start: nil, count: 0))

  /// The pointer the transaction keeps (sent with it: it points into the transaction's own array).
  private struct InPlace: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<Item?>
    init(_ buffer: UnsafeBufferPointer<Item?>) { self.buffer = buffer }
  }

  /// The masters, for a lookup made from a closure the caches call: not retained for it (the engine holds
  /// them; the validator's `Check.unretained` likewise).
  var unretainedMasters: Unmanaged<Masters> { Unmanaged.passUnretained(masters) }

  /// The items of the codes met so far, by their names' boxes (kept from voucher to voucher; the masters'
  /// items, not retained: the engine holds the masters).
  var itemCache = InternedNameCache<Unmanaged<Item>>()
  /// The stock accounts of the warehouses met so far, by their names' boxes (kept from voucher to voucher):
  /// a lookup in the masters by the name's bytes was a tenth of a receipt's own instructions.
  var stockAccountCache = InternedNameCache<AccountName>(slotCount: 1024)

  /// The voucher's own hashes, made for the prefetch a few vouchers before it posts (empty when it was not
  /// prefetched): what its first row's item and item-warehouse are looked up by.
  var prefetched = PostingEngine.StateHashes()

  /// The key of the known row at `index` (`row`, of `item`) in its own warehouse. The voucher's first row's
  /// is made from the hash the prefetch made of the same names (``PostingEngine/StateHashes``: its first
  /// is the first row's item in its own warehouse, when it names one): a voucher's names were hashed twice,
  /// for the prefetch and for the key.
  @inline(__always) func stockKey(ofRow index: Int, _ row: ItemRow, _ item: Item) -> StockKey {
    // The first known row is the voucher's first row when that one's item is known.
    if index == 0 && prefetched.count > 0 && rowItems.first != nil && !row.warehouseName.isEmpty {
      return StockKey(item: item.codeName, warehouse: row.warehouseName, hashedNames: prefetched.first)
    }
    // The names' hash from their boxes (the item's code is the row's, `==`, so it hashes alike).
    return StockKey(item: item.codeName, warehouse: row.warehouseName)
  }

  struct KnownRows: Sequence, IteratorProtocol {
    let rows: [ItemRow]
    private var places: KnownRowPlaces

    init(rows: [ItemRow], items: UnsafeBufferPointer<Item?>) {
      self.rows = rows
      places = KnownRowPlaces(items: items)
    }

    mutating func next() -> (index: Int, row: ItemRow, item: Item)? {
      places.next().map { ($0.index, rows[$0.position], $0.item) }
    }
  }

  /// The rows whose item is known, as places: (index among them, position in the voucher's `items`,
  /// item). For a walk that reads a field or two of each row where it lies (`items[position]`), where
  /// ``knownRows`` hands out a copy of each row, which retains and releases its four names and its box
  /// (three copies of every row of a receipt).
  var knownRowPlaces: KnownRowPlaces { KnownRowPlaces(items: rowItemsInPlace) }

  struct KnownRowPlaces: Sequence, IteratorProtocol {
    let items: UnsafeBufferPointer<Item?>
    private var position = 0, index = 0

    init(items: UnsafeBufferPointer<Item?>) { self.items = items }

    mutating func next() -> (index: Int, position: Int, item: Item)? {
      while position < items.count {
        position += 1
        if let item = items[position - 1] {
          index += 1
          return (index - 1, position - 1, item)
        }
      }
      return nil
    }
  }
  /// The stock account of `warehouse` (the company's default inventory account when it names none).
  mutating func stockAccount(_ warehouse: InternedName) -> AccountName {
    let masters = unretainedMasters
    return stockAccountCache.value(warehouse) { name in masters._withUnsafeGuaranteedRef { $0.stockAccountName(of: name) } }
      ?? accounts.defaultInventory
  }
  /// The company's default accounts, interned.
  var accounts: DefaultAccountNames { _read { yield masters.defaultAccountNames } }
  /// The state of `key` as the voucher has left it so far.
  @inline(__always) func state(_ key: StockKey) -> ItemWarehouseState { base.stock[key] ?? ItemWarehouseState() }
  /// The quantity of `state(key)`, read in place (a copy of the state retains and releases its queue).
  func qty(_ key: StockKey) -> Quantity { base.stock.qty(key) }

  /// Sets the state of `key` (``beginChange(_:at:)`` keeps what it was; its queue, replaced, is kept whole:
  /// shared, not copied).
  /// - Complexity: O(1) on average, O(states changed) to check `undo` (a few).
  mutating func setState(_ key: StockKey, _ state: ItemWarehouseState) {
    let p = beginChange(key, at: base.stock.position(of: key))
    queueEdits.position = p
    queueEdits.record(.replaced(base.stock[at: p].queue.bins))
    base.stock[at: p] = state
  }

  /// Puts back the states the voucher changed (it failed): their queues' changes undone newest first, then
  /// what they were; keys the voucher added go from the end, the last added first.
  mutating func undoStates() {
    for (p, edit) in queueEdits.edits.reversed() { base.stock[at: p].queue.undo(queueEdits.queueEdit(edit)) }
    for u in undo.reversed() {
      if u.added {
        base.stock.removeLast()
      } else {
        (base.stock[at: u.position].qty, base.stock[at: u.position].stockValue) = (u.qty, u.stockValue)
        (base.stock[at: u.position].valuationRate, base.stock[at: u.position].hasEntries) = (u.valuationRate, u.hasEntries)
      }
    }
    undo.removeAll(keepingCapacity: true)
    queueEdits.removeAll()
    if !listEdits.isEmpty { undoListEdits() }
  }

  /// Puts back the lists of serials and batches the voucher changed (it failed), newest change first; a
  /// list it made and left empty goes again.
  mutating func undoListEdits() {
    for edit in listEdits.reversed() {
      changeList(edit.kind, edit.key) { list in
        switch edit {
        case let .appended(_, _, count): list.removeLast(count)
        case let .inserted(_, _, at: i): list.remove(at: list.startIndex + i)
        case let .removedFirst(_, _, names): list.insert(contentsOf: names, at: list.startIndex)
        case let .removed(_, _, removed): for (i, name) in removed { list.insert(name, at: list.startIndex + i) }
        }
      }
    }
    dropEmptyLists(undone: true)
  }

  /// Lists the voucher's edits left empty leave the engine's state (as a list is kept exactly while it
  /// has names); the edits are done with. After the voucher posted, only its removals can have emptied
  /// one; after they were undone, a list it began is empty again.
  mutating func dropEmptyLists(undone: Bool = false) {
    for edit in listEdits {
      if !undone {
        if case .inserted = edit { continue }
        if case .appended = edit { continue }
      }
      switch edit.kind {
      case .serials: if base.serialsIn[edit.key]?.isEmpty == true { base.serialsIn[edit.key] = nil }
      case .batches: if base.batchesIn[edit.key]?.isEmpty == true { base.batchesIn[edit.key] = nil }
      }
    }
    listEdits.removeAll(keepingCapacity: true)
  }

  /// The stock-side GL of one movement in `warehouse`: Dr its stock account / Cr `counter` for the stock
  /// value difference (sides swap when it is negative). Nothing when perpetual inventory is off.
  mutating func stockGL(_ e: Movement, in warehouse: InternedName, counter: AccountName) {
    guard perpetual else { return }
    let account = stockAccount(warehouse)
    gl.transfer(e.stockValueDifference, debit: account, credit: counter)
  }

  /// Writes what the voucher changed into the engine's state (after every row succeeded).
  mutating func commit() {
    // Its states are in place.
    if !undo.isEmpty {
      undo.removeAllScratch()
      queueEdits.removeAll()
    }
    if rare != nil { rare!.commit(into: &base, returnAgainst: voucher.returnAgainst) }
    if !listEdits.isEmpty { dropEmptyLists() }
    switch voucher.type {
    case .purchaseReceipt, .purchaseInvoice, .deliveryNote, .salesInvoice:
      // Its lines were encoded as its rows posted (``documentLine(key:qty:rate:documentRate:)``).
      base.documents.setPending(voucher.no, type: voucher.type, isReturn: voucher.isReturn, party: voucher.party)
    default: base.documents.discardPendingLines()
    }
  }

  /// A line of this voucher's document (what returns and invoices will need of it), kept if it posts.
  mutating func documentLine(key: StockKey, qty: Quantity, rate: Rate, documentRate: Rate) {
    base.documents.appendPendingLine(key: key, qty: qty, rate: rate, documentRate: documentRate)
  }

  /// The voucher with the rows as they posted.
  var resolvedVoucher: Voucher {
    guard !resolvedRows.isEmpty else { return voucher }
    var v = voucher
    v.items = voucher.items.indices.flatMap { resolvedRows[$0] ?? [voucher.items[$0]] }
    return v
  }

  // MARK: the rare overlays
  // Read as empty while `rare` is nil; the first write makes it.

  /// The overlays, made on first write.
  private var made: Rare {
    get { rare ?? Rare() }
    _modify {
      if rare == nil { rare = Rare() }
      yield &rare!
    }
  }

  var pendingSerials: [String: SerialState] {
    _read { yield rare?.serials ?? [:] }
    _modify { yield &made.serials }
  }
  var pendingBatches: [String: BatchState] {
    _read { yield rare?.batches ?? [:] }
    _modify { yield &made.batches }
  }
  var pendingBatchStock: [BatchKey: BatchStock] {
    _read { yield rare?.batchStock ?? [:] }
    _modify { yield &made.batchStock }
  }
  var pendingSeries: [String: Int] {
    _read { yield rare?.series ?? [:] }
    _modify { yield &made.series }
  }
  var pendingOrders: [String: OrderState] {
    _read { yield rare?.orders ?? [:] }
    _modify { yield &made.orders }
  }
  var pendingPlanning: [StockKey: PlanningTotals] {
    _read { yield rare?.planning ?? [:] }
    _modify { yield &made.planning }
  }
  /// The item's batches created and serials received so far, this voucher's included.
  func trackedCounts(_ item: String) -> TrackedCounts { rare?.tracked[item] ?? base.tracked[item] ?? TrackedCounts() }
  var pendingTracked: [String: TrackedCounts] {
    _read { yield rare?.tracked ?? [:] }
    _modify { yield &made.tracked }
  }
  /// What the outward side of each row took (batches, serials, values), for the inward side of a transfer.
  var transferChunks: [Int: [Chunk]] {
    _read { yield rare?.transferChunks ?? [:] }
    _modify { yield &made.transferChunks }
  }
  /// Item rows as they posted (batches and serials filled in), by position in the voucher.
  var resolvedRows: [Int: [ItemRow]] {
    _read { yield rare?.resolvedRows ?? [:] }
    _modify { yield &made.resolvedRows }
  }
  /// Returned quantities to add to the original voucher once this return posts.
  var returnedNow: [StockKey: Quantity] {
    _read { yield rare?.returnedNow ?? [:] }
    _modify { yield &made.returnedNow }
  }

  // MARK: movements

  /// The fallback valuation rate (reference §2.6): the state's last rate, else the item's `valuation_rate`.
  func fallbackRate(_ state: ItemWarehouseState, _ item: Item) -> Rate? {
    Transaction.fallbackRate(hasEntries: state.hasEntries, valuationRate: state.valuationRate, itemRate: item.valuationRate)
  }

  /// ``fallbackRate(_:_:)`` from the parts of the state and item it reads.
  static func fallbackRate(hasEntries: Bool, valuationRate: Rate, itemRate: Rate?) -> Rate? {
    if hasEntries && !valuationRate.isZero { return valuationRate }
    if let r = itemRate, r.isPositive { return r }
    return nil
  }

  /// Moves `actualQty` (signed, stock UOM) of a row's item in `warehouse`: one stock ledger entry, or one
  /// per batch for a batch item. Returns what moved, or nil after recording why it cannot move.
  /// `key` is the item and warehouse's key (unused for a batch or serial item, which moves per batch or serial;
  /// an optional key defaulted here was copied through the runtime's generic witness, 0.1 M times at 100k).
  mutating func move(
    _ row: ItemRow, at index: Int, item: Item, warehouse: String, key: StockKey, actualQty: Quantity,
    incomingRate: Rate = .zero, outgoingRate: Rate? = nil, keepSerialRates: Bool = false
  ) -> Movement? {
    if item.hasBatchNo || item.hasSerialNo {
      return trackedMove(row, at: index, item: item, warehouse: warehouse, actualQty: actualQty, incomingRate: incomingRate,
                         outgoingRate: outgoingRate, keepSerialRates: keepSerialRates)
    }
    // The state looked up once and changed in place (what it was is kept for undoing, ``beginChange``).
    let found = base.stock.position(of: key)
    guard available(row, item: item, warehouse: warehouse, key: key, actualQty: actualQty, current: found.map { base.stock[at: $0].qty } ?? .zero) else { return nil }
    let p = beginChange(key, at: found)
    // What the valuation reads besides the state, read first: it has the state in place meanwhile.
    let (arithmetic, method, itemRate) = (self.arithmetic, masters.valuationMethod(of: item), item.valuationRate)
    let (hadEntries, priorRate) = (base.stock[at: p].hasEntries, base.stock[at: p].valuationRate)
    let outcome: Valuation.Outcome
    do {
      queueEdits.position = p
      outcome = try Valuation.apply(
        actualQty, incomingRate: incomingRate, outgoingRate: outgoingRate, to: &base.stock[at: p], method: method, arithmetic: arithmetic,
        journal: &queueEdits, fallback: { Transaction.fallbackRate(hasEntries: hadEntries, valuationRate: priorRate, itemRate: itemRate) })
    } catch {
      // The state is put back with the voucher's others when it fails (which this makes it do).
      noValuationRate(row, item: item, warehouse: warehouse)
      return nil
    }
    let (qtyAfter, rateAfter) = (base.stock[at: p].qty, base.stock[at: p].valuationRate)
    let e = append(row, key: key, actualQty: actualQty, incomingRate: actualQty.isPositive ? incomingRate : .zero, outcome: outcome, qtyAfter: qtyAfter, valuationRate: rateAfter)
    return Movement(actualQty: actualQty, stockValueDifference: e.stockValueDifference, outgoingRate: e.outgoingRate)
  }

  /// The position of `key`'s state, about to change in place: what it was kept in `undo` the first time
  /// the voucher changes it (its queue's changes are kept as they are made, in `queueEdits`), or the key
  /// added (with an empty state) when nothing held it before.
  /// - Parameter found: `base.stock.position(of: key)`.
  mutating func beginChange(_ key: StockKey, at found: Int?) -> Int {
    guard let p = found else {
      let p = base.stock.append(key, ItemWarehouseState())
      undo.append(Undo(position: p, added: true, qty: .zero, stockValue: .zero, valuationRate: .zero, hasEntries: false))
      return p
    }
    if !undo.contains(where: { $0.position == p }) {
      let s = base.stock[at: p]
      undo.append(Undo(position: p, added: false, qty: s.qty, stockValue: s.stockValue, valuationRate: s.valuationRate, hasEntries: s.hasEntries))
    }
    return p
  }

  /// Whether an outward movement finds the stock it needs (unless negative stock is allowed); records the
  /// shortfall otherwise. Serialized items are always checked.
  /// - Parameter current: `qty(key)`, when the caller has it.
  mutating func available(_ row: ItemRow, item: Item, warehouse: String, key: StockKey, actualQty: Quantity, current known: Quantity? = nil) -> Bool {
    guard actualQty.isNegative else { return true }
    guard checkReservations(row, item: item, warehouse: warehouse, key: key, qty: -actualQty, forOrder: fulfilling) else { return false }
    guard !masters.allowsNegativeStock(item) || item.hasSerialNo else { return true }
    let current = known ?? qty(key)
    let after = current + actualQty
    guard after.isNegative else { return true }
    let shortfall = arithmetic.quantity(-after)
    guard shortfall > arithmetic.negativeTolerance else { return true }
    fail(
      .insufficientStock, line: row.line, field: "qty",
      "\(shortfall) units of \(item.code) needed in \(warehouse) on \(voucher.date) \(voucher.time) for \(voucher.no) to complete this transaction: \(current) available, \(-actualQty) required"
    )
    return false
  }

  /// Values a movement by the item's method on `state`; nil (recorded) when a fallback rate is needed and
  /// there is none.
  mutating func value(
    _ row: ItemRow, item: Item, warehouse: String, actualQty: Quantity, incomingRate: Rate, outgoingRate: Rate?,
    state: inout ItemWarehouseState
  ) -> Valuation.Outcome? {
    let (hadEntries, priorRate, itemRate) = (state.hasEntries, state.valuationRate, item.valuationRate)
    do {
      return try Valuation.apply(
        actualQty, incomingRate: incomingRate, outgoingRate: outgoingRate, to: &state,
        method: masters.valuationMethod(of: item), arithmetic: arithmetic,
        fallback: { Transaction.fallbackRate(hasEntries: hadEntries, valuationRate: priorRate, itemRate: itemRate) })
    } catch {
      noValuationRate(row, item: item, warehouse: warehouse)
      return nil
    }
  }

  /// Records that a movement needed a fallback rate and found none.
  mutating func noValuationRate(_ row: ItemRow, item: Item, warehouse: String) {
    fail(
      .noValuationRate, line: row.line, field: "rate",
      "no valuation rate for \(item.code) in \(warehouse) to value \(voucher.no): give a rate, or set valuation_rate for the item in items.csv")
  }

  /// Appends the entry of a movement already applied to the state, which it left at `qtyAfter` and
  /// `valuationRate`. Returns the entry's value difference and outgoing rate (the entry itself is moved
  /// into `entries`, not copied).
  @discardableResult mutating func append(
    _ row: ItemRow, key: StockKey, actualQty: Quantity, incomingRate: Rate, outcome: Valuation.Outcome,
    qtyAfter: Quantity, valuationRate: Rate
  ) -> (stockValueDifference: Amount, outgoingRate: Rate) {
    var e = StockLedgerEntry(
      date: voucher.date, time: voucher.time, voucherType: voucher.type, number: number, index: entries.count - firstEntry,
      key: key, actualQty: actualQty, qtyAfterTransaction: qtyAfter,
      incomingRate: incomingRate, valuationRate: valuationRate, stockValue: outcome.stockValue,
      stockValueDifference: outcome.stockValueDifference)
    var outgoingRate = Rate.zero
    if actualQty.isNegative {
      outgoingRate = outcome.stockValueDifference.magnitude.divided(by: actualQty.magnitude, rule: arithmetic.rounding)
      e.outgoingRate = outgoingRate
    }
    let (batch, serials) = (row.batchNo, row.serialNos)
    if !batch.isEmpty || !serials.isEmpty { e.setTracking(batchNo: batch, serialNos: serials) }
    if entries.count == entries.capacity { beforeGrowing?() }
    entries.append(e)
    return (outcome.stockValueDifference, outgoingRate)
  }

  // MARK: amounts

  /// Shares `total` over `weights` pro rata, each share rounded to currency precision, the last taking the
  /// remainder (ERPNext `update_valuation_rate`, `distribute_additional_costs`). Equal shares when every
  /// weight is 0.
  func distribute(_ total: Amount, over weights: [Fixed]) -> [Amount] {
    guard !weights.isEmpty else { return [] }
    let sum = weights.reduce(Fixed.zero, +)
    var shares: [Amount] = []
    var left = total
    for (i, w) in weights.enumerated() {
      if i == weights.count - 1 {
        shares.append(left)
      } else {
        let share =
          sum.isZero
          ? arithmetic.money(total.divided(by: Fixed(weights.count), rule: arithmetic.rounding))
          : arithmetic.money(Wide(product: total, w).divided(by: sum, rule: arithmetic.rounding))
        shares.append(share)
        left -= share
      }
    }
    return shares
  }

  /// The amount of a tax or charge row: its fixed amount, or `tax_rate` % of `netTotal`.
  func chargeAmount(_ c: ChargeRow, netTotal: Amount) -> Amount {
    if let a = c.amount { return arithmetic.money(a) }
    let rate = c.taxRate ?? .zero
    return arithmetic.money(Wide(product: netTotal, rate).divided(by: Fixed(100), rule: arithmetic.rounding))
  }

  /// The net amount of a row of `qty` at `rate` (blank: zero), in the row's unit, rounded to currency
  /// precision. Given the row's fields read where it lies: a row passed whole was copied.
  func netAmount(qty: Quantity?, rate: Rate?) -> Amount { arithmetic.money(Wide(product: qty ?? .zero, rate ?? .zero)) }

  /// The rate per stock unit of a document rate given per the row's unit.
  @inline(__always) func perStockUnit(_ rate: Rate, _ row: ItemRow, _ item: Item) -> Rate {
    let f = masters.conversionFactor(row, item) ?? .one
    return f == .one ? rate : rate.divided(by: f, rule: arithmetic.rounding)
  }

  /// Posts the gap between the value a document gives its stock and the value the stock took: a rounding
  /// residue (up to 0.01 per stock row) is left to `round_off`; a real gap (negative stock, a return at a
  /// rate other than the stock's) goes to cost of goods sold, as ERPNext's stock adjustment entry.
  mutating func valuationGap(expected: Amount, actual: Amount, rows: Int) {
    guard perpetual else { return }
    let gap = expected - actual
    let tolerance = Fixed(raw: Fixed.step(places: arithmetic.currencyPrecision).raw * Int128(max(rows, 1)))
    if gap.magnitude > tolerance { gl.debit(accounts.costOfGoodsSold, gap) }
  }

  /// The expense account of an outgoing row: the row's, the item's, else cost of goods sold.
  @inline(__always) func expenseAccount(_ row: ItemRow, _ item: Item) -> AccountName {
    if !row.expenseAccount.isEmpty { return AccountName(row.expenseAccount) }
    if !item.expenseAccount.isEmpty { return AccountName(item.expenseAccount) }
    return accounts.costOfGoodsSold
  }

  /// The income account of a sold row: the row's, the item's, else the company's.
  @inline(__always) func incomeAccount(_ row: ItemRow, _ item: Item) -> AccountName {
    if !row.incomeAccount.isEmpty { return AccountName(row.incomeAccount) }
    if !item.incomeAccount.isEmpty { return AccountName(item.incomeAccount) }
    return accounts.income
  }

  /// The receivable or payable account of the voucher's party.
  @inline(__always) func partyAccount(customer: Bool) -> AccountName {
    if let p = masters.partyByName[voucher.party], !p.account.isEmpty { return AccountName(p.account) }
    return customer ? accounts.receivable : accounts.payable
  }

  // MARK: returns

  /// Posts with the original of a return against one (``original()``; nothing posts when it fails), else
  /// with nil passed as a constant: an optional original made and destroyed per voucher went through the
  /// runtime's generic witness.
  @inline(__always) mutating func withOriginal(_ post: (inout Transaction, PostedDocument?) -> Void) {
    if voucher.isReturn && !voucher.returnAgainst.isEmpty {
      guard let original = original() else { return }
      post(&self, original)
    } else {
      post(&self, nil)
    }
  }

  /// The original of a return, checked: it must be posted before, of the same type, and not a return.
  mutating func original() -> PostedDocument? {
    guard voucher.isReturn, !voucher.returnAgainst.isEmpty else { return nil }
    guard let doc = base.documents[voucher.returnAgainst] else {
      fail(.badValue, line: voucher.source.line, field: "return_against", "\(voucher.returnAgainst) is not a posted \(voucher.type.rawValue) dated on or before \(voucher.date) \(voucher.time): a return needs its original in the ledger first")
      return nil
    }
    if doc.type != voucher.type || doc.isReturn {
      fail(.badValue, line: voucher.source.line, field: "return_against", "\(voucher.returnAgainst) is a \(doc.isReturn ? "return" : doc.type.rawValue), but a \(voucher.type.rawValue) return must return a \(voucher.type.rawValue)")
      return nil
    }
    return doc
  }

  /// The original line a return row returns (same item, same warehouse if there is one), with what is left
  /// to return; records an error when the row asks for more.
  mutating func returnedLine(_ doc: PostedDocument, _ row: ItemRow, item: Item, warehouse: String, qty: Quantity) -> PostedDocument.Line? {
    let lines = doc.lines.filter { $0.key.item == item.code }
    guard let line = lines.first(where: { $0.key.warehouse == warehouse }) ?? lines.first else {
      fail(.badValue, line: row.line, field: "item_code", "\(item.code) is not on \(voucher.returnAgainst): a return can only return what the original moved")
      return nil
    }
    let total = lines.filter { $0.key == line.key }.reduce(Quantity.zero) { $0 + $1.qty }
    let already = (doc.returned[line.key] ?? .zero) + (returnedNow[line.key] ?? .zero)
    if already + qty > total {
      fail(.badValue, line: row.line, field: "qty", "\(voucher.returnAgainst) moved \(total) of \(item.code) and \(already) are already returned: at most \(total - already) can still be returned, not \(qty)")
      return nil
    }
    returnedNow[line.key, default: .zero] += qty
    return line
  }
}

extension Transaction.Rare {
  /// Writes the overlays into the engine's state (after every row succeeded).
  func commit(into base: inout PostingState, returnAgainst: String) {
    for (k, s) in serials { base.serials[k] = s }
    for (k, s) in batches { base.batches[k] = s }
    for (k, s) in batchStock { base.batchStock[k] = s }
    for (k, n) in series { base.seriesUsed[k] = n }
    for (k, c) in tracked { base.tracked[k] = c }
    for (k, o) in orders { base.orders[k] = o }
    for (k, t) in planning { base.planning[k] = t }
    for (k, q) in returnedNow { base.documents[returnAgainst]?.returned[k, default: .zero] += q }
  }
}
