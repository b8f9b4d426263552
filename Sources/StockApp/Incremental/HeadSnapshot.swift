import Foundation
import StockCore
import StockPost
import StockRead
import StockReports
import StockStore

/// What a run needs of the ledger head to post forward without reading the history: the engine state, the
/// report folds, the numbers of the posted vouchers, and what tells whether it still describes the head
/// (chain head, master data, the ledger files as the file system describes them, the head reports it saw).
/// Written to `ledger/snapshot.bin` after every run that commits.
struct HeadSnapshot: Sendable {
  /// The format's name and version. Version 2 ends with the length of the ageing fold, the part before it
  /// (8 bytes, little-endian), so that the fold is decoded on the other core from the start. Version 3
  /// keeps the serials and batches in stock per item-warehouse in picking order (version 2 wrote sets, in
  /// no order: refused, that run replays once). Version 4 ends with a trailer of 24 bytes
  /// (``trailer(ageing:)``): the history file's size and count, moved there so that all but the trailer is
  /// written while the history is numbered, then the ageing fold's length. Version 5 goes with
  /// `documents.bin` whose documents begin with their voucher type's code (``VoucherType/code``, the
  /// return flag in its high bit) where version 4's began with the type's name and a flag: the older
  /// snapshot is refused, and that run replays once and writes both anew. Version 6 keeps the master
  /// data's records (``MasterRecords``) after its digest, so that master data changed only by additions
  /// does not replay the ledger; a version 5 snapshot is refused, and that run replays once. Version 7's
  /// records leave out the columns nothing posted depends on (``MasterRecords/descriptive``: an item renamed
  /// or given a barcode does not replay the ledger); a version 6 snapshot, whose records hold them, is
  /// refused (compared, every item would read as changed), and that run replays once. Version 8 counts
  /// batches created and serials received per item (``TrackedCounts``) where version 7 counted serials
  /// over all items, so that a revalued part may hold batch and serial items; a version 7 snapshot is
  /// refused, and that run replays once. Version 9 goes with a history (`history.bin`) that joins an order's
  /// close and the vouchers fulfilling it to the item-warehouses it orders, so that a revalued part may hold
  /// orders; a version 8 snapshot is refused, and that run replays once (and writes the history anew).
  /// Version 10 goes with a history that records a row naming no warehouse (an invoice that moves no stock)
  /// as its item in a blank warehouse, so that a run under an edited item finds every voucher naming it; a
  /// version 9 snapshot is refused, and that run replays once.
  static let tag = "stockledger-snapshot 10"
  var chain: String
  /// The committed files as the file system described them when the snapshot was written
  /// (``LedgerStore/statFingerprint()``).
  var ledgerFingerprint = ""
  /// SHA-256 over the master data files the state was posted with (``MasterFiles/digest``).
  var mastersDigest: String
  /// The records of that master data, encoded (``MasterRecords/encode(into:)``): decoded only when the
  /// master data changed, written back as they are otherwise.
  var masterRecords: [UInt8]
  /// Whether the master data changed since the snapshot was written, by additions only
  /// (``current(store:chain:masters:)``): the run continues from it but renders every report whole (the
  /// planning reports splice rows by item-warehouse and reorder levels may have changed). Not written.
  var mastersAdded = false
  /// The items and warehouses whose records the master data changed since the snapshot was written
  /// (``MasterRecords/edits(from:)``): the run posts every voucher naming them again. Not written.
  var edited = MasterRecords.Edits()
  /// Date and time of the latest voucher in the timeline: a voucher at or after it posts forward.
  var lastKey: (date: BusinessDate, time: BusinessTime)?
  /// Posted vouchers cancelled since (the light load of the ledger does not read vouchers; it does read the
  /// closes).
  var cancelled: Set<String>
  /// Sizes of the head reports ``ReportWriter/sizedNames`` as written for `chain` (the next run appends to
  /// the ledgers and may splice the others).
  var reportSizes: [Int] = []
  /// Size of `ledger/documents.bin` as written for `chain`.
  var documentsSize = 0
  /// Size of `ledger/history.bin` as written for `chain`, and the number of vouchers it holds (the ordinal
  /// of the next one).
  var historySize = 0
  var historyCount = 0
  var index: PostedVouchers { didSet { encodedIndexAndState = nil } }
  /// Size of `ledger/vouchers.idx` (the base of `index`).
  var indexBaseSize = 0
  var state: PostingState { didSet { encodedIndexAndState = nil } }
  var folds: LedgerFolds
  /// The history file as this snapshot knows it, read on the other core as soon as a run has read a voucher
  /// dated before the head (``readingHistory(ledger:)``): a backdated run needs it, and read beside the
  /// validation its cost is hidden. A forward run does not read it (read beside every run's decoding, its
  /// parse and fresh pages took the other core from the snapshot's ageing fold: 10 MB at 1M). nil otherwise.
  var history: Background<Result<HistoryFile.Contents, BinaryFormatError>>?
  /// The folds while they are still being decoded on another core (``init(decoding:ledger:foldsLater:)``);
  /// ``folds`` is empty until then. nil: decoded with the rest.
  var foldsDecoding: Background<Result<LedgerFolds, BinaryFormatError>>?

