import Synchronization

/// One bin of a FIFO/LIFO queue: `qty` units at `rate` (qty may be negative: negative stock).
///
/// 16 bytes, not 32: quantity and rate packed into 64 bits of 10⁻⁹ each (up to ±9.2 × 10⁹), or, when one
/// does not fit, both kept whole in ``WidePairs`` and found by a position stored in the rate's place. An
/// item-warehouse keeps a bin per open FIFO layer: a growing business's ten million vouchers leave
/// millions. Equal and hashed by its numbers, however they are kept.
public struct StockBin: Sendable, Hashable {
  @usableFromInline var packedQty: Int64
  @usableFromInline var packedRate: Int64
  @usableFromInline static let wide = Int64.min

  public init(qty: Quantity, rate: Rate) {
    if let q = Int64(exactly: qty.raw), q != StockBin.wide, let r = Int64(exactly: rate.raw) {
      (packedQty, packedRate) = (q, r)
    } else {
      (packedQty, packedRate) = (StockBin.wide, Int64(WidePairs.add(qty, rate)))
    }
  }

  @inlinable public var qty: Quantity {
    packedQty != StockBin.wide ? Fixed(raw: Int128(packedQty)) : WidePairs.pair(at: Int(packedRate)).0
  }
  @inlinable public var rate: Rate {
    packedQty != StockBin.wide ? Fixed(raw: Int128(packedRate)) : WidePairs.pair(at: Int(packedRate)).1
  }

  public static func == (a: StockBin, b: StockBin) -> Bool {
    a.packedQty != wide && b.packedQty != wide ? (a.packedQty, a.packedRate) == (b.packedQty, b.packedRate) : (a.qty, a.rate) == (b.qty, b.rate)
  }
  public func hash(into h: inout Hasher) {
    h.combine(qty)
    h.combine(rate)
  }
}

/// Pairs of numbers too wide to pack into 64 bits of 10⁻⁹ each (past ±9.2 × 10⁹), for every value of the
/// process that packs two (a FIFO bin's quantity and rate, an ageing slot's quantity and value): the value
/// keeps the pair's position here. Added to, never changed, so a copied value keeps its position. Each wide
/// value made adds an entry (32 bytes) that is never freed: a bin past 9.2 × 10⁹ units or per unit, taken
/// from a thousand times, leaves a thousand. Such quantities are not expected of a stock ledger; if they
/// were, this would want a free list.
public enum WidePairs {
  private static let table = Mutex<[(Fixed, Fixed)]>([])
  /// The position of a new entry holding `a` and `b`.
  public static func add(_ a: Fixed, _ b: Fixed) -> Int {
    table.withLock { t in
      t.append((a, b))
      return t.count - 1
    }
  }
  /// The pair at `i` (one ``add(_:_:)`` returned).
  public static func pair(at i: Int) -> (Fixed, Fixed) { table.withLock { $0[i] } }
}

