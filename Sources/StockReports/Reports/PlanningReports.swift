import StockCore

/// Projected quantity, reorder suggestions and stock ageing (SPEC §7, reference §8–9).
public enum PlanningReports {
  /// Per item and warehouse: actual, reserved, ordered, planned, projected = actual + ordered + planned −
  /// reserved, the reorder level and the shortage below it.
  public static func projectedQty(_ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> ReportTable {
    let rows = projected(s).filter { f.matches(item: $0.key.item, warehouse: $0.key.warehouse) }
    var t = ReportTable(columns: ["item_code", "warehouse", "actual_qty", "reserved_qty", "ordered_qty", "planned_qty", "projected_qty", "reorder_level", "shortage_qty"])
    for r in rows {
      let level = reorder(s)[r.key]?.level
      let shortage = level.map { max(.zero, $0 - r.projected) } ?? max(.zero, -r.projected)
      t.rows.append([r.key.item, r.key.warehouse, r.actual.plain, r.totals.reserved.plain, r.totals.ordered.plain, r.totals.planned.plain,
                     r.projected.plain, level?.plain ?? "", shortage.plain])
    }
    return t
  }

  /// Material requests for every reorder rule whose projected quantity fell below its level: the larger of
  /// the reorder quantity and the shortfall, in the item's purchase UOM where one is set.
  public static func materialRequests(_ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> ReportTable {
    var projectedOf: [StockKey: Quantity] = [:]
    for r in projected(s) { projectedOf[r.key] = r.projected }
    var t = ReportTable(columns: ["item_code", "warehouse", "request_type", "qty", "uom", "reason"])
    let company = s.masters.company
    for rule in s.masters.reorderLevels.sorted(by: { StockKey(item: $0.itemCode, warehouse: $0.warehouse) < StockKey(item: $1.itemCode, warehouse: $1.warehouse) }) {
      guard f.matches(item: rule.itemCode, warehouse: rule.warehouse), let item = s.masters.itemByCode[rule.itemCode] else { continue }
      let projected = projectedOf[StockKey(item: rule.itemCode, warehouse: rule.warehouse)] ?? .zero
      guard projected < rule.level else { continue }
      var qty = max(rule.qty, rule.level - projected)
      var uom = item.stockUOM
      if rule.requestType == "Purchase", !item.purchaseUOM.isEmpty, item.purchaseUOM != item.stockUOM,
        let factor = s.masters.uomConversions[item.code]?[item.purchaseUOM], factor.isPositive
      {
        qty = company.quantity(qty.divided(by: factor, rule: company.rounding))
        uom = item.purchaseUOM
      }
      t.rows.append([rule.itemCode, rule.warehouse, rule.requestType, qty.plain, uom,
                     "projected qty \(projected.plain) is below the reorder level \(rule.level.plain)"])
    }
    return t
  }

  struct Projection {
    var key: StockKey
    var actual: Quantity
    var totals: PlanningTotals
    var projected: Quantity { actual + totals.ordered + totals.planned - totals.reserved }
  }

  static func reorder(_ s: ReportSource) -> [StockKey: ReorderLevel] {
    var out: [StockKey: ReorderLevel] = [:]
    for r in s.masters.reorderLevels { out[StockKey(item: r.itemCode, warehouse: r.warehouse)] = r }
    return out
  }

  static func projected(_ s: ReportSource) -> [Projection] {
    var actual: [StockKey: Quantity] = [:]
    for e in s.entries { actual[StockKey(item: e.itemCode, warehouse: e.warehouse)] = e.qtyAfterTransaction }
    var keys = Set(actual.keys).union(s.planning.keys)
    for r in s.masters.reorderLevels { keys.insert(StockKey(item: r.itemCode, warehouse: r.warehouse)) }
    return keys.sorted().map { Projection(key: $0, actual: actual[$0] ?? .zero, totals: s.planning[$0] ?? PlanningTotals()) }
  }

  // MARK: ageing

  /// The slots of one item and warehouse, oldest first; taking from the front is O(1).
  struct SlotQueue {
    private var slots: [Slot] = []
    private var head = 0
    var live: ArraySlice<Slot> { slots[head...] }
    var first: Slot? {
      get { head < slots.count ? slots[head] : nil }
      set { if let newValue, head < slots.count { slots[head] = newValue } }
    }
    mutating func append(_ s: Slot) { slots.append(s) }
    mutating func popFront() { head += 1 }
    mutating func pushFront(_ s: Slot) {
      if head > 0 {
        head -= 1
        slots[head] = s
      } else {
        slots.insert(s, at: 0)
      }
    }
  }

  /// A FIFO slot of the ageing report: a quantity received on a date, with its value.
  struct Slot {
    var qty: Quantity
    var date: BusinessDate
    var value: Fixed
  }

  /// Stock ageing as of `f.to` (else the latest posting date): FIFO slots per item and warehouse independent
  /// of the valuation method (reference §9.1), with average, earliest and latest age and bucket quantities and
  /// values.
  public static func stockAgeing(_ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> ReportTable {
    let asOf = f.to ?? s.entries.map(\.date).max() ?? BusinessDate(dayNumber: 0)
    var slots: [StockKey: SlotQueue] = [:]
    var removed: [String: [Slot]] = [:]  // voucher + item + warehouse → slots it took out
    for e in s.entries where e.date <= asOf {
      let key = StockKey(item: e.itemCode, warehouse: e.warehouse)
      var list = slots.removeValue(forKey: key) ?? SlotQueue()
      // Only stock entries and reconciliations put back what they took out (repack, batch reconciliation).
      let putsBack = e.voucherType == .stockReconciliation || e.voucherType == .stockEntry
      let voucherKey = putsBack ? e.voucherNo + "\u{1F}" + e.itemCode + "\u{1F}" + e.warehouse : ""
      if e.actualQty.isPositive {
        if putsBack, let back = removed.removeValue(forKey: voucherKey) {
          for slot in back.reversed() { list.pushFront(slot) }  // a repack or reconciliation puts back what it took, with its dates
        } else if let first = list.first, !first.qty.isPositive {
          list.first = Slot(qty: first.qty + e.actualQty, date: e.date, value: first.value + e.stockValueDifference)
        } else {
          list.append(Slot(qty: e.actualQty, date: e.date, value: e.stockValueDifference))
        }
      } else if e.actualQty.isNegative {
        var need = -e.actualQty
        var taken: [Slot] = []
        while need.isPositive, let first = list.first, first.qty.isPositive {
          if first.qty <= need {
            taken.append(first)
            need -= first.qty
            list.popFront()
          } else {
            let part = first.value.multiplied(by: need.divided(by: first.qty, rule: .halfUp), places: 9, rule: .halfUp)
            taken.append(Slot(qty: need, date: first.date, value: part))
            list.first = Slot(qty: first.qty - need, date: first.date, value: first.value - part)
            need = .zero
          }
        }
        if need.isPositive {
          if let first = list.first, !first.qty.isPositive {
            list.first = Slot(qty: first.qty - need, date: first.date, value: first.value)
          } else {
            list.pushFront(Slot(qty: -need, date: e.date, value: .zero))
          }
        }
        if putsBack { removed[voucherKey, default: []] += taken }
      }
      slots[key] = list
    }
    let bounds = f.ranges.sorted()
    var names: [String] = []
    var lower = 0
    for b in bounds {
      names.append("\(lower)_\(b)")
      lower = b + 1
    }
    names.append("\(lower)_above")
    var t = ReportTable(columns: ["item_code", "warehouse", "balance_qty", "average_age"] + names.map { "age_" + $0 } + names.map { "value_" + $0 } + ["earliest_age", "latest_age"])
    let company = s.masters.company
    for key in slots.keys.sorted() where f.matches(item: key.item, warehouse: key.warehouse) {
      guard let list = slots[key]?.live else { continue }
      let qty = list.reduce(Quantity.zero) { $0 + $1.qty }
      guard !qty.isZero else { continue }
      var weighted = Wide.zero
      var bucketQty = [Quantity](repeating: .zero, count: names.count)
      var bucketValue = [Fixed](repeating: .zero, count: names.count)
      let ages = list.map { asOf.days(since: $0.date) }
      for (slot, age) in zip(list, ages) {
        weighted += Wide(product: slot.qty, Fixed(age))
        let bucket = bounds.firstIndex { age <= $0 } ?? bounds.count
        bucketQty[bucket] += slot.qty
        bucketValue[bucket] += slot.value
      }
      let average = weighted.divided(by: qty, places: 2, rule: company.rounding)
      t.rows.append([key.item, key.warehouse, qty.plain, average.plain] + bucketQty.map(\.plain)
                    + bucketValue.map { company.money($0).formatted(places: company.currencyPrecision) }
                    + [String(ages.max() ?? 0), String(ages.min() ?? 0)])
    }
    return t
  }
}