  /// The folds, taken out of the snapshot (left with none) to be handed to the run's reports, which add
  /// to them in place: shared with the snapshot, the first change copied every table of them (a daily run's
  /// 5–8 ms on its last stretch). Still being decoded, they are handed over as they are: the reports wait
  /// for them.
  mutating func takeFolds() -> PendingFolds {
    defer { (folds, foldsDecoding) = (LedgerFolds(), nil) }
    return foldsDecoding.map(PendingFolds.init(decoding:)) ?? PendingFolds(folds)
  }

  /// Whether `v` is dated before the head's latest voucher: it revalues part of the history.
  func precedesHead(_ v: Voucher) -> Bool {
    guard let last = lastKey else { return false }
    return (v.date, v.time) < (last.date, last.time)
  }

  /// This snapshot with its history file being read on another core.
  func readingHistory(ledger: String) -> HeadSnapshot {
    var s = self
    if s.history == nil { s.history = Background { [size = historySize] in HistoryFile(ledger: ledger).contents(size: size) } }
    return s
  }

  /// All of the snapshot but its ``trailer(ageing:)``, handed to `write` in parts, in order: the state encoded ahead is
  /// handed as it is, not copied into one buffer, and the ageing fold, the largest part and the last, in
  /// parts of a megabyte as it is encoded. Needs nothing of the history, which the trailer describes: a run
  /// writes it while the history is still being numbered (at ten million vouchers a second and a half
  /// that came after it), on one thread (the ageing fold encoded whole on another beside it was tens of
  /// megabytes more at the run's peak, then).
  /// - Parameters:
  ///   - encodedFolds: ``folds`` encoded ahead (``LedgerFolds/encoded(part:)``), written as they are.
  ///   - allButAgeing: without them, the folds but the ageing one encoded ahead
  ///     (``LedgerFolds/encodedAllButAgeing()``), written as they are.
  /// - Returns: the length of the ageing fold, the body's last part (for the trailer).
  /// - Complexity: O(state + vouchers posted since the index's base was written).
  func encodeBody(_ write: ([UInt8]) -> Void, encodedFolds: LedgerFolds.Encoded? = nil, allButAgeing: [UInt8]? = nil) -> Int {
    var w = BinaryWriter(capacity: 1 << 22)
    w.string(HeadSnapshot.tag)
    w.string(chain)
    w.string(ledgerFingerprint)
    w.string(mastersDigest)
    w.count(masterRecords.count)
    w.raw(masterRecords)
    w.bool(lastKey != nil)
    if let lastKey {
      w.date(lastKey.date)
      w.int(lastKey.time.seconds)
    }
    w.count(cancelled.count)
    for c in cancelled.sorted() { w.string(c) }
    w.count(reportSizes.count)
    for s in reportSizes { w.int(s) }
    w.int(documentsSize)
    w.int(indexBaseSize)
    if let encodedIndexAndState {
      write(w.bytes)
      w.reset()
      for part in encodedIndexAndState { write(part) }
    } else {
      index.encodeRecent(into: &w)
      state.encode(into: &w)
    }
    if let encodedFolds {
      write(w.bytes)
      for part in encodedFolds.parts { write(part) }
      return encodedFolds.ageing
    }
    if let allButAgeing {
      write(w.bytes)
      write(allButAgeing)
    } else {
      folds.encodeAllButAgeing(into: &w)
      write(w.bytes)
    }
    w = BinaryWriter(capacity: 0)
    return folds.encodeAgeing(part: 1 << 20, write)
  }

