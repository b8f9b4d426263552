import StockCore

/// Collects the GL lines of one voucher as signed amounts per account, then emits them merged: one line per
/// (account, party), debit or credit, in order of first appearance, with any residue to `round_off` so the
/// voucher balances exactly (ERPNext `process_gl_map`).
struct GLBuilder {
  private var order: [GLKey] = []
  private var net: [GLKey: Amount] = [:]

  struct GLKey: Hashable {
    var account: String
    var party: String
  }

  /// Debit `account` by `amount` (a negative amount credits it).
  mutating func debit(_ account: String, _ amount: Amount, party: String = "") {
    guard !amount.isZero else { return }
    let key = GLKey(account: account, party: party)
    if net[key] == nil { order.append(key) }
    net[key, default: .zero] += amount
  }

  /// Credit `account` by `amount`.
  mutating func credit(_ account: String, _ amount: Amount, party: String = "") { debit(account, -amount, party: party) }

  /// Debit `to` and credit `from` by `amount` (sides swap when it is negative).
  mutating func transfer(_ amount: Amount, debit to: String, credit from: String) {
    debit(to, amount)
    credit(from, amount)
  }

  /// The balanced, merged lines.
  func entries(for voucher: Voucher, roundOff: String) -> [GLEntry] {
    var keys = order
    var net = self.net
    let residue = net.values.reduce(Amount.zero, +)
    if !residue.isZero {
      let key = GLKey(account: roundOff, party: "")
      if net[key] == nil { keys.append(key) }
      net[key, default: .zero] -= residue
    }
    let live = keys.filter { !(net[$0] ?? .zero).isZero }
    let debits = live.filter { (net[$0] ?? .zero).isPositive }.map(\.account)
    let credits = live.filter { (net[$0] ?? .zero).isNegative }.map(\.account)
    func against(_ list: [String]) -> String {
      var seen: Set<String> = []
      return list.filter { seen.insert($0).inserted }.joined(separator: ", ")
    }
    let againstDebit = against(credits), againstCredit = against(debits)
    return live.map { key in
      let amount = net[key] ?? .zero
      return GLEntry(
        date: voucher.date, voucherType: voucher.type, voucherNo: voucher.no, account: key.account,
        debit: amount.isPositive ? amount : .zero, credit: amount.isNegative ? -amount : .zero, party: key.party,
        againstAccount: amount.isPositive ? againstDebit : againstCredit, remarks: voucher.remarks)
    }
  }
}
