import StockCore
import StockOrder
import StockPost
import StockReports
import StockStore

extension VerifyCommand {
  /// `verify` in memory that grows by about 120 bytes a voucher, not by the history's entries and lines:
  /// the ledger read once a part of a file at a time (``LedgerStore/streamed(places:part:byVoucher:placing:vouchers:gl:)``:
  /// every file hashed, each current stock entry kept as a digest of its fields, the whole GL as one
  /// digest), its vouchers on a shelf that encodes them past a budget and spills (as a large run's), then
  /// posted again from empty state one at a time in timeline order, each voucher's entries compared with the
  /// digests as they come and folded for the snapshot's check. The messages, exit codes and the first place
  /// named are those of ``whole(paths:masters:)``, which held every voucher, entry and line (1M: 12.9–15.3 s
  /// and 1.7–1.9 GB; this: 5.0–5.3 s and 268 MB; 10M 77 s and 1.39 GiB).
  /// - Complexity: O(bytes of the ledger) read and hashed (on both cores), O(vouchers × rows) posted;
  ///   memory about 120 bytes a voucher at ten million (the entries' digests, a timeline place, the shelf's
  ///   offset), plus the engine's state. Twice that time when a voucher's GL differs (the `locating` pass);
  ///   more when the snapshot's index does not match as a whole (each voucher looked up).
  ///
  /// The GL is compared for the whole ledger at once (``StreamedLedger/glDigest``); when it differs, the
  /// ledger is read and posted a second time with a digest per voucher (`locating`), to name the first.
  static func streamed(paths: BooksPaths, masters: Masters, part: Int = LedgerStore.searchedPart, locating: Bool = false) -> CommandOutcome {
    let store = LedgerStore(directory: paths.ledger)
    let places = masters.company.currencyPrecision
    let timer = PhaseTimer()
    timer.basis = "verify, the ledger read a part at a time" + (locating ? ", again to find the GL that differs" : "")
    defer { timer.report() }
    var folds = LedgerFolds()
    // The submitted vouchers as the snapshot's voucher index should know them (number, type, date), in one
    // digest: compared with the index's own, so that ten million are not looked up one by one.
    var submitted: UInt64 = 0
    var read: StreamedVouchers
    do {
      read = try StreamedVouchers.read(store: store, ledger: paths.ledger, masters: masters, part: part, byVoucher: locating, each: { v in
        if v.action == .submit { submitted &+= indexDigest(v.no, v.type, v.date) }
      }, gl: { folds.add($0) })
    } catch {
      return failed("\(error.place): \(error.message)")
    }
    timer.mark("read and hashed")
    var stored = read.takeStored()
    let (shelf, active, reached) = (read.shelf, read.active, read.reached)
    let (entryCount, glCount, chain) = (stored.entries.count, stored.glLines, stored.chainHead)
    // Posted again from empty state, one voucher at a time, each compared as it comes.
    let posted: Posted
    switch post(active, masters: masters, seriesUsed: reached, stored: &stored, store: store, spillingTo: paths.ledger, locating: locating, into: &folds) {
    case .failure(let noLongerPosts): return failed("first difference: " + noLongerPosts.message, damage: stored.damage)
    case .success(let p): posted = p
    }
    timer.mark("posted and compared")
    var difference = posted.difference
    if !locating && posted.glDigest != stored.glDigest {
      // Some voucher's GL differs: which one comes first is found on a second reading, by voucher.
      return streamed(paths: paths, masters: masters, part: part, locating: true)
    }
    if locating && difference == nil {
      for no in stored.cancelled.sorted() where stored.gl[StreamedLedger.numberDigest(no)] ?? 0 != 0 {
        difference = cancelledGLDifference(no, stored: store.glLines(of: no).map(\.line), places: places)
        if difference != nil { break }
      }
    }
    if difference == nil, !stored.entries.isEmpty { difference = extraEntry(stored, store: store) }
    if let difference { return failed("first difference: " + difference, damage: stored.damage) }
    if !stored.damage.isEmpty { return failed(stored.damage.map { "\($0.place): \($0.message)" }.joined(separator: "\n  ")) }
    let (runCount, voucherCount) = (stored.runCount, stored.voucherCount)
    // Its tables let go before the snapshot is read, and their pages given back: the entries' table was
    // made by the thread that read the stock files, in an arena the snapshot's decoding does not take from
    // (kept, 10M peaked 84 MB higher).
    stored = StreamedLedger()
    Allocator.returnFreedPages()
    // The snapshot a run would continue from, when it describes this head: its state and folds, then its
    // voucher index (every submitted voucher known as posted, with its type and date).
    var snapshotNote = "no head snapshot for this head (the next run replays the ledger)"
    if let bytes = store.readSnapshot(), let snapshot = try? HeadSnapshot(decoding: bytes, ledger: paths.ledger), snapshot.chain == chain {
      if let difference = snapshotDifference(snapshot, state: posted.state, folds: folds, masters: masters)
        ?? (indexHolds(snapshot.index, digest: submitted) ? nil : indexDifference(snapshot.index, shelf: shelf))
      {
        return failed("\(paths.ledger)/snapshot.bin: \(difference). It is a cache: delete it and the next run replays the ledger and writes it anew.")
      }
      snapshotNote = "the head snapshot matches"
      timer.mark("snapshot compared")
    }
    return CommandOutcome(exitCode: 0, stdout: "stockledger verify: OK — \(runCount) runs, \(voucherCount) vouchers, \(entryCount) stock entries, \(glCount) GL lines; every file matches its SHA-256 and the chain; every entry re-derives; \(snapshotNote); chain head \(chain)\n")
  }