  /// The snapshot's last 24 bytes: the history file's size and voucher count, and the length of the ageing
  /// fold before them (read first: the fold is decoded on another core beside the rest).
  func trailer(ageing: Int) -> [UInt8] {
    var w = BinaryWriter(capacity: 24)
    w.uint64(UInt64(historySize))
    w.uint64(UInt64(historyCount))
    w.uint64(UInt64(ageing))
    return w.bytes
  }
  static let trailerSize = 24

  /// The index's recent part and the engine's state as ``encodeBody(_:)`` writes them, encoded ahead
  /// (``encodeIndexAndState()``) by the thread that builds the caches while the run writes its reports:
  /// after the ageing fold the largest parts of the snapshot, which a daily run otherwise encoded last, on
  /// its critical path (25 ms of its 270). Not part of the snapshot; nil: encoded with the rest (set
  /// again whenever `index` or `state` changes).
  var encodedIndexAndState: [[UInt8]]?

  /// Encodes the index's recent part and the state now (``encodedIndexAndState``).
  /// - Parameter encodedState: ``state`` encoded already (`PostingState.encode(into:)` into a writer of its
  ///   own), kept as it is (copied after the index, both were held at once: tens of megabytes at ten
  ///   million vouchers, at the run's peak).
  mutating func encodeIndexAndState(encodedState: [UInt8]? = nil) {
    var w = BinaryWriter(capacity: encodedState == nil ? 1 << 22 : 1 << 16)
    index.encodeRecent(into: &w)
    guard let encodedState else {
      state.encode(into: &w)
      encodedIndexAndState = [w.bytes]
      return
    }
    encodedIndexAndState = [w.bytes, encodedState]
  }

  init(chain: String, masters: MasterData, records: [UInt8], lastKey: (date: BusinessDate, time: BusinessTime)?, cancelled: Set<String>,
       index: PostedVouchers, state: PostingState, folds: LedgerFolds) {
    self.chain = chain
    mastersDigest = masters.digest
    masterRecords = records
    self.lastKey = lastKey
    self.cancelled = cancelled
    self.index = index
    self.state = state
    self.folds = folds
  }

  /// The digest of the master data the snapshot of `store` was posted under (``mastersDigest``), read
  /// from the file's first bytes without decoding the rest; nil when there is no snapshot of this version.
  /// - Complexity: O(the fields before it: the chain head, the ledger files' fingerprint), not O(snapshot)
  ///   (137 MB at ten million vouchers).
  static func mastersDigest(of store: LedgerStore) -> String? {
    guard let size = DurableFiles.size(store.snapshotPath) else { return nil }
    var prefix = 1 << 16
    while true {
      guard let bytes = FileBytes.readPrefix(store.snapshotPath, min(prefix, size)) else { return nil }
      var r = BinaryReader(bytes)
      guard let tag = try? r.string() else { return nil }
      guard tag == HeadSnapshot.tag else { return nil }
      if (try? r.string()) != nil, (try? r.string()) != nil, let digest = try? r.string() { return digest }
      // (The fingerprint names every committed file: past the first bytes in a ledger of many runs.)
      guard prefix < size else { return nil }
      prefix *= 16
    }
  }

