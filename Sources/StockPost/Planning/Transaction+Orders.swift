import StockCore

extension Transaction {
  func order(_ no: String) -> OrderState? { pendingOrders[no] ?? base.orders[no] }
  /// (Most runs have no orders: then nothing is hashed.)
  func planning(_ key: StockKey) -> PlanningTotals {
    if let pending = rare?.planning, !pending.isEmpty, let totals = pending[key] { return totals }
    return base.planning.isEmpty ? PlanningTotals() : base.planning[key] ?? PlanningTotals()
  }

  /// Adds `qty` (signed) to one planning total of an order and of its item and warehouse.
  mutating func adjust(_ orderNo: String, _ key: StockKey, by qty: Quantity) {
    guard var o = order(orderNo) else { return }
    o.remaining[key, default: .zero] += qty
    pendingOrders[orderNo] = o
    var t = planning(key)
    switch o.type {
    case .salesOrder: t.reserved += qty
    case .purchaseOrder: t.ordered += qty
    default: t.planned += qty
    }
    pendingPlanning[key] = t
  }

  /// Sales Order, Purchase Order, Work Order: they move no stock and post no GL; they reserve, order or
  /// plan quantities until fulfilled or closed.
  mutating func openOrder() {
    let v = voucher
    if v.type == .workOrder && Set(v.items.map(\.itemCode)).count != 1 {
      fail(.badValue, line: v.source.line, field: "item_code", "a Work Order produces one item")
      return
    }
    pendingOrders[v.no] = OrderState(type: v.type, party: v.party, remaining: [:])
    for (row, item) in zip(v.items, rowItems) {
      guard let item else { continue }
      adjust(v.no, StockKey(item: item.codeName, warehouse: row.warehouseName), by: masters.stockQty(row, item))
    }
  }

  /// `action=close`: what is left of an order is released.
  mutating func closeOrder() {
    guard let o = order(voucher.no), !o.isClosed else {
      fail(.badValue, line: voucher.source.line, field: "action", "\(voucher.no) is not an open order on \(voucher.date)")
      return
    }
    for (key, left) in o.remaining.sorted(by: { $0.key < $1.key }) where !left.isZero { adjust(voucher.no, key, by: -left) }
    pendingOrders[voucher.no]?.isClosed = true
  }

  /// The order a stock voucher fulfils, checked: `against_voucher` names an open order of the right kind.
  mutating func fulfilledOrder(_ kind: VoucherType) -> String? {
    let no = voucher.againstVoucher
    guard !no.isEmpty, !voucher.isReturn else { return nil }
    guard let o = order(no), o.type == kind else {
      fail(.badValue, line: voucher.source.line, field: "against_voucher", "\(no) is not a \(kind.rawValue) posted on or before \(voucher.date)")
      return nil
    }
    return o.isClosed ? nil : no
  }

  /// Consumes what a fulfilling movement delivered, received or produced from its order (never below 0).
  mutating func fulfil(_ orderNo: String?, _ key: StockKey, qty: Quantity) {
    guard let orderNo, let o = order(orderNo) else { return }
    let left = o.remaining[key] ?? .zero
    let take = min(left, qty)
    if take.isPositive { adjust(orderNo, key, by: -take) }
  }

  /// With `enforce_reservations`, an outward movement may take only the stock not reserved for other
  /// Sales Orders; records an error naming the reservations otherwise.
  mutating func checkReservations(_ row: ItemRow, item: Item, warehouse: String, key: StockKey, qty: Quantity, forOrder: String?) -> Bool {
    guard enforcesReservations else { return true }
    let total = planning(key).reserved
    guard total.isPositive else { return true }
    let own = forOrder.flatMap { order($0)?.remaining[key] } ?? .zero
    let others = total - own
    guard others.isPositive else { return true }
    let actual = self.qty(key)
    let free = actual - others
    guard qty > free + arithmetic.negativeTolerance else { return true }
    let holders = (base.orders.keys.map { $0 } + pendingOrders.keys.map { $0 }).sorted().reduce(into: [String]()) { list, no in
      if !list.contains(no), no != forOrder, let o = order(no), o.type == .salesOrder, let left = o.remaining[key], left.isPositive {
        list.append("\(no) (\(left.plain)\(o.party.isEmpty ? "" : " for \(o.party)"))")
      }
    }
    fail(.insufficientStock, line: row.line, field: "qty",
         "\(item.code) in \(warehouse) on \(voucher.date): \(actual) in stock but \(others) reserved for other orders — \(holders.joined(separator: ", ")) — so only \(max(free, .zero)) can be taken, not \(qty); deliver against the order (against_voucher) or close it")
    return false
  }
}
