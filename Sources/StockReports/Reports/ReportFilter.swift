import StockCore

/// Restricts a report to a date range, an item or a warehouse (`stockledger report --from --to --item
/// --warehouse`).
public struct ReportFilter: Sendable {
  public var from: BusinessDate?
  public var to: BusinessDate?
  public var item: String?
  public var warehouse: String?
  /// When `warehouse` is a group: it and every warehouse under it (ERPNext's reports take a group's
  /// children), set from the master data by ``within(group:of:)``; nil for a warehouse that holds stock.
  public var within: Set<String>?
  /// Upper bounds of the ageing buckets in days (`--ranges 30,60,90`: 0–30, 31–60, 61–90, 91+).
  public var ranges: [Int]
  public init(from: BusinessDate? = nil, to: BusinessDate? = nil, item: String? = nil, warehouse: String? = nil, ranges: [Int] = [30, 60, 90]) {
    self.from = from
    self.to = to
    self.item = item
    self.warehouse = warehouse
    self.ranges = ranges
  }
  public func inRange(_ d: BusinessDate) -> Bool { (from.map { d >= $0 } ?? true) && (to.map { d <= $0 } ?? true) }
  public func matches(item i: String, warehouse w: String) -> Bool { (item.map { $0 == i } ?? true) && matches(warehouse: w) }
  func matches(warehouse w: String) -> Bool {
    guard let warehouse else { return true }
    if let within { return within.contains(w) }
    return warehouse == w
  }
  /// ``matches(item:warehouse:)`` of a key's names, read only when the filter names an item or a warehouse
  /// (most reports have neither, and each entry folded read both names).
  func matches(_ key: StockKey) -> Bool {
    (item == nil || item == key.item) && (warehouse == nil || matches(warehouse: key.warehouse))
  }

  /// The warehouses a filter by `group` takes: the group and every warehouse under it in `masters`.
  /// - Complexity: O(warehouses).
  public static func within(group: String, of masters: Masters) -> Set<String> {
    var children: [String: [String]] = [:]
    for w in masters.warehouses where !w.parent.isEmpty { children[w.parent, default: []].append(w.name) }
    var found: Set<String> = [group]
    var pending = [group]
    while let next = pending.popLast() {
      for c in children[next] ?? [] where found.insert(c).inserted { pending.append(c) }
    }
    return found
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
