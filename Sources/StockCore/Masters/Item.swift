/// An item of `items.csv`. Blank columns take the defaults below.
public struct Item: Sendable, Hashable {
  public var code: String
  public var name: String
  public var stockUOM: String
  public var isStockItem: Bool
  /// nil: the company's default method.
  public var valuationMethod: ValuationMethod?
  public var hasBatchNo: Bool
  public var hasSerialNo: Bool
  public var serialNoSeries: String
  public var batchNoSeries: String
  public var useBatchwiseValuation: Bool
  public var shelfLifeDays: Int?
  public var warrantyDays: Int?
  public var allowNegativeStock: Bool
  /// The fallback valuation rate (SPEC §5.4), if any.
  public var valuationRate: Rate?
  public var barcodes: [String]
  public var expenseAccount: String
  public var incomeAccount: String
  /// The unit material requests are made in (an extension of SPEC §3; blank: the stock UOM).
  public var purchaseUOM: String = ""

  public init(
    code: String, name: String = "", stockUOM: String = "Nos", isStockItem: Bool = true,
    valuationMethod: ValuationMethod? = nil, hasBatchNo: Bool = false, hasSerialNo: Bool = false,
    serialNoSeries: String = "", batchNoSeries: String = "", useBatchwiseValuation: Bool = true,
    shelfLifeDays: Int? = nil, warrantyDays: Int? = nil, allowNegativeStock: Bool = false, valuationRate: Rate? = nil,
    barcodes: [String] = [], expenseAccount: String = "", incomeAccount: String = ""
  ) {
    self.code = code
    self.name = name
    self.stockUOM = stockUOM
    self.isStockItem = isStockItem
    self.valuationMethod = valuationMethod
    self.hasBatchNo = hasBatchNo
    self.hasSerialNo = hasSerialNo
    self.serialNoSeries = serialNoSeries
    self.batchNoSeries = batchNoSeries
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
