import StockCore

/// One part of a row's movement: a batch (or none) and the serials in it.
struct Chunk {
  var batch: String
  var serials: [String]
  /// Stock UOM, positive.
  var qty: Quantity
  /// The value that left (outward chunks), carried to the target of a transfer.
  var value: Amount = .zero
}

extension Transaction {
  // MARK: overlay accessors

  func serial(_ s: String) -> SerialState? { pendingSerials[s] ?? base.serials[s] }
  func batch(_ b: String) -> BatchState? { pendingBatches[b] ?? base.batches[b] }
  func batchStock(_ k: BatchKey) -> BatchStock { pendingBatchStock[k] ?? base.batchStock[k] ?? BatchStock() }
  /// The serials in stock in `k`, oldest receipt first (the engine's own list: the voucher changes it in
  /// place, ``ListEdit``).
  @inline(__always) func serialsIn(_ k: StockKey) -> ArraySlice<String> { base.serialsIn[k] ?? [] }
  /// The batches with stock in `k`, in picking order (``PostingState/batchesIn``; changed in place as well).
  @inline(__always) func batchesIn(_ k: StockKey) -> ArraySlice<String> { base.batchesIn[k] ?? [] }

  /// Runs `body` on `key`'s list of `kind` in the engine's state, in place (made empty when there is none):
  /// the list is not copied while the engine alone holds it. (Its places are counted from its
  /// `startIndex`: a slice's indices move as names leave its front.)
  @inline(__always) mutating func changeList<R>(_ kind: ListKind, _ key: StockKey, _ body: (inout ArraySlice<String>) -> R) -> R {
    switch kind {
    case .serials: return body(&base.serialsIn[key, default: []])
    case .batches: return body(&base.batchesIn[key, default: []])
    }
  }

  /// Runs `body` on `key`'s list of `kind` in place when there is one; nil when there is none (no empty
  /// list is made for it).
  @inline(__always) mutating func changeExistingList<R>(_ kind: ListKind, _ key: StockKey, _ body: (inout ArraySlice<String>) -> R) -> R? {
    func change(_ list: inout ArraySlice<String>?) -> R? { list == nil ? nil : body(&list!) }
    switch kind {
    case .serials: return change(&base.serialsIn[key])
    case .batches: return change(&base.batchesIn[key])
    }
  }

  /// Appends `names` to `key`'s list of `kind`, to be undone if the voucher fails.
  /// - Complexity: O(names), amortized.
  mutating func appendToList(_ kind: ListKind, _ key: StockKey, _ names: [String]) {
    guard !names.isEmpty else { return }
    changeList(kind, key) { $0.append(contentsOf: names) }
    listEdits.append(.appended(key, kind, count: names.count))
  }

  /// Inserts `name` `offset` names from the front of `key`'s list of `kind`, to be undone if the voucher
  /// fails.
  /// - Complexity: O(list) moves of a word pair, no reference counted.
  mutating func insertIntoList(_ kind: ListKind, _ key: StockKey, _ name: String, at offset: Int) {
    changeList(kind, key) { $0.insert(name, at: $0.startIndex + offset) }
    listEdits.append(.inserted(key, kind, at: offset))
  }

  /// Removes `names` from `key`'s list of `kind` (serials that left a list in receipt order: its first
  /// ones when a delivery picked them; a batch emptied), keeping the others' order; to be undone if the
  /// voucher fails.
  /// - Complexity: O(names) when they are the list's first (they leave the slice's front: nothing moves),
  ///   else O(list + names).
  mutating func removeFromList(_ kind: ListKind, _ key: StockKey, _ names: [String]) {
    guard !names.isEmpty else { return }
    let removed = changeExistingList(kind, key) { list -> [(at: Int, name: String)]? in
      if list.starts(with: names) {
        list.removeFirst(names.count)
        return nil
      }
      if names.count == 1 {
        guard let i = list.firstIndex(of: names[0]) else { return [] }
        list.remove(at: i)
        return [(i - list.startIndex, names[0])]
      }
      let gone = Set(names)
      // Where each was, in the list's order (found before they go), counted from its front.
      let found = list.indices.filter { gone.contains(list[$0]) }.map { (at: $0 - list.startIndex, name: list[$0]) }
      list.removeAll { gone.contains($0) }
      return found
    }
    switch removed {
    case .none: return  // no list there
    case .some(.none): listEdits.append(.removedFirst(key, kind, names))
    case .some(.some(let removed)): if !removed.isEmpty { listEdits.append(.removed(key, kind, removed)) }
    }
  }

