import CSystem
import StockCore

/// Stock ageing as a fold: FIFO slots per item and warehouse, independent of the valuation method
/// (reference §9.1), over the entries up to `to`. Ages are taken at render time, as of `to` or else the
/// latest posting date folded.
public struct AgeingFold: Sendable {
  /// A FIFO slot: a quantity received on a date, with its value.
  ///
  /// 24 bytes, not 48: quantity and value packed into 64 bits of 10⁻⁹ each (up to ±9.2 × 10⁹), or, when
  /// one does not fit, both kept whole in ``WidePairs`` and found by a position stored in the value's
  /// place. A fold holds a slot per open receipt: a growing business's ten million vouchers left millions
  /// open, 380 MB of slots.
  struct Slot: Sendable {
    private var packedQty: Int64
    private var packedValue: Int64
    var date: BusinessDate

    init(qty: Quantity, date: BusinessDate, value: Fixed) {
      self.date = date
      if let q = Int64(exactly: qty.raw), q != Slot.wide, let v = Int64(exactly: value.raw) {
        (packedQty, packedValue) = (q, v)
      } else {
        (packedQty, packedValue) = (Slot.wide, Int64(WidePairs.add(qty, value)))
      }
    }

    /// The packed quantity of a slot whose numbers are in ``WidePairs``.
    static let wide = Int64.min

    var qty: Quantity { packedQty != Slot.wide ? Fixed(raw: Int128(packedQty)) : WidePairs.pair(at: Int(packedValue)).0 }
    var value: Fixed { packedQty != Slot.wide ? Fixed(raw: Int128(packedValue)) : WidePairs.pair(at: Int(packedValue)).1 }
  }

  /// The slots of one item and warehouse, oldest first; taking from the front is O(1) amortised: the slots
  /// taken are dropped once they are half the array (kept, a million-voucher run held every receipt's
  /// slot to the end, tens of megabytes).
  struct SlotQueue: Sendable {
    private var slots: [Slot] = []
    private var head = 0
    var live: ArraySlice<Slot> { slots[head...] }
    var first: Slot? {
      get { head < slots.count ? slots[head] : nil }
      set { if let newValue, head < slots.count { slots[head] = newValue } }
    }
    mutating func append(_ s: Slot) {
      if slots.capacity == 0 { slots.reserveCapacity(8) }  // (grown from one slot, most queues were copied four times)
      slots.append(s)
    }
    mutating func popFront() {
      head += 1
      if head >= 16 && 2 * head >= slots.count {
        slots.removeFirst(head)
        head = 0
      }
    }
    /// Where, in a queue, the reference to its slots' storage and its head are (``AgeingFold/prefetch(slotsAt:)``).
    static var storageOffset: Int { MemoryLayout<SlotQueue>.offset(of: \.slots)! }
    static var headOffset: Int { MemoryLayout<SlotQueue>.offset(of: \.head)! }

    mutating func pushFront(_ s: Slot) {
      if head > 0 {
        head -= 1
        slots[head] = s
      } else {
        slots.insert(s, at: 0)
      }
    }
  }

  public let filter: ReportFilter
  var slots = StockKeyTable<SlotQueue>()
  /// Slots a stock entry or reconciliation took out, until the same voucher puts them back: in the order
  /// taken, each with its item and warehouse, and a mark (no slot) for every movement that took, so that a
  /// movement that took nothing still counts as having taken (``Taken``). Only meaningful within one
  /// voucher: emptied, keeping its room, when the next voucher's entries start (a voucher's entries are
  /// consecutive), so transfers and issues leave nothing behind. (A dictionary of arrays hashed every
  /// transfer's key and allocated its array, for a voucher that almost never puts anything back.)
  var removed = Taken()
  /// The voucher whose slots `removed` holds.
  private var removedBy = VoucherNumber.empty
  /// The latest posting date folded.
  public internal(set) var latest: BusinessDate?
  public init(filter: ReportFilter = ReportFilter()) { self.filter = filter }

  /// Asks for the first slots of the item-warehouse at `position` (``StockKeyTable/prefetch(position:)``,
  /// which brought its queue's place into cache) to be brought into cache: the header of the queue's
  /// storage (its count, read by every change) and its oldest live slot, which the fold reads first. A
  /// position that proves wrong costs a wasted prefetch; -1 asks for nothing.
  /// - Complexity: O(1).
  @inline(__always) func prefetch(slotsAt position: Int) {
    guard position >= 0, position < slots.count else { return }
    slots.withValues { queues in
      let queue = UnsafeRawPointer(queues.baseAddress! + position)
      let storage = queue.load(fromByteOffset: SlotQueue.storageOffset, as: UnsafeRawPointer.self)
      let head = queue.load(fromByteOffset: SlotQueue.headOffset, as: Int.self)
      // The storage object: a 32-byte header (reference count, count, capacity), then the slots.
      stockledger_prefetch(storage + 16)
      stockledger_prefetch(storage + 32 + head * MemoryLayout<Slot>.stride)
    }
  }

