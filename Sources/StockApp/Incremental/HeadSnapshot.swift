import Foundation
import StockCore
import StockPost
import StockRead
import StockReports
import StockStore

/// What a run needs of the ledger head to post forward without reading the history: the engine state, the
/// report folds, the numbers of the posted vouchers, and what tells whether it still describes the head
/// (chain head, master data, the head reports it saw). Written to `ledger/snapshot.bin` after every run.
struct HeadSnapshot: Sendable {
  static let tag = "stockledger-snapshot 1"
  var chain: String
  /// The committed files as the file system described them when the snapshot was written
  /// (``LedgerStore/statFingerprint()``).
  var ledgerFingerprint = ""
  /// SHA-256 over the master data files the state was posted with.
  var mastersDigest: String
  /// Date and time of the latest voucher in the timeline: a voucher at or after it posts forward.
  var lastKey: (date: BusinessDate, time: BusinessTime)?
  var cancelled: Set<String>
  var closedThrough: BusinessDate?
  /// Sizes of `stock-ledger.csv` and `general-ledger.csv` as written for `chain` (appended to by the next run).
  var reportSizes: [Int] = [0, 0]
  /// Size of `ledger/documents.bin` as written for `chain`.
  var documentsSize = 0
  /// Size of `ledger/history.bin` as written for `chain`, and the number of vouchers it holds (the ordinal
  /// of the next one).
  var historySize = 0
  var historyCount = 0
  var index: PostedVouchers
  /// Size of `ledger/vouchers.idx` (the base of `index`).
  var indexBaseSize = 0
  var state: PostingState
  var folds: LedgerFolds

  /// - Complexity: O(state + posted vouchers).
  func encode() -> [UInt8] {
    var w = BinaryWriter(capacity: 1 << 22)
    w.string(HeadSnapshot.tag)
    w.string(chain)
    w.string(ledgerFingerprint)
    w.string(mastersDigest)
    w.bool(lastKey != nil)
    if let lastKey {
      w.date(lastKey.date)
      w.int(lastKey.time.seconds)
    }
    w.count(cancelled.count)
    for c in cancelled.sorted() { w.string(c) }
    w.optionalDate(closedThrough)
    w.count(reportSizes.count)
    for s in reportSizes { w.int(s) }
    w.int(documentsSize)
    w.int(historySize)
    w.int(historyCount)
    w.int(indexBaseSize)
    index.encodeRecent(into: &w)
    state.encode(into: &w)
    folds.encode(into: &w)
    return w.bytes
  }

  init(chain: String, mastersDigest: String, lastKey: (date: BusinessDate, time: BusinessTime)?, cancelled: Set<String>, closedThrough: BusinessDate?,
       index: PostedVouchers, state: PostingState, folds: LedgerFolds) {
    self.chain = chain
    self.mastersDigest = mastersDigest
    self.lastKey = lastKey
    self.cancelled = cancelled
    self.closedThrough = closedThrough
    self.index = index
    self.state = state
    self.folds = folds
  }

  init(decoding bytes: [UInt8], ledger: String) throws(BinaryFormatError) {
    var r = BinaryReader(bytes)
    guard try r.string() == HeadSnapshot.tag else { throw BinaryFormatError(offset: 0, "not a snapshot of this version") }
    chain = try r.string()
    ledgerFingerprint = try r.string()
    mastersDigest = try r.string()
    lastKey = try r.bool() ? (try r.date(), BusinessTime(seconds: try r.int())) : nil
    cancelled = []
    for _ in 0..<(try r.count()) { cancelled.insert(try r.string()) }
    closedThrough = try r.optionalDate()
    reportSizes = []
    for _ in 0..<(try r.count(limit: 8)) { reportSizes.append(try r.int()) }
    documentsSize = try r.int()
    historySize = try r.int()
    historyCount = try r.int()
    indexBaseSize = try r.int()
    index = PostedVouchers(mapped: try PostedVouchers.mapBase(ledger: ledger, size: indexBaseSize))
    try index.decodeRecent(from: &r)
    state = try PostingState(decoding: &r)
    folds = try LedgerFolds(decoding: &r)
    guard r.isAtEnd else { throw BinaryFormatError(offset: r.offset, "trailing data") }
  }

  /// The ledger's snapshot when it describes the head `chain` under the same master data and the head
  /// reports in `out` are the ones it saw; nil otherwise (the run then replays the ledger).
  static func usable(store: LedgerStore, chain: String, mastersDigest: String, out: String) -> HeadSnapshot? {
    guard let bytes = store.readSnapshot(), let s = try? HeadSnapshot(decoding: bytes, ledger: store.directory), s.chain == chain, s.mastersDigest == mastersDigest,
      s.ledgerFingerprint == store.statFingerprint(),
      ReportWriter.areCurrent(in: out, chain: chain), s.reportSizes.count == 2,
      ReportWriter.appendableNames.enumerated().allSatisfy({ i, name in DurableFiles.size(out + "/" + name + ".csv") == s.reportSizes[i] })
    else { return nil }
    return s
  }

