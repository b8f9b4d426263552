import StockCore
import StockOrder
import StockPost
import StockRead
import StockReports
import StockStore

/// `stockledger verify`: checks the SHA-256 chain of every committed file, then re-derives every stock and
/// GL entry from the accepted vouchers and compares it with what the ledger holds. Exit 3 on any
/// difference, naming the first place (file and line) that differs. It reads the ledger a part at a time
/// (``streamed(paths:masters:part:locating:)``): its memory grows by about 120 bytes a voucher, not by the
/// history's entries and lines (about 1.9 KB a voucher).
public enum VerifyCommand {
  public static func run(paths: BooksPaths) -> CommandOutcome {
    Allocator.tuneForBatch()
    let masters: Masters
    do { masters = try MasterReader.read(directory: paths.masters) } catch {
      return CommandOutcome(exitCode: RunCommand.Exit.configuration, stderr: "stockledger verify: master data cannot be used:\n" + error.description + "\n")
    }
    masters.makeImmortal()  // (kept to the end of the command: its references are not counted)
    return wholeForTests ? whole(paths: paths, masters: masters) : streamed(paths: paths, masters: masters, part: LedgerStore.testPart ?? LedgerStore.searchedPart)
  }

  /// For tests (`STOCKLEDGER_TEST_VERIFY_WHOLE=1`): the ledger loaded whole and replayed in memory
  /// (``whole(paths:masters:)``), the reference the streamed verify is tested against.
  static let wholeForTests = ProcessEnvironment.value("STOCKLEDGER_TEST_VERIFY_WHOLE") == "1"
  /// The whole ledger loaded (``LedgerStore/load(tolerant:light:)``) and replayed in memory, every entry
  /// and line compared: memory of the whole history (1M: 15 s, 1.9 GB). The reference
  /// ``streamed(paths:masters:part:locating:)`` gives the same outcomes as.
  static func whole(paths: BooksPaths, masters: Masters) -> CommandOutcome {
    let ledger: LedgerContents
    do { ledger = try LedgerStore(directory: paths.ledger).load(tolerant: true) } catch {
      return failed("\(error.place): \(error.message)")
    }
    let damage = ledger.damage.map { "\($0.place): \($0.message)" }
    // (The naming series start where a run's replay starts them: ``SeriesReached``.)
    var start = PostingState()
    start.seriesUsed = SeriesReached.used(in: ledger.vouchers, masters: masters)
    let replay = Replay(masters: masters, timeline: Timeline.order(posted: ledger.activeVouchers), state: start)
    if let difference = firstDifference(masters: masters, ledger: ledger, replay: replay) {
      return failed((damage + ["first difference: " + difference]).joined(separator: "\n  "))
    }
    if !damage.isEmpty { return failed(damage.joined(separator: "\n  ")) }
    var snapshotNote = "no head snapshot for this head (the next run replays the ledger)"
    switch snapshotDifference(paths: paths, masters: masters, ledger: ledger, replay: replay) {
    case .none: break
    case .some(nil): snapshotNote = "the head snapshot matches"
    case .some(.some(let difference)):
      return failed("\(paths.ledger)/snapshot.bin: \(difference). It is a cache: delete it and the next run replays the ledger and writes it anew.")
    }
    return CommandOutcome(exitCode: 0, stdout: "stockledger verify: OK — \(ledger.runCount) runs, \(ledger.vouchers.count) vouchers, \(ledger.entries.count) stock entries, \(ledger.gl.count) GL lines; every file matches its SHA-256 and the chain; every entry re-derives; \(snapshotNote); chain head \(ledger.chainHead)\n")
  }

  static func failed(_ what: String) -> CommandOutcome {
    CommandOutcome(exitCode: RunCommand.Exit.integrity, stderr: "stockledger verify: FAILED\n  \(what)\n")
  }

  /// Replays the accepted vouchers and returns the first place where the ledger holds something else.
  static func firstDifference(masters: Masters, ledger: LedgerContents, replay: Replay) -> String? {
    if let (tv, diags) = replay.failures.first {
      return "voucher \(replay.timeline.voucher(tv).no) no longer posts: \(diags.map(\.description).joined(separator: "; "))"
    }
    let places = masters.company.currencyPrecision
    var glByVoucher: [String: [Int]] = [:]
    for (i, g) in ledger.gl.enumerated() { glByVoucher[g.voucherNo, default: []].append(i) }
    var derivedKeys: Set<String> = []
    for posted in replay.posted {
      for e in replay.entries[posted.entries] {
        let key = LedgerContents.entryKey(e.voucherNo, e.index)
        derivedKeys.insert(key)
        guard let stored = ledger.entries[key] else { return missingEntry(e) }
        if let difference = entryDifference(e, stored: stored, place: ledger.entryPlaces[key] ?? "stock.csv", places: places) { return difference }
      }
      let lines = (glByVoucher[posted.voucher.no] ?? []).map { (line: ledger.gl[$0], place: $0 < ledger.glPlaces.count ? ledger.glPlaces[$0] : "gl.csv") }
      if let difference = glDifference(posted.voucher.no, stored: lines, derived: Array(replay.gl[posted.gl]), places: places) { return difference }
    }
    for no in ledger.cancelled.sorted() {
      if let difference = cancelledGLDifference(no, stored: (glByVoucher[no] ?? []).map { ledger.gl[$0] }, places: places) { return difference }
    }
    if let extra = ledger.entries.keys.sorted().first(where: { !derivedKeys.contains($0) }) {
      return "\(ledger.entryPlaces[extra] ?? "stock.csv"): a stock entry no voucher gives (\(extra.replacingOccurrences(of: "\u{1F}", with: " #")))"
    }
    return nil
  }

  /// Compares the head snapshot, when there is one for the ledger's head, with what the ledger replays to:
  /// the engine state, the report folds and the posted voucher numbers a run would continue from. nil when
  /// there is no snapshot a run would use; `.some(nil)` when it matches.
  static func snapshotDifference(paths: BooksPaths, masters: Masters, ledger: LedgerContents, replay: Replay) -> String?? {
    let store = LedgerStore(directory: paths.ledger)
    guard let bytes = store.readSnapshot() else { return nil }
    let snapshot: HeadSnapshot
    do { snapshot = try HeadSnapshot(decoding: bytes, ledger: paths.ledger) } catch { return nil }  // unreadable: runs ignore it
    guard snapshot.chain == ledger.chainHead else { return nil }  // stale: runs ignore it
    let source = ReportCommand.source(masters: masters, ledger: ledger, planning: false)
    if let difference = snapshotDifference(snapshot, state: replay.state, folds: LedgerFolds.of(source), masters: masters) { return difference }
    for v in ledger.vouchers where v.action == .submit {
      guard let posted = snapshot.index.lookup(v.no), posted.type == v.type, posted.date == v.date else { return "its voucher index does not know \(v.no) as posted" }
    }
    return .some(nil)
  }
}
