/// One bin of a FIFO/LIFO queue: `qty` units at `rate` (qty may be negative: negative stock).
public struct StockBin: Sendable, Hashable {
  public var qty: Quantity
  public var rate: Rate
  public init(qty: Quantity, rate: Rate) {
    self.qty = qty
    self.rate = rate
  }
}

/// A stock ledger entry (SLE): one stock movement of one item in one warehouse, with the running state of
/// that item and warehouse after it (ERPNext `Stock Ledger Entry`).
public struct StockLedgerEntry: Sendable, Hashable {
  public var date: BusinessDate
  public var time: BusinessTime
  public var voucherNo: String
  /// Position of the entry within its voucher (0-based); with `voucherNo` it identifies the entry.
  public var index: Int
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
  // Declared here, not with the date, so it fills the padding before `tracking`: with the box, an entry
  // is 208 bytes instead of 232 (a million-voucher run holds every entry).
  public var voucherType: VoucherType
  /// The batch and serial numbers, boxed for the few entries that have them (copied with one reference
  /// instead of two).
  @usableFromInline var tracking: Tracking? = nil
  /// Signed change in stock UOM.
  public var actualQty: Quantity
  public var qtyAfterTransaction: Quantity
  /// Rate of an inward entry; 0 for outward entries.
  public var incomingRate: Rate
  /// Value issued per unit of an outward entry (|SVD| ÷ |qty|, 9 decimals); 0 for inward entries.
  public var outgoingRate: Rate = .zero
  /// Average rate of the remaining stock (9 decimals).
  public var valuationRate: Rate
  /// Value of the balance, rounded to currency precision; 0 when the balance qty is 0.
  public var stockValue: Amount
  /// `stockValue` − the previous entry's `stockValue`: what the GL posts.
  public var stockValueDifference: Amount

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
    self.index = index
    self.key = key
    self.actualQty = actualQty
    self.qtyAfterTransaction = qtyAfterTransaction
    self.incomingRate = incomingRate
    self.valuationRate = valuationRate
    self.stockValue = stockValue
    self.stockValueDifference = stockValueDifference
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
  // Declared in this order so nothing pads between fields: 96 bytes (a million-voucher run holds two
  // million lines).
  public var debit: Amount
  public var credit: Amount
  public var voucherNo: String
  /// The party and remarks, boxed for the few lines that have them (a line is 96 bytes, not 112).
  @usableFromInline var notes: Notes? = nil
  /// The account, interned (see ``AccountName``: copying a line counts no references to it).
  public var accountName: AccountName
  /// The accounts on the other side, joined by ", ", interned.
  public var againstAccountName: AccountName = .none
  public var date: BusinessDate
  public var voucherType: VoucherType
  /// A revaluation difference of an earlier posted voucher (SPEC §5.5).
  public var isAdjustment: Bool = false

  public var party: String {
    get { notes?.party ?? "" }
    set { notes = Notes.make(party: newValue, remarks: remarks) }
  }
  public var remarks: String {
    get { notes?.remarks ?? "" }
    set { notes = Notes.make(party: party, remarks: newValue) }
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
    self.date = date
    self.voucherType = voucherType
    self.voucherNo = voucherNo
    self.accountName = account
    self.debit = debit
    self.credit = credit
    self.notes = Notes.make(party: party, remarks: remarks)
    self.againstAccountName = againstAccount
    self.isAdjustment = isAdjustment
  }

  /// debit − credit.
  public var net: Amount { debit - credit }
}

extension GLEntry {
  /// A line's party and remarks. Immutable: a change makes a new box.
  @usableFromInline final class Notes: Sendable, Hashable {
    let party: String
    let remarks: String

    @usableFromInline init(party: String, remarks: String) {
      self.party = party
      self.remarks = remarks
    }

    /// nil when both are blank, so lines without them compare and hash alike however they were made.
    @usableFromInline static func make(party: String, remarks: String) -> Notes? {
      party.isEmpty && remarks.isEmpty ? nil : Notes(party: party, remarks: remarks)
    }

    @usableFromInline static func == (a: Notes, b: Notes) -> Bool { a.party == b.party && a.remarks == b.remarks }
    @usableFromInline func hash(into h: inout Hasher) {
      h.combine(party)
      h.combine(remarks)
    }
  }
}