  /// What posting the ledger's vouchers again gave: the engine's state, the whole GL's digest, and the first
  /// difference from the stored entries (and, `locating`, vouchers' GL) in posting order.
  struct Posted {
    var state: PostingState
    var glDigest: UInt64
    var difference: String?
  }
  /// A voucher of the ledger that no longer posts: said first, whatever differs before it.
  struct NoLongerPosts: Error { var message: String }

  /// Posts `active` (the ledger's posted vouchers, in ledger order) from empty state in timeline order, one
  /// at a time: each entry taken out of `stored.entries` as it matches (those left no voucher gives),
  /// folded into `folds`, and its GL added to the whole digest (and, `locating`, compared by voucher).
  /// `stoppingAtDifference`: returns at the first difference (the state, folds and digest then partial).
  /// `entriesPosted`: given each voucher's entries as they post, in timeline order (the head stock ledger's
  /// rows, when a snapshot written anew writes the head reports too). `glDiffering`: given, in timeline
  /// order, each voucher whose GL nets per account differ from the ledger's (`stored` read by voucher) with
  /// its GL as posted now; such a voucher is not a difference (its entries still are).
  static func post(
    _ active: VoucherList, masters: Masters, seriesUsed: [String: Int], stored: inout StreamedLedger, store: LedgerStore, spillingTo directory: String, locating: Bool,
    stoppingAtDifference: Bool = false,
    into folds: inout LedgerFolds, entriesPosted: ((UnsafeBufferPointer<StockLedgerEntry>) -> Void)? = nil,
    glDiffering: ((Voucher, [GLEntry]) -> Void)? = nil
  ) -> Result<Posted, NoLongerPosts> {
    let places = masters.company.currencyPrecision
    let timeline = Timeline.order(posted: [], new: [(name: "ledger", vouchers: active)])
    active.shelf.releaseDatesAndTimes()  // (the timeline holds them: 80 MB at ten million)
    var start = PostingState()
    start.seriesUsed = seriesUsed
    if active.shelf.encodes { start.documents = PostedDocuments(spillingTo: directory, every: RunCommand.spillBytes) }
    var engine = PostingEngine(masters: masters, state: start)
    engine.reserve(vouchers: timeline.count)
    var reader = TimelineVouchers.Reader(timeline.vouchers)
    var entries: [StockLedgerEntry] = [], gl: [GLEntry] = []
    var scratch = ByteWriter(guardsFormulas: false, capacity: 512)
    var weights: [AccountName: UInt64] = [:]
    var digest: UInt64 = 0
    var difference: String?
    // The vouchers posting next read four ahead and their states asked into cache in two steps, as a
    // replay does (``Replay``): ten million vouchers' states do not fit in the caches.
    let count = timeline.count
    var upcoming = [Voucher?](repeating: nil, count: 8)
    var hashes = [PostingEngine.StateHashes](repeating: .init(), count: 8)
    func readAhead(_ n: Int) {
      guard n < count else { return }
      let next = reader.voucher(timeline[n].arrival)
      upcoming[n & 7] = next
      hashes[n & 7] = PostingEngine.StateHashes(next)
      engine.prefetch(probe: hashes[n & 7])
    }
    for n in 0..<min(4, count) { readAhead(n) }
    for n in 0..<count {
      readAhead(n + 4)
      if n + 2 < count { engine.prefetch(queues: engine.prefetch(positions: hashes[(n + 2) & 7])) }
      guard let v = upcoming[n & 7].take() else { preconditionFailure("the voucher posting next was read") }
      entries.removeAll(keepingCapacity: true)
      gl.removeAll(keepingCapacity: true)
      let resolved: Voucher?
      switch engine.post(v, appendingTo: &entries, gl: &gl, prefetched: hashes[n & 7]) {
      case .success(let r): resolved = r
      case .failure(let problems):
        return .failure(NoLongerPosts(message: "voucher \(v.no) no longer posts: \(problems.diagnostics.map(\.description).joined(separator: "; "))"))
      }
      for e in entries { folds.add(e, voucher: e.isTracked ? resolved ?? v : nil, masters: masters) }
      if let entriesPosted { entries.withUnsafeBufferPointer { entriesPosted($0) } }
      let number = StreamedLedger.numberDigest(v.no)
      for g in gl { digest &+= StreamedLedger.term(g, number: number, weights: &weights) }
      guard difference == nil else {
        if stoppingAtDifference { break }
        continue
      }
      for e in entries {
        // Each stored entry is taken as its voucher's replay gives it: those left at the end no voucher gives.
        guard let s = stored.entries.removeValue(forKey: StreamedLedger.EntryKey(e.voucherNo, e.index)) else {
          difference = missingEntry(e)
          break
        }
        if s != StreamedLedger.fieldsDigest(e, places: places, scratch: &scratch) {
          difference = entryDifference(e, store: store, places: places)
          if difference != nil { break }
        }
      }
      if let glDiffering, difference == nil {
        let derived = gl.reduce(UInt64(0)) { $0 &+ StreamedLedger.term($1, weights: &weights) }
        if stored.gl[number] ?? 0 != derived { glDiffering(v, gl) }
        continue
      }
      guard locating, difference == nil else { continue }
      let derived = gl.reduce(UInt64(0)) { $0 &+ StreamedLedger.term($1, weights: &weights) }
      if stored.gl[number] ?? 0 != derived { difference = glDifference(v.no, derived: gl, store: store, places: places) }
    }
    return .success(Posted(state: engine.state, glDigest: digest, difference: difference))
  }