  /// Whether batch `a` is picked before batch `b`: first expiring first, batches without expiry last, then
  /// the oldest.
  static func picksFirst(_ a: BatchState, _ b: BatchState) -> Bool {
    switch (a.expiry, b.expiry) {
    case let (x?, y?) where x != y: return x < y
    case (nil, _?): return false
    case (_?, nil): return true
    default: return a.sequence < b.sequence
    }
  }

  /// Keeps batch `b` listed in `key`'s picking order exactly while it has stock there, given its quantity
  /// there before and after a change.
  /// - Complexity: nothing unless the batch gains or loses all its stock there; then one lookup for a batch
  ///   that sorts last (a new batch without expiry: the usual receipt), else O(batches with stock) lookups
  ///   to find its place, and the list changed in place (O(batches with stock) moves at most: the stock on
  ///   hand, not the history; no copy of it).
  mutating func notePickable(_ b: String, key: StockKey, before: Quantity, after: Quantity) {
    guard before.isPositive != after.isPositive else { return }
    if after.isPositive {
      guard let new = batch(b) else { return }
      let offset: Int = {
        let list = batchesIn(key)
        var i = list.endIndex
        while i > list.startIndex, let previous = batch(list[i - 1]), Transaction.picksFirst(new, previous) { i -= 1 }
        return i - list.startIndex
      }()
      insertIntoList(.batches, key, b, at: offset)
    } else {
      removeFromList(.batches, key, [b])
    }
  }

  enum NameKind { case batch, serial }

  /// The next name of a series that no batch (or serial) has.
  mutating func nextName(series s: NamingSeries, for kind: NameKind) -> String {
    var n = (pendingSeries[s.prefix] ?? base.seriesUsed[s.prefix] ?? 0) + 1
    var name = s.name(n)
    while kind == .batch ? batch(name) != nil : serial(name) != nil {
      n += 1
      name = s.name(n)
    }
    pendingSeries[s.prefix] = n
    return name
  }

  /// Notes that `name` is taken, when it is of the item's series `s` (nil: the item has none).
  mutating func noteName(_ name: String, series s: NamingSeries?) {
    guard let s else { return }
    if let n = s.number(of: name), n > (pendingSeries[s.prefix] ?? base.seriesUsed[s.prefix] ?? 0) { pendingSeries[s.prefix] = n }
  }

  /// Whether the item is valued per batch (each batch its own moving average) or per serial.
  func valuedSpecifically(_ item: Item) -> Bool { item.hasSerialNo || (item.hasBatchNo && item.useBatchwiseValuation) }

  /// Whether expired batches are refused for this movement: receipts and deliveries, not issues and transfers.
  var checksExpiry: Bool { voucher.type != .stockEntry || !(voucher.purpose == .materialIssue || voucher.purpose == .materialTransfer) }

  // MARK: moves

  /// A movement of a batch- or serial-tracked item (reference §2.5, §7).
  mutating func trackedMove(
    _ row: ItemRow, at index: Int?, item: Item, warehouse: String, actualQty: Quantity, incomingRate: Rate,
    outgoingRate: Rate?, keepSerialRates: Bool
  ) -> Movement? {
    if actualQty.isPositive {
      return trackedIn(row, at: index, item: item, warehouse: warehouse, qty: actualQty, incomingRate: incomingRate, keepSerialRates: keepSerialRates)
    }
    return trackedOut(row, at: index, item: item, warehouse: warehouse, qty: -actualQty, outgoingRate: outgoingRate)
  }