  /// A digest of the master data directory: every regular file's name, size and content.
  static func digest(mastersDirectory dir: String) -> String {
    var h = SHA256()
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    for name in names {
      guard let bytes = FileBytes.read(dir + "/" + name) else { continue }
      h.update(Array("\(name)\u{0}\(bytes.count)\u{0}".utf8))
      h.update(bytes)
    }
    return h.finalizeHex()
  }
}

extension HeadSnapshot {
  /// The snapshot of the head a run committed: the previous snapshot (or the replayed ledger) with the run.
  /// - Complexity: O(posted vouchers) for the voucher index (a merge), O(state) for the rest.
  static func after(run s: RunWork.Settled, on ledger: LedgerContents, from previous: HeadSnapshot?, folds: LedgerFolds, chain: String, mastersDigest: String) -> HeadSnapshot {
    func entries(_ vouchers: [Voucher]) -> [(no: String, type: VoucherType, date: BusinessDate)] {
      vouchers.lazy.filter { $0.action == .submit }.map { ($0.no, $0.type, $0.date) }
    }
    // After a replay the index is built with the documents (``storeDocuments``).
    var index = PostedVouchers()
    if let previous {
      index = previous.index
      index.add(entries(s.acceptedNew))
    }
    var lastKey = previous?.lastKey
    if let k = s.lastKey, lastKey.map({ ($0.date, $0.time) < (k.date, k.time) }) ?? true { lastKey = k }
    return HeadSnapshot(chain: chain, mastersDigest: mastersDigest, lastKey: lastKey,
                        cancelled: (previous?.cancelled ?? ledger.cancelled).union(s.cancelledNow), closedThrough: ledger.closedThrough,
                        index: index, state: s.state, folds: folds)
  }
}

extension RunWork {
  /// How a run continues from the head snapshot.
  enum Continuation {
    /// Every voucher posts after the head.
    case forward
    /// Some vouchers are dated before the head: the part of the history they can revalue is replayed.
    case revaluing(Component)
  }

  /// Prepares the run to continue from the head snapshot, or says why it cannot. The documents of the
  /// posted vouchers the run refers to (originals of returns, receipts of invoices) are loaded into the
  /// starting state; with vouchers dated before the head, the part of the history they touch is loaded and
  /// replaces its item-warehouses' state.
  mutating func continuing(from snapshot: HeadSnapshot, documents: DocumentFile, history: HistoryFile, ledgerDirectory: String) -> Result<Continuation, Replay.Fallback> {
    var own: [String: Voucher] = [:]
    for f in files { for v in f.valid { own[v.no] = v } }
    var seeds: Set<StockKey> = []
    for f in files {
      for v in f.valid {
        if v.action == .cancel { return .failure(.init("\(v.no) cancels a posted voucher")) }
        for ref in [v.returnAgainst, v.againstVoucher] where !ref.isEmpty && own[ref] == nil && base.documents[ref] == nil {
          guard let posted = snapshot.index.lookup(ref), !posted.type.isOrder, !snapshot.cancelled.contains(ref) else { continue }
          guard let offset = snapshot.index.documentOffset(ref) else { continue }  // a voucher without a document (a stock entry)
          guard offset < snapshot.documentsSize, let bytes = documents.read(at: offset) else { return .failure(.init("the stored document of \(ref) cannot be read")) }
          var r = BinaryReader(bytes)
          guard let doc = try? PostedDocument(decoding: &r) else { return .failure(.init("the stored document of \(ref) is damaged")) }
          base.documents[ref] = doc
        }
        if let last = snapshot.lastKey, (v.date, v.time) < (last.date, last.time) {
          // Orders are state outside item-warehouses: a backdated order, or a backdated voucher fulfilling
          // one, replays the ledger.
          if v.type.isOrder || v.action == .close { return .failure(.init("\(v.no) (\(f.picked.name)) is an order dated before the ledger's latest voucher")) }
          if !v.againstVoucher.isEmpty, own[v.againstVoucher]?.type.isOrder ?? snapshot.index.lookup(v.againstVoucher)?.type.isOrder ?? false {
            return .failure(.init("\(v.no) (\(f.picked.name)) fulfils the order \(v.againstVoucher) and is dated before the ledger's latest voucher"))
          }
          seeds.formUnion(keys(of: v, own: own))
        }
      }
    }
    if seeds.isEmpty { return .success(.forward) }
    switch Component.load(seeds: seeds, snapshot: snapshot, history: history, ledger: ledgerDirectory, masters: masters) {
    case .failure(let f): return .failure(f)
    case .success(let c):
      for k in c.keys { base.stock.removeValue(forKey: k) }
      ledger.vouchers = c.stored.vouchers
      ledger.entries = c.stored.entries
      ledger.gl = c.stored.gl
      return .success(.revaluing(c))
    }
  }

  /// The item-warehouses a voucher moves, and those of the original it returns or bills.
  func keys(of v: Voucher, own: [String: Voucher]) -> Set<StockKey> {
    var keys = Replay.stockKeys(v)
    for ref in [v.returnAgainst, v.againstVoucher] where !ref.isEmpty {
      if let o = own[ref] { keys.formUnion(Replay.stockKeys(o)) } else if let d = base.documents[ref] { keys.formUnion(d.lines.map(\.key)) }
    }
    return keys
  }
}

