import Foundation
import StockCore
import StockPost
import StockRead
import StockReports
import StockStore

/// The caches a run leaves for the next one besides the snapshot: documents, history, voucher index.
extension HeadSnapshot {
  /// Writes the documents the next run may need and records where they are: after a replay every posted
  /// voucher's document (the file rewritten, in ledger order) and the voucher index with them (its base
  /// written to `indexLedger` and mapped); after a run from the snapshot, the documents it created or
  /// changed (appended; the vouchers of a revalued part are `ledger`'s).
  /// - Complexity: O(documents written); after a replay O(posted vouchers) for the index (a bucket sort).
  mutating func storeDocuments(of s: RunWork.Settled, on ledger: LedgerContents, from previous: HeadSnapshot?, loaded: [String: PostedDocument], in file: DocumentFile, indexIn indexLedger: String) throws(StoreError) {
    var scratch = BinaryWriter(capacity: 256)
    var documents = s.state.documents  // its table of numbers is built here, off the posting core
    // After a replay the file is rewritten record by record; else the run's records are gathered and
    // appended.
    var bytes = BinaryWriter(capacity: previous == nil ? 0 : 1 << 16)
    let rewrite = previous == nil ? try file.rewrite() : nil
    /// Writes a document; its offset in the file (after a replay) or within `bytes`.
    func write(_ doc: PostedDocument) -> Int {
      scratch.reset()
      doc.encode(into: &scratch)
      if let rewrite { return rewrite.record(scratch.bytes) }
      return DocumentFile.record(scratch.bytes, into: &bytes)
    }
    /// The document's offset, when it has one to write.
    func add(_ no: String) -> Int? {
      // (`loaded` is empty after a replay: not even hashed then.)
      guard let doc = documents[no], loaded.isEmpty || loaded[no] != doc else { return nil }
      return write(doc)
    }
    if let previous {
      var moved: [(no: String, offset: Int)] = []
      for no in loaded.keys.sorted() { if let o = add(no) { moved.append((no, o)) } }
      for v in ledger.vouchers where loaded[v.no] == nil { if let o = add(v.no) { moved.append((v.no, o)) } }
      s.acceptedNew.forEachSketch(rows: false) { _, v in if v.action == .submit, let o = add(v.no) { moved.append((v.no, o)) } }
      documentsSize = try file.append(bytes.bytes, after: previous.documentsSize)
      index.setDocuments(moved.map { ($0.no, previous.documentsSize + $0.offset) })
    } else if let rewrite {
      // The index of the vouchers, but for where their documents are, is built on another thread while
      // the documents are written here (at a million vouchers each was a quarter of a second of CPU, one
      // after the other, on the path to the run's end).
      let capacity = ledger.vouchers.count + s.acceptedNew.count
      // Also says whether the vouchers indexed are the run's first ones, one for one (none of the ledger's,
      // and those not submitted — cancellations — after every submitted one).
      let pending = Background { () -> (index: VoucherIndex.Pending, runInOrder: Bool) in
        // A large replay's numbers go to a file as they come (90 MB at ten million, at the run's peak).
        var built = capacity > HeadSnapshot.indexNamesInMemory
          ? VoucherIndex.Builder(capacity: capacity, spillingNamesTo: indexLedger, every: RunCommand.spillBytes) : VoucherIndex.Builder(capacity: capacity)
        for v in ledger.vouchers where v.action == .submit { built.add(v.no, type: v.type, date: v.date, document: nil) }
        var order = IndexOrder(inOrder: ledger.vouchers.isEmpty)
        // The vouchers the shelves encoded are read where they lie (a string made of each number, to be
        // hashed and copied, was most of the pass: 2.7 s at ten million vouchers, the end's long pole).
        s.acceptedNew.forEachHead({ _, h in
          if order.indexes(h.action) { built.add(bytes: h.no, type: h.type, date: h.date, document: nil) }
        }, sketched: { _, v in
          if order.indexes(v.action) { built.add(v.no, type: v.type, date: v.date, document: nil) }
        })
        return (built.buildAwaitingDocuments(), order.inOrder)
      }
      /// 1 + the offset of a voucher's document, 0 for none (``VoucherIndex/Pending/finish(documents:)``).
      var documentPlaces: [UInt64] = []
      func place(_ offset: Int?) -> UInt64 { offset.map { UInt64($0) + 1 } ?? 0 }
      // The first run of an empty ledger without returns or invoices of receipts (no document was looked
      // up, so none changed after it was set): each voucher's document is the one it set, found by its
      // position instead of by a table of a million numbers built for it.
      let byPosition = ledger.vouchers.isEmpty && loaded.isEmpty && !s.state.documents.lookedUp && s.documentRecords.count == s.acceptedNew.count
      /// The run's voucher `v` (the `i`-th)'s document, encoded from the documents' arrays in place.
      func added(_ i: Int, _ v: VoucherSketch) -> Int? {
        guard byPosition else { return add(v.no) }
        let r = Int(s.documentRecords[i])
        guard r >= 0 else { return nil }
        scratch.reset()
        guard let no = documents.encode(record: r, into: &scratch) else { return nil }
        precondition(no == v.no, "a voucher's document is the one it set")
        return rewrite.record(scratch.bytes)
      }
      // The run's documents, each set once, one after another (a run from scratch): the file is their
      // records as the engine encoded them, copied in bulk (each decoded and encoded again was a third of
      // a second of a million-voucher run's end).
      if byPosition && ledger.vouchers.isEmpty && documents.contiguousRecords({ rewrite.records($0) }) {
        documentsSize = try rewrite.finish()
        // (Taken, not copied: the index's arrays go as they are written.)
        let (built, runInOrder) = pending.take()
        if runInOrder {
          // The i-th voucher indexed is the run's i-th: where its document is comes from the records the
          // run kept, without an array of places (80 MB at ten million vouchers) or reading the vouchers
          // again.
          let records = s.documentRecords
          (index, indexBaseSize) = try PostedVouchers.writeBase(consume built, documents: { i in
            let r = Int(records[i])
            return place(r >= 0 ? documents.contiguousOffset(ofRecord: r) : nil)
          }, ledger: indexLedger)
          return
        }
        documentPlaces.reserveCapacity(capacity)
        s.acceptedNew.forEachSketch(rows: false) { i, v in
          guard v.action == .submit else { return }
          let r = Int(s.documentRecords[i])
          documentPlaces.append(place(r >= 0 ? documents.contiguousOffset(ofRecord: r) : nil))
        }
        (index, indexBaseSize) = try PostedVouchers.writeBase(consume built, documents: { documentPlaces[$0] }, ledger: indexLedger)
        return
      }
      documentPlaces.reserveCapacity(capacity)
      for v in ledger.vouchers where v.action == .submit { documentPlaces.append(place(add(v.no))) }
      s.acceptedNew.forEachSketch(rows: false) { i, v in if v.action == .submit { documentPlaces.append(place(added(i, v))) } }
      documentsSize = try rewrite.finish()
      let (built, _) = pending.take()
      (index, indexBaseSize) = try PostedVouchers.writeBase(consume built, documents: { documentPlaces[$0] }, ledger: indexLedger)
    }
  }
}

