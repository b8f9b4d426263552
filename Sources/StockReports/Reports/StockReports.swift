import StockCore

/// The reports of SPEC §7 that the posting engine feeds. Rows are sorted deterministically: ledger order for
/// the ledgers, item then warehouse for balances, chart order for accounts.
public enum StockReports {
  public static let names = [
    "stock-ledger", "general-ledger", "stock-balance", "trial-balance", "stock-vs-gl", "batch-balance", "serial-status",
    "stock-ageing", "projected-qty", "material-requests",
  ]

  public static func make(_ name: String, _ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> ReportTable? {
    switch name {
    case "stock-ledger": return stockLedger(s, f)
    case "general-ledger": return generalLedger(s.gl, s, f)
    case "stock-balance": return stockBalance(s, f)
    case "trial-balance": return trialBalance(s, f)
    case "stock-vs-gl": return stockVsGL(s, f)
    case "batch-balance": return TrackingReports.batchBalance(s, f)
    case "serial-status": return TrackingReports.serialStatus(s, f)
    case "stock-ageing": return PlanningReports.stockAgeing(s, f)
    case "projected-qty": return PlanningReports.projectedQty(s, f)
    case "material-requests": return PlanningReports.materialRequests(s, f)
    default: return nil
    }
  }

  /// A report as the bytes of its CSV file: the two ledgers (which grow with the history) written straight to
  /// bytes, the others through their table. nil for an unknown name.
  public static func csv(_ name: String, _ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> [UInt8]? {
    switch name {
    case "stock-ledger": return stockLedgerCSV(s, f)
    case "general-ledger": return generalLedgerCSV(s.gl, s, f)
    default: return make(name, s, f).map { Array($0.csv.utf8) }
    }
  }

  public static let stockLedgerColumns = StockLedgerEntry.columns

  /// Every stock ledger entry in posting order.
  public static func stockLedger(_ s: ReportSource, _ f: ReportFilter) -> ReportTable {
    var t = ReportTable(columns: stockLedgerColumns)
    for e in s.entries where f.inRange(e.date) && f.matches(item: e.itemCode, warehouse: e.warehouse) {
      t.rows.append(e.fields(places: s.places))
    }
    return t
  }

  /// `stock-ledger.csv` written straight to bytes (the fast path of the largest report).
  /// - Complexity: O(entries).
  public static func stockLedgerCSV(_ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> [UInt8] {
    var w = ByteWriter(guardsFormulas: true, capacity: 150 * s.entries.count + 256)
    w.texts(stockLedgerColumns)
    w.endRow()
    let p = s.places
    for e in s.entries where f.inRange(e.date) && f.matches(item: e.itemCode, warehouse: e.warehouse) {
      e.write(places: p, into: &w)
      w.endRow()
    }
    return w.bytes
  }

  /// `general-ledger.csv` (or a journal) written straight to bytes.
  /// - Complexity: O(lines).
  public static func generalLedgerCSV(_ lines: [GLEntry], _ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> [UInt8] {
    var w = ByteWriter(guardsFormulas: true, capacity: 120 * lines.count + 256)
    w.texts(glColumns)
    w.endRow()
    for g in lines where f.inRange(g.date) {
      g.write(places: s.places, into: &w)
      w.endRow()
    }
    return w.bytes
  }

  public static let glColumns = GLEntry.columns

  /// GL lines (the general ledger, or one run's journal) in ledger order.
  public static func generalLedger(_ lines: [GLEntry], _ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> ReportTable {
    var t = ReportTable(columns: glColumns)
    for g in lines where f.inRange(g.date) { t.rows.append(g.fields(places: s.places)) }
    return t
  }

  /// Per item and warehouse: opening (before `from`), in and out (quantities by the sign of the movement,
  /// values by the sign of the value change, as ERPNext's Stock Balance), balance up to `to`, and the
  /// valuation rate of the last entry.
  public static func stockBalance(_ s: ReportSource, _ f: ReportFilter) -> ReportTable {
    struct Row { var oq = Fixed.zero, ov = Fixed.zero, iq = Fixed.zero, iv = Fixed.zero, outq = Fixed.zero, outv = Fixed.zero, bq = Fixed.zero, bv = Fixed.zero, rate = Fixed.zero }
    var rows: [StockKeyText: Row] = [:]
    for e in s.entries where f.matches(item: e.itemCode, warehouse: e.warehouse) {
      if let to = f.to, e.date > to { continue }
      let key = StockKeyText(item: e.itemCode, warehouse: e.warehouse)
      var r = rows[key] ?? Row()
      if let from = f.from, e.date < from {
        r.oq += e.actualQty
        r.ov += e.stockValueDifference
      } else {
        if e.actualQty.isNegative { r.outq -= e.actualQty } else { r.iq += e.actualQty }
        if e.stockValueDifference.isNegative { r.outv -= e.stockValueDifference } else { r.iv += e.stockValueDifference }
      }
      r.bq = e.qtyAfterTransaction
      r.bv = e.stockValue
      r.rate = e.valuationRate
      rows[key] = r
    }
    var t = ReportTable(columns: [
      "item_code", "warehouse", "opening_qty", "opening_value", "in_qty", "in_value", "out_qty", "out_value",
      "balance_qty", "balance_value", "valuation_rate",
    ])
    let p = s.places
    for key in rows.keys.sorted() {
      guard let r = rows[key] else { continue }
      t.rows.append([
        key.item, key.warehouse, r.oq.plain, r.ov.formatted(places: p), r.iq.plain, r.iv.formatted(places: p), r.outq.plain,
        r.outv.formatted(places: p), r.bq.plain, r.bv.formatted(places: p), r.rate.plain,
      ])
    }
    return t
  }

  /// Per account in chart order: opening balance before `from`, debits and credits in the range, closing
  /// balance, each balance shown on its net side.
  public static func trialBalance(_ s: ReportSource, _ f: ReportFilter) -> ReportTable {
    var opening: [String: Fixed] = [:]
    var debit: [String: Fixed] = [:]
    var credit: [String: Fixed] = [:]
    for g in s.gl {
      if let to = f.to, g.date > to { continue }
      if let from = f.from, g.date < from {
        opening[g.account, default: .zero] += g.net
      } else {
        debit[g.account, default: .zero] += g.debit
        credit[g.account, default: .zero] += g.credit
      }
    }
    var t = ReportTable(columns: [
      "account", "root_type", "opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit",
    ])
    let p = s.places
    var listed: Set<String> = []
    var names = s.masters.accounts.map(\.name)
    names += Set(debit.keys).union(credit.keys).union(opening.keys).subtracting(names).sorted()
    for name in names where !listed.contains(name) {
      listed.insert(name)
      let o = opening[name] ?? .zero, d = debit[name] ?? .zero, c = credit[name] ?? .zero
      if o.isZero && d.isZero && c.isZero { continue }
      let closing = o + d - c
      t.rows.append([
        name, s.masters.accountByName[name]?.rootType.rawValue ?? "", (o.isPositive ? o : .zero).formatted(places: p),
        (o.isNegative ? -o : .zero).formatted(places: p), d.formatted(places: p), c.formatted(places: p),
        (closing.isPositive ? closing : .zero).formatted(places: p), (closing.isNegative ? -closing : .zero).formatted(places: p),
      ])
    }
    return t
  }

  /// Per stock account: the value of the stock in its warehouses against the account's GL balance.
  public static func stockVsGL(_ s: ReportSource, _ f: ReportFilter) -> ReportTable {
    var stock: [String: Fixed] = [:]
    var last: [StockKeyText: Fixed] = [:]
    for e in s.entries {
      if let to = f.to, e.date > to { continue }
      last[StockKeyText(item: e.itemCode, warehouse: e.warehouse)] = e.stockValue
    }
    for (k, v) in last { stock[s.masters.stockAccountOf[k.warehouse] ?? "", default: .zero] += v }
    var gl: [String: Fixed] = [:]
    for g in s.gl {
      if let to = f.to, g.date > to { continue }
      gl[g.account, default: .zero] += g.net
    }
    var accounts = Set(s.masters.stockAccountOf.values).union(stock.keys)
    accounts.remove("")
    let order = s.masters.accounts.map(\.name).filter { accounts.contains($0) } + accounts.filter { s.masters.accountByName[$0] == nil }.sorted()
    var t = ReportTable(columns: ["account", "stock_value", "gl_balance", "difference"])
    let p = s.places
    for a in order {
      let sv = stock[a] ?? .zero, gb = gl[a] ?? .zero
      if sv.isZero && gb.isZero && !s.gl.contains(where: { $0.account == a }) && !last.keys.contains(where: { s.masters.stockAccountOf[$0.warehouse] == a }) { continue }
      t.rows.append([a, sv.formatted(places: p), gb.formatted(places: p), (sv - gb).formatted(places: p)])
    }
    return t
  }

  /// Rejections of one run: `file,line,voucher_no,field,code,message`.
  public static func rejections(_ list: [Diagnostic]) -> ReportTable {
    var t = ReportTable(columns: ["file", "line", "voucher_no", "field", "code", "message"])
    for d in list {
      var line = d.location.line > 0 ? String(d.location.line) : ""
      if let c = d.location.column { line += ":\(c)" }
      let message = d.location.element.map { "<\($0)> " + d.message } ?? d.message
      t.rows.append([d.location.file, line, d.voucherNo, d.field, d.code.rawValue, message])
    }
    return t
  }
}

/// Item and warehouse as a sortable key (report order: item, then warehouse, by code point).
struct StockKeyText: Hashable, Comparable {
  var item: String
  var warehouse: String
  static func < (a: StockKeyText, b: StockKeyText) -> Bool {
    a.item != b.item ? a.item.utf8.lexicographicallyPrecedes(b.item.utf8) : a.warehouse.utf8.lexicographicallyPrecedes(b.warehouse.utf8)
  }
}