/// A stock ledger entry (SLE): one stock movement of one item in one warehouse, with the running state of
/// that item and warehouse after it (ERPNext `Stock Ledger Entry`).
///
/// Plain data (`BitwiseCopyable`): the voucher number in three words, the item and warehouse interned, the
/// rare batch and serial numbers and amounts too wide to pack by number (``InternTable``), so that copying
/// an entry from the engine to the renderer and the folds counts no references.
public struct StockLedgerEntry: Sendable, Hashable, BitwiseCopyable {
  public var date: BusinessDate
  public var time: BusinessTime
  /// The voucher's number (``voucherNo`` as a string).
  public var number: VoucherNumber
  public var voucherNo: String {
    get { number.string }
    set { number = VoucherNumber(newValue) }
  }
  /// Position of the entry within its voucher (0-based); with `voucherNo` it identifies the entry.
  public var index: Int {
    @inlinable get { Int(storedIndex) }
    @inlinable set { storedIndex = Int32(newValue) }
  }
  /// 32 bits (a voucher has fewer than 2³¹ entries), beside `voucherType` in one word.
  @usableFromInline var storedIndex: Int32
  public var voucherType: VoucherType
  /// The item and warehouse, hashed once when the entry is made: the engine, the folds and the caches key
  /// their tables by it (making a key per use hashed both names again, twice per entry in the folds).
  public var key: StockKey
  public var itemCode: String {
    get { key.item }
    set { key.item = newValue }
  }
  public var warehouse: String {
    get { key.warehouse }
    set { key.warehouse = newValue }
  }
  /// The batch, or "".
  public var batchNo: String {
    get { tracking?.batchNo ?? "" }
    set { trackingNumber = Tracking.number(batchNo: newValue, serialNos: serialNos) }
  }
  /// The serial numbers moved, or none.
  public var serialNos: [String] {
    get { tracking?.serialNos ?? [] }
    set { trackingNumber = Tracking.number(batchNo: batchNo, serialNos: newValue) }
  }
  /// Whether the entry moves a batch or serial numbers (its batch or its serial numbers are not empty).
  /// - Complexity: O(1), without reading either.
  @inlinable public var isTracked: Bool { trackingNumber != 0 }
  /// Sets the batch and the serial numbers at once (one number, not one per field).
  public mutating func setTracking(batchNo: String, serialNos: [String]) {
    trackingNumber = Tracking.number(batchNo: batchNo, serialNos: serialNos)
  }
  @usableFromInline var tracking: Tracking? { trackingNumber == 0 ? nil : StockLedgerEntry.trackingTable[trackingNumber] }
  // With the numbers below, the packed amounts and the 32-bit date, time and index, an entry is 128 bytes.
  /// The batch and serial numbers of the few entries that have them: their number in ``trackingTable``
  /// (0: none).
  @usableFromInline var trackingNumber: UInt32 = 0
  /// The amounts when one of them does not fit in 64 bits: their number in ``wideTable`` (0: packed).
  @usableFromInline var wideNumber: UInt32 = 0
  // The seven amounts, in units of 10⁻⁹ packed into 64 bits each (every amount up to ±9.2 × 10⁹: an entry is
  // 128 bytes, not 192, and a million-voucher run holds every entry). When one does not fit, all seven
  // are in ``wideTable`` (`wideNumber`) and these are 0: one form per value, so the synthesized `==` and
  // `hash` hold. Reading an amount costs a test of `wideNumber`; arithmetic stays on `Fixed`.
  @usableFromInline var packedActualQty: Int64 = 0
  @usableFromInline var packedQtyAfterTransaction: Int64 = 0
  @usableFromInline var packedIncomingRate: Int64 = 0
  @usableFromInline var packedOutgoingRate: Int64 = 0
  @usableFromInline var packedValuationRate: Int64 = 0
  @usableFromInline var packedStockValue: Int64 = 0
  @usableFromInline var packedStockValueDifference: Int64 = 0

