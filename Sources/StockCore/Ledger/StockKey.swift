/// Identifies the running state of one item in one warehouse.
public struct StockKey: Sendable, Hashable, Comparable {
  public var item: String
  public var warehouse: String
  public init(item: String, warehouse: String) {
    self.item = item
    self.warehouse = warehouse
  }
  /// Item, then warehouse, by UTF-8 bytes (the order of every report).
  public static func < (a: StockKey, b: StockKey) -> Bool {
    let c = a.item.compareInByteOrder(b.item)
    return c != 0 ? c < 0 : a.warehouse.precedesInByteOrder(b.warehouse)
  }
}

/// Reserved, ordered and planned quantities per item and warehouse (ERPNext's `Bin` planning fields).
public struct PlanningTotals: Sendable, Hashable {
  public var reserved: Quantity = .zero
  public var ordered: Quantity = .zero
  public var planned: Quantity = .zero
  public init() {}
}
