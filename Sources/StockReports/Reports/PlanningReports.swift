import StockCore

/// Projected quantity, reorder suggestions and stock ageing (SPEC §7, reference §8–9).
public enum PlanningReports {
  /// Per item and warehouse: actual, reserved, ordered, planned, projected = actual + ordered + planned −
  /// reserved, the reorder level and the shortage below it.
  public static func projectedQty(_ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> ReportTable {
    LedgerFolds.of(s).table("projected-qty", masters: s.masters, planning: s.planning, filter: f)!
  }

  /// Material requests for every reorder rule whose projected quantity fell below its level (see
  /// ``materialRequests(actual:planning:masters:_:)``).
  public static func materialRequests(_ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> ReportTable {
    LedgerFolds.of(s).table("material-requests", masters: s.masters, planning: s.planning, filter: f)!
  }

  public static let projectedColumns = ["item_code", "warehouse", "actual_qty", "reserved_qty", "ordered_qty", "planned_qty", "projected_qty", "reorder_level", "shortage_qty"]
  public static let materialRequestColumns = ["item_code", "warehouse", "request_type", "qty", "uom", "reason"]

  /// Projected quantities from the actual quantity per item-warehouse and the planning totals.
  static func projectedQty(actual: [StockKey: Quantity], planning: [StockKey: PlanningTotals], masters: Masters, _ f: ReportFilter, into w: inout some RowSink, only: Set<StockKey>? = nil) {
    let levels = reorder(masters)
    for r in projected(actual: actual, planning: planning, masters: masters, only: only) where f.matches(r.key) {
      let level = levels[r.key]?.level
      let shortage = level.map { max(.zero, $0 - r.projected) } ?? max(.zero, -r.projected)
      w.text(r.key.itemName)  // (from the bytes the names' boxes keep)
      w.text(r.key.warehouseName)
      // (One by one: an array of the five was made and freed per row.)
      w.plain(r.actual)
      w.plain(r.totals.reserved)
      w.plain(r.totals.ordered)
      w.plain(r.totals.planned)
      w.plain(r.projected)
      if let level { w.plain(level) } else { w.text("") }
      w.plain(shortage)
      w.endRow()
    }
  }

  /// Material requests: the larger of the reorder quantity and the shortfall, in the item's purchase UOM
  /// where one is set.
  static func materialRequests(actual: [StockKey: Quantity], planning: [StockKey: PlanningTotals], masters: Masters, _ f: ReportFilter, into w: inout some RowSink) {
    let company = masters.company
    for rule in masters.reorderLevels.sorted(by: { StockKey(item: $0.itemCode, warehouse: $0.warehouse) < StockKey(item: $1.itemCode, warehouse: $1.warehouse) }) {
      guard f.matches(item: rule.itemCode, warehouse: rule.warehouse), let item = masters.itemByCode[rule.itemCode] else { continue }
      let key = StockKey(item: rule.itemCode, warehouse: rule.warehouse)
      let projected = Projection(key: key, actual: actual[key] ?? .zero, totals: planning[key] ?? PlanningTotals()).projected
      guard projected < rule.level else { continue }
      var qty = max(rule.qty, rule.level - projected)
      var uom = item.stockUOM
      if rule.requestType == "Purchase", !item.purchaseUOM.isEmpty, item.purchaseUOM != item.stockUOM,
        let factor = masters.uomConversions[item.code]?[item.purchaseUOM], factor.isPositive
      {
        qty = company.quantity(qty.divided(by: factor, rule: company.rounding))
        uom = item.purchaseUOM
      }
      w.text(rule.itemCode)
      w.text(rule.warehouse)
      w.text(rule.requestType)
      w.plain(qty)
      w.text(uom)
      w.text("projected qty \(projected.plain) is below the reorder level \(rule.level.plain)")
      w.endRow()
    }
  }

  struct Projection {
    var key: StockKey
    var actual: Quantity
    var totals: PlanningTotals
    var projected: Quantity { actual + totals.ordered + totals.planned - totals.reserved }
  }

  static func reorder(_ masters: Masters) -> [StockKey: ReorderLevel] {
    var out: [StockKey: ReorderLevel] = [:]
    for r in masters.reorderLevels { out[StockKey(item: r.itemCode, warehouse: r.warehouse)] = r }
    return out
  }

  static func projected(actual: [StockKey: Quantity], planning: [StockKey: PlanningTotals], masters: Masters, only: Set<StockKey>? = nil) -> [Projection] {
    var keys = Set(actual.keys).union(planning.keys)
    for r in masters.reorderLevels { keys.insert(StockKey(item: r.itemCode, warehouse: r.warehouse)) }
    if let only { keys.formIntersection(only) }
    return StockKey.sorted(keys).map { Projection(key: $0, actual: actual[$0] ?? .zero, totals: planning[$0] ?? PlanningTotals()) }
  }



  /// Stock ageing as of `f.to` (else the latest posting date) (see ``AgeingFold``).
  public static func stockAgeing(_ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> ReportTable {
    LedgerFolds.of(s, filter: f).table("stock-ageing", masters: s.masters, planning: s.planning)!
  }
}
