import StockCore
import StockOrder
import StockRead
import StockStore

/// `stockledger verify`: checks the SHA-256 chain of every committed file, then re-derives every stock and
/// GL entry from the accepted vouchers and compares it with what the ledger holds. Exit 3 on the first
/// difference, naming it.
public enum VerifyCommand {
  public static func run(paths: BooksPaths) -> CommandOutcome {
    let masters: Masters
    do { masters = try MasterReader.read(directory: paths.masters) } catch {
      return CommandOutcome(exitCode: RunCommand.Exit.configuration, stderr: "stockledger verify: master data cannot be used:\n" + error.description + "\n")
    }
    let store = LedgerStore(directory: paths.ledger)
    let ledger: LedgerContents
    do { ledger = try store.load() } catch {
      return CommandOutcome(exitCode: RunCommand.Exit.integrity, stderr: "stockledger verify: FAILED at \(error.place): \(error.message)\n")
    }
    let timeline = Timeline.order(posted: ledger.activeVouchers, new: [])
    let replay = Replay(masters: masters, timeline: timeline)
    if let (tv, diags) = replay.failures.first {
      return CommandOutcome(exitCode: RunCommand.Exit.integrity, stderr: "stockledger verify: FAILED: voucher \(tv.voucher.no) no longer posts: \(diags.map(\.description).joined(separator: "; "))\n")
    }
    let places = masters.company.currencyPrecision
    var derivedKeys: Set<String> = []
    for (_, posted) in replay.posted {
      for e in posted.entries {
        let key = LedgerContents.entryKey(e.voucherNo, e.index)
        derivedKeys.insert(key)
        let want = LedgerFormat.stockFields(e, places: places)
        guard let stored = ledger.entries[key] else {
          return CommandOutcome(exitCode: RunCommand.Exit.integrity, stderr: "stockledger verify: FAILED: stock entry \(e.index) of \(e.voucherNo) is missing from the ledger\n")
        }
        let have = LedgerFormat.stockFields(stored, places: places)
        if let i = zip(want, have).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
          return CommandOutcome(exitCode: RunCommand.Exit.integrity, stderr: "stockledger verify: FAILED: stock entry \(e.index) of \(e.voucherNo), \(LedgerFormat.stockColumns[i]): the ledger holds \(have[i]), the vouchers give \(want[i])\n")
        }
      }
      var stored: [String: Amount] = [:]
      for g in ledger.gl where g.voucherNo == posted.voucher.no { stored[g.account, default: .zero] += g.net }
      var derived: [String: Amount] = [:]
      for g in posted.gl { derived[g.account, default: .zero] += g.net }
      for a in Set(stored.keys).union(derived.keys).sorted() where (stored[a] ?? .zero) != (derived[a] ?? .zero) {
        return CommandOutcome(exitCode: RunCommand.Exit.integrity, stderr: "stockledger verify: FAILED: GL of \(posted.voucher.no), account \(a): the ledger nets \((stored[a] ?? .zero).formatted(places: places)), the vouchers give \((derived[a] ?? .zero).formatted(places: places))\n")
      }
    }
    if let extra = ledger.entries.keys.sorted().first(where: { !derivedKeys.contains($0) }) {
      return CommandOutcome(exitCode: RunCommand.Exit.integrity, stderr: "stockledger verify: FAILED: the ledger holds a stock entry no voucher gives: \(extra.replacingOccurrences(of: "\u{1F}", with: " #"))\n")
    }
    return CommandOutcome(exitCode: 0, stdout: "stockledger verify: OK — \(ledger.runCount) runs, \(ledger.vouchers.count) vouchers, \(ledger.entries.count) stock entries, \(ledger.gl.count) GL lines; chain head \(ledger.chainHead)\n")
  }
}