/// Whether the vouchers a run indexes are its first ones, one for one: none of the ledger's, and those not
/// submitted (cancellations) after every submitted one. (A value of its own, not two variables a nested
/// function changed: those were held in boxes, checked for exclusive access at every voucher.)
struct IndexOrder {
  private(set) var inOrder: Bool
  private var skipped = false
  init(inOrder: Bool) { self.inOrder = inOrder }

  /// Whether a voucher with `action` is indexed (submitted), noting whether the run stays in order.
  mutating func indexes(_ action: VoucherAction) -> Bool {
    guard action == .submit else {
      skipped = true
      return false
    }
    if skipped { inOrder = false }
    return true
  }
}

extension HeadSnapshot {
  /// Vouchers past which a replay's voucher index keeps its numbers in a log that spills to a file
  /// (``VoucherIndex/Builder/init(capacity:spillingNamesTo:)``) rather than in memory: a few megabytes of
  /// the ledger folder's page cache copied twice, against as many of a large run's peak
  /// (`STOCKLEDGER_TEST_INDEX_NAMES` for tests).
  static let indexNamesInMemory = ProcessEnvironment.integer("STOCKLEDGER_TEST_INDEX_NAMES") ?? 2_000_000

  /// The history the next backdated run needs, before the run commits: after a replay every active voucher
  /// (in ledger order), after a run from the snapshot the run's vouchers; their keys encoded, their places
  /// left to ``storeHistory(_:places:on:from:in:)``. Made beside the commit, on the other core.
  static func historyKeys(of s: RunWork.Settled, on ledger: LedgerContents, from previous: HeadSnapshot?) -> HistoryFile.Encoder {
    // The documents alone are captured: a closure over `s` copied the whole of it for every voucher.
    // Looked up only for the vouchers that refer to another (returns, invoices): most runs build no table.
    var documents = s.state.documents
    // (An order's close and the vouchers fulfilling it are joined to the item-warehouses it orders.)
    let orders = s.state.orders
    let cancelled = (previous?.cancelled ?? ledger.cancelled).union(s.cancelledNow)
    var encoder = HistoryFile.Encoder(appending: previous != nil, capacity: previous == nil ? 10 * (ledger.vouchers.count + s.acceptedNew.count) + 1024 : 1 << 16)
    // Sources count the ledger's vouchers first (none after a run from the snapshot), then the run's
    // (sketched: the shelf's are not made again).
    // The ledger's vouchers that have a place (all of them), as the places are counted.
    let placed = min(ledger.vouchers.count, ledger.voucherPlaces.count)
    if previous == nil {
      var sketch = VoucherSketch()
      for (i, v) in ledger.vouchers[..<placed].enumerated() {
        sketch.fill(from: v)
        addKeys(i, sketch, cancelled: cancelled, to: &encoder, documents: &documents, orders: orders)
      }
    }
    let first = previous == nil ? placed : 0
    // The run's vouchers the shelf encoded are read where they lie, their names made only for new keys.
    // At ten million vouchers, made from the sketches' names (each row's made, hashed and freed), the
    // keys took 3.5–3.7 s against 2.3–2.7 (the history's chain was the end's long pole by 1.3 s). Those
    // held, or referring to another voucher (whose keys the documents give), by their sketches.
    let noneCancelled = cancelled.isEmpty
    s.acceptedNew.forEachMoves({ i, moves in
      guard moves.action != .cancel && (noneCancelled || !cancelled.contains(String(decoding: moves.no, as: UTF8.self))) else { return }
      if moves.action == .close {
        let ordered = orders[String(decoding: moves.no, as: UTF8.self)]?.remaining.keys
        encoder.add(source: first + i) { if let ordered { $0 += ordered } }
        return
      }
      encoder.add(source: first + i, moves: moves)
    }, sketched: { i, v in addKeys(first + i, v, cancelled: cancelled, to: &encoder, documents: &documents, orders: orders) })
    encoder.finish()
    return encoder
  }