  mutating func trackedIn(_ row: ItemRow, at index: Int?, item: Item, warehouse: String, qty: Quantity, incomingRate: Rate, keepSerialRates: Bool) -> Movement? {
    var chunks: [Chunk]
    if let index, let carried = transferChunks[index] {
      chunks = carried  // the target of a transfer takes exactly what left the source
    } else {
      var batchNo = row.batchNo
      if item.hasBatchNo {
        if batchNo.isEmpty {
          guard let series = item.batchSeries else {
            fail(.required, line: row.line, field: "batch_no", "\(item.code) is batch-tracked: give batch_no (or set batch_no_series for the item in items.csv)")
            return nil
          }
          batchNo = nextName(series: series, for: .batch)
        }
        guard ensureBatch(batchNo, row, item, inward: true) else { return nil }
      }
      var serials = row.serialNos
      if item.hasSerialNo {
        guard let n = qty.integerValue else {
          fail(.badValue, line: row.line, field: "qty", "a serialized item moves whole units: \(qty) is not a whole number")
          return nil
        }
        if serials.isEmpty {
          guard let series = item.serialSeries else {
            fail(.required, line: row.line, field: "serial_nos", "\(item.code) is serialized: give \(n) serial numbers (or set serial_no_series for the item in items.csv)")
            return nil
          }
          serials = []
          for _ in 0..<n { serials.append(nextName(series: series, for: .serial)) }
        }
        var ok = true
        for s in serials {
          guard let known = serial(s) else { continue }
          if known.item != item.code {
            fail(.badValue, line: row.line, field: "serial_nos", "serial number \(s) belongs to item \(known.item), not \(item.code)")
            ok = false
          } else if !known.warehouse.isEmpty {
            fail(.badValue, line: row.line, field: "serial_nos", "serial number \(s) has already been received: it is in \(known.warehouse)")
            ok = false
          }
        }
        guard ok else { return nil }
      }
      chunks = [Chunk(batch: batchNo, serials: serials, qty: qty)]
      if let index, batchNo != row.batchNo || serials != row.serialNos {
        var resolved = row
        resolved.batchNo = batchNo
        resolved.serialNos = serials
        resolvedRows[index] = [resolved]
      }
    }
    let key = StockKey(item: item.code, warehouse: warehouse)
    var total = Amount.zero
    for chunk in chunks {
      var state = state(key)
      let carried = transferChunks[index ?? -1] != nil
      let outcome: Valuation.Outcome
      if valuedSpecifically(item) {
        var value: Amount
        if item.hasSerialNo {
          var sum = Wide.zero
          for s in chunk.serials {
            let rate = (keepSerialRates ? serial(s)?.incomingRate : nil) ?? (carried ? chunk.value.divided(by: chunk.qty, rule: arithmetic.rounding) : incomingRate)
            sum += Wide(rate)
          }
          value = carried && !keepSerialRates ? chunk.value : arithmetic.money(sum)
        } else {
          value = carried ? chunk.value : arithmetic.money(Wide(product: chunk.qty, incomingRate))
        }
        if carried { value = chunk.value }
        outcome = specific(&state, qty: chunk.qty, value: value)
      } else {
        let rate = carried ? chunk.value.divided(by: chunk.qty, rule: arithmetic.rounding) : incomingRate
        guard let o = self.value(row, item: item, warehouse: warehouse, actualQty: chunk.qty, incomingRate: rate, outgoingRate: nil, state: &state) else { return nil }
        outcome = o
      }
      setState(key, state)
      if !chunk.batch.isEmpty {
        let bk = BatchKey(batch: chunk.batch, warehouse: warehouse)
        var bs = batchStock(bk)
        let before = bs.qty
        bs.qty += chunk.qty
        bs.value += outcome.stockValueDifference
        pendingBatchStock[bk] = bs
        notePickable(chunk.batch, key: key, before: before, after: bs.qty)
      }
      if item.hasSerialNo {
        let perSerial = outcome.stockValueDifference.divided(by: Fixed(max(chunk.serials.count, 1)), rule: arithmetic.rounding)
        // Each gets the next receipt sequence: appended, the list stays in receipt order. (Appended in place:
        // the serials in stock there are not copied, ``appendToList(_:_:_:)``.)
        // (The item's count read and written once a chunk.)
        var counts = trackedCounts(item.code)
        for s in chunk.serials {
          counts.serials += 1
          let rate = (keepSerialRates ? serial(s)?.incomingRate : nil) ?? (carried ? serial(s)?.incomingRate ?? perSerial : incomingRate)
          pendingSerials[s] = SerialState(item: item.code, batch: chunk.batch, warehouse: warehouse, incomingRate: rate, receivedSequence: counts.serials)
          noteName(s, series: item.serialSeries)
        }
        pendingTracked[item.code] = counts
        appendToList(.serials, key, chunk.serials)
      }
      var tracked = row
      tracked.batchNo = chunk.batch
      tracked.serialNos = chunk.serials
      let shownRate = carried || (keepSerialRates && item.hasSerialNo) ? outcome.stockValueDifference.divided(by: chunk.qty, rule: arithmetic.rounding) : incomingRate
      _ = append(tracked, key: key, actualQty: chunk.qty, incomingRate: shownRate, outcome: outcome, qtyAfter: state.qty, valuationRate: state.valuationRate)
      total += outcome.stockValueDifference
    }
    return Movement(actualQty: qty, stockValueDifference: total, outgoingRate: .zero)
  }