  /// The snapshot `bytes` of the ledger in the directory `ledger`, decoded.
  /// - Parameter foldsLater: whether the report folds, which a run needs only once it has posted, are
  ///   decoded on other cores while the caller goes on (``foldsDecoding``, for ``takeFolds()``): a daily
  ///   run on a 1M ledger decoded them for 9–12 ms after the engine's state, before it read its files.
  init(decoding bytes: [UInt8], ledger: String, foldsLater: Bool = false) throws(BinaryFormatError) {
    var r = BinaryReader(bytes)
    guard try r.string() == HeadSnapshot.tag else { throw BinaryFormatError(offset: 0, "not a snapshot of this version") }
    // The trailer: the history's size and count, and the length of the ageing fold, the largest part and
    // the last before it, decoded on the other core while this one decodes the rest (a daily run waited for
    // the two one after the other).
    let end = bytes.count - HeadSnapshot.trailerSize
    guard end >= r.offset else { throw BinaryFormatError(offset: bytes.count, "no trailer") }
    var trailer = BinaryReader(bytes, from: end)
    (historySize, historyCount) = (Int(truncatingIfNeeded: try trailer.uint64()), Int(truncatingIfNeeded: try trailer.uint64()))
    let ageingLength = try trailer.uint64()
    guard ageingLength <= UInt64(end - r.offset), historySize >= 0, historyCount >= 0 else {
      throw BinaryFormatError(offset: end, "the trailer does not fit the snapshot")
    }
    let ageingStart = end - Int(ageingLength)
    let ageing = Background { () -> Result<AgeingFold, BinaryFormatError> in
      var a = BinaryReader(bytes, from: ageingStart)
      do throws(BinaryFormatError) {
        let fold = try LedgerFolds.decodeAgeing(&a)
        guard a.offset == end else { throw BinaryFormatError(offset: a.offset, "the ageing fold ends before its length says") }
        return .success(fold)
      } catch {
        return .failure(error)
      }
    }
    chain = try r.string()
    ledgerFingerprint = try r.string()
    mastersDigest = try r.string()
    masterRecords = try r.bytes(try r.count())
    lastKey = try r.bool() ? (try r.date(), try r.time()) : nil
    cancelled = []
    for _ in 0..<(try r.count()) { cancelled.insert(try r.string()) }
    reportSizes = []
    for _ in 0..<(try r.count(limit: 8)) { reportSizes.append(try r.int()) }
    documentsSize = try r.int()
    indexBaseSize = try r.int()
    index = PostedVouchers(mapped: try PostedVouchers.mapBase(ledger: ledger, size: indexBaseSize))
    try index.decodeRecent(from: &r)
    state = try PostingState(decoding: &r)
    guard foldsLater else {
      folds = try HeadSnapshot.folds(&r, end: ageingStart, ageing: ageing)
      return
    }
    folds = LedgerFolds()
    foldsDecoding = Background { [r] in
      var r = r
      do throws(BinaryFormatError) { return .success(try HeadSnapshot.folds(&r, end: ageingStart, ageing: ageing)) } catch { return .failure(error) }
    }
  }

  /// The folds from `r` on, all but the ageing fold, which ends at `end`; then the ageing fold, decoded
  /// beside them.
  private static func folds(_ r: inout BinaryReader, end: Int, ageing: Background<Result<AgeingFold, BinaryFormatError>>) throws(BinaryFormatError) -> LedgerFolds {
    var folds = try LedgerFolds(decodingAllButAgeing: &r, ageing: AgeingFold())
    guard r.offset == end else { throw BinaryFormatError(offset: r.offset, "trailing data before the ageing fold") }
    folds.ageing = try ageing.take().get()
    return folds
  }

  /// The ledger's snapshot when it describes the head `chain` under the master data (``current(store:chain:masters:)``)
  /// and the head reports in `out` are the ones it saw; nil otherwise, with why when the run's operator
  /// should know (the master data changed), and whether the snapshot may be written anew from the ledger
  /// (``rebuilt(paths:store:chain:masters:timer:)``: the snapshot is missing, unreadable, of another layout
  /// or head, or of other master data; or the head reports are missing or were changed, which are then
  /// written anew with it) rather than the ledger replayed (a ledger file differs from its manifest, or the
  /// company's settings changed).
  /// - Parameter foldsLater: whether the report folds are decoded while the caller goes on (``takeFolds()``).
  static func usable(store: LedgerStore, chain: String, masters: MasterData, out: String, foldsLater: Bool = false) -> (HeadSnapshot?, note: String?, rebuildable: Bool) {
    // (Why not, said only of a ledger that has a head: a first run replays nothing.)
    let posted = chain != LedgerStore.zeroChain
    let (found, note, rebuildable) = current(store: store, chain: chain, masters: masters, foldsLater: foldsLater)
    // Reports not as the snapshot (or its absence) allows: written anew from the ledger with it, unless
    // the snapshot could not be (then its own reason is said too), or the master data changed in items or
    // warehouses whose vouchers then post otherwise (a snapshot written anew needs them to post as they did).
    func reports(_ why: String) -> (HeadSnapshot?, note: String?, rebuildable: Bool) {
      (nil, [note, why].compactMap { $0 }.joined(separator: "; "), posted && (found.map { $0.edited.isEmpty } ?? rebuildable))
    }
    guard ReportWriter.areCurrent(in: out, chain: chain) else {
      return posted ? reports("the head reports are not the ledger head's (one missing, or left by a run that stopped before writing them)") : (nil, nil, false)
    }
    guard var s = found else { return (nil, note, rebuildable) }
    guard s.reportSizes.count == ReportWriter.sizedNames.count, ReportWriter.ledgers(in: out, areAt: s.reportSizes) else {
      return reports("the head reports were changed since the last run (stock-ledger.csv or general-ledger.csv is not the size it was written at)")
    }
    if s.mastersAdded {
      // No report is spliced: rendered whole under the new master data (sizes no file has).
      for k in ReportWriter.appendableNames.count..<s.reportSizes.count { s.reportSizes[k] = -1 }
    }
    return (s, note, false)
  }

