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
public struct StockLedgerEntry: Sendable, Hashable {
  public var date: BusinessDate
  public var time: BusinessTime
  public var voucherNo: String
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
    set { tracking = Tracking.make(batchNo: newValue, serialNos: serialNos) }
  }
  /// The serial numbers moved, or none.
  public var serialNos: [String] {
    get { tracking?.serialNos ?? [] }
    set { tracking = Tracking.make(batchNo: batchNo, serialNos: newValue) }
  }
  /// Whether the entry moves a batch or serial numbers (its batch or its serial numbers are not empty).
  /// - Complexity: O(1), without reading either.
  public var isTracked: Bool { tracking != nil }
  /// Sets the batch and the serial numbers at once (one box, not one per field).
  public mutating func setTracking(batchNo: String, serialNos: [String]) {
    tracking = Tracking.make(batchNo: batchNo, serialNos: serialNos)
  }
  // With the boxes, the packed amounts below and the 32-bit date, time and index, an entry is 144 bytes
  // (232 before them).
  /// The batch and serial numbers, boxed for the few entries that have them (copied with one reference
  /// instead of two).
  @usableFromInline var tracking: Tracking? = nil
  // The seven amounts, in units of 10⁻⁹ packed into 64 bits each (every amount up to ±9.2 × 10⁹: an entry is
  // 144 bytes, not 208, and a million-voucher run holds every entry). When one does not fit, all seven
  // are in `wide` and these are 0: one form per value, so the synthesized `==` and `hash` hold. Reading
  // an amount costs a test of `wide`; arithmetic stays on `Fixed`.
  @usableFromInline var packedActualQty: Int64 = 0
  @usableFromInline var packedQtyAfterTransaction: Int64 = 0
  @usableFromInline var packedIncomingRate: Int64 = 0
  @usableFromInline var packedOutgoingRate: Int64 = 0
  @usableFromInline var packedValuationRate: Int64 = 0
  @usableFromInline var packedStockValue: Int64 = 0
  @usableFromInline var packedStockValueDifference: Int64 = 0
  /// The amounts when one of them does not fit in 64 bits; nil otherwise.
  @usableFromInline var wide: Wide? = nil

  /// Signed change in stock UOM.
  public var actualQty: Quantity {
    @inlinable get { wide?.amounts.actualQty ?? Fixed(raw: Int128(packedActualQty)) }
    @inlinable set {
      if wide == nil, let r = Int64(exactly: newValue.raw) { packedActualQty = r } else { amounts.actualQty = newValue }
    }
  }
  public var qtyAfterTransaction: Quantity {
    @inlinable get { wide?.amounts.qtyAfterTransaction ?? Fixed(raw: Int128(packedQtyAfterTransaction)) }
    @inlinable set {
      if wide == nil, let r = Int64(exactly: newValue.raw) { packedQtyAfterTransaction = r } else { amounts.qtyAfterTransaction = newValue }
    }
  }
  /// Rate of an inward entry; 0 for outward entries.
  public var incomingRate: Rate {
    @inlinable get { wide?.amounts.incomingRate ?? Fixed(raw: Int128(packedIncomingRate)) }
    @inlinable set {
      if wide == nil, let r = Int64(exactly: newValue.raw) { packedIncomingRate = r } else { amounts.incomingRate = newValue }
    }
  }
  /// Value issued per unit of an outward entry (|SVD| ÷ |qty|, 9 decimals); 0 for inward entries.
  public var outgoingRate: Rate {
    @inlinable get { wide?.amounts.outgoingRate ?? Fixed(raw: Int128(packedOutgoingRate)) }
    @inlinable set {
      if wide == nil, let r = Int64(exactly: newValue.raw) { packedOutgoingRate = r } else { amounts.outgoingRate = newValue }
    }
  }
  /// Average rate of the remaining stock (9 decimals).
  public var valuationRate: Rate {
    @inlinable get { wide?.amounts.valuationRate ?? Fixed(raw: Int128(packedValuationRate)) }
    @inlinable set {
      if wide == nil, let r = Int64(exactly: newValue.raw) { packedValuationRate = r } else { amounts.valuationRate = newValue }
    }
  }
  /// Value of the balance, rounded to currency precision; 0 when the balance qty is 0.
  public var stockValue: Amount {
    @inlinable get { wide?.amounts.stockValue ?? Fixed(raw: Int128(packedStockValue)) }
    @inlinable set {
      if wide == nil, let r = Int64(exactly: newValue.raw) { packedStockValue = r } else { amounts.stockValue = newValue }
    }
  }
  /// `stockValue` − the previous entry's `stockValue`: what the GL posts.
  public var stockValueDifference: Amount {
    @inlinable get { wide?.amounts.stockValueDifference ?? Fixed(raw: Int128(packedStockValueDifference)) }
    @inlinable set {
      if wide == nil, let r = Int64(exactly: newValue.raw) { packedStockValueDifference = r } else { amounts.stockValueDifference = newValue }
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

  /// An entry of the item and warehouse `key` (already hashed). Inlinable, as ``GLEntry``'s.
  @inlinable public init(
    date: BusinessDate, time: BusinessTime, voucherType: VoucherType, voucherNo: String, index: Int, key: StockKey,
    actualQty: Quantity, qtyAfterTransaction: Quantity, incomingRate: Rate, valuationRate: Rate,
    stockValue: Amount, stockValueDifference: Amount
  ) {
    self.date = date
    self.time = time
    self.voucherType = voucherType
    self.voucherNo = voucherNo
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

  /// An entry's amounts when one of them needs more than 64 bits. Immutable: a change makes a new box.
  @usableFromInline final class Wide: Sendable, Hashable {
    @usableFromInline let amounts: Amounts
    @usableFromInline init(_ amounts: Amounts) { self.amounts = amounts }
    @usableFromInline static func == (a: Wide, b: Wide) -> Bool { a.amounts == b.amounts }
    @usableFromInline func hash(into h: inout Hasher) { h.combine(amounts) }
  }

  /// All seven amounts: read from wherever they are; written packed when every one fits in 64 bits, else
  /// boxed (the one form per value).
  @usableFromInline var amounts: Amounts {
    @inlinable get {
      if let wide { return wide.amounts }
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
        wide = nil
      } else {
        (packedActualQty, packedQtyAfterTransaction, packedIncomingRate, packedOutgoingRate) = (0, 0, 0, 0)
        (packedValuationRate, packedStockValue, packedStockValueDifference) = (0, 0, 0)
        wide = Wide(newValue)
      }
    }
  }
}

extension StockLedgerEntry {
  /// An entry's batch and serial numbers. Immutable: a change makes a new box.
  @usableFromInline final class Tracking: Sendable, Hashable {
    let batchNo: String
    let serialNos: [String]

    init(batchNo: String, serialNos: [String]) {
      self.batchNo = batchNo
      self.serialNos = serialNos
    }

    /// nil when both are blank, so entries without them compare and hash alike however they were made.
    static func make(batchNo: String, serialNos: [String]) -> Tracking? {
      batchNo.isEmpty && serialNos.isEmpty ? nil : Tracking(batchNo: batchNo, serialNos: serialNos)
    }

    @usableFromInline static func == (a: Tracking, b: Tracking) -> Bool { a.batchNo == b.batchNo && a.serialNos == b.serialNos }
    @usableFromInline func hash(into h: inout Hasher) {
      h.combine(batchNo)
      h.combine(serialNos)
    }
  }
}

/// A general-ledger line: one account of one voucher, debit or credit (never both non-zero).
public struct GLEntry: Sendable, Hashable {
  // Declared in this order so nothing pads between fields: 64 bytes, 96 with Int128 amounts and 64-bit
  // dates (a million-voucher run holds two million lines).
  /// Debit and credit in units of 10⁻⁹, packed into 64 bits (amounts up to ±9.2 × 10⁹); 0 when they are
  /// in `notes` (one does not fit): one form per value, so the synthesized `==` and `hash` hold.
  @usableFromInline var packedDebit: Int64 = 0
  @usableFromInline var packedCredit: Int64 = 0
  public var voucherNo: String
  /// The party, the remarks and amounts too wide to pack, boxed for the few lines that have them.
  @usableFromInline var notes: Notes? = nil
  /// The account, interned (see ``AccountName``: copying a line counts no references to it).
  public var accountName: AccountName
  /// The accounts on the other side, joined by ", ", interned.
  public var againstAccountName: AccountName = .none
  public var date: BusinessDate
  public var voucherType: VoucherType
  /// A revaluation difference of an earlier posted voucher (SPEC §5.5).
  public var isAdjustment: Bool = false

  public var debit: Amount {
    @inlinable get { notes?.wide?.debit ?? Fixed(raw: Int128(packedDebit)) }
    @inlinable set {
      if notes?.wide == nil, let r = Int64(exactly: newValue.raw) { packedDebit = r } else { rebox(debit: newValue, credit: credit) }
    }
  }
  public var credit: Amount {
    @inlinable get { notes?.wide?.credit ?? Fixed(raw: Int128(packedCredit)) }
    @inlinable set {
      if notes?.wide == nil, let r = Int64(exactly: newValue.raw) { packedCredit = r } else { rebox(debit: debit, credit: newValue) }
    }
  }

  public var party: String {
    get { notes?.party ?? "" }
    set { notes = Notes.make(party: newValue, remarks: remarks, wide: notes?.wide) }
  }
  public var remarks: String {
    get { notes?.remarks ?? "" }
    set { notes = Notes.make(party: party, remarks: newValue, wide: notes?.wide) }
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
      date: date, voucherType: voucherType, voucherNo: voucherNo, account: AccountName(account), debit: debit,
      credit: credit, party: party, againstAccount: againstAccount.isEmpty ? .none : AccountName(againstAccount),
      isAdjustment: isAdjustment, remarks: remarks)
  }

  /// A line of accounts already interned (the engine's: no lock, no hashing per line). Inlinable: the
  /// engine builds a line in place in its array instead of calling across modules and copying it.
  @inlinable public init(
    date: BusinessDate, voucherType: VoucherType, voucherNo: String, account: AccountName, debit: Amount,
    credit: Amount, party: String = "", againstAccount: AccountName = .none, isAdjustment: Bool = false,
    remarks: String = ""
  ) {
    // Every stored property set once, by the memberwise init below (assigned one by one after their
    // defaults, the box of notes was set to nil and then again: 0.3 % more instructions in a 20k run).
    let packed = (Int64(exactly: debit.raw), Int64(exactly: credit.raw))
    let wide = packed.0 == nil || packed.1 == nil
    self.init(
      packedDebit: wide ? 0 : packed.0!, packedCredit: wide ? 0 : packed.1!, voucherNo: voucherNo,
      notes: party.isEmpty && remarks.isEmpty && !wide ? nil : Notes(party: party, remarks: remarks, wide: wide ? (debit, credit) : nil),
      accountName: account, againstAccountName: againstAccount, date: date, voucherType: voucherType, isAdjustment: isAdjustment)
  }

  /// Every stored property at once (each given in its one form).
  @inlinable init(
    packedDebit: Int64, packedCredit: Int64, voucherNo: String, notes: Notes?, accountName: AccountName,
    againstAccountName: AccountName, date: BusinessDate, voucherType: VoucherType, isAdjustment: Bool
  ) {
    self.packedDebit = packedDebit
    self.packedCredit = packedCredit
    self.voucherNo = voucherNo
    self.notes = notes
    self.accountName = accountName
    self.againstAccountName = againstAccountName
    self.date = date
    self.voucherType = voucherType
    self.isAdjustment = isAdjustment
  }

  /// debit − credit.
  public var net: Amount { debit - credit }

  /// Sets both amounts in their one form: packed when both fit, else in the box.
  @usableFromInline mutating func rebox(debit: Amount, credit: Amount) {
    let (party, remarks) = (self.party, self.remarks)
    if let d = Int64(exactly: debit.raw), let c = Int64(exactly: credit.raw) {
      (packedDebit, packedCredit) = (d, c)
      notes = Notes.make(party: party, remarks: remarks, wide: nil)
    } else {
      (packedDebit, packedCredit) = (0, 0)
      notes = Notes.make(party: party, remarks: remarks, wide: (debit, credit))
    }
  }
}

extension GLEntry {
  /// A line's party and remarks, and its amounts when they do not fit in 64 bits. Immutable: a change makes
  /// a new box.
  @usableFromInline final class Notes: Sendable, Hashable {
    let party: String
    let remarks: String
    @usableFromInline let wide: (debit: Amount, credit: Amount)?

    @usableFromInline init(party: String, remarks: String, wide: (debit: Amount, credit: Amount)?) {
      self.party = party
      self.remarks = remarks
      self.wide = wide
    }

    /// nil when all are blank, so lines without them compare and hash alike however they were made.
    @usableFromInline static func make(party: String, remarks: String, wide: (debit: Amount, credit: Amount)?) -> Notes? {
      party.isEmpty && remarks.isEmpty && wide == nil ? nil : Notes(party: party, remarks: remarks, wide: wide)
    }

    @usableFromInline static func == (a: Notes, b: Notes) -> Bool {
      a.party == b.party && a.remarks == b.remarks && a.wide?.debit == b.wide?.debit && a.wide?.credit == b.wide?.credit
    }
    @usableFromInline func hash(into h: inout Hasher) {
      h.combine(party)
      h.combine(remarks)
      h.combine(wide?.debit)
      h.combine(wide?.credit)
    }
  }
}