  mutating func trackedOut(_ row: ItemRow, at index: Int?, item: Item, warehouse: String, qty: Quantity, outgoingRate: Rate?) -> Movement? {
    let key = StockKey(item: item.code, warehouse: warehouse)
    let before = problems.count
    var chunks: [Chunk] = []
    if item.hasSerialNo && !row.serialNos.isEmpty {
      var byBatch: [(String, [String])] = []
      for s in row.serialNos {
        guard let st = serial(s), st.item == item.code else {
          fail(.badValue, line: row.line, field: "serial_nos", "serial number \(s) of \(item.code) is not in stock: it was never received")
          continue
        }
        guard st.warehouse == warehouse else {
          fail(.badValue, line: row.line, field: "serial_nos", st.warehouse.isEmpty
            ? "serial number \(s) is not in stock on \(voucher.date): it has already left"
            : "serial number \(s) is in \(st.warehouse), not in \(warehouse)")
          continue
        }
        if !row.batchNo.isEmpty && st.batch != row.batchNo {
          fail(.badValue, line: row.line, field: "serial_nos", "serial number \(s) does not belong to batch \(row.batchNo) (it is in batch \(st.batch))")
          continue
        }
        if let i = byBatch.firstIndex(where: { $0.0 == st.batch }) { byBatch[i].1.append(s) } else { byBatch.append((st.batch, [s])) }
      }
      chunks = byBatch.map { Chunk(batch: $0.0, serials: $0.1, qty: Fixed($0.1.count)) }
    } else if item.hasBatchNo {
      if !row.batchNo.isEmpty {
        if ensureBatch(row.batchNo, row, item, inward: false) {
          chunks = [Chunk(batch: row.batchNo, serials: [], qty: qty)]
        }
      } else {
        // First expiring first; batches without expiry last; then the oldest batch: the list's order, so the
        // walk stops at the batches that cover the quantity (expired ones skipped where expiry is checked).
        var left = qty
        for b in batchesIn(key) {
          if !left.isPositive { break }  // (a filter on it went on through every batch with stock there)
          guard let st = batch(b) else { continue }
          if checksExpiry, let e = st.expiry, e < voucher.date { continue }
          let q = batchStock(BatchKey(batch: b, warehouse: warehouse)).qty
          guard q.isPositive else { continue }
          let take = min(q, left)
          chunks.append(Chunk(batch: b, serials: [], qty: take))
          left -= take
        }
        if left.isPositive {
          fail(.insufficientStock, line: row.line, field: "batch_no", "\(left) units of \(item.code) needed in \(warehouse) on \(voucher.date) for \(voucher.no): the unexpired batches there hold only \(qty - left)")
        }
      }
      if item.hasSerialNo { chunks = chunks.map { pickSerials($0, key: key, row: row, item: item) } }
    } else {
      chunks = [pickSerials(Chunk(batch: "", serials: [], qty: qty), key: key, row: row, item: item)]
    }
    for c in chunks where !c.batch.isEmpty {
      let have = batchStock(BatchKey(batch: c.batch, warehouse: warehouse)).qty
      if have < c.qty {
        fail(.insufficientStock, line: row.line, field: "batch_no", "\(c.qty - have) units of batch \(c.batch) of \(item.code) needed in \(warehouse) on \(voucher.date) \(voucher.time) for \(voucher.no): the batch holds \(have) there")
      }
    }
    // Named serials and batches are checked first, so that the error names them; then the total.
    guard problems.count == before, available(row, item: item, warehouse: warehouse, key: StockKey(item: item.code, warehouse: warehouse), actualQty: -qty) else { return nil }
    var total = Amount.zero
    for n in chunks.indices {
      var state = state(key)
      let chunk = chunks[n]
      let bk = BatchKey(batch: chunk.batch, warehouse: warehouse)
      var bs = batchStock(bk)
      let batchBefore = bs.qty
      let outcome: Valuation.Outcome
      if item.hasSerialNo {
        var sum = Wide.zero
        for s in chunk.serials { sum += Wide(serial(s)?.incomingRate ?? .zero) }
        outcome = specific(&state, qty: -chunk.qty, value: -arithmetic.money(sum))
      } else if valuedSpecifically(item) {
        let value = chunk.qty == bs.qty ? bs.value : arithmetic.money(Wide(product: bs.value, chunk.qty).divided(by: bs.qty, rule: arithmetic.rounding))
        outcome = specific(&state, qty: -chunk.qty, value: -value)
      } else {
        guard let o = self.value(row, item: item, warehouse: warehouse, actualQty: -chunk.qty, incomingRate: .zero, outgoingRate: outgoingRate, state: &state) else { return nil }
        outcome = o
      }
      setState(key, state)
      if !chunk.batch.isEmpty {
        bs.qty -= chunk.qty
        bs.value += outcome.stockValueDifference
        if bs.qty.isZero { bs.value = .zero }
        pendingBatchStock[bk] = bs
        // A batch emptied here leaves the picking list (a receipt or count of it puts it back): kept, every
        // batch ever received stayed, and every pick looked each one up — a cost that grew with history.
        notePickable(chunk.batch, key: key, before: batchBefore, after: bs.qty)
      }
      if item.hasSerialNo {
        for s in chunk.serials {
          if var st = serial(s) {
            st.warehouse = ""
            pendingSerials[s] = st
          }
        }
        removeFromList(.serials, key, chunk.serials)
      }
      chunks[n].value = -outcome.stockValueDifference
      var tracked = row
      tracked.batchNo = chunk.batch
      tracked.serialNos = chunk.serials
      _ = append(tracked, key: key, actualQty: -chunk.qty, incomingRate: .zero, outcome: outcome, qtyAfter: state.qty, valuationRate: state.valuationRate)
      total += outcome.stockValueDifference
    }
    if let index {
      transferChunks[index] = chunks
      if chunks.count != 1 || chunks[0].batch != row.batchNo || chunks[0].serials != row.serialNos {
        resolvedRows[index] = chunks.map { c in
          var r = row
          r.batchNo = c.batch
          r.serialNos = c.serials
          if chunks.count > 1, let it = masters.itemByCode[row.itemCode] {
            r.rate = row.rate.map { perStockUnit($0, row, it) }
            r.qty = c.qty
            r.uom = ""
            r.conversionFactor = nil
          }
          return r
        }
      }
    }
    return Movement(actualQty: -qty, stockValueDifference: total, outgoingRate: total.magnitude.divided(by: qty, rule: arithmetic.rounding))
  }