  /// The ledger's snapshot when it describes the head `chain` — the committed files as it saw them, or
  /// checked against their manifests when the file system describes them otherwise (a copy, a restore) —
  /// under the same master data or master data changed only by additions (``MasterRecords/change(from:)``;
  /// then marked ``mastersAdded`` and carrying the new master data's digest and records); nil otherwise.
  /// The note says what changed, if anything did; `rebuildable`, whether a snapshot that is not usable may be
  /// written anew from the ledger (all but a ledger whose files differ from their manifests, and a first run).
  /// - Complexity: O(snapshot); O(master data) more when the master data changed; O(bytes of the ledger)
  ///   hashed when its files' sizes, times or inodes changed.
  static func current(store: LedgerStore, chain: String, masters: MasterData, foldsLater: Bool = false) -> (HeadSnapshot?, note: String?, rebuildable: Bool) {
    let posted = chain != LedgerStore.zeroChain
    // Why there is none to continue from, for the run's notes: a replay of a large ledger is the one cost an
    // operator should hear of.
    guard let bytes = store.readSnapshot() else {
      return (nil, posted ? "there is no head snapshot (deleted, or the last run stopped before writing it)" : nil, posted)
    }
    var tag = BinaryReader(bytes)
    if let written = try? tag.string(), written != HeadSnapshot.tag {
      return (nil, written.hasPrefix("stockledger-snapshot ")
        ? "the head snapshot is in another version's layout (\(written); this version writes \(HeadSnapshot.tag))"
        : "the head snapshot cannot be read (not a snapshot)", posted)
    }
    guard var s = try? HeadSnapshot(decoding: bytes, ledger: store.directory, foldsLater: foldsLater) else { return (nil, "the head snapshot cannot be read (damaged)", posted) }
    guard s.chain == chain else { return (nil, "the head snapshot describes another head of the ledger (the last run stopped before writing its own)", posted) }
    // (Not "continued from the snapshot" in the notes: the run may still replay, for a reason of its own,
    // said in its own note.)
    var notes: [String] = []
    if s.ledgerFingerprint != store.statFingerprint() {
      // The files' sizes, times or inodes changed since the snapshot was written: copied, restored from a
      // backup, moved to another disk, touched. Their contents are checked against the manifests, which
      // the chain the snapshot names vouches for (a part at a time: O(bytes), not a replay's memory); if
      // they hold, the snapshot still describes them. If not, the replay's load names what changed.
      guard (try? store.checkFiles()) != nil else { return (nil, nil, false) }
      notes.append("the ledger's files were copied, restored or touched since the last run: every one was checked against its manifest, no replay of the ledger for that")
    }
    if s.mastersDigest != masters.digest {
      var r = BinaryReader(s.masterRecords)
      guard let old = try? MasterRecords(decoding: &r) else { return (nil, nil, true) }
      let records = MasterRecords(files: masters.files, masters: masters.masters)
      if let change = records.change(from: old) {
        // (Written anew from the ledger when its vouchers still post as they did: not tried after a change
        // of the company's settings, under which they nearly never do — at 1M the attempt was 5.5 s before
        // the replay, a third of the run.)
        guard let edits = records.edits(from: old) else { return (nil, "the master data changed since the last run (\(change))", !records.changesCompany(from: old)) }
        s.edited = edits
      }
      let added = records.added(since: old)
      s.mastersDigest = masters.digest
      s.masterRecords = records.encoded
      s.mastersAdded = true
      if !s.edited.isEmpty {
        func named(_ kind: String, _ names: Set<String>) -> String? {
          names.isEmpty ? nil : "\(kind)\(names.count == 1 ? "" : "s") \(names.sorted().joined(separator: ", "))"
        }
        let what = [named("item", s.edited.items), named("warehouse", s.edited.warehouses)].compactMap { $0 }
        let them = s.edited.items.count + s.edited.warehouses.count == 1 ? "it" : "them"
        notes.append("the master data changed in \(what.joined(separator: " and ")): the vouchers naming \(them) post otherwise, and are posted again with their part of the ledger")
      } else {
        notes.append(added == 0
          ? "the master data changed, but in nothing posted vouchers depend on (reorder levels, names, barcodes, account or warehouse parents, or the files' layout): no replay of the ledger for that"
          : "the master data changed only by \(added) new record\(added == 1 ? "" : "s"): no replay of the ledger for that")
      }
    }
    return (s, notes.isEmpty ? nil : notes.joined(separator: "; "), false)
  }
}

