import StockCore

/// Collects the GL lines of one voucher as signed amounts per account, then emits them merged: one line per
/// (account, party), debit or credit, in order of first appearance, with any residue to `round_off` so the
/// voucher balances exactly (ERPNext `process_gl_map`).
///
/// The lines are kept in an array searched from the start: a voucher touches a handful of accounts, and a
/// dictionary per voucher cost more (hashing two strings per line, an allocation) than the search.
struct GLBuilder {
  private var keys: [GLKey] = []
  private var amounts: [Amount] = []

  struct GLKey: Hashable {
    var account: String
    var party: String
  }

  /// Debit `account` by `amount` (a negative amount credits it).
  /// - Complexity: O(accounts so far), a handful.
  mutating func debit(_ account: String, _ amount: Amount, party: String = "") {
    guard !amount.isZero else { return }
    let key = GLKey(account: account, party: party)
    if let i = keys.firstIndex(of: key) {
      amounts[i] += amount
    } else {
      keys.append(key)
      amounts.append(amount)
    }
  }

  /// Credit `account` by `amount`.
  mutating func credit(_ account: String, _ amount: Amount, party: String = "") { debit(account, -amount, party: party) }

  /// Debit `to` and credit `from` by `amount` (sides swap when it is negative).
  mutating func transfer(_ amount: Amount, debit to: String, credit from: String) {
    debit(to, amount)
    credit(from, amount)
  }

  /// Appends the balanced, merged lines to `out`; `beforeGrowing` is called first when they would not fit
  /// in its capacity (see ``PostingEngine/beforeGrowing``).
  /// - Complexity: O(lines²) in the voucher's accounts, which are few.
  func append(for voucher: Voucher, roundOff: String, to out: inout [GLEntry], beforeGrowing: (@Sendable () -> Void)? = nil) {
    var keys = keys, amounts = amounts
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
    // One account on a side (the usual case) is shared as it is, not joined into a new string per voucher.
    func names(_ accounts: [String]) -> String { accounts.count == 1 ? accounts[0] : accounts.joined(separator: ", ") }
    let againstDebit = names(credits), againstCredit = names(debits)
    if out.count + keys.count > out.capacity {
      beforeGrowing?()
      out.reserveCapacity(max(out.count + keys.count, 2 * out.capacity))  // geometric, as appending grows
    }
    for (key, amount) in zip(keys, amounts) where !amount.isZero {
      out.append(GLEntry(
        date: voucher.date, voucherType: voucher.type, voucherNo: voucher.no, account: key.account,
        debit: amount.isPositive ? amount : .zero, credit: amount.isNegative ? -amount : .zero, party: key.party,
        againstAccount: amount.isPositive ? againstDebit : againstCredit, remarks: voucher.remarks))
    }
  }
}
