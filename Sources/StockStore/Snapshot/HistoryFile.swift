import Foundation
import StockCore
import StockRead

/// `ledger/history.bin`: for every active posted voucher, in ledger order (its ordinal), where it is written
/// and the item-warehouses it touches (its own, and its original's for a return or an invoice of a
/// receipt). A run with a backdated voucher reads it to find the vouchers whose values the insertion can
/// change — the connected part of the history — and replays only those. Derived like the snapshot: a replay
/// rewrites it (item-warehouses as numbered references), a run from the snapshot appends its vouchers
/// (item-warehouses spelled out).
public struct HistoryFile: Sendable {
  public let path: String
  public init(ledger: String) { path = ledger + "/history.bin" }

  /// The history as read back: item-warehouses numbered, and per voucher its place and numbers, in flat
  /// arrays (a million vouchers are a handful of allocations). The vouchers before the last ones appended
  /// may come from the history's index (``HistoryIndex``), mapped where it lies; the arrays then hold the
  /// vouchers after it (the tail), and every lookup joins the two.
  public struct Contents: Sendable {
    public var keys: [StockKey] = []
    /// The first vouchers, from the index (nil: every voucher is in the arrays below).
    var indexed: HistoryIndex?
    /// The bytes of the vouchers in the arrays, from `bytesStart` in the file, and where each voucher's
    /// record starts in the file (its place is decoded on demand).
    var bytes: [UInt8] = []
    var bytesStart = 0
    var recordStart: [Int32] = []
    /// Vouchers in the history.
    public var count: Int { first + recordStart.count }
    /// Vouchers from the index.
    var first: Int { indexed?.count ?? 0 }
    /// Whether a lookup met a number the index holds outside its arrays (``HistoryIndex/isDamaged``): what it
    /// gave cannot be trusted, and the history is read whole (``HistoryFile/contentsReadWhole(size:)``).
    public var isDamaged: Bool { indexed?.isDamaged ?? false }

    /// Where voucher `ordinal` is written.
    public func place(of ordinal: Int) -> VoucherPlace? {
      if let indexed, ordinal < indexed.count { return indexed.place(of: ordinal) }
      let start = Int(recordStart[ordinal - first]) - bytesStart
      return HistoryFile.place(Array(bytes[start..<min(bytes.count, start + 30)]))
    }
    /// The item-warehouse numbers of voucher `o` (in the arrays) are `keyIDs[keyStart[o]..<keyStart[o + 1]]`.
    var keyIDs: [Int32] = []
    var keyStart: [Int32] = [0]
    /// The ordinals of the vouchers in the arrays touching item-warehouse `k`, ascending, are
    /// `vouchers[voucherStart[k]..<voucherStart[k + 1]]`.
    var vouchers: [Int32] = []
    var voucherStart: [Int32] = []

    /// The item-warehouse numbers of voucher `ordinal`.
    public func keys(of ordinal: Int) -> [Int32] {
      if let indexed, ordinal < indexed.count { return indexed.keys(of: ordinal) }
      let o = ordinal - first
      return Array(keyIDs[Int(keyStart[o])..<Int(keyStart[o + 1])])
    }
    /// The ordinals of the vouchers touching item-warehouse `key`, ascending.
    public func vouchers(of key: Int) -> [Int32] {
      let tail = vouchers[Int(voucherStart[key])..<Int(voucherStart[key + 1])]
      guard let indexed, key < indexed.keyCount else { return Array(tail) }
      return indexed.vouchers(of: key) + tail
    }
  }

  /// A record's place: its first three numbers.
  static func place(_ bytes: [UInt8]) -> VoucherPlace? {
    var r = BinaryReader(bytes)
    guard let run = try? r.count(limit: Int.max), let start = try? r.count(limit: Int.max), let length = try? r.count(limit: Int.max) else { return nil }
    return VoucherPlace(run: run, start: start, end: start + length)
  }

