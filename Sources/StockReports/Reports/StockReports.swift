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
    // Stock against GL compares everything up to `to`; projections use the whole ledger.
    case "stock-vs-gl": return LedgerFolds.of(s, filter: ReportFilter(to: f.to)).table(name, masters: s.masters, planning: s.planning)
    case "projected-qty", "material-requests": return LedgerFolds.of(s).table(name, masters: s.masters, planning: s.planning, filter: f)
    default: return LedgerFolds.of(s, filter: f).table(name, masters: s.masters, planning: s.planning)
    }
  }

  /// A report as the bytes of its CSV file: the two ledgers (which grow with the history) written straight to
  /// bytes, the others through their table. nil for an unknown name.
  public static func csv(_ name: String, _ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> [UInt8]? {
    switch name {
    case "stock-ledger": return stockLedgerCSV(s, f)
    case "general-ledger": return generalLedgerCSV(s.gl, s, f)
    default: return make(name, s, f).map(\.csvBytes)
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
  /// - Parameter header: false for rows to append to an existing file.
  public static func stockLedgerCSV(_ s: ReportSource, _ f: ReportFilter = ReportFilter(), header: Bool = true) -> [UInt8] {
    var w = ByteWriter(guardsFormulas: true, capacity: 150 * s.entries.count + 256)
    stockLedgerCSV(s, f, header: header, into: &w) { _ in }
    return w.bytes
  }

  /// ``stockLedgerCSV(_:_:header:)`` written into `w`, handed to `flush` after every row: a large ledger is
  /// written in chunks through one buffer (`flush` writes and empties it when it is full enough).
  /// - Complexity: O(entries).
  public static func stockLedgerCSV<E: Error>(
    _ s: ReportSource, _ f: ReportFilter = ReportFilter(), header: Bool = true, into w: inout ByteWriter,
    flush: (inout ByteWriter) throws(E) -> Void
  ) throws(E) {
    if header {
      w.texts(stockLedgerColumns)
      w.endRow()
    }
    let p = s.places
    for e in s.entries where f.inRange(e.date) && f.matches(item: e.itemCode, warehouse: e.warehouse) {
      e.write(places: p, into: &w)
      w.endRow()
      try flush(&w)
    }
  }

  /// `general-ledger.csv` (or a journal) written straight to bytes.
  /// - Complexity: O(lines).
  /// - Parameter header: false for lines to append to an existing file.
  public static func generalLedgerCSV(_ lines: [GLEntry], _ s: ReportSource, _ f: ReportFilter = ReportFilter(), header: Bool = true) -> [UInt8] {
    var w = ByteWriter(guardsFormulas: true, capacity: 120 * lines.count + 256)
    generalLedgerCSV(lines, s, f, header: header, into: &w) { _ in }
    return w.bytes
  }

  /// ``generalLedgerCSV(_:_:_:header:)`` written into `w` in chunks, as ``stockLedgerCSV(_:_:header:into:flush:)``.
  /// - Complexity: O(lines).
  public static func generalLedgerCSV<E: Error>(
    _ lines: [GLEntry], _ s: ReportSource, _ f: ReportFilter = ReportFilter(), header: Bool = true, into w: inout ByteWriter,
    flush: (inout ByteWriter) throws(E) -> Void
  ) throws(E) {
    if header {
      w.texts(glColumns)
      w.endRow()
    }
    for g in lines where f.inRange(g.date) {
      g.write(places: s.places, into: &w)
      w.endRow()
      try flush(&w)
    }
  }

  public static let glColumns = GLEntry.columns

  /// GL lines (the general ledger, or one run's journal) in ledger order.
  public static func generalLedger(_ lines: [GLEntry], _ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> ReportTable {
    var t = ReportTable(columns: glColumns)
    for g in lines where f.inRange(g.date) { t.rows.append(g.fields(places: s.places)) }
    return t
  }

  /// Stock balance (see ``StockBalanceFold``).
  public static func stockBalance(_ s: ReportSource, _ f: ReportFilter) -> ReportTable {
    LedgerFolds.of(s, filter: f).table("stock-balance", masters: s.masters, planning: s.planning)!
  }

  /// Trial balance (see ``TrialBalanceFold``).
  public static func trialBalance(_ s: ReportSource, _ f: ReportFilter) -> ReportTable {
    LedgerFolds.of(s, filter: f).table("trial-balance", masters: s.masters, planning: s.planning)!
  }

  /// Stock against GL up to `f.to`.
  public static func stockVsGL(_ s: ReportSource, _ f: ReportFilter) -> ReportTable {
    let folds = LedgerFolds.of(s, filter: ReportFilter(to: f.to))
    return stockVsGL(folds.balance, folds.trial, masters: s.masters)
  }

  public static let stockVsGLColumns = ["account", "stock_value", "gl_balance", "difference"]

  /// Per stock account: the value of the stock in its warehouses (last stock value of each item-warehouse)
  /// against the account's GL balance, from folds over the same entries and lines.
  public static func stockVsGL(_ balance: StockBalanceFold, _ trial: TrialBalanceFold, masters: Masters) -> ReportTable {
    var t = TableRows(columns: stockVsGLColumns)
    stockVsGL(balance, trial, masters: masters, into: &t)
    return t.table
  }

  static func stockVsGL(_ balance: StockBalanceFold, _ trial: TrialBalanceFold, masters: Masters, into w: inout some RowSink) {
    // Summed by warehouse first, then by account: a few warehouses among tens of thousands of
    // item-warehouses. The rows are read in place, each added to its warehouse's sum, the warehouse found
    // by its name's box first as the last row's (a row's neighbours are often of its warehouse), then in
    // the short list, and through a table only once the list is long (a warehouse's name made and hashed
    // per row, then a dictionary's lookup and a copy of each 144-byte row, were most of the report).
    var byWarehouse: [(name: InternedName, value: Fixed)] = []
    var positions: [UInt: Int] = [:]  // (filled once there are more than `short` warehouses)
    let short = 16
    let keys = balance.rows.keysInOrder
    balance.rows.withValues { rows in
      var last = 0
      for i in rows.indices {
        let name = keys[i].warehouseName
        if last >= byWarehouse.count || byWarehouse[last].name.identity != name.identity {
          let found = byWarehouse.count > short ? positions[name.identity] : byWarehouse.firstIndex { $0.name.identity == name.identity }
          if let found {
            last = found
          } else {
            last = byWarehouse.count
            byWarehouse.append((name, .zero))
            if byWarehouse.count > short {
              if positions.isEmpty { for (p, w) in byWarehouse.enumerated() { positions[w.name.identity] = p } }
              positions[name.identity] = last
            }
          }
        }
        byWarehouse[last].value += rows[i].balanceValue
      }
    }
    var stock: [String: Fixed] = [:]
    var hasStock: Set<String> = []
    for w in byWarehouse {
      let account = masters.stockAccountOf[w.name.text] ?? ""
      stock[account, default: .zero] += w.value
      hasStock.insert(account)
    }
    var accounts = Set(masters.stockAccountOf.values).union(stock.keys)
    accounts.remove("")
    let order = masters.accounts.map(\.name).filter { accounts.contains($0) } + accounts.filter { masters.accountByName[$0] == nil }.sorted()
    let p = masters.company.currencyPrecision
    for a in order {
      let sv = stock[a] ?? .zero, gb = trial.net(a)
      if sv.isZero && gb.isZero && !trial.hasLines(a) && !hasStock.contains(a) { continue }
      w.text(a)
      w.amount(sv, places: p)
      w.amount(gb, places: p)
      w.amount(sv - gb, places: p)
      w.endRow()
    }
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
