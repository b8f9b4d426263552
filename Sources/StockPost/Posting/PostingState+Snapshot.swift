import StockCore

/// The engine state in the snapshot's binary layout (``BinaryWriter``), so that a run can continue from
/// the ledger head without replaying the history. Keys are written in table order (item-warehouses in the
/// order they were added, the rest in dictionary order): a snapshot is a
/// cache, compared by what it decodes to, not by its bytes. `documents` (what returns and invoices need of every posted voucher) is not part of a snapshot; a
/// run that needs a posted voucher's document replays the ledger instead.
extension PostingState {
  /// - Complexity: O(n) in the number of item-warehouses, serials, batches and orders.
  public func encode(into w: inout BinaryWriter) {
    w.count(stock.count)
    for (k, s) in stock {
      // A key's state and its queue's bins appended at once (field by field, each number was a call that
      // checked the array's room: 55 M instructions for a million-voucher ledger).
      w.record(
        headBytes: k.encodedSizeBound &+ 3 &* 17 &+ 1 &+ 10,
        { w in
          w.key(k)
          w.compactFixed(s.qty)
          w.compactFixed(s.stockValue)
          w.compactFixed(s.valuationRate)
          w.bool(s.hasEntries)
          w.count(s.queue.count)
        }, items: s.queue.bins, itemBytes: 2 &* 17
      ) { w, b in
        w.compactFixed(b.qty)
        w.compactFixed(b.rate)
      }
    }
    w.count(serials.count)
    for no in serials.keys {
      let s = serials[no]!
      w.string(no)
      w.string(s.item)
      w.string(s.batch)
      w.string(s.warehouse)
      w.compactFixed(s.incomingRate)
      w.int(s.receivedSequence)
    }
    w.count(batches.count)
    for no in batches.keys {
      let b = batches[no]!
      w.string(no)
      w.string(b.item)
      w.optionalDate(b.expiry)
      w.optionalDate(b.manufactured)
      w.date(b.createdOn)
      w.int(b.sequence)
    }
    w.count(batchStock.count)
    for k in batchStock.keys {
      let b = batchStock[k]!
      w.string(k.batch)
      w.string(k.warehouse)
      w.compactFixed(b.qty)
      w.compactFixed(b.value)
    }
    for lists in [serialsIn, batchesIn] {
      w.count(lists.count)
      for k in lists.keys {
        w.key(k)
        let members = lists[k]!  // in picking order
        w.count(members.count)
        for m in members { w.string(m) }
      }
    }
    w.count(seriesUsed.count)
    for p in seriesUsed.keys {
      w.string(p)
      w.int(seriesUsed[p]!)
    }
    w.count(tracked.count)
    for item in tracked.keys {
      let c = tracked[item]!
      w.string(item)
      w.int(c.batches)
      w.int(c.serials)
    }
    w.count(orders.count)
    for no in orders.keys {
      let o = orders[no]!
      w.string(no)
      w.string(o.type.rawValue)
      w.string(o.party)
      w.bool(o.isClosed)
      w.count(o.remaining.count)
      for k in o.remaining.keys {
        w.key(k)
        w.compactFixed(o.remaining[k]!)
      }
    }
    w.count(planning.count)
    for (k, t) in planning {
      w.key(k)
      w.compactFixed(t.reserved)
      w.compactFixed(t.ordered)
      w.compactFixed(t.planned)
    }
  }

  /// Reads what ``encode(into:)`` wrote.
  public init(decoding r: inout BinaryReader) throws(BinaryFormatError) {
    self.init()
    let keys = try r.count()
    stock.reserveCapacity(keys)
    for _ in 0..<keys {
      let k = try r.key()
      var s = ItemWarehouseState()
      s.qty = try r.compactFixed()
      s.stockValue = try r.compactFixed()
      s.valuationRate = try r.compactFixed()
      s.hasEntries = try r.bool()
      let n = try r.count()
      var bins: [StockBin] = []
      bins.reserveCapacity(n)
      for _ in 0..<n { bins.append(StockBin(qty: try r.compactFixed(), rate: try r.compactFixed())) }
      s.queue = StockQueue(bins)
      guard stock.appendNew(k, s) else { throw .repeated(k, at: r.offset) }
    }
    for _ in 0..<(try r.count()) {
      let no = try r.string()
      serials[no] = SerialState(item: try r.string(), batch: try r.string(), warehouse: try r.string(), incomingRate: try r.compactFixed(), receivedSequence: try r.int())
    }
    for _ in 0..<(try r.count()) {
      let no = try r.string()
      batches[no] = BatchState(item: try r.string(), expiry: try r.optionalDate(), manufactured: try r.optionalDate(), createdOn: try r.date(), sequence: try r.int())
    }
    for _ in 0..<(try r.count()) {
      let k = BatchKey(batch: try r.string(), warehouse: try r.string())
      batchStock[k] = BatchStock(qty: try r.compactFixed(), value: try r.compactFixed())
    }
    for which in 0..<2 {
      var lists: [StockKey: ArraySlice<String>] = [:]
      for _ in 0..<(try r.count()) {
        let k = try r.key()
        var members: [String] = []
        for _ in 0..<(try r.count()) { members.append(try r.string()) }
        lists[k] = members[...]
      }
      if which == 0 { serialsIn = lists } else { batchesIn = lists }
    }
    for _ in 0..<(try r.count()) { seriesUsed[try r.string()] = try r.int() }
    for _ in 0..<(try r.count()) { tracked[try r.string()] = TrackedCounts(batches: try r.int(), serials: try r.int()) }
    for _ in 0..<(try r.count()) {
      let no = try r.string()
      let typeName = try r.string()
      guard let type = VoucherType(rawValue: typeName) else { throw BinaryFormatError(offset: r.offset, "unknown voucher type \(typeName)") }
      var o = OrderState(type: type, party: try r.string(), remaining: [:])
      o.isClosed = try r.bool()
      for _ in 0..<(try r.count()) { o.remaining[try r.key()] = try r.compactFixed() }
      orders[no] = o
    }
    let planned = try r.count()
    planning.reserveCapacity(planned)
    for _ in 0..<planned {
      let k = try r.key()
      var t = PlanningTotals()
      t.reserved = try r.compactFixed()
      t.ordered = try r.compactFixed()
      t.planned = try r.compactFixed()
      planning[k] = t
    }
  }
}