  /// Records encoded one at a time, as the run makes them (a million voucher records were a hundred
  /// megabytes held at once): item-warehouses numbered for a file written whole, spelled out for records
  /// appended.
  ///
  /// In two steps, so the keys can be worked out before the vouchers are committed (beside the commit, on
  /// the other core): ``add(source:keys:)`` encodes a record's keys, ``bytes(place:)`` puts each record's
  /// place before them once the commit has said where the vouchers are.
  public struct Encoder: Sendable {
    /// Each record's keys, one record after another (each one's length in `recordLengths`).
    var keyBytes: BinaryWriter
    /// The length of each record's keys but the last (whose ends where `keyBytes` does), or 255 and the
    /// length in `longRecords`: the file's records are put together without reading the keys back (a
    /// second pass over ten million records' keys, that the run's end waited for).
    var recordLengths: [UInt8] = []
    var longRecords: [Int: Int] = [:]
    /// Where the record begun last starts in `keyBytes`.
    var recordStart = 0
    /// Which voucher each record is, its position among those ``bytes(place:)`` gives places for; nil while
    /// record `r` is voucher `r` (no voucher skipped), which is most runs.
    var sources: [Int32]?
    /// The number of each item-warehouse (a file written whole), in a table of its own: a `Dictionary`
    /// hashed each key's names with SipHash, a third of working the keys out.
    var ids: StockKeyTable<Int>?
    /// Records added.
    public var count: Int { numbered + pendingSources.count }
    /// Records numbered (the rest are pending).
    private var numbered = 0

    /// - Parameter appending: records to append to an existing file (keys spelled out).
    public init(appending: Bool, capacity: Int = 1 << 16) {
      keyBytes = BinaryWriter(capacity: capacity)
      recordLengths.reserveCapacity(capacity / 10)
      ids = appending ? nil : StockKeyTable()
    }

    /// The record of voucher `source` (its position among the vouchers whose places will be given; the
    /// same or later than the last one's) with the item-warehouses it touches: `keys`, recorded as
    /// ``add(source:collecting:)`` records them.
    public mutating func add(source: Int, keys: [StockKey]) { add(source: source) { $0 += keys } }

    /// The record of voucher `source` with the item-warehouses `collect` appends to the buffer it is
    /// handed, repeats dropped (the first of equal keys kept) and sorted here (``Swift/Array/uniqueSort(from:)``):
    /// a record's keys are a set, in key order.
    /// - Complexity: O(k²) for the record's k keys, plus their numbering.
    public mutating func add(source: Int, collecting collect: (inout [StockKey]) -> Void) {
      let start = pendingKeys.count
      collect(&pendingKeys)
      pendingKeys.uniqueSort(from: start)
      guard ids != nil else {
        encode(source: source, keys: pendingKeys[...])
        return pendingKeys.removeAllScratch()
      }
      pendingEnds.append(pendingKeys.count)
      pendingSources.append(source)
      if pendingSources.count == Encoder.batch { numberPending() }
    }

    /// The record of voucher `source` touching `first` and, if not nil, `second`: as
    /// ``add(source:collecting:)`` records them (repeats dropped, in key order), without the buffer of
    /// pending records and its sort: a voucher of one or two moves (most), whose keys its caller made.
    /// - Complexity: O(1), plus the keys' numbering.
    public mutating func add(source: Int, first: StockKey, second: StockKey?) {
      guard ids != nil else {
        return add(source: source) { keys in
          keys.append(first)
          if let second { keys.append(second) }
        }
      }
      numberPending()  // the records before it numbered first: numbers go in record order
      // As `uniqueSort` orders two keys: the second dropped when equal, else the smaller first.
      guard let second, second != first else {
        begin(source: source, keys: 1)
        return encode(first)
      }
      begin(source: source, keys: 2)
      if second < first {
        encode(second)
        encode(first)
      } else {
        encode(first)
        encode(second)
      }
    }

    /// Records added to a file written whole, not yet numbered: their keys' table slots, then entries, are
    /// asked into cache a batch at a time before they are looked up (numbering a million records' keys one
    /// at a time waited on the table's memory for two thirds of its time, on the run's last stretch).
    var pendingKeys: [StockKey] = []
    var pendingEnds: [Int] = []
    var pendingSources: [Int] = []
    static let batch = 32