  /// Picks the serials of an outward chunk, oldest receipt first, from the chunk's batch.
  mutating func pickSerials(_ chunk: Chunk, key: StockKey, row: ItemRow, item: Item) -> Chunk {
    guard item.hasSerialNo else { return chunk }
    guard let n = chunk.qty.integerValue else {
      fail(.badValue, line: row.line, field: "qty", "a serialized item moves whole units: \(chunk.qty) is not a whole number")
      return chunk
    }
    // The list is in receipt order: the first n of the chunk's batch are the oldest (short of n, the walk
    // has seen them all).
    var picked: [String] = []
    for s in serialsIn(key) {
      // (Stopped at the n-th: a filter on the count went on through every serial in stock there.)
      if picked.count == n { break }
      if let st = serial(s), st.batch == chunk.batch { picked.append(s) }
    }
    if picked.count < n {
      fail(.insufficientStock, line: row.line, field: "serial_nos", "\(n) serial numbers of \(item.code) needed in \(key.warehouse)\(chunk.batch.isEmpty ? "" : " batch \(chunk.batch)") for \(voucher.no); only \(picked.count) in stock")
      return chunk
    }
    var c = chunk
    c.serials = picked
    return c
  }

  /// Checks (and on a first receipt creates) a batch.
  mutating func ensureBatch(_ b: String, _ row: ItemRow, _ item: Item, inward: Bool) -> Bool {
    if let existing = batch(b) {
      if existing.item != item.code {
        fail(.badValue, line: row.line, field: "batch_no", "batch \(b) belongs to item \(existing.item), not \(item.code)")
        return false
      }
      if checksExpiry, let e = existing.expiry, e < voucher.date {
        fail(.badValue, line: row.line, field: "batch_no", "batch \(b) of \(item.code) expired on \(e): an expired batch cannot be \(inward ? "received" : "delivered") on \(voucher.date)")
        return false
      }
      return true
    }
    guard inward else {
      fail(.badValue, line: row.line, field: "batch_no", "batch \(b) of \(item.code) does not exist on \(voucher.date) \(voucher.time): a batch is created by its first receipt, which must come first")
      return false
    }
    let expiry = item.batchExpiry(given: row.batchExpiryDate, receivedOn: voucher.date)
    if let e = expiry, e < voucher.date {
      fail(.badValue, line: row.line, field: "batch_expiry_date", "batch \(b) expired on \(e): an expired batch cannot be received on \(voucher.date)")
      return false
    }
    var counts = trackedCounts(item.code)
    pendingBatches[b] = BatchState(item: item.code, expiry: expiry, manufactured: row.batchManufacturingDate, createdOn: voucher.date,
                                   sequence: counts.batches)
    counts.batches += 1
    pendingTracked[item.code] = counts
    noteName(b, series: item.batchSeries)
    return true
  }

  /// A movement valued by its own value (serials, batches): the item-warehouse value moves by exactly
  /// `value`, the rate is the average of what remains.
  @inline(__always) func specific(_ state: inout ItemWarehouseState, qty: Quantity, value: Amount) -> Valuation.Outcome {
    let previous = state.stockValue
    state.qty += qty
    state.stockValue += value
    if state.qty.isZero {
      state.stockValue = .zero
    } else {
      state.valuationRate = state.stockValue.divided(by: state.qty, rule: arithmetic.rounding)
    }
    state.hasEntries = true
    state.queue = []
    return Valuation.Outcome(stockValue: state.stockValue, stockValueDifference: state.stockValue - previous)
  }
}