  /// Records the keys of voucher `v`, source `i`, for ``historyKeys(of:on:from:)``. (A function of its own
  /// rather than one nested there: nested, it held the encoder and the documents in boxes, checked for
  /// exclusive access at every voucher.)
  private static func addKeys(
    _ i: Int, _ v: VoucherSketch, cancelled: Set<String>, to encoder: inout HistoryFile.Encoder, documents: inout PostedDocuments,
    orders: [String: OrderState]
  ) {
    guard v.action != .cancel && (cancelled.isEmpty || !cancelled.contains(v.no)) else { return }
    // A voucher of one row (one move, or a transfer's two) that refers to no other (most: the vouchers
    // a run holds come this way, a hundred thousand of them) has its keys made here and numbered at
    // once: through the encoder's buffer of pending records, each record was a tenth of a microsecond
    // more. (Vouchers of several rows go the general way at once: for them the keys made here would be
    // made again.)
    if let row = v.onlyRow, v.returnAgainst.isEmpty && v.againstVoucher.isEmpty && v.action != .close {
      // Its moves in `forEachMove`'s order (warehouse, source, target), the blank ones left out: the
      // first two of those it names.
      let (w, source, target) = (row.warehouse, row.source, row.target)
      let count = (w.isEmpty ? 0 : 1) + (source.isEmpty ? 0 : 1) + (target.isEmpty ? 0 : 1)
      let first = !w.isEmpty ? w : (!source.isEmpty ? source : target)
      let second = !w.isEmpty && !source.isEmpty ? source : target
      if count <= 2 {
        // (A row naming no warehouse: its item in a blank one, ``Replay/appendHistoryKeys(_:to:original:)``.)
        if count == 0 { encoder.add(source: i, first: StockKey(item: row.item, warehouse: .empty), second: nil) } else {
          encoder.add(source: i, first: StockKey(item: row.item, warehouse: first), second: count == 2 ? StockKey(item: row.item, warehouse: second) : nil)
        }
        return
      }
    }
    // Collected straight into the encoder's buffer (a buffer of their own copied into it, key by key,
    // was a tenth of the history's keys).
    encoder.add(source: i) { Replay.appendHistoryKeys(v, to: &$0) { documents.keys(ofOriginal: $0, orders: orders) } }
  }

  /// Writes the history of ``historyKeys(of:on:from:)``: the file rewritten after a replay, appended to after
  /// a run from the snapshot.
  /// - Parameter places: where the run's vouchers were committed (parallel to `s.acceptedNew`).
  /// - Returns: the file's size and the number of vouchers it holds, for the next snapshot.
  static func storeHistory(_ encoder: HistoryFile.Encoder, places: VoucherPlaces, on ledger: LedgerContents, from previous: HeadSnapshot?, in file: HistoryFile) throws(StoreError) -> (size: Int, count: Int) {
    if let previous {
      return (try file.append(encoder.bytes { places[$0] }, after: previous.historySize), previous.historyCount + encoder.count)
    }
    // Sources as ``historyKeys(of:on:from:)`` counts them: the ledger's placed vouchers, then the run's.
    let ledgerPlaces = ledger.voucherPlaces
    let placed = min(ledger.vouchers.count, ledgerPlaces.count)
    return (try file.write(encoder) { $0 < placed ? ledgerPlaces[$0] : places[$0 - placed] }, encoder.count)
  }
}

