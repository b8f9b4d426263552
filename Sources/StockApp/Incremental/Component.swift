import Foundation
import StockCore
import StockOrder
import StockPost
import StockRead
import StockStore

/// The part of the history a backdated voucher can revalue: every posted voucher connected to it through
/// shared item-warehouses (transfers, manufacture and returns join their item-warehouses; an order joins its
/// own with those of its close and of the vouchers that fulfil it; a batch or serial item joins all its own,
/// which share its batches and serials), found in `ledger/history.bin`. Its vouchers are replayed from
/// empty state with the run's; everything outside it continues from the head snapshot. Valuation state is
/// per item-warehouse, orders per the item-warehouses they name, batches and serials per item, so the part
/// replays exactly as the whole ledger would — and the run checks it: replayed without the run's vouchers,
/// the part must give the head's state for its item-warehouses, orders and batch and serial items, or the
/// whole ledger is replayed. (Under edited items or warehouses, which post otherwise now, there is nothing to
/// check it against: the part's lines are read from the ledger's files instead.)
struct Component {
  /// The most vouchers a part of a history of `count` holds: an eighth of them, or 20,000 in a smaller
  /// ledger. Each of a part's vouchers is read from its place in the ledger's files, parsed with its file's
  /// header and checked, two to three times a replay's cost per voucher: a warehouse joined by transfers to
  /// every other (its stock account changed) took 29.6 s and 1.56 GB as a part of 998,504 of a million
  /// vouchers, where the replay takes 12.5 s.
  static func largestPart(of count: Int) -> Int { testLargestPart ?? max(count / 8, 20_000) }
  /// For tests (`STOCKLEDGER_TEST_LARGEST_PART`): the most vouchers a part holds, whatever the ledger's size.
  static let testLargestPart = ProcessEnvironment.integer("STOCKLEDGER_TEST_LARGEST_PART")

  /// The item-warehouses of the part.
  var keys: Set<StockKey>
  /// Its batch and serial items: every item-warehouse of each is in `keys`, and their registries are
  /// replayed with them (``PostingState/removeTracked(_:keys:)``).
  var trackedItems: Set<String>
  /// Its orders (Sales, Purchase and Work Orders): replayed with their closes and fulfilments, their
  /// state and their item-warehouses' planning totals made again.
  var orders: Set<String>
  /// Its posted vouchers in ledger order, with their entries and GL as the ledger holds them (the part
  /// replayed without the run's vouchers).
  var stored: LedgerContents
  /// Number of stored entries per voucher.
  var storedEntryCount: [String: Int]

