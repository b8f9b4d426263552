import StockCore

/// Trial balance as a fold over GL lines: per account, the net before `from` and the debits and credits
/// up to `to`.
public struct TrialBalanceFold: Sendable {
  public let filter: ReportFilter
  // By interned name: a line's account is found by its address, without hashing or reading the name.
  private var opening: [AccountName: Fixed] = [:]
  /// The debits and credits of each account in the period, in one table (two were two lookups a line).
  private var period: [AccountName: (debit: Fixed, credit: Fixed)] = [:]
  public init(filter: ReportFilter = ReportFilter()) { self.filter = filter }

  /// - Complexity: O(1) amortized.
  public mutating func add(_ g: GLEntry) {
    if let to = filter.to, g.date > to { return }
    if let from = filter.from, g.date < from {
      opening[g.accountName, default: .zero] += g.net
    } else {
      TrialBalanceFold.add(g.debit, g.credit, to: &period[g.accountName, default: (.zero, .zero)])
    }
  }
  /// (Both sides in one access to the table.)
  private static func add(_ d: Fixed, _ c: Fixed, to t: inout (debit: Fixed, credit: Fixed)) {
    t.debit += d
    t.credit += c
  }

  /// The account's balance up to `to` (debit positive).
  public func net(_ account: String) -> Fixed {
    let a = AccountName(account)
    return (opening[a] ?? .zero) + (period[a]?.debit ?? .zero) - (period[a]?.credit ?? .zero)
  }
  /// Whether any GL line up to `to` names the account.
  public func hasLines(_ account: String) -> Bool {
    let a = AccountName(account)
    return opening[a] != nil || period[a] != nil
  }

  public static let columns = ["account", "root_type", "opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit"]

  /// `trial-balance` rows: accounts in chart order, then unknown ones by name; each balance on its net side.
  public func rows(into w: inout some RowSink, masters: Masters) {
    let p = masters.company.currencyPrecision
    var listed: Set<String> = []
    var names = masters.accounts.map(\.name)
    names += Set(period.keys.map(\.name)).union(opening.keys.map(\.name)).subtracting(names).sorted()
    for name in names where !listed.contains(name) {
      listed.insert(name)
      let a = AccountName(name)
      let o = opening[a] ?? .zero, d = period[a]?.debit ?? .zero, c = period[a]?.credit ?? .zero
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
    // (As three tables: the opening, the debits, the credits.)
    for d in [opening, period.mapValues(\.debit), period.mapValues(\.credit)] {
      w.count(d.count)
      for (a, amount) in d.sorted(by: { $0.key.name < $1.key.name }) {
        w.string(a.name)
        w.compactFixed(amount)
      }
    }
  }
  init(decoding r: inout BinaryReader) throws(BinaryFormatError) {
    self.init()
    var maps: [[AccountName: Fixed]] = []
    for _ in 0..<3 {
      var d: [AccountName: Fixed] = [:]
      for _ in 0..<(try r.count()) { d[AccountName(try r.string())] = try r.compactFixed() }
      maps.append(d)
    }
    opening = maps[0]
    for k in Set(maps[1].keys).union(maps[2].keys) { period[k] = (maps[1][k] ?? .zero, maps[2][k] ?? .zero) }
  }
}