  /// Signed change in stock UOM.
  public var actualQty: Quantity {
    @inlinable get { wideNumber == 0 ? Fixed(raw: Int128(packedActualQty)) : wideAmounts.actualQty }
    @inlinable set {
      if wideNumber == 0, let r = Int64(exactly: newValue.raw) { packedActualQty = r } else { amounts.actualQty = newValue }
    }
  }
  public var qtyAfterTransaction: Quantity {
    @inlinable get { wideNumber == 0 ? Fixed(raw: Int128(packedQtyAfterTransaction)) : wideAmounts.qtyAfterTransaction }
    @inlinable set {
      if wideNumber == 0, let r = Int64(exactly: newValue.raw) { packedQtyAfterTransaction = r } else { amounts.qtyAfterTransaction = newValue }
    }
  }
  /// Rate of an inward entry; 0 for outward entries.
  public var incomingRate: Rate {
    @inlinable get { wideNumber == 0 ? Fixed(raw: Int128(packedIncomingRate)) : wideAmounts.incomingRate }
    @inlinable set {
      if wideNumber == 0, let r = Int64(exactly: newValue.raw) { packedIncomingRate = r } else { amounts.incomingRate = newValue }
    }
  }
  /// Value issued per unit of an outward entry (|SVD| ÷ |qty|, 9 decimals); 0 for inward entries.
  public var outgoingRate: Rate {
    @inlinable get { wideNumber == 0 ? Fixed(raw: Int128(packedOutgoingRate)) : wideAmounts.outgoingRate }
    @inlinable set {
      if wideNumber == 0, let r = Int64(exactly: newValue.raw) { packedOutgoingRate = r } else { amounts.outgoingRate = newValue }
    }
  }
  /// Average rate of the remaining stock (9 decimals).
  public var valuationRate: Rate {
    @inlinable get { wideNumber == 0 ? Fixed(raw: Int128(packedValuationRate)) : wideAmounts.valuationRate }
    @inlinable set {
      if wideNumber == 0, let r = Int64(exactly: newValue.raw) { packedValuationRate = r } else { amounts.valuationRate = newValue }
    }
  }
  /// Value of the balance, rounded to currency precision; 0 when the balance qty is 0.
  public var stockValue: Amount {
    @inlinable get { wideNumber == 0 ? Fixed(raw: Int128(packedStockValue)) : wideAmounts.stockValue }
    @inlinable set {
      if wideNumber == 0, let r = Int64(exactly: newValue.raw) { packedStockValue = r } else { amounts.stockValue = newValue }
    }
  }
  /// `stockValue` − the previous entry's `stockValue`: what the GL posts.
  public var stockValueDifference: Amount {
    @inlinable get { wideNumber == 0 ? Fixed(raw: Int128(packedStockValueDifference)) : wideAmounts.stockValueDifference }
    @inlinable set {
      if wideNumber == 0, let r = Int64(exactly: newValue.raw) { packedStockValueDifference = r } else { amounts.stockValueDifference = newValue }
    }
  }

  public init(
    date: BusinessDate, time: BusinessTime, voucherType: VoucherType, voucherNo: String, index: Int, itemCode: String,
    warehouse: String, actualQty: Quantity, qtyAfterTransaction: Quantity, incomingRate: Rate, valuationRate: Rate,
    stockValue: Amount, stockValueDifference: Amount
  ) {
    self.init(
      date: date, time: time, voucherType: voucherType, voucherNo: voucherNo, index: index,
      key: StockKey(item: itemCode, warehouse: warehouse), actualQty: actualQty, qtyAfterTransaction: qtyAfterTransaction,
      incomingRate: incomingRate, valuationRate: valuationRate, stockValue: stockValue,
      stockValueDifference: stockValueDifference)
  }

  /// An entry of the item and warehouse `key` (already hashed).
  public init(
    date: BusinessDate, time: BusinessTime, voucherType: VoucherType, voucherNo: String, index: Int, key: StockKey,
    actualQty: Quantity, qtyAfterTransaction: Quantity, incomingRate: Rate, valuationRate: Rate,
    stockValue: Amount, stockValueDifference: Amount
  ) {
    self.init(
      date: date, time: time, voucherType: voucherType, number: VoucherNumber(voucherNo), index: index, key: key,
      actualQty: actualQty, qtyAfterTransaction: qtyAfterTransaction, incomingRate: incomingRate,
      valuationRate: valuationRate, stockValue: stockValue, stockValueDifference: stockValueDifference)
  }

  /// An entry of the voucher `number` and the item and warehouse `key` (both made once per voucher: the
  /// engine's). Inlinable, as ``GLEntry``'s.
  @inlinable public init(
    date: BusinessDate, time: BusinessTime, voucherType: VoucherType, number: VoucherNumber, index: Int, key: StockKey,
    actualQty: Quantity, qtyAfterTransaction: Quantity, incomingRate: Rate, valuationRate: Rate,
    stockValue: Amount, stockValueDifference: Amount
  ) {
    self.date = date
    self.time = time
    self.voucherType = voucherType
    self.number = number
    self.storedIndex = Int32(index)
    self.key = key
    amounts = Amounts(
      actualQty: actualQty, qtyAfterTransaction: qtyAfterTransaction, incomingRate: incomingRate, outgoingRate: .zero,
      valuationRate: valuationRate, stockValue: stockValue, stockValueDifference: stockValueDifference)
  }
}

