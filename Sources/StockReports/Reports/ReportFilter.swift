import StockCore

/// Restricts a report to a date range, an item or a warehouse (`stockledger report --from --to --item
/// --warehouse`).
public struct ReportFilter: Sendable {
  public var from: BusinessDate?
  public var to: BusinessDate?
  public var item: String?
  public var warehouse: String?
  /// Upper bounds of the ageing buckets in days (`--ranges 30,60,90`: 0–30, 31–60, 61–90, 91+).
  public var ranges: [Int]
  public init(from: BusinessDate? = nil, to: BusinessDate? = nil, item: String? = nil, warehouse: String? = nil, ranges: [Int] = [30, 60, 90]) {
    self.from = from
    self.to = to
    self.item = item
    self.warehouse = warehouse
    self.ranges = ranges
  }
  func inRange(_ d: BusinessDate) -> Bool { (from.map { d >= $0 } ?? true) && (to.map { d <= $0 } ?? true) }
  func matches(item i: String, warehouse w: String) -> Bool { (item.map { $0 == i } ?? true) && (warehouse.map { $0 == w } ?? true) }
  /// ``matches(item:warehouse:)`` of a key's names, read only when the filter names an item or a warehouse
  /// (most reports have neither, and each entry folded read both names).
  func matches(_ key: StockKey) -> Bool {
    (item == nil || item == key.item) && (warehouse == nil || warehouse == key.warehouse)
  }
}

/// What every report is built from: the ledger's current stock ledger entries in posting order and its GL
/// lines in ledger order, with the master data for names and accounts.
public struct ReportSource: Sendable {
  public var masters: Masters
  /// Stock ledger entries in posting (timeline) order.
  public var entries: [StockLedgerEntry]
  /// GL lines in ledger order, adjustments included.
  public var gl: [GLEntry]
  /// The accepted vouchers by number (parties, voucher kinds and batch dates for the tracking reports).
  public var vouchers: [String: Voucher]
  /// Reserved, ordered and planned quantities at the ledger head.
  public var planning: [StockKey: PlanningTotals]
  public init(masters: Masters, entries: [StockLedgerEntry], gl: [GLEntry], vouchers: [String: Voucher] = [:], planning: [StockKey: PlanningTotals] = [:]) {
    self.masters = masters
    self.entries = entries
    self.gl = gl
    self.vouchers = vouchers
    self.planning = planning
  }
  var places: Int { masters.company.currencyPrecision }
}