  /// Finds, reads and checks the part of the history connected to `seeds` and to every item-warehouse of
  /// the `edited` items and warehouses (whose master records changed); a reason when the run must replay
  /// the ledger instead.
  static func load(seeds: Set<StockKey>, edited: MasterRecords.Edits = .init(), snapshot: HeadSnapshot, history: HistoryFile, ledger: String, masters: Masters) -> Result<Component, Fallback> {
    // A batch or serial item's registries (its batches, serials, their stock and its sequences) are shared
    // by all its warehouses: the part takes every item-warehouse of such an item once it takes one.
    // So does an item whose master record changed: every voucher naming it posts otherwise (the history
    // records a row naming no warehouse as its item in a blank one); and a warehouse whose record changed.
    func isTracked(_ item: String) -> Bool { masters.itemByCode[item].map { $0.hasBatchNo || $0.hasSerialNo } ?? false }
    func takesWhole(_ item: String) -> Bool { edited.items.contains(item) || isTracked(item) }
    /// The part in the history `h`: its item-warehouses, batch and serial items, and where its vouchers are
    /// written, in ledger order.
    func part(of h: HistoryFile.Contents) -> Result<(keys: Set<StockKey>, trackedItems: Set<String>, places: [VoucherPlace]), Fallback> {
      guard h.count == snapshot.historyCount else { return .failure(.init("the history file does not match the snapshot")) }
      var keyID: [StockKey: Int] = [:]
      for (i, k) in h.keys.enumerated() { keyID[k] = i }
      var wholeKeyIDs: [String: [Int]]?
      var trackedItems: Set<String> = []
      var taken: Set<String> = []
      var keys = seeds
      var queue = seeds.compactMap { keyID[$0] }
      var seenKey = Set(queue)
      var ordinals = Set<Int32>()
      func take(item: String) {
        guard takesWhole(item), taken.insert(item).inserted else { return }
        if isTracked(item) { trackedItems.insert(item) }
        if wholeKeyIDs == nil {
          var byItem: [String: [Int]] = [:]
          for (i, k) in h.keys.enumerated() where takesWhole(k.item) { byItem[k.item, default: []].append(i) }
          wholeKeyIDs = byItem
        }
        for other in wholeKeyIDs![item] ?? [] where seenKey.insert(other).inserted {
          queue.append(other)
          keys.insert(h.keys[other])
        }
      }
      for k in seeds { take(item: k.item) }
      for item in edited.items.sorted() { take(item: item) }
      // An edited warehouse (its stock account, say): every item-warehouse in it.
      if !edited.warehouses.isEmpty {
        for (i, k) in h.keys.enumerated() where edited.warehouses.contains(k.warehouse) && seenKey.insert(i).inserted {
          queue.append(i)
          keys.insert(k)
        }
      }
      let largest = Component.largestPart(of: h.count)
      while let k = queue.popLast() {
        take(item: h.keys[k].item)
        for o in h.vouchers(of: k) where ordinals.insert(o).inserted {
          for other in h.keys(of: Int(o)) where seenKey.insert(Int(other)).inserted {
            queue.append(Int(other))
            keys.insert(h.keys[Int(other)])
          }
        }
        if ordinals.count > largest {
          return .failure(.init("the part of the history it touches holds more than \(largest) of the ledger's \(h.count) vouchers (a replay costs less)"))
        }
      }
      var places: [VoucherPlace] = []
      places.reserveCapacity(ordinals.count)
      for o in ordinals.sorted() {
        guard let place = h.place(of: Int(o)) else { return .failure(.init("the history file does not say where voucher \(o) is")) }
        places.append(place)
      }
      return .success((keys, trackedItems, places))
    }
    var found: Result<(keys: Set<StockKey>, trackedItems: Set<String>, places: [VoucherPlace]), Fallback>
    switch snapshot.history?.value ?? history.contents(size: snapshot.historySize) {
    case .success(let h):
      found = part(of: h)
      // An index found damaged by a lookup: what it gave is not trusted, the history is read whole.
      if h.isDamaged {
        switch history.contentsReadWhole(size: snapshot.historySize) {
        case .success(let whole): found = part(of: whole)
        case .failure(let error): return .failure(.init("the history file cannot be read (\(error))"))
        }
      }
    case .failure(let error): return .failure(.init("the history file cannot be read (\(error))"))
    }
    let (keys, trackedItems, places): (Set<StockKey>, Set<String>, [VoucherPlace])
    switch found {
    case .success(let p): (keys, trackedItems, places) = p
    case .failure(let f): return .failure(f)
    }
    // Read the part's vouchers from the ledger, each with the header of its run's file: the ledger's
    // voucher layout, or that of an inbox file the run took whole (``VerbatimVouchers``).
    var headers: [Int: [UInt8]] = [:]
    var vouchers: [Voucher] = []
    vouchers.reserveCapacity(places.count)
    for place in places {
      let path = ledger + "/runs/" + LedgerStore.runName(place.run) + "/vouchers.csv"
      if headers[place.run] == nil { headers[place.run] = FileBytes.firstLine(path) }
      guard let header = headers[place.run], let rows = FileBytes.read(path, range: place.start..<place.end) else { return .failure(.init("\(path) cannot be read")) }
      let f = CSVVoucherReader.read(bytes: header + rows, file: path)
      guard f.diagnostics.isEmpty, f.vouchers.count == 1, let v = f.vouchers.first else { return .failure(.init("\(path) does not hold a voucher at byte \(place.start)")) }
      // A voucher cancelled by a run that continued from the snapshot stays in the history (written
      // whole only by a replay): it is not part of the ledger's state.
      if snapshot.cancelled.contains(v.no) { continue }
      vouchers.append(v)
    }
    // Its orders: each with its close and every voucher that fulfils it, and every voucher that moves
    // stock where it orders (the history joins them), so replayed whole; the planning totals of the part's
    // item-warehouses come from them alone.
    let orders = Set(vouchers.lazy.filter { $0.type.isOrder && $0.action == .submit }.map(\.no))
    var stored = LedgerContents()
    stored.vouchers = vouchers
    var counts: [String: Int] = [:]
    if !edited.isEmpty {
      // Under edited master data the part posts otherwise than the ledger holds it: its entries and GL are
      // read from the committed files (``LedgerStore/storedLines(of:)``, one pass over them), and there is
      // no head to compare a replay of it with.
      guard let lines = LedgerStore(directory: ledger).storedLines(of: Set(vouchers.lazy.filter { !$0.type.isOrder }.map(\.no))) else {
        return .failure(.init("the lines of the vouchers naming the edited records cannot be found in the ledger's files"))
      }
      stored.entries = lines.entries
      stored.gl = lines.gl
      for e in lines.entries.values { counts[e.voucherNo, default: 0] += 1 }
      return .success(Component(keys: keys, trackedItems: trackedItems, orders: orders, stored: stored, storedEntryCount: counts))
    }
    // The part as the ledger holds it, checked against the head: its item-warehouses' states and planning
    // totals, its orders, and its batch and serial items' registries.
    var start = PostingState()
    start.orders = snapshot.state.orders.filter { !orders.contains($0.key) }
    let old = Replay(masters: masters, timeline: Timeline.order(posted: vouchers), state: start)
    guard old.failures.isEmpty else { return .failure(.init("the revalued part does not replay on its own")) }
    for k in keys where (old.state.stock[k] ?? ItemWarehouseState()) != (snapshot.state.stock[k] ?? ItemWarehouseState()) {
      return .failure(.init("the revalued part does not replay to the head's state of \(k.item) in \(k.warehouse)"))
    }
    for k in keys where old.state.planning[k] != snapshot.state.planning[k] {
      return .failure(.init("the revalued part does not replay to the head's planned quantities of \(k.item) in \(k.warehouse)"))
    }
    for no in orders.sorted() where old.state.orders[no] != snapshot.state.orders[no] {
      return .failure(.init("the revalued part does not replay to the head's state of the order \(no)"))
    }
    if !trackedItems.isEmpty, old.state.tracked(of: trackedItems, keys: keys) != snapshot.state.tracked(of: trackedItems, keys: keys) {
      return .failure(.init("the revalued part does not replay to the head's batches and serials of \(trackedItems.sorted().joined(separator: ", "))"))
    }
    for p in old.posted {
      for e in old.entries[p.entries] { stored.entries[LedgerContents.entryKey(e.voucherNo, e.index)] = e }
      counts[p.voucher.no] = p.entries.count
    }
    stored.gl = old.gl
    return .success(Component(keys: keys, trackedItems: trackedItems, orders: orders, stored: stored, storedEntryCount: counts))
  }
}

/// Why a run cannot continue from the head snapshot: it replays the ledger instead, and says so.
struct Fallback: Error {
  var reason: String
  init(_ reason: String) { self.reason = reason }
}