extension StockLedgerEntry {
  /// The seven amounts of an entry, full width.
  @usableFromInline struct Amounts: Sendable, Hashable {
    @usableFromInline var actualQty, qtyAfterTransaction, incomingRate, outgoingRate, valuationRate, stockValue, stockValueDifference: Fixed

    @inlinable init(
      actualQty: Fixed, qtyAfterTransaction: Fixed, incomingRate: Fixed, outgoingRate: Fixed, valuationRate: Fixed, stockValue: Fixed,
      stockValueDifference: Fixed
    ) {
      self.actualQty = actualQty
      self.qtyAfterTransaction = qtyAfterTransaction
      self.incomingRate = incomingRate
      self.outgoingRate = outgoingRate
      self.valuationRate = valuationRate
      self.stockValue = stockValue
      self.stockValueDifference = stockValueDifference
    }
  }

  /// The amounts of every entry with one too wide to pack, each once.
  @usableFromInline static let wideTable = InternTable<Amounts> { a in
    InternTable<Amounts>.bytes(texts: [], numbers: [
      a.actualQty, a.qtyAfterTransaction, a.incomingRate, a.outgoingRate, a.valuationRate, a.stockValue, a.stockValueDifference,
    ])
  }
  /// The batch and serial numbers of every entry that has some, each once.
  @usableFromInline static let trackingTable = InternTable<Tracking> { InternTable<Tracking>.bytes(texts: [$0.batchNo] + $0.serialNos) }

  /// The amounts of an entry with one too wide to pack.
  @usableFromInline var wideAmounts: Amounts { StockLedgerEntry.wideTable[wideNumber] }

  /// All seven amounts: read from wherever they are; written packed when every one fits in 64 bits, else
  /// numbered in ``wideTable`` (the one form per value).
  @usableFromInline var amounts: Amounts {
    @inlinable get {
      if wideNumber != 0 { return wideAmounts }
      return Amounts(
        actualQty: Fixed(raw: Int128(packedActualQty)), qtyAfterTransaction: Fixed(raw: Int128(packedQtyAfterTransaction)),
        incomingRate: Fixed(raw: Int128(packedIncomingRate)), outgoingRate: Fixed(raw: Int128(packedOutgoingRate)),
        valuationRate: Fixed(raw: Int128(packedValuationRate)), stockValue: Fixed(raw: Int128(packedStockValue)),
        stockValueDifference: Fixed(raw: Int128(packedStockValueDifference)))
    }
    @inlinable set {
      if let a = Int64(exactly: newValue.actualQty.raw), let b = Int64(exactly: newValue.qtyAfterTransaction.raw),
        let c = Int64(exactly: newValue.incomingRate.raw), let d = Int64(exactly: newValue.outgoingRate.raw),
        let e = Int64(exactly: newValue.valuationRate.raw), let f = Int64(exactly: newValue.stockValue.raw),
        let g = Int64(exactly: newValue.stockValueDifference.raw)
      {
        (packedActualQty, packedQtyAfterTransaction, packedIncomingRate, packedOutgoingRate) = (a, b, c, d)
        (packedValuationRate, packedStockValue, packedStockValueDifference) = (e, f, g)
        wideNumber = 0
      } else {
        (packedActualQty, packedQtyAfterTransaction, packedIncomingRate, packedOutgoingRate) = (0, 0, 0, 0)
        (packedValuationRate, packedStockValue, packedStockValueDifference) = (0, 0, 0)
        wideNumber = StockLedgerEntry.wideTable.number(newValue)
      }
    }
  }
}