    /// Numbers the records still pending (else reading the records numbers them in a copy).
    public mutating func finish() { numberPending() }

    private mutating func numberPending() {
      guard !pendingSources.isEmpty else { return }
      if let ids {
        for k in pendingKeys { ids.prefetch(probe: k.hashedNames) }
        for k in pendingKeys { _ = ids.prefetch(position: k.hashedNames) }
      }
      var start = 0
      for (i, end) in pendingEnds.enumerated() {
        encode(source: pendingSources[i], keys: pendingKeys[start..<end])
        start = end
      }
      pendingKeys.removeAll(keepingCapacity: true)
      pendingEnds.removeAll(keepingCapacity: true)
      pendingSources.removeAll(keepingCapacity: true)
    }

    private mutating func encode(source: Int, keys: ArraySlice<StockKey>) {
      begin(source: source, keys: keys.count)
      for k in keys { encode(k) }
    }

    /// Starts the record of voucher `source`, of `count` keys.
    private mutating func begin(source: Int, keys count: Int) {
      if numbered > 0 {
        let length = keyBytes.count - recordStart
        if length < 255 { recordLengths.append(UInt8(length)) } else {
          recordLengths.append(255)
          longRecords[numbered - 1] = length
        }
      }
      recordStart = keyBytes.count
      if sources == nil && source != numbered { sources = (0..<numbered).map { Int32($0) } }
      sources?.append(Int32(source))
      numbered += 1
      keyBytes.count(count)
    }

    /// One key of the record begun: its number, or 0 and the key spelled out (a file appended to).
    private mutating func encode(_ k: StockKey) {
      guard ids != nil else {
        keyBytes.count(0)
        return keyBytes.key(k)
      }
      if let p = ids!.position(of: k) {
        keyBytes.count(ids![at: p] + 1)
      } else {
        // A new number: 1 + the count so far, then the key.
        let id = ids!.count
        _ = ids!.append(k, id)
        keyBytes.count(id + 1)
        keyBytes.key(k)
      }
    }

    /// The record of voucher `source` with the item-warehouses of `moves` (read where they lie, from a
    /// voucher that refers to no other), recorded as ``add(source:collecting:)`` records them: a voucher of
    /// one or two moves (most) as ``add(source:first:second:)`` records it, its keys made from the names'
    /// boxes (hashed from their hashes, compared by their identities).
    /// - Complexity: O(k²) for the record's k keys, plus their numbering.
    public mutating func add(source: Int, moves: EncodedMoves) {
      let m = moves.moves
      switch m.count {
      case 0: add(source: source) { _ in }
      case 1: add(source: source, first: StockKey(item: m[0].item, warehouse: m[0].warehouse), second: nil)
      case 2:
        add(source: source, first: StockKey(item: m[0].item, warehouse: m[0].warehouse), second: StockKey(item: m[1].item, warehouse: m[1].warehouse))
      default: add(source: source) { keys in for move in m { keys.append(StockKey(item: move.item, warehouse: move.warehouse)) } }
      }
    }

    /// The records as the file holds them: each its place (`place(source)`), then its keys.
    /// - Complexity: O(bytes).
    public func bytes(place: (Int) -> VoucherPlace) -> [UInt8] {
      var all: [UInt8] = []
      forEachPart(place: place) { all.append(contentsOf: $0) }
      return all
    }

