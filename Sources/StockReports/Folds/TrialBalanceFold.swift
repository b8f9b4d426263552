import StockCore

/// Trial balance as a fold over GL lines: per account, the net before `from` and the debits and credits
/// up to `to`.
public struct TrialBalanceFold: Sendable {
  public let filter: ReportFilter
  public private(set) var opening: [String: Fixed] = [:]
  public private(set) var debit: [String: Fixed] = [:]
  public private(set) var credit: [String: Fixed] = [:]
  public init(filter: ReportFilter = ReportFilter()) { self.filter = filter }

  /// - Complexity: O(1) amortized.
  public mutating func add(_ g: GLEntry) {
    if let to = filter.to, g.date > to { return }
    if let from = filter.from, g.date < from {
      opening[g.account, default: .zero] += g.net
    } else {
      debit[g.account, default: .zero] += g.debit
      credit[g.account, default: .zero] += g.credit
    }
  }

  /// The account's balance up to `to` (debit positive).
  public func net(_ account: String) -> Fixed { (opening[account] ?? .zero) + (debit[account] ?? .zero) - (credit[account] ?? .zero) }
  /// Whether any GL line up to `to` names the account.
  public func hasLines(_ account: String) -> Bool { opening[account] != nil || debit[account] != nil || credit[account] != nil }

  public static let columns = ["account", "root_type", "opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit"]

  /// `trial-balance` rows: accounts in chart order, then unknown ones by name; each balance on its net side.
  public func rows(into w: inout some RowSink, masters: Masters) {
    let p = masters.company.currencyPrecision
    var listed: Set<String> = []
    var names = masters.accounts.map(\.name)
    names += Set(debit.keys).union(credit.keys).union(opening.keys).subtracting(names).sorted()
    for name in names where !listed.contains(name) {
      listed.insert(name)
      let o = opening[name] ?? .zero, d = debit[name] ?? .zero, c = credit[name] ?? .zero
      if o.isZero && d.isZero && c.isZero { continue }
      let closing = o + d - c
      w.text(name)
      w.text(masters.accountByName[name]?.rootType.rawValue ?? "")
      w.amount(o.isPositive ? o : .zero, places: p)
      w.amount(o.isNegative ? -o : .zero, places: p)
      w.amount(d, places: p)
      w.amount(c, places: p)
      w.amount(closing.isPositive ? closing : .zero, places: p)
      w.amount(closing.isNegative ? -closing : .zero, places: p)
      w.endRow()
    }
  }
}

extension TrialBalanceFold {
  func encode(into w: inout BinaryWriter) {
    for d in [opening, debit, credit] {
      w.count(d.count)
      for a in d.keys.sorted() {
        w.string(a)
        w.compactFixed(d[a]!)
      }
    }
  }
  init(decoding r: inout BinaryReader) throws(BinaryFormatError) {
    self.init()
    var maps: [[String: Fixed]] = []
    for _ in 0..<3 {
      var d: [String: Fixed] = [:]
      for _ in 0..<(try r.count()) { d[try r.string()] = try r.compactFixed() }
      maps.append(d)
    }
    (opening, debit, credit) = (maps[0], maps[1], maps[2])
  }
}