extension StockLedgerEntry {
  /// An entry's batch and serial numbers, kept once each in ``trackingTable``.
  @usableFromInline struct Tracking: Sendable {
    let batchNo: String
    let serialNos: [String]

    /// Their number; 0 when both are blank, so entries without them compare and hash alike however they
    /// were made.
    static func number(batchNo: String, serialNos: [String]) -> UInt32 {
      batchNo.isEmpty && serialNos.isEmpty ? 0 : StockLedgerEntry.trackingTable.number(Tracking(batchNo: batchNo, serialNos: serialNos))
    }
  }
}

/// A general-ledger line: one account of one voucher, debit or credit (never both non-zero).
///
/// Plain data (`BitwiseCopyable`): the voucher number in three words, the accounts interned, the rare
/// party, remarks and wide amounts by number (``InternTable``). A million-voucher run copies two million
/// lines from the engine to the renderer; with a reference in it, each copy and destroy went through the
/// runtime's value witness and counted references.
public struct GLEntry: Sendable, Hashable, BitwiseCopyable {
  // Declared in this order so nothing pads between fields: 72 bytes.
  /// Debit and credit in units of 10⁻⁹, packed into 64 bits (amounts up to ±9.2 × 10⁹); 0 when they are
  /// in the notes (one does not fit): one form per value, so the synthesized `==` and `hash` hold.
  @usableFromInline var packedDebit: Int64 = 0
  @usableFromInline var packedCredit: Int64 = 0
  /// The voucher's number (``voucherNo`` as a string).
  public var number: VoucherNumber
  /// The account, interned (see ``AccountName``: copying a line counts no references to it).
  public var accountName: AccountName
  /// The accounts on the other side, joined by ", ", interned.
  public var againstAccountName: AccountName = .none
  public var date: BusinessDate
  /// The party, the remarks and amounts too wide to pack, for the few lines that have them: their number
  /// in ``notesTable`` (0: none).
  @usableFromInline var notesNumber: UInt32 = 0
  public var voucherType: VoucherType
  /// A revaluation difference of an earlier posted voucher (SPEC §5.5).
  public var isAdjustment: Bool = false

  /// Whether the line has a party, remarks or wide amounts.
  @inlinable public var hasNotes: Bool { notesNumber != 0 }
  @usableFromInline var notes: Notes? { notesNumber == 0 ? nil : GLEntry.notesTable[notesNumber] }
  /// Debit and credit of a line with notes: from them when too wide to pack, else packed.
  @usableFromInline var notedAmounts: (debit: Amount, credit: Amount) {
    notes?.wide ?? (Fixed(raw: Int128(packedDebit)), Fixed(raw: Int128(packedCredit)))
  }

  public var voucherNo: String {
    get { number.string }
    set { number = VoucherNumber(newValue) }
  }

  public var debit: Amount {
    @inlinable get { notesNumber == 0 ? Fixed(raw: Int128(packedDebit)) : notedAmounts.debit }
    set {
      if notes?.wide == nil, let r = Int64(exactly: newValue.raw) { packedDebit = r } else { rebox(debit: newValue, credit: credit) }
    }
  }
  public var credit: Amount {
    @inlinable get { notesNumber == 0 ? Fixed(raw: Int128(packedCredit)) : notedAmounts.credit }
    set {
      if notes?.wide == nil, let r = Int64(exactly: newValue.raw) { packedCredit = r } else { rebox(debit: debit, credit: newValue) }
    }
  }

  public var party: String {
    get { notes?.party ?? "" }
    set { notesNumber = Notes.number(party: newValue, remarks: remarks, wide: notes?.wide) }
  }
  public var remarks: String {
    get { notes?.remarks ?? "" }
    set { notesNumber = Notes.number(party: party, remarks: newValue, wide: notes?.wide) }
  }

  public var account: String {
    get { accountName.name }
    set { accountName = AccountName(newValue) }
  }
  public var againstAccount: String {
    get { againstAccountName.name }
    set { againstAccountName = AccountName(newValue) }
  }