  /// A posted voucher as a voucher index knows it (its number, type and date), in the digest of a set.
  static func indexDigest(_ no: String, _ type: VoucherType, _ date: BusinessDate) -> UInt64 {
    StreamedLedger.mix(FNV1a.hash(no) ^ UInt64(type.code) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: Int64(date.dayNumber)) &* 0xC2B2_AE3D_27D4_EB4F)
  }

  /// Whether the voucher index answers for exactly the vouchers whose digest is `digest` (``indexDigest(_:_:_:)``
  /// summed), each as its lookup would find it: its vouchers' digest is that one, and its base is sorted by
  /// the hashes of the numbers it holds (a hash stored wrong, or out of order, would hide a voucher from
  /// the lookup and not from the digest). When it does not, each voucher is looked up (``indexDifference(_:shelf:)``).
  /// - Complexity: O(index), read through once.
  static func indexHolds(_ index: PostedVouchers, digest: UInt64) -> Bool {
    var (indexed, searchable, previous): (UInt64, Bool, UInt64) = (0, true, 0)
    index.forEach { base, no, type, date in
      if let base {
        if base.hash < previous || base.hash != VoucherIndex.hash(no) { searchable = false }
        previous = base.hash
        if !base.answered { return }
      }
      indexed &+= indexDigest(no, type, date)
    }
    return searchable && indexed == digest
  }

  /// Whether the snapshot's voucher index knows every submitted voucher of the shelf (in ledger order) as
  /// posted with its type and date: nil, or the first (in ledger order) it does not. Asked only when the
  /// index's digest differs from the submitted vouchers' (it may also know more). The vouchers are looked
  /// up in the index's own order (by their numbers' hashes), so that each lookup finds the pages the one
  /// before it read: in ledger order, ten million lookups into an index of 330 MB were 23 s.
  static func indexDifference(_ index: PostedVouchers, shelf: VoucherShelf) -> String? {
    var submitted: [(hash: UInt64, position: Int32, no: String, type: VoucherType, date: BusinessDate)] = []
    var reader = VoucherShelf.Reader(shelf)
    for p in 0..<shelf.count {
      let v = reader.voucher(p)
      if v.action == .submit { submitted.append((FNV1a.hash(v.no), Int32(p), v.no, v.type, v.date)) }
    }
    submitted.sort { $0.hash < $1.hash }
    var first: (position: Int32, no: String)?
    for s in submitted {
      if let posted = index.lookup(s.no), posted.type == s.type, posted.date == s.date { continue }
      if first == nil || s.position < first!.position { first = (s.position, s.no) }
    }
    return first.map { "its voucher index does not know \($0.no) as posted" }
  }

  /// Vouchers `verify` keeps as values (the rest encoded on its shelf, decoded as they post): a ledger of a
  /// million held them all in 260 MB more for 0.45 s less (7.3 → 6.9 s); a run holds twelve times as many,
  /// as its vouchers are read again by its last stretch.
  static let heldVouchers = 100_000

  /// ``failed(_:)`` with the files that differ from their manifests named first.
  static func failed(_ what: String, damage: [IntegrityError]) -> CommandOutcome {
    failed((damage.map { "\($0.place): \($0.message)" } + [what]).joined(separator: "\n  "))
  }

  /// What differs between the replay's entry `e` and the one the ledger holds (read again, with its place);
  /// nil when they agree after all (their digests collided).
  static func entryDifference(_ e: StockLedgerEntry, store: LedgerStore, places: Int) -> String? {
    let key = StreamedLedger.EntryKey(e.voucherNo, e.index)
    guard let (have, place) = store.currentEntries(where: { $0 == key })[key] else { return "stock entry \(e.index) of \(e.voucherNo) cannot be read again" }
    return entryDifference(e, stored: have, place: place, places: places)
  }

  /// What differs between voucher `no`'s GL as the replay gives it (`derived`) and as the ledger holds it
  /// (its lines read again); nil when nothing does (their digests collided).
  static func glDifference(_ no: String, derived: [GLEntry], store: LedgerStore, places: Int) -> String? {
    glDifference(no, stored: store.glLines(of: no), derived: derived, places: places)
  }

  // The messages both ways of verifying give (the first place that differs, named as a clerk can find it).

  static func missingEntry(_ e: StockLedgerEntry) -> String { "stock entry \(e.index) of \(e.voucherNo) is missing from the ledger" }

  /// The first field in which the replay's entry `e` differs from the one the ledger holds at `place`.
  static func entryDifference(_ e: StockLedgerEntry, stored: StockLedgerEntry, place: String, places: Int) -> String? {
    let want = LedgerFormat.stockFields(e, places: places), have = LedgerFormat.stockFields(stored, places: places)
    guard let i = zip(want, have).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset else { return nil }
    return "\(place): stock entry \(e.index) of \(e.voucherNo), \(LedgerFormat.stockColumns[i]): the ledger holds \(have[i]), the vouchers give \(want[i])"
  }

  /// The first account (in name order) on which voucher `no`'s stored lines and the replay's net
  /// differently, named by the first stored line of that account.
  static func glDifference(_ no: String, stored lines: [(line: GLEntry, place: String)], derived: [GLEntry], places: Int) -> String? {
    var stored: [String: Amount] = [:], replayed: [String: Amount] = [:]
    for (g, _) in lines { stored[g.account, default: .zero] += g.net }
    for g in derived { replayed[g.account, default: .zero] += g.net }
    for a in Set(stored.keys).union(replayed.keys).sorted() where (stored[a] ?? .zero) != (replayed[a] ?? .zero) {
      let place = lines.first { $0.line.account == a }?.place ?? "gl.csv"
      return "\(place): GL of \(no), account \(a): the ledger nets \((stored[a] ?? .zero).formatted(places: places)), the vouchers give \((replayed[a] ?? .zero).formatted(places: places))"
    }
    return nil
  }

  /// The first account (in name order) on which the cancelled voucher `no`'s lines do not net to zero.
  static func cancelledGLDifference(_ no: String, stored: [GLEntry], places: Int) -> String? {
    var net: [String: Amount] = [:]
    for g in stored { net[g.account, default: .zero] += g.net }
    guard let (account, amount) = net.sorted(by: { $0.key < $1.key }).first(where: { !$0.value.isZero }) else { return nil }
    return "GL of cancelled voucher \(no), account \(account): nets \(amount.formatted(places: places)) instead of 0"
  }

  /// The stored entry no voucher gave that comes first by its key (number, then position, as text).
  static func extraEntry(_ stored: StreamedLedger, store: LedgerStore) -> String? {
    let extras = store.currentEntries { stored.entries[$0] != nil }
    guard let first = extras.values.min(by: { LedgerContents.entryKey($0.entry.voucherNo, $0.entry.index) < LedgerContents.entryKey($1.entry.voucherNo, $1.entry.index) }) else { return nil }
    return "\(first.place): a stock entry no voucher gives (\(first.entry.voucherNo) #\(first.entry.index))"
  }

  /// Compares the head snapshot with the state and folds a replay of the ledger gives: what a run would
  /// continue from. nil when they agree.
  static func snapshotDifference(_ snapshot: HeadSnapshot, state derived: PostingState, folds: LedgerFolds, masters: Masters) -> String? {
    let head = snapshot.state
    for (k, s) in derived.stock where head.stock[k] != s { return "\(k.item) in \(k.warehouse) is held as \(String(describing: head.stock[k])), the ledger gives \(s)" }
    if head.stock.count != derived.stock.count { return "it holds \(head.stock.count) item-warehouses, the ledger \(derived.stock.count)" }
    if head.allTracked != derived.allTracked { return "its serials or batches differ from the ledger's" }
    if head.orders != derived.orders || head.planning != derived.planning || head.seriesUsed != derived.seriesUsed { return "its orders, planning or naming series differ from the ledger's" }
    for name in StockReports.names where folds.csv(name, masters: masters, planning: [:]) != snapshot.folds.csv(name, masters: masters, planning: [:]) {
      return "its \(name) differs from the ledger's"
    }
    return nil
  }
}