    /// The same, handed to `body` in parts of about a megabyte (their bytes valid during the call), in
    /// order (ten million records made whole were 120 MB at the run's end).
    /// - Complexity: O(bytes).
    public func forEachPart(place: (Int) -> VoucherPlace, _ body: (UnsafeRawBufferPointer) -> Void) {
      if !pendingSources.isEmpty {  // not finished: a copy numbers the rest (historyKeys finishes its own)
        var finished = self
        finished.finish()
        return finished.forEachPart(place: place, body)
      }
      let keys = keyBytes.bytes
      // Each record put together in one buffer where it lies: its place's three counts, then its keys
      // copied from where they lie (through a writer of arrays, two appends a record and the keys as a
      // slice were 430 instructions a voucher on the run's last stretch, 270 so).
      let part = 1 << 20
      var buffer = [UInt8](repeating: 0, count: part + (1 << 16))
      var used = 0
      var start = 0
      keys.withUnsafeBytes { k in
        for record in 0..<count {
          let p = place(sources.map { Int($0[record]) } ?? record)
          let length = record == count - 1 ? keys.count - start : recordLengths[record] < 255 ? Int(recordLengths[record]) : longRecords[record]!
          if used + 30 + length > buffer.count {
            // A record longer than what is left: the part handed on first, the buffer grown for it.
            if used > 0 { buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[..<used])) } }
            used = 0
            if 30 + length > buffer.count { buffer = [UInt8](repeating: 0, count: 30 + length) }
          }
          buffer.withUnsafeMutableBufferPointer { b in
            var w = RawByteWriter(b.baseAddress! + used, limit: 30)
            w.count(p.run)
            w.count(p.start)
            w.count(p.end - p.start)
            used += w.position
            if length > 0 { memcpy(b.baseAddress! + used, k.baseAddress! + start, length) }
            used += length
          }
          start += length
          if used >= part {
            buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[..<used])) }
            used = 0
          }
        }
      }
      if used > 0 { buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[..<used])) } }
    }
  }

  /// Replaces the file with the records of `encoder` (made with `appending: false`, in ledger order), each
  /// voucher at `place(source)`, written as they are put together; returns the file's size.
  /// - Complexity: O(bytes).
  public func write(_ encoder: Encoder, place: (Int) -> VoucherPlace) throws(StoreError) -> Int {
    // Through the page cache, not fsynced (derived: the snapshot vouches for it), replaced when finished.
    let file = try StreamedFile(path: path, hashing: false, directIO: false)
    encoder.forEachPart(place: place) { file.append($0) }
    unlink(HistoryIndex.path(ledgerOf: path))  // (describes the history replaced: its file is another one)
    return try file.finish(durable: false).count
  }

  /// Cuts the file back to `size` and appends `bytes` (of an encoder made with `appending: true`); returns
  /// the new size.
  /// - Complexity: O(bytes appended).
  public func append(_ bytes: [UInt8], after size: Int) throws(StoreError) -> Int {
    try DurableFiles.append(bytes, to: path, truncatingTo: size)
    return size + bytes.count
  }

  /// The first `size` bytes (what the snapshot knows of) as a value (for reading on another thread): from
  /// the index (``HistoryIndex``) and the vouchers appended after it, when it describes this file and their
  /// records take fewer bytes than an eighth of those it describes; else read whole, and the index written
  /// anew for the next run that needs it.
  /// - Complexity: O(item-warehouses + vouchers after the index), the index mapped where it lies; else
  ///   O(size), and O(size) written.
  public func contents(size: Int) -> Result<Contents, BinaryFormatError> {
    do throws(BinaryFormatError) {
      if let index = HistoryIndex(history: path, size: size), size - index.size <= HistoryFile.testIndexedTail ?? index.size / 8 {
        return .success(try read(size: size, after: index))
      }
    } catch {
      return .failure(error)
    }
    return contentsReadWhole(size: size)
  }

  /// The first `size` bytes read whole, and the index written anew (``contents(size:)`` gave contents from
  /// an index a lookup found damaged: ``Contents/isDamaged``).
  /// - Complexity: O(size) read and written.
  public func contentsReadWhole(size: Int) -> Result<Contents, BinaryFormatError> {
    do throws(BinaryFormatError) {
      let c = try read(size: size)
      HistoryIndex.write(c, history: path, size: size)
      return .success(c)
    } catch {
      return .failure(error)
    }
  }

  /// For tests (`STOCKLEDGER_TEST_INDEXED_TAIL`): the most bytes of records appended after the index for it
  /// to be used, whatever the index's size (a small ledger's appended records soon pass an eighth of it).
  public static let testIndexedTail = ProcessEnvironment.integer("STOCKLEDGER_TEST_INDEXED_TAIL")

  /// Reads the first `size` bytes, with every voucher in the arrays.
  /// - Complexity: O(size).
  public func read(size: Int) throws(BinaryFormatError) -> Contents { try read(size: size, after: nil) }

  /// Reads the first `size` bytes: the vouchers the index holds from it, the rest from the file.
  /// - Complexity: O(item-warehouses + bytes after the index).
  func read(size: Int, after index: HistoryIndex?) throws(BinaryFormatError) -> Contents {
    let from = index?.size ?? 0
    guard size >= from, let all = FileBytes.read(path, range: from..<size), all.count == size - from else {
      throw BinaryFormatError(offset: 0, "the history file is shorter than the snapshot says")
    }
    var r = BinaryReader(all)
    var c = Contents()
    c.indexed = index
    c.bytesStart = from
    c.recordStart.reserveCapacity((size - from) / 10)
    guard size < Int(Int32.max) else { throw BinaryFormatError(offset: 0, "the history file is too large") }
    c.keyStart.reserveCapacity((size - from) / 10)
    c.keyIDs.reserveCapacity((size - from) / 8)
    // Each key's number is its position in a table of its own (a `Dictionary` hashed the names with
    // SipHash and grew by copying); the index's keys first, in its order.
    var idOf = StockKeyTable<Int32>()
    if let index {
      c.keys = index.keys
      for (i, k) in c.keys.enumerated() { _ = idOf.append(k, Int32(i)) }
    }
    func id(_ k: StockKey) -> Int32 {
      if let p = idOf.position(of: k) { return Int32(p) }
      let i = Int32(c.keys.count)
      _ = idOf.append(k, i)
      c.keys.append(k)
      return i
    }
    while !r.isAtEnd {
      c.recordStart.append(Int32(from + r.offset))
      _ = try r.count(limit: Int.max)
      _ = try r.count(limit: Int.max)
      _ = try r.count(limit: Int.max)
      for _ in 0..<(try r.count()) {
        let ref = try r.count(limit: Int.max)
        if ref == 0 {
          c.keyIDs.append(id(try r.key()))
        } else if ref - 1 < c.keys.count {
          c.keyIDs.append(Int32(ref - 1))
        } else if ref - 1 == c.keys.count {
          c.keyIDs.append(id(try r.key()))
        } else {
          throw BinaryFormatError(offset: from + r.offset, "item-warehouse reference out of order")
        }
      }
      c.keyStart.append(Int32(c.keyIDs.count))
    }
    // Vouchers per item-warehouse: a counting sort of the (voucher, item-warehouse) pairs.
    var counts = [Int32](repeating: 0, count: c.keys.count + 1)
    for k in c.keyIDs { counts[Int(k) + 1] += 1 }
    for k in 0..<c.keys.count { counts[k + 1] += counts[k] }
    c.voucherStart = counts
    // Read and written through buffers: a slice of the keys per voucher retained and released the array a
    // million times (a fifth of reading the history of a million vouchers).
    var vouchers = [Int32](repeating: 0, count: c.keyIDs.count)
    var fill = counts
    let (keyIDs, keyStart, records, first) = (c.keyIDs, c.keyStart, c.recordStart.count, Int32(c.first))
    keyIDs.withUnsafeBufferPointer { ids in
      keyStart.withUnsafeBufferPointer { starts in
        vouchers.withUnsafeMutableBufferPointer { out in
          fill.withUnsafeMutableBufferPointer { next in
            for o in 0..<records {
              for j in Int(starts[o])..<Int(starts[o + 1]) {
                let k = Int(ids[j])
                out[Int(next[k])] = first + Int32(o)
                next[k] += 1
              }
            }
          }
        }
      }
    }
    c.vouchers = vouchers
    c.bytes = all
    return c
  }
}
