import Foundation
import StockCore
import StockPost
import StockRead
import StockReports
import StockStore

extension RunWork {
  /// How a run continues from the head snapshot.
  enum Continuation {
    /// Every voucher posts after the head.
    case forward
    /// Some vouchers are dated before the head, or cancel posted ones: the part of the history they can
    /// revalue is replayed.
    case revaluing(Component)
  }

  /// Prepares the run to continue from the head snapshot, or says why it cannot. The documents of the
  /// posted vouchers the run refers to (originals of returns, receipts of invoices) are loaded into the
  /// starting state; with vouchers dated before the head, or cancellations of posted vouchers, the part of
  /// the history they touch is loaded and replaces its item-warehouses' state. A cancelled voucher's stock
  /// entries and GL lines are those the ledger holds (``LedgerStore/storedLines(of:)``: its GL is reversed
  /// line by line, adjustments included, as a replay of the whole ledger reverses it).
  mutating func continuing(from snapshot: HeadSnapshot, documents: DocumentFile, history: HistoryFile, ledgerDirectory: String) -> Result<Continuation, Fallback> {
    // The run's own vouchers that others of the run refer to (returned, billed, fulfilled), by number: only
    // those are kept (every voucher of a large run, kept here, were objects again).
    var referenced: Set<String> = []
    for f in files {
      f.valid.forEachSketch(rows: false) { _, v in
        if !v.returnAgainst.isEmpty { referenced.insert(v.returnAgainst) }
        if !v.againstVoucher.isEmpty { referenced.insert(v.againstVoucher) }
        if v.action == .close { referenced.insert(v.no) }  // (its order)
      }
    }
    var own: [String: Voucher] = [:]
    if !referenced.isEmpty {
      for f in files { f.valid.forEachSketch(rows: false) { i, v in if v.action == .submit && referenced.contains(v.no) { own[v.no] = f.valid[i] } } }
    }
    var seeds: Set<StockKey> = []
    var cancelling: Set<String> = []
    var cancellingOrders: Set<String> = []
    for f in files {
      for v in f.valid {
        if v.action == .cancel {
          // (Validated: posted, not yet cancelled.) An order moves no stock: its part is found from the
          // item-warehouses it orders.
          guard let posted = snapshot.index.lookup(v.no) else { return .failure(.init("\(v.no) (\(f.picked.name)) cancels a voucher the head does not know")) }
          if posted.type.isOrder {
            guard let o = base.orders[v.no] else { return .failure(.init("\(v.no) (\(f.picked.name)) cancels an order the head does not hold")) }
            seeds.formUnion(o.remaining.keys)
            cancellingOrders.insert(v.no)
          } else {
            cancelling.insert(v.no)
          }
          continue
        }
        for ref in [v.returnAgainst, v.againstVoucher] where !ref.isEmpty && own[ref] == nil && base.documents[ref] == nil {
          guard let posted = snapshot.index.lookup(ref), !posted.type.isOrder, !snapshot.cancelled.contains(ref) else { continue }
          guard let offset = snapshot.index.documentOffset(ref) else { continue }  // a voucher without a document (a stock entry)
          guard offset < snapshot.documentsSize, let bytes = documents.read(at: offset) else { return .failure(.init("the stored document of \(ref) cannot be read")) }
          var r = BinaryReader(bytes)
          guard let doc = try? PostedDocument(decoding: &r) else { return .failure(.init("the stored document of \(ref) is damaged")) }
          base.documents[ref] = doc
        }
        if snapshot.precedesHead(v) {
          if let reason = namesOfOtherItems(v, file: f.picked.name) { return .failure(.init(reason)) }
          // (An order's are those it orders; a close's and a fulfilment's, its order's besides.)
          seeds.formUnion(keys(of: v, own: own))
        }
      }
    }
    // A cancelled voucher's part is found from the item-warehouses of its entries as the ledger holds them.
    var stored = LedgerStore.StoredLines()
    if !cancelling.isEmpty {
      guard let found = LedgerStore(directory: ledgerDirectory).storedLines(of: cancelling) else {
        return .failure(.init("the lines of the cancelled vouchers cannot be found in the ledger's files"))
      }
      stored = found
      var moving: Set<String> = []
      for e in stored.entries.values {
        seeds.insert(e.key)
        moving.insert(e.voucherNo)
      }
      // One that moves no stock (an invoice) is found from its items: the history records its rows in a
      // blank warehouse, with those of every voucher naming them so (``Replay/appendHistoryKeys``), and the
      // keys of the original it bills or returns.
      let still = cancelling.subtracting(moving)
      if !still.isEmpty {
        guard let vouchers = LedgerStore(directory: ledgerDirectory).storedVouchers(of: still) else {
          return .failure(.init("the cancelled vouchers that move no stock cannot be found in the ledger's files"))
        }
        for no in still.sorted() {
          guard let v = vouchers[no] else { return .failure(.init("the cancelled voucher \(no) cannot be found in the ledger's files")) }
          let keys = keys(of: v, own: own, asTheHistory: true)
          guard !keys.isEmpty else { return .failure(.init("the cancelled voucher \(no) names no item")) }
          seeds.formUnion(keys)
        }
      }
    }
    // Items and warehouses whose master records changed: every voucher naming them is posted again, as a
    // replay of the whole ledger posts it under the new master data. Not a batch or serial item (its
    // series may have changed, which the head's naming series do not say).
    for item in snapshot.edited.items.sorted() {
      let tracked = masters.itemByCode[item].map { $0.hasBatchNo || $0.hasSerialNo } ?? false
      if tracked || base.batches.values.contains(where: { $0.item == item }) || base.serials.values.contains(where: { $0.item == item }) {
        return .failure(.init("the master data changed in \(item), which has batches or serials"))
      }
    }
    if seeds.isEmpty && snapshot.edited.isEmpty {
      if let no = cancellingOrders.first { return .failure(.init("the cancelled order \(no) orders nothing")) }
      return .success(.forward)
    }
    switch Component.load(seeds: seeds, edited: snapshot.edited, snapshot: snapshot, history: history, ledger: ledgerDirectory, masters: masters) {
    case .failure(let f): return .failure(f)
    case .success(let c) where c.keys.isEmpty:
      return .success(.forward)  // (edited records nothing posted names)
    case .success(let c):
      let inPart = Set(c.stored.vouchers.lazy.filter { $0.action == .submit }.map(\.no))
      for no in cancelling.union(cancellingOrders).sorted() where !inPart.contains(no) {
        // The part holds the voucher (and the original it returns or bills, or the order it fulfils: joined
        // through the history's keys, re-posted with it, its document written anew).
        return .failure(.init("the cancelled voucher \(no) is not in the history"))
      }
      for k in c.keys {
        base.stock.removeValue(forKey: k)
        base.planning.removeValue(forKey: k)
      }
      for no in c.orders { base.orders.removeValue(forKey: no) }
      base.removeTracked(c.trackedItems, keys: c.keys)
      ledger.vouchers = c.stored.vouchers
      ledger.entries = c.stored.entries
      ledger.gl = c.stored.gl
      if !cancelling.isEmpty {
        // The cancelled vouchers' entries and lines as the ledger holds them: the part's replay gives their
        // GL as it would be posted now, not the lines and adjustments the ledger has.
        for (key, e) in stored.entries { ledger.entries[key] = e }
        ledger.gl.removeAll { cancelling.contains($0.voucherNo) }
        ledger.gl += stored.gl
      }
      return .success(.revaluing(c))
    }
  }