/// The committed ledger read a part at a time (``LedgerStore/streamed(places:part:byVoucher:placing:vouchers:gl:)``)
/// with its vouchers on a shelf that encodes them past a budget and spills, as `verify` and a snapshot
/// written anew from the ledger (``HeadSnapshot/rebuilt(paths:store:chain:masters:timer:)``) post them again.
struct StreamedVouchers {
  var stored: StreamedLedger
  /// Every voucher of the ledger in ledger order (submitted, cancelled and cancellations).
  let shelf: VoucherShelf
  /// The posted part of every timeline: the submitted vouchers and closes of `shelf`, less those cancelled.
  var active: VoucherList
  /// Where the replay's naming series start, as a run's replay starts them (``SeriesReached``).
  var reached: [String: Int]

  /// - Parameters:
  ///   - each: given every voucher as it is read, in ledger order.
  ///   - gl: given every GL line in ledger order.
  ///   - placing: finds where each voucher is in its file (``StreamedLedger/voucherPlaces``).
  /// - Complexity: O(bytes of the ledger), read once on both cores; memory O(entries) in digests, 9 bytes a
  ///   voucher while the cancelled ones are found, and the shelf's budget.
  static func read(
    store: LedgerStore, ledger directory: String, masters: Masters, part: Int = LedgerStore.searchedPart, byVoucher: Bool = false, placing: Bool = false, each: (Voucher) -> Void = { _ in },
    gl: (GLEntry) -> Void
  ) throws(IntegrityError) -> StreamedVouchers {
    // Every voucher on the shelf as it is read, with whether it is a cancellation and its number's digest
    // (the cancelled ones are known only once every file is read).
    let shelf = VoucherShelf(holding: RunCommand.testHeldVouchers ?? VerifyCommand.heldVouchers, spillingTo: directory, every: RunCommand.spillBytes)
    var cancellation: [Bool] = [], numbers: [UInt64] = []
    var reached = SeriesReached(masters: masters)
    let stored = try store.streamed(places: masters.company.currencyPrecision, part: part, byVoucher: byVoucher, placing: placing, vouchers: { part in
      for v in part {
        reached.add(v)
        cancellation.append(v.action == .cancel)
        numbers.append(StreamedLedger.numberDigest(v.no))
        each(v)
      }
      _ = shelf.append(contentsOf: part)
    }, gl: gl)
    let cancelled = Set(stored.cancelled.map(StreamedLedger.numberDigest))
    var active = VoucherList(shelf: shelf)
    for p in 0..<shelf.count where !cancellation[p] {
      if cancelled.contains(numbers[p]) && stored.cancelled.contains(shelf[p].no) { continue }
      active.append(position: p)
    }
    return StreamedVouchers(stored: stored, shelf: shelf, active: active, reached: reached.used)
  }

  /// The ledger as read, taken out (left empty): held here as well, its table of entries' digests (2²⁴
  /// slots at ten million) would be copied whole by the first entry the posting takes out of it.
  mutating func takeStored() -> StreamedLedger {
    defer { stored = StreamedLedger() }
    return stored
  }
}