  /// - Complexity: O(slots consumed); one table lookup.
  public mutating func add(_ e: StockLedgerEntry) {
    latest = max(latest ?? e.date, e.date)
    if let to = filter.to, e.date > to { return }
    // Only stock entries and reconciliations put back what they took out (repack, batch reconciliation).
    let putsBack = e.voucherType == .stockReconciliation || e.voucherType == .stockEntry
    if putsBack && e.number != removedBy {
      removed.removeAll()
      removedBy = e.number
    }
    let key = e.key
    AgeingFold.fold(e, putsBack: putsBack, key: key, into: &slots[key, default: SlotQueue()], removed: &removed)
  }

  /// Applies one entry to its item-warehouse's slots (in place in the table, not copied out and back).
  private static func fold(_ e: StockLedgerEntry, putsBack: Bool, key: StockKey, into list: inout SlotQueue, removed: inout Taken) {
    if e.actualQty.isPositive {
      // A repack or reconciliation puts back what it took out of the same item-warehouse, with its dates,
      // oldest first and up to the quantity coming in; any more comes in as a receipt, with the value
      // left. (Having taken nothing, or more than comes back, it put back everything it took, or nothing:
      // the quantity of a reconciliation that raised the stock, or followed negative stock, was lost.)
      var (left, value) = (e.actualQty, e.stockValueDifference)
      if putsBack, let back = removed.takeBack(key), !back.isEmpty {
        var pieces: [Slot] = []
        for slot in back {
          if !left.isPositive { break }
          if slot.qty <= left {
            pieces.append(slot)
            left -= slot.qty
            value -= slot.value
          } else {
            let part = slot.value.multiplied(by: left.divided(by: slot.qty, rule: .halfUp), places: 9, rule: .halfUp)
            pieces.append(Slot(qty: left, date: slot.date, value: part))
            value -= part
            left = .zero
          }
        }
        for slot in pieces.reversed() { list.pushFront(slot) }
        guard left.isPositive else { return }
      }
      if let first = list.first, !first.qty.isPositive {
        list.first = Slot(qty: first.qty + left, date: e.date, value: first.value + value)
      } else {
        list.append(Slot(qty: left, date: e.date, value: value))
      }
    } else if e.actualQty.isNegative {
      var need = -e.actualQty
      if putsBack { removed.mark(key) }
      while need.isPositive, let first = list.first, first.qty.isPositive {
        if first.qty <= need {
          if putsBack { removed.append(key, first) }
          need -= first.qty
          list.popFront()
        } else {
          let part = first.value.multiplied(by: need.divided(by: first.qty, rule: .halfUp), places: 9, rule: .halfUp)
          if putsBack { removed.append(key, Slot(qty: need, date: first.date, value: part)) }
          list.first = Slot(qty: first.qty - need, date: first.date, value: first.value - part)
          need = .zero
        }
      }
      if need.isPositive {
        if let first = list.first, !first.qty.isPositive {
          list.first = Slot(qty: first.qty - need, date: first.date, value: first.value)
        } else {
          list.pushFront(Slot(qty: -need, date: e.date, value: .zero))
        }
      }
    }
  }

  /// The slots one voucher's movements took out, for the same voucher to put back (``removed``): a flat
  /// list kept from voucher to voucher, searched from the start (a voucher moves a handful of keys).
  struct Taken: Sendable {
    /// In the order taken: a movement's mark (`slot` nil), then the slots it took.
    private var entries: [(key: StockKey, slot: Slot?)] = []

    /// Forgets every slot taken, keeping the room.
    mutating func removeAll() { if !entries.isEmpty { entries.removeAll(keepingCapacity: true) } }

    /// Notes that a movement of `key` takes out (nothing, perhaps).
    mutating func mark(_ key: StockKey) { entries.append((key, nil)) }

    /// A slot the movement of `key` took out.
    mutating func append(_ key: StockKey, _ slot: Slot) { entries.append((key, slot)) }

    /// The slots taken out of `key`, in the order taken, and forgets them; nil when no movement of the key
    /// took out (an empty list when one did and found nothing).
    /// - Complexity: O(entries).
    mutating func takeBack(_ key: StockKey) -> [Slot]? {
      guard entries.contains(where: { $0.key == key }) else { return nil }
      var back: [Slot] = []
      for e in entries where e.key == key { if let s = e.slot { back.append(s) } }
      entries.removeAll { $0.key == key }
      return back
    }
  }