  /// Why a voucher dated before the head would not post as a replay of the whole ledger posts it, with the
  /// batches and serials of its items replayed in the part: it names a batch or a serial number that
  /// another item has (a replay may meet that item's first only after it). nil when it does not.
  func namesOfOtherItems(_ v: Voucher, file: String) -> String? {
    guard v.hasTrackedRows else { return nil }
    for r in v.items {
      if !r.batchNo.isEmpty, let b = base.batches[r.batchNo], b.item != r.itemCode {
        return "\(v.no) (\(file)) is dated before the ledger's latest voucher and names batch \(r.batchNo) of \(b.item)"
      }
      for no in r.serialNos {
        if let s = base.serials[no], s.item != r.itemCode {
          return "\(v.no) (\(file)) is dated before the ledger's latest voucher and names serial number \(no) of \(s.item)"
        }
      }
    }
    return nil
  }

  /// The item-warehouses a voucher moves, and those of the original it returns, bills, fulfils or closes
  /// (the run's own, or a posted one's: ``PostedDocuments/keys(ofOriginal:orders:)``); `asTheHistory`, with
  /// its rows that name no warehouse as their items in a blank one, as `ledger/history.bin` records them
  /// (``Replay/appendHistoryKeys(_:to:original:)``).
  mutating func keys(of v: Voucher, own: [String: Voucher], asTheHistory: Bool = false) -> [StockKey] {
    let orders = base.orders
    func original(_ ref: String) -> [StockKey] { own[ref].map { Array(Replay.stockKeys($0)) } ?? base.documents.keys(ofOriginal: ref, orders: orders) }
    guard asTheHistory else { return Replay.stockKeys(v, original: original) }
    var keys: [StockKey] = []
    Replay.appendHistoryKeys(VoucherSketch(v), to: &keys, original: original)
    keys.uniqueSort(from: 0)
    return keys
  }
}
