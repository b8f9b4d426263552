/// An item of `items.csv`. Blank columns take the defaults below. A class: items are looked up for every
/// row that moves stock, and sharing one costs a reference count where a copy would retain every name.
public final class Item: Sendable {
  public let code: String
  /// `code`, interned (``InternedName``): what the item's stock keys are made of.
  public let codeName: InternedName
  public let name: String
  public let stockUOM: String
  public let isStockItem: Bool
  /// nil: the company's default method.
  public let valuationMethod: ValuationMethod?
  public let hasBatchNo: Bool
  public let hasSerialNo: Bool
  public let serialNoSeries: String
  public let batchNoSeries: String
  /// `serialNoSeries` and `batchNoSeries` parsed (once: a run names and notes a series for every serial
  /// and batch it receives); nil when blank.
  public let serialSeries: NamingSeries?
  public let batchSeries: NamingSeries?
  public let useBatchwiseValuation: Bool
  public let shelfLifeDays: Int?
  public let warrantyDays: Int?
  public let allowNegativeStock: Bool
  /// The fallback valuation rate (SPEC §5.4), if any.
  public let valuationRate: Rate?
  public let barcodes: [String]
  public let expenseAccount: String
  public let incomeAccount: String
  /// The unit material requests are made in (an extension of SPEC §3; blank: the stock UOM).
  public let purchaseUOM: String

  public init(
    code: String, name: String = "", stockUOM: String = "Nos", isStockItem: Bool = true,
    valuationMethod: ValuationMethod? = nil, hasBatchNo: Bool = false, hasSerialNo: Bool = false,
    serialNoSeries: String = "", batchNoSeries: String = "", useBatchwiseValuation: Bool = true,
    shelfLifeDays: Int? = nil, warrantyDays: Int? = nil, allowNegativeStock: Bool = false, valuationRate: Rate? = nil,
    barcodes: [String] = [], expenseAccount: String = "", incomeAccount: String = "", purchaseUOM: String = ""
  ) {
    self.purchaseUOM = purchaseUOM
    self.code = code
    codeName = InternedName(code)
    self.name = name
    self.stockUOM = stockUOM
    self.isStockItem = isStockItem
    self.valuationMethod = valuationMethod
    self.hasBatchNo = hasBatchNo
    self.hasSerialNo = hasSerialNo
    self.serialNoSeries = serialNoSeries
    self.batchNoSeries = batchNoSeries
    serialSeries = serialNoSeries.isEmpty ? nil : NamingSeries(serialNoSeries)
    batchSeries = batchNoSeries.isEmpty ? nil : NamingSeries(batchNoSeries)
    self.useBatchwiseValuation = useBatchwiseValuation
    self.shelfLifeDays = shelfLifeDays
    self.warrantyDays = warrantyDays
    self.allowNegativeStock = allowNegativeStock
    self.valuationRate = valuationRate
    self.barcodes = barcodes
    self.expenseAccount = expenseAccount
    self.incomeAccount = incomeAccount
  }

  /// The expiry of a batch of this item first received on `date`: the date given, else `date` +
  /// `shelf_life_days`, else none.
  public func batchExpiry(given: BusinessDate?, receivedOn date: BusinessDate) -> BusinessDate? {
    given ?? shelfLifeDays.map { date.adding(days: $0) }
  }
}