  public init(
    date: BusinessDate, voucherType: VoucherType, voucherNo: String, account: String, debit: Amount, credit: Amount,
    party: String = "", againstAccount: String = "", isAdjustment: Bool = false, remarks: String = ""
  ) {
    self.init(
      date: date, voucherType: voucherType, number: VoucherNumber(voucherNo), account: AccountName(account), debit: debit,
      credit: credit, notes: GLEntry.notesNumber(party: party, remarks: remarks),
      againstAccount: againstAccount.isEmpty ? .none : AccountName(againstAccount), isAdjustment: isAdjustment)
  }

  /// The number in ``notesTable`` of a party and remarks without wide amounts (0 when both are blank): the
  /// engine asks once per voucher, not per line.
  public static func notesNumber(party: String, remarks: String) -> UInt32 {
    Notes.number(party: party, remarks: remarks, wide: nil)
  }

  /// A line of accounts already interned and notes already numbered (``notesNumber(party:remarks:)``): the
  /// engine's, with no lock, no hashing and no reference counted per line. Amounts too wide to pack move
  /// into the notes (a number of their own). Inlinable: the engine builds a line in place in its array
  /// instead of calling across modules and copying it.
  @inlinable public init(
    date: BusinessDate, voucherType: VoucherType, number: VoucherNumber, account: AccountName, debit: Amount,
    credit: Amount, notes: UInt32, againstAccount: AccountName = .none, isAdjustment: Bool = false
  ) {
    self.number = number
    self.accountName = account
    self.againstAccountName = againstAccount
    self.date = date
    self.voucherType = voucherType
    self.isAdjustment = isAdjustment
    if let d = Int64(exactly: debit.raw), let c = Int64(exactly: credit.raw) {
      (packedDebit, packedCredit, notesNumber) = (d, c, notes)
    } else {
      rebox(debit: debit, credit: credit, notes: notes)
    }
  }

  /// debit − credit.
  public var net: Amount { debit - credit }

  /// Sets both amounts in their one form: packed when both fit, else in the notes.
  @usableFromInline mutating func rebox(debit: Amount, credit: Amount, notes given: UInt32? = nil) {
    let old = given.map { $0 == 0 ? nil : GLEntry.notesTable[$0] } ?? notes
    let (party, remarks) = (old?.party ?? "", old?.remarks ?? "")
    if let d = Int64(exactly: debit.raw), let c = Int64(exactly: credit.raw) {
      (packedDebit, packedCredit) = (d, c)
      notesNumber = Notes.number(party: party, remarks: remarks, wide: nil)
    } else {
      (packedDebit, packedCredit) = (0, 0)
      notesNumber = Notes.number(party: party, remarks: remarks, wide: (debit, credit))
    }
  }
}

extension GLEntry {
  /// A line's party and remarks, and its amounts when they do not fit in 64 bits, kept once each in
  /// ``notesTable``.
  @usableFromInline struct Notes: Sendable {
    let party: String
    let remarks: String
    let wideDebit: Amount?
    let wideCredit: Amount?

    @usableFromInline var wide: (debit: Amount, credit: Amount)? {
      guard let wideDebit, let wideCredit else { return nil }
      return (wideDebit, wideCredit)
    }

    /// The number of these notes; 0 when all are blank, so lines without them compare and hash alike
    /// however they were made.
    static func number(party: String, remarks: String, wide: (debit: Amount, credit: Amount)?) -> UInt32 {
      guard !party.isEmpty || !remarks.isEmpty || wide != nil else { return 0 }
      return GLEntry.notesTable.number(Notes(party: party, remarks: remarks, wideDebit: wide?.debit, wideCredit: wide?.credit))
    }
  }

  /// The notes of every line that has some, each once.
  @usableFromInline static let notesTable = InternTable<Notes> {
    InternTable<Notes>.bytes(texts: [$0.party, $0.remarks], numbers: [$0.wideDebit, $0.wideCredit])
  }
}
