import StockCore

/// Collects the GL lines of one voucher as signed amounts per account, then emits them merged: one line per
/// (account, party), debit or credit, in order of first appearance, with any residue to `round_off` so the
/// voucher balances exactly (ERPNext `process_gl_map`).
///
/// The lines are kept in an array searched from the start: a voucher touches a handful of accounts, and a
/// dictionary per voucher cost more (hashing two strings per line, an allocation) than the search.
struct GLBuilder: Sendable {
  /// (account, party) → signed amount, in order of first appearance.
  private var lines: [Line] = []

  private struct Line: Sendable {
    var account: AccountName
    /// Interned: a line copies as plain data (a string counted references at every line made and dropped).
    var party: InternedName
    var amount: Amount
  }

  /// Debit `account` by `amount` (a negative amount credits it).
  /// - Complexity: O(accounts so far), a handful.
  mutating func debit(_ account: AccountName, _ amount: Amount, party: String = "") {
    debit(account, amount, party: party.isEmpty ? .empty : InternedName(party))
  }

  /// Debit `account` by `amount` for `party` (interned).
  private mutating func debit(_ account: AccountName, _ amount: Amount, party: InternedName) {
    guard !amount.isZero else { return }
    for i in lines.indices where lines[i].account == account && lines[i].party == party {
      lines[i].amount += amount
      return
    }
    if lines.isEmpty { lines.reserveCapacity(4) }  // one allocation for the usual two to four lines
    lines.append(Line(account: account, party: party, amount: amount))
  }

  /// Empties the builder, keeping its room (the engine reuses one builder for every voucher).
  mutating func removeAll() { lines.removeAllScratch() }

  /// Credit `account` by `amount`.
  mutating func credit(_ account: AccountName, _ amount: Amount, party: String = "") { debit(account, -amount, party: party) }

  /// Debit `to` and credit `from` by `amount` (sides swap when it is negative).
  mutating func transfer(_ amount: Amount, debit to: AccountName, credit from: AccountName) {
    debit(to, amount)
    credit(from, amount)
  }

  /// Makes the voucher balance: a residue of its lines goes to `roundOff`. Returns how many lines
  /// ``append(for:number:to:)`` appends at most, for the caller to make room first.
  /// - Complexity: O(lines).
  mutating func balance(roundOff: AccountName) -> Int {
    var residue = Amount.zero
    for l in lines { residue += l.amount }
    if !residue.isZero {
      if let i = lines.firstIndex(where: { $0.account == roundOff && $0.party.isEmpty }) {
        lines[i].amount -= residue
      } else {
        lines.append(Line(account: roundOff, party: .empty, amount: -residue))
      }
    }
    return lines.count
  }

  /// Appends the merged lines of `voucher` (numbered `no`), balanced first (``balance(roundOff:)``), to
  /// `out`. (Room is the caller's to make: a closure handed here for it retained its context per voucher.)
  /// - Complexity: O(lines²) in the voucher's accounts, which are few.
  mutating func append(for voucher: Voucher, number no: VoucherNumber, to out: inout [GLEntry]) {
    assert(lines.reduce(Amount.zero) { $0 + $1.amount }.isZero, "balance(roundOff:) comes first")
    // The accounts on each side, each once, in order of first appearance; one account on a side (the
    // usual case) is shared as it is, not joined into a new string per voucher.
    let againstDebit = side { $0.isNegative }, againstCredit = side { $0.isPositive }
    let date = voucher.date, type = voucher.type, remarks = voucher.remarks
    // The notes numbered once for the lines without a party (most vouchers: none, no lock taken).
    let plainNotes = remarks.isEmpty ? 0 : GLEntry.notesNumber(party: "", remarks: remarks)
    for l in lines where !l.amount.isZero {
      let debit = l.amount.isPositive
      out.append(GLEntry(
        date: date, voucherType: type, number: no, account: l.account,
        debit: debit ? l.amount : .zero, credit: debit ? .zero : -l.amount,
        notes: l.party.isEmpty ? plainNotes : GLEntry.notesNumber(party: l.party.text, remarks: remarks),
        againstAccount: debit ? againstDebit : againstCredit))
    }
  }

  /// The accounts of the lines whose amount is on one side, each once, joined by ", " (interned: a
  /// voucher with several accounts on a side makes a new name).
  private func side(_ on: (Amount) -> Bool) -> AccountName {
    guard let first = lines.firstIndex(where: { on($0.amount) }) else { return .none }
    let account = lines[first].account
    guard lines[(first + 1)...].contains(where: { on($0.amount) && $0.account != account }) else { return account }
    var accounts: [AccountName] = []
    for l in lines where on(l.amount) && !accounts.contains(l.account) { accounts.append(l.account) }
    return AccountName(accounts.map(\.name).joined(separator: ", "))
  }
}