extension HeadSnapshot {
  /// Writes the voucher index's base when its recent part has grown enough to merge (after a replay it
  /// was written with the documents, ``storeDocuments(of:on:from:loaded:in:indexIn:)``).
  mutating func storeIndex(ledger: String, from previous: HeadSnapshot?) throws(StoreError) {
    guard let previous else { return }
    if !index.wantsMerge {
      indexBaseSize = previous.indexBaseSize
      return
    }
    do { index = try index.merged() } catch { throw StoreError(path: PostedVouchers.basePath(ledger: ledger), "cannot be merged: \(error)") }
    indexBaseSize = try index.writeBase(ledger: ledger)
    // Written, the base is mapped from its file as the next run maps it: its arrays (330 MB at ten
    // million vouchers) go before the snapshot is encoded and the run ends.
    if let mapped = try? PostedVouchers.mapBase(ledger: ledger, size: indexBaseSize) { index = PostedVouchers(mapped: mapped) }
  }
}

extension HeadSnapshot {
  /// The documents of a snapshot written anew from the ledger (``rebuilt(paths:store:chain:masters:timer:)``),
  /// as a replay of the ledger writes them (``storeDocuments(of:on:from:loaded:in:indexIn:)`` with no run):
  /// the document of every submitted voucher of `vouchers` (the ledger's, in ledger order) that set one, each
  /// copied as its record holds it, the file rewritten. Returns, for each submitted voucher in order, 1 +
  /// the offset of its document, 0 for none (what ``storeIndex(ofLedger:documentPlaces:indexIn:)`` takes).
  /// - Complexity: O(vouchers), each read from the shelf without its rows; the documents' table of numbers
  ///   built at the first lookup (``PostedDocuments``).
  mutating func storeDocuments(ofLedger vouchers: VoucherList, documents: inout PostedDocuments, in file: DocumentFile) throws(StoreError) -> [UInt64] {
    var scratch = BinaryWriter(capacity: 256)
    let rewrite = try file.rewrite()
    var documentPlaces: [UInt64] = []
    documentPlaces.reserveCapacity(vouchers.count)
    vouchers.forEachSketch(rows: false) { _, v in
      guard v.action == .submit else { return }
      scratch.reset()
      guard documents.encode(documentOf: v.no, into: &scratch) else { return documentPlaces.append(0) }
      documentPlaces.append(UInt64(rewrite.record(scratch.bytes)) + 1)
    }
    documentsSize = try rewrite.finish()
    return documentPlaces
  }

  /// The voucher index's base of a snapshot written anew from the ledger: every submitted voucher of
  /// `vouchers` (in ledger order), its document where `documentPlaces` (of ``storeDocuments(ofLedger:documents:in:)``)
  /// says. A pass of its own, after the documents' table of numbers is let go: beside it, the index's
  /// arrays were the peak of a ten-million-voucher ledger's.
  /// - Complexity: O(vouchers), each read from the shelf without its rows, and the index's sort.
  mutating func storeIndex(ofLedger vouchers: VoucherList, documentPlaces: [UInt64], indexIn indexLedger: String) throws(StoreError) {
    var built = vouchers.count > HeadSnapshot.indexNamesInMemory
      ? VoucherIndex.Builder(capacity: documentPlaces.count, spillingNamesTo: indexLedger, every: RunCommand.spillBytes) : VoucherIndex.Builder(capacity: documentPlaces.count)
    vouchers.forEachSketch(rows: false) { _, v in
      if v.action == .submit { built.add(v.no, type: v.type, date: v.date, document: nil) }
    }
    (index, indexBaseSize) = try PostedVouchers.writeBase(built.buildAwaitingDocuments(), documents: { documentPlaces[$0] }, ledger: indexLedger)
  }

  /// The history of a snapshot written anew from the ledger: the keys of every voucher of `vouchers` (the
  /// ledger's, in ledger order: its sources are their positions) that is neither a cancellation nor
  /// cancelled, as ``historyKeys(of:on:from:)`` gives them after a replay, with `documents` and `orders` the
  /// engine's after posting them.
  /// - Complexity: O(vouchers × rows), each read from the shelf with its moves.
  static func historyKeys(ofLedger vouchers: VoucherList, documents: inout PostedDocuments, orders: [String: OrderState], cancelled: Set<String>) -> HistoryFile.Encoder {
    var encoder = HistoryFile.Encoder(appending: false, capacity: 10 * vouchers.count + 1024)
    vouchers.forEachSketch(rows: true) { i, v in addKeys(i, v, cancelled: cancelled, to: &encoder, documents: &documents, orders: orders) }
    encoder.finish()
    return encoder
  }
}