  /// The bucket bounds and names of `filter.ranges` (`0_30`, …, `91_above`).
  var buckets: (bounds: [Int], names: [String]) {
    let bounds = filter.ranges.sorted()
    var names: [String] = []
    var lower = 0
    for b in bounds {
      names.append("\(lower)_\(b)")
      lower = b + 1
    }
    names.append("\(lower)_above")
    return (bounds, names)
  }

  public var columns: [String] {
    let names = buckets.names
    return ["item_code", "warehouse", "balance_qty", "average_age"] + names.map { "age_" + $0 } + names.map { "value_" + $0 } + ["earliest_age", "latest_age"]
  }

  /// `stock-ageing` rows as of `to` (else the latest date folded), with `ranges` as bucket bounds in days.
  /// - Parameter only: the rows of those item-warehouses.
  public func rows(into w: inout some RowSink, company: Company, only: Set<StockKey>? = nil) {
    let asOf = filter.to ?? latest ?? BusinessDate(dayNumber: 0)
    let (bounds, names) = buckets
    // The rows' positions in the table and their keys (read in place: a copy of the table's pairs retained
    // and released every queue).
    let all = slots.keysInOrder
    let positions = only.map { o in o.compactMap { slots.position(of: $0) } } ?? Array(all.indices)
    let keys = only == nil ? all : positions.map { all[$0] }
    // The buckets' sums, kept from row to row (two arrays per row were a tenth of the report).
    var bucketQty = [Quantity](repeating: .zero, count: names.count)
    var bucketValue = [Fixed](repeating: .zero, count: names.count)
    for i in StockKey.sortedOrder(keys) where filter.matches(keys[i]) {
      let key = keys[i]
      let list = slots[at: positions[i]].live
      let qty = list.reduce(Quantity.zero) { $0 + $1.qty }
      guard !qty.isZero else { continue }
      var weighted = Wide.zero
      for b in bucketQty.indices {
        bucketQty[b] = .zero
        bucketValue[b] = .zero
      }
      var earliest = Int.min, newest = Int.max
      for slot in list {
        let age = asOf.days(since: slot.date)
        earliest = max(earliest, age)
        newest = min(newest, age)
        weighted += Wide(product: slot.qty, Fixed(age))
        var bucket = 0
        while bucket < bounds.count && age > bounds[bucket] { bucket += 1 }
        bucketQty[bucket] += slot.qty
        bucketValue[bucket] += slot.value
      }
      let average = weighted.divided(by: qty, places: 2, rule: company.rounding)
      // (One check for room a row, not one a field: the report is written again whole by every run.)
      w.withRoom(ByteWriter.usualRow) { w in
        w.text(key.itemName)  // (from the bytes the names' boxes keep)
        w.text(key.warehouseName)
        w.plain(qty)
        w.plain(average)
        for q in bucketQty { w.plain(q) }
        for v in bucketValue { w.amount(company.money(v), places: company.currencyPrecision) }
        w.integer(list.isEmpty ? 0 : earliest)
        w.integer(list.isEmpty ? 0 : newest)
        w.endRow()
      }
    }
  }
}

extension AgeingFold {
  /// Written between vouchers (`removed` is empty then).
  func encode(into w: inout BinaryWriter) { encode(into: &w) { _ in } }

  /// The same, `afterKey` called after each item-warehouse's slots (to hand the bytes so far over).
  func encode(into w: inout BinaryWriter, afterKey: (inout BinaryWriter) -> Void) {
    w.optionalDate(latest)
    w.count(slots.count)
    // In the report's order: decoded so, the next run's keys are in order but for those it adds, and the
    // sort of its rows (a stable merge sort, which takes runs as they are) is a pass, not a sort of 45,000.
    let keys = slots.keysInOrder
    for p in StockKey.sortedOrder(keys) {
      let live = slots[at: p].live
      // A key's slots appended at once (``BinaryWriter/record(headBytes:_:items:itemBytes:_:)``).
      w.record(
        headBytes: keys[p].encodedSizeBound &+ 10,
        { w in
          w.key(keys[p])
          w.count(live.count)
        }, items: live, itemBytes: 17 &+ 10 &+ 17
      ) { w, s in
        w.compactFixed(s.qty)
        w.int(s.date.dayNumber)  // (``BinaryWriter/date(_:)``'s bytes)
        w.compactFixed(s.value)
      }
      afterKey(&w)
    }
  }
  init(decoding r: inout BinaryReader) throws(BinaryFormatError) {
    self.init()
    latest = try r.optionalDate()
    let n = try r.count()
    slots.reserveCapacity(n)
    for _ in 0..<n {
      let k = try r.key()
      var q = SlotQueue()
      for _ in 0..<(try r.count()) { q.append(Slot(qty: try r.compactFixed(), date: try r.date(), value: try r.compactFixed())) }
      guard slots.appendNew(k, q) else { throw .repeated(k, at: r.offset) }
    }
  }
}
