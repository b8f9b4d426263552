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
  /// - Complexity: O(lines²) in the voucher's accounts, which are few.
  func entries(for voucher: Voucher, roundOff: String) -> [GLEntry] {
    var keys = order
    var amounts = keys.map { net[$0] ?? .zero }
    var residue = Amount.zero
    for a in amounts { residue += a }
    if !residue.isZero {
      if let i = keys.firstIndex(of: GLKey(account: roundOff, party: "")) {
        amounts[i] -= residue
      } else {
        keys.append(GLKey(account: roundOff, party: ""))
        amounts.append(-residue)
      }
    }
    // The accounts on each side, each once, in order of first appearance.
    var debits: [String] = [], credits: [String] = []
    for (k, a) in zip(keys, amounts) {
      if a.isPositive, !debits.contains(k.account) { debits.append(k.account) }
      if a.isNegative, !credits.contains(k.account) { credits.append(k.account) }
    }
    let againstDebit = credits.joined(separator: ", "), againstCredit = debits.joined(separator: ", ")
    var out: [GLEntry] = []
    out.reserveCapacity(keys.count)
    for (key, amount) in zip(keys, amounts) where !amount.isZero {
      out.append(GLEntry(
        date: voucher.date, voucherType: voucher.type, voucherNo: voucher.no, account: key.account,
        debit: amount.isPositive ? amount : .zero, credit: amount.isNegative ? -amount : .zero, party: key.party,
        againstAccount: amount.isPositive ? againstDebit : againstCredit, remarks: voucher.remarks))
    }
    return out
  }
}
