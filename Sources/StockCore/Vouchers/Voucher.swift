/// One voucher: a document of one type, with its item rows and its tax and additional-cost rows, as read
/// from an inbox file (or from the ledger's journal of accepted vouchers).
///
/// The fields hold what the input said, parsed and typed; defaults are applied by the validator and the
/// engine, not here, so a voucher written back to the ledger reads back the same.
public struct Voucher: Sendable, Hashable {
  public var type: VoucherType
  public var no: String
  public var date: BusinessDate
  public var time: BusinessTime
  public var action: VoucherAction = .submit
  public var purpose: Purpose?
  public var party: String = ""
  public var isReturn: Bool = false
  public var returnAgainst: String = ""
  public var updateStock: Bool = false
  public var againstVoucher: String = ""
  public var remarks: String = ""
  public var items: [ItemRow] = []
  public var taxes: [ChargeRow] = []
  public var additionalCosts: [ChargeRow] = []
  /// Where the voucher's first row was read.
  public var source: SourceLocation

  public init(type: VoucherType, no: String, date: BusinessDate, time: BusinessTime = .midnight, source: SourceLocation) {
    self.type = type
    self.no = no
    self.date = date
    self.time = time
    self.source = source
  }

  /// The finished-goods rows of a Manufacture or Repack: rows flagged `is_finished_item`, or, when none is
  /// flagged, every produced row that is not scrap.
  public var finishedRows: [ItemRow] { finishedRowIndices.map { items[$0] } }

  /// Positions in `items` of the ``finishedRows``.
  public var finishedRowIndices: [Int] {
    let flagged = items.indices.filter { items[$0].isFinishedItem }
    if !flagged.isEmpty { return flagged }
    return items.indices.filter { !items[$0].targetWarehouse.isEmpty && !items[$0].isScrapItem }
  }

  /// Lines of the input this voucher came from, in input order.
  public var lines: [Int] {
    (items.map(\.line) + taxes.map(\.line) + additionalCosts.map(\.line)).sorted()
  }
}

/// An item row of a voucher.
///
/// The fields most rows leave blank (barcode, unit, conversion factor, batch dates, account overrides, cost
/// centre, remarks) live in a shared box that exists only when one is set, so a typical row stays small: a run
/// holds every row of every voucher. Value semantics are kept (the box is copied before a write when shared).
public struct ItemRow: Sendable, Hashable {
  public var line: Int
  /// The item code (a barcode is resolved to its item by the validator; `barcode` keeps what was given).
  public var itemCode: String
  public var warehouse: String = ""
  public var sourceWarehouse: String = ""
  public var targetWarehouse: String = ""
  public var isFinishedItem: Bool = false
  public var isScrapItem: Bool = false
  /// In `uom`; nil only where blank is allowed (Stock Reconciliation: keep).
  public var qty: Quantity?
  /// nil: blank (fallback or keep, by voucher type).
  public var rate: Rate?
  public var batchNo: String = ""
  public var serialNos: [String] = []
  private var extras: Extras?

  public init(line: Int, itemCode: String) {
    self.line = line
    self.itemCode = itemCode
  }

  public var barcode: String {
    get { extras?.barcode ?? "" }
    set { if !newValue.isEmpty || extras != nil { editExtras { $0.barcode = newValue } } }
  }
  public var uom: String {
    get { extras?.uom ?? "" }
    set { if !newValue.isEmpty || extras != nil { editExtras { $0.uom = newValue } } }
  }
  public var conversionFactor: Fixed? {
    get { extras?.conversionFactor }
    set { if newValue != nil || extras != nil { editExtras { $0.conversionFactor = newValue } } }
  }
  public var batchExpiryDate: BusinessDate? {
    get { extras?.batchExpiryDate }
    set { if newValue != nil || extras != nil { editExtras { $0.batchExpiryDate = newValue } } }
  }
  public var batchManufacturingDate: BusinessDate? {
    get { extras?.batchManufacturingDate }
    set { if newValue != nil || extras != nil { editExtras { $0.batchManufacturingDate = newValue } } }
  }
  public var expenseAccount: String {
    get { extras?.expenseAccount ?? "" }
    set { if !newValue.isEmpty || extras != nil { editExtras { $0.expenseAccount = newValue } } }
  }
  public var incomeAccount: String {
    get { extras?.incomeAccount ?? "" }
    set { if !newValue.isEmpty || extras != nil { editExtras { $0.incomeAccount = newValue } } }
  }
  public var costCenter: String {
    get { extras?.costCenter ?? "" }
    set { if !newValue.isEmpty || extras != nil { editExtras { $0.costCenter = newValue } } }
  }
  public var remarks: String {
    get { extras?.remarks ?? "" }
    set { if !newValue.isEmpty || extras != nil { editExtras { $0.remarks = newValue } } }
  }

  private mutating func editExtras(_ edit: (Extras) -> Void) {
    if extras == nil {
      extras = Extras()
    } else if !isKnownUniquelyReferenced(&extras) {
      extras = extras?.copy()
    }
    if let extras { edit(extras) }
  }

  /// The rarely set fields. Only ever mutated while uniquely referenced.
  final class Extras: @unchecked Sendable, Hashable {
    var barcode = "", uom = "", expenseAccount = "", incomeAccount = "", costCenter = "", remarks = ""
    var conversionFactor: Fixed?
    var batchExpiryDate: BusinessDate?
    var batchManufacturingDate: BusinessDate?

    func copy() -> Extras {
      let c = Extras()
      c.barcode = barcode
      c.uom = uom
      c.expenseAccount = expenseAccount
      c.incomeAccount = incomeAccount
      c.costCenter = costCenter
      c.remarks = remarks
      c.conversionFactor = conversionFactor
      c.batchExpiryDate = batchExpiryDate
      c.batchManufacturingDate = batchManufacturingDate
      return c
    }

    static func == (a: Extras, b: Extras) -> Bool {
      a.barcode == b.barcode && a.uom == b.uom && a.expenseAccount == b.expenseAccount && a.incomeAccount == b.incomeAccount
        && a.costCenter == b.costCenter && a.remarks == b.remarks && a.conversionFactor == b.conversionFactor
        && a.batchExpiryDate == b.batchExpiryDate && a.batchManufacturingDate == b.batchManufacturingDate
    }

    func hash(into h: inout Hasher) {
      h.combine(barcode)
      h.combine(uom)
      h.combine(expenseAccount)
      h.combine(remarks)
      h.combine(conversionFactor)
    }
  }
}

/// A tax row (`row_type = tax`) or an additional-cost row (`row_type = additional_cost`).
public struct ChargeRow: Sendable, Hashable {
  public var line: Int
  public var account: String
  /// A fixed sum; nil when `taxRate` is given.
  public var amount: Amount?
  /// A percentage of the net total.
  public var taxRate: Fixed?
  public var category: TaxCategory
  public var remarks: String = ""

  public init(line: Int, account: String, amount: Amount? = nil, taxRate: Fixed? = nil, category: TaxCategory = .total) {
    self.line = line
    self.account = account
    self.amount = amount
    self.taxRate = taxRate
    self.category = category
  }
}