extension HeadSnapshot {
  /// Writes the documents the next run may need and records where they are: after a replay every posted
  /// voucher's document (the file rewritten, in ledger order) and the voucher index with them; after a run
  /// from the snapshot, the documents it created or changed (appended; the vouchers of a revalued part are
  /// `ledger`'s).
  /// - Complexity: O(documents written); after a replay O(posted vouchers log posted vouchers) for the index.
  mutating func storeDocuments(of s: RunWork.Settled, on ledger: LedgerContents, from previous: HeadSnapshot?, loaded: [String: PostedDocument], in file: DocumentFile) throws(StoreError) {
    var bytes = BinaryWriter(capacity: previous == nil ? 64 * s.state.documents.count : 1 << 16)
    var scratch = BinaryWriter(capacity: 256)
    /// The document's offset within `bytes`, when it has one to write.
    func add(_ no: String) -> Int? {
      guard let doc = s.state.documents[no], loaded[no] != doc else { return nil }
      scratch.reset()
      doc.encode(into: &scratch)
      return DocumentFile.record(scratch.bytes, into: &bytes)
    }
    if let previous {
      var moved: [(no: String, offset: Int)] = []
      for no in loaded.keys.sorted() { if let o = add(no) { moved.append((no, o)) } }
      for v in ledger.vouchers where loaded[v.no] == nil { if let o = add(v.no) { moved.append((v.no, o)) } }
      for v in s.acceptedNew where v.action == .submit { if let o = add(v.no) { moved.append((v.no, o)) } }
      documentsSize = try file.append(bytes.bytes, after: previous.documentsSize)
      index.setDocuments(moved.map { ($0.no, previous.documentsSize + $0.offset) })
    } else {
      var all: [(no: String, type: VoucherType, date: BusinessDate, document: Int?)] = []
      all.reserveCapacity(ledger.vouchers.count + s.acceptedNew.count)
      for v in ledger.vouchers where v.action == .submit { all.append((v.no, v.type, v.date, add(v.no))) }
      for v in s.acceptedNew where v.action == .submit { all.append((v.no, v.type, v.date, add(v.no))) }
      try file.replace(with: bytes.bytes)
      documentsSize = bytes.bytes.count
      index = PostedVouchers(base: VoucherIndex().adding(all))
    }
  }
}

extension HeadSnapshot {
  /// Writes the history the next backdated run needs: after a replay every active voucher (the file
  /// rewritten, in ledger order), after a run from the snapshot the run's vouchers (appended).
  /// - Parameter places: where the run's vouchers were committed (parallel to `s.acceptedNew`).
  mutating func storeHistory(of s: RunWork.Settled, on ledger: LedgerContents, from previous: HeadSnapshot?, places: [VoucherPlace], in file: HistoryFile) throws(StoreError) {
    /// The voucher's item-warehouses and its original's (few: a small array, not a set).
    func keys(_ v: Voucher) -> [StockKey] {
      var keys: [StockKey] = []
      func add(_ k: StockKey) { if !keys.contains(k) { keys.append(k) } }
      for r in v.items {
        for w in [r.warehouse, r.sourceWarehouse, r.targetWarehouse] where !w.isEmpty { add(StockKey(item: r.itemCode, warehouse: w)) }
      }
      for ref in [v.returnAgainst, v.againstVoucher] where !ref.isEmpty {
        for l in s.state.documents[ref]?.lines ?? [] { add(l.key) }
      }
      return keys.count > 1 ? keys.sorted() : keys
    }
    var records: [HistoryFile.Record] = []
    let cancelled = (previous?.cancelled ?? ledger.cancelled).union(s.cancelledNow)
    if previous == nil {
      records.reserveCapacity(ledger.vouchers.count + s.acceptedNew.count)
      for (v, place) in zip(ledger.vouchers, ledger.voucherPlaces) where v.action != .cancel && !cancelled.contains(v.no) {
        records.append(.init(place: place, keys: keys(v)))
      }
    }
    for (v, place) in zip(s.acceptedNew, places) where v.action != .cancel && !cancelled.contains(v.no) {
      records.append(.init(place: place, keys: keys(v)))
    }
    if let previous {
      historySize = try file.append(records, after: previous.historySize)
      historyCount = previous.historyCount + records.count
    } else {
      historySize = try file.write(records)
      historyCount = records.count
    }
  }
}

extension HeadSnapshot {
  /// Writes the voucher index's base after a replay, or when its recent part has grown enough to merge.
  mutating func storeIndex(ledger: String, from previous: HeadSnapshot?) throws(StoreError) {
    if let previous, !index.wantsMerge {
      indexBaseSize = previous.indexBaseSize
      return
    }
    do { index = try index.merged() } catch { throw StoreError(path: PostedVouchers.basePath(ledger: ledger), "cannot be merged: \(error)") }
    indexBaseSize = try index.writeBase(ledger: ledger)
  }
}