extension HeadSnapshot {
  /// The snapshot `bytes` for the head after a commit that changes nothing it describes (a period close:
  /// no voucher, entry or line), with its chain head and fingerprint replaced; nil when `bytes` is not a
  /// snapshot of this version describing `chain` (the caller checked the files it describes against their
  /// manifests: their fingerprint then is not compared). Everything after the
  /// two is kept as it is (the trailer is read from the end), so nothing is decoded.
  /// - Complexity: O(bytes), copied once.
  static func carriedForward(_ bytes: [UInt8], chain: String, to newChain: String, fingerprint newFingerprint: String) -> [UInt8]? {
    var r = BinaryReader(bytes)
    guard (try? r.string()) == HeadSnapshot.tag, (try? r.string()) == chain, (try? r.string()) != nil else { return nil }
    var w = BinaryWriter(capacity: bytes.count + 64)
    w.string(HeadSnapshot.tag)
    w.string(newChain)
    w.string(newFingerprint)
    w.raw(bytes[r.offset...])
    return w.bytes
  }
}

/// The master data a run posts with: its files as read once, the masters read from them, and their
/// digest (what a head snapshot is compared with first).
struct MasterData: Sendable {
  let files: MasterFiles
  let masters: Masters
  let digest: String
  init(files: MasterFiles, masters: Masters) {
    self.files = files
    self.masters = masters
    digest = files.digest
  }
  /// The records of the master data, encoded (``MasterRecords``), for a snapshot written after a replay.
  var encodedRecords: [UInt8] { MasterRecords(files: files, masters: masters).encoded }
}

extension HeadSnapshot {
  /// The snapshot of the head a run committed: the previous snapshot (or the replayed ledger) with the run.
  /// Its chain head and report folds are the commit's and the reports', set when it is written (after a
  /// replay it is built beside the commit).
  /// - Complexity: O(the run's vouchers) for the voucher index, O(state) for the rest.
  static func after(run s: RunWork.Settled, on ledger: LedgerContents, from previous: HeadSnapshot?, masters: MasterData) -> HeadSnapshot {
    func entries(_ vouchers: VoucherList) -> [(no: String, type: VoucherType, date: BusinessDate)] {
      var out: [(no: String, type: VoucherType, date: BusinessDate)] = []
      vouchers.forEachSketch(rows: false) { _, v in if v.action == .submit { out.append((v.no, v.type, v.date)) } }
      return out
    }
    // After a replay the index is built with the documents (``storeDocuments``).
    var index = PostedVouchers()
    if let previous {
      index = previous.index
      index.add(entries(s.acceptedNew))
    }
    var lastKey = previous?.lastKey
    if let k = s.lastKey, lastKey.map({ ($0.date, $0.time) < (k.date, k.time) }) ?? true { lastKey = k }
    return HeadSnapshot(chain: "", masters: masters, records: previous?.masterRecords ?? masters.encodedRecords, lastKey: lastKey,
                        cancelled: (previous?.cancelled ?? ledger.cancelled).union(s.cancelledNow),
                        index: index, state: s.state, folds: LedgerFolds())
  }
}

/// A head snapshot's report folds handed to the run's reports (``HeadSnapshot/takeFolds()``), taken once:
/// decoded with the rest of the snapshot, or still being decoded on another core.
final class PendingFolds: @unchecked Sendable {
  private var decoded: LedgerFolds?
  private var decoding: Background<Result<LedgerFolds, BinaryFormatError>>?

  init(_ folds: LedgerFolds) {
    decoded = folds
    decoding = nil
  }

  init(decoding: Background<Result<LedgerFolds, BinaryFormatError>>) {
    self.decoding = decoding
  }

  /// Why the folds cannot be read (waiting for their decoding); nil when they can. A run asks before it
  /// commits: the snapshot is then written anew from the ledger (or, where it cannot be, the ledger
  /// replayed), as for one that cannot be read at all.
  var damage: BinaryFormatError? {
    guard let decoding, case .failure(let error) = decoding.value else { return nil }
    return error
  }

  /// The folds, the first time (waiting for their decoding); nil after, or when they cannot be read.
  func take() -> LedgerFolds? {
    if let decoding = decoding.take() { return try? decoding.take().get() }
    return decoded.take()
  }
}
