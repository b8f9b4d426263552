import StockCore

/// What returns and invoices need of the vouchers posted so far (``PostedDocument``), by voucher number:
/// a table with a dictionary's meaning (the last document set for a number is its document) kept as a log.
///
/// A run from scratch posts a document for most of its vouchers and looks few of them up (returns,
/// invoices of receipts), so setting one encodes it at the end of a ``ByteLog`` (as the document file
/// holds it), and the table of numbers is built only when a lookup needs it, from where it last stopped.
/// Given a directory (``init(spillingTo:)``), the log goes to a file there as it grows: ten million
/// documents held as arrays of lines were 1.1 GB of a run's memory; encoded they are 50–70 bytes each, and
/// a run holds an offset per document (4 bytes) and the log's last part or two (``ByteLog``). The documents' numbers are a log
/// of their own, read in order (the table, ``encode(record:into:)`` going through the records): held as
/// strings they were 160 MB at ten million vouchers.
///
/// Lookups are `mutating` (they may extend the table, and keep the bytes last read from the log's file);
/// a copy looked up builds its own. Copies share the log, which only grows.
public struct PostedDocuments: Sendable {
  /// One element per document set, in the order they were set: the offset of its record in `log` (4 bytes
  /// each: the offsets only grow); a removal repeats the last offset and is marked in `removals`.
  private var offsets = GrowingOffsets()
  /// A bit per document set, 1 for a removal (none until the first).
  private var removals: [UInt64] = []
  /// The number of each document set, in the order set: a record each in `numbers`, found from the last
  /// mark at or before it (``NumberMark``) by going through the records after the mark.
  private let numbers: ByteLog
  private var marks: [NumberMark] = []
  /// Where the number of the document set last is followed by the next one's, when this value sets it
  /// (copies share the log: another's numbers may come between).
  private var numbersEnd = 0
  /// The number read last, and where, so that reading them in order reads each once.
  private var cursor = NumberMark(record: -1, offset: 0)
  private var numbersWindow = ByteLog.Window()
  /// The lines of the document being posted, encoded as they come (``appendPendingLine(key:qty:rate:documentRate:)``),
  /// and how many: an array of lines destroyed after every voucher released each line's names.
  /// (Its first `pendingBytes` bytes are the lines: emptied by setting that to 0, and written where they
  /// go, the array growing only when a line would not fit. Through a ``BinaryWriter``, each voucher's
  /// emptying and each line's append through the stack were 170 instructions of the posting core's.)
  private var pending = [UInt8](repeating: 0, count: 4096)
  private var pendingBytes = 0
  private var pendingCount = 0
  private let log: ByteLog
  /// The part of the log's file last read.
  private var window = ByteLog.Window()
  /// The latest record of each number among the first `indexed` set.
  private var table: [String: Int] = [:]
  private var indexed = 0
  /// The log's bytes from `start` to `end` are this value's records, each set once, one after another
  /// (``contiguousRecords``); false once a record is not where the last one ended, or is a removal.
  private var contiguous = true
  private var start = 0
  private var end = 0
  /// Whether a number was ever looked up: until then no document was changed after it was set (a change
  /// looks its document up first), so each number has one record, the one set when its voucher posted.
  public private(set) var lookedUp = false

  /// A document set whose number's record is not right after the one before it (every 32nd, and any
  /// after another copy's number): its position among those set and its number's offset in `numbers`.
  private struct NumberMark: Sendable {
    var record: Int
    var offset: Int
  }

  /// Documents kept in memory.
  public init() {
    log = ByteLog()
    numbers = ByteLog()
  }

  /// Documents whose logs spill to unnamed files in `directory` past `every` bytes.
  public init(spillingTo directory: String, every bytes: Int = 16 << 20) {
    log = ByteLog(spillingTo: directory, every: bytes)
    numbers = ByteLog(spillingTo: directory, every: bytes)
  }

  /// Makes room for `count` documents (pages of room not used are never touched).
  public mutating func reserveCapacity(_ count: Int) {
    offsets.reserveCapacity(count)
    marks.reserveCapacity(count / 32 + 1)
  }

  /// The document of `no`, or nil. Setting nil removes it.
  /// - Complexity: amortised O(1) and O(lines); the first lookup after n documents were set enters those n.
  public subscript(no: String) -> PostedDocument? {
    mutating get {
      lookedUp = true
      catchUp()
      guard let i = table[no] else { return nil }
      return document(at: i)
    }
    set {
      guard let doc = newValue else {
        record(no, at: -1)
        return
      }
      record(no, at: log.append { doc.encode(into: &$0) })
    }
  }

  /// A line of the document the engine is posting (a ``PostedDocument/Line``'s fields). It becomes part of
  /// the document ``setPending(_:type:isReturn:party:)`` sets, or goes with ``discardPendingLines()``.
  /// - Complexity: O(1) amortized.
  public mutating func appendPendingLine(key: StockKey, qty: Quantity, rate: Rate, documentRate: Rate) {
    // In one append: its names' bytes and their lengths, three amounts of at most 17 bytes each.
    let most = key.itemName.utf8Count + key.warehouseName.utf8Count + 2 * 10 + 3 * 17
    if pendingBytes + most > pending.count { pending += repeatElement(0, count: max(pending.count, most)) }
    let at = pendingBytes
    let written = pending.withUnsafeMutableBufferPointer { b in
      var w = RawByteWriter(b.baseAddress! + at, limit: most)
      PostedDocument.encodeLine(key: key, qty: qty, rate: rate, documentRate: documentRate, into: &w)
      precondition(!w.overflowed, "a document's line wrote more than the bytes it was given")
      return w.position
    }
    pendingBytes = at + written
    pendingCount += 1
  }

  /// Sets the document of `no` with the lines appended since the last document was set: the bytes
  /// setting it through the subscript would write (``PostedDocument/encode(into:)``), its lines copied as
  /// they were encoded.
  /// - Complexity: O(lines).
  public mutating func setPending(_ no: String, type: VoucherType, isReturn: Bool, party: String) {
    let (count, used) = (pendingCount, pendingBytes)
    let offset = pending.withUnsafeBytes { all in
      let lines = UnsafeRawBufferPointer(rebasing: all[..<used])
      return log.append { w in
        PostedDocument.encodeHead(type: type, isReturn: isReturn, party: party, lineCount: count, into: &w)
        w.raw(lines)
        PostedDocument.encodeNothingReturned(into: &w)
      }
    }
    record(no, at: offset)
    discardPendingLines()
  }

  /// Drops the lines appended since the last document was set (a voucher that did not post).
  public mutating func discardPendingLines() {
    pendingBytes = 0
    pendingCount = 0
  }

  /// Every document, by number.
  /// - Complexity: O(documents set).
  public var dictionary: [String: PostedDocument] {
    var copy = self
    copy.catchUp()
    var out: [String: PostedDocument] = [:]
    out.reserveCapacity(copy.table.count)
    for (no, i) in copy.table { out[no] = copy.document(at: i) }
    return out
  }

  /// How many documents were set (a number set twice counts twice): room to make for writing them, and
  /// the position the next one set takes.
  public var setCount: Int { offsets.count }

  /// Writes the document set at position `record` (see ``setCount``) as ``PostedDocument/encode(into:)`` writes it: its
  /// bytes in the log, copied.
  /// - Returns: its number; nil for a removal (nothing written).
  /// - Complexity: O(bytes of the document).
  public mutating func encode(record: Int, into w: inout BinaryWriter) -> String? {
    guard let offset = offset(record) else { return nil }
    log.withPayload(at: offset, window: &window) { w.raw($0) }
    return number(record)
  }

  /// Writes the document of `no` into `w` as its record holds it (what ``PostedDocument/encode(into:)``
  /// gives, copied without decoding it); false when `no` has none.
  /// - Complexity: as the subscript's lookup, and O(bytes) copied.
  public mutating func encode(documentOf no: String, into w: inout BinaryWriter) -> Bool {
    lookedUp = true
    catchUp()
    guard let i = table[no], let offset = offset(i) else { return false }
    log.withPayload(at: offset, window: &window) { w.raw($0) }
    return true
  }

  /// Notes a document set: its record at `offset` in the log, or a removal (-1).
  private mutating func record(_ no: String, at offset: Int) {
    if offsets.isEmpty { start = max(0, offset) }
    if offset < 0 || (!offsets.isEmpty && offset != end) { contiguous = false }
    var no = no
    let at = no.withUTF8 { u in numbers.append { $0.raw(UnsafeRawBufferPointer(u)) } }
    if offsets.count % 32 == 0 || at != numbersEnd { marks.append(NumberMark(record: offsets.count, offset: at)) }
    numbersEnd = numbers.count
    if offset < 0 {
      while removals.count <= offsets.count >> 6 { removals.append(0) }
      removals[offsets.count >> 6] |= 1 << UInt64(offsets.count & 63)
    }
    offsets.append(offset < 0 ? offsets.lastOffset : offset)
    end = log.count
  }

  /// The number of the document set at position `record`.
  /// - Complexity: O(1) after the one before it; else O(32) records read.
  private mutating func number(_ record: Int) -> String {
    var lo = 0, hi = marks.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if marks[mid].record <= record { lo = mid + 1 } else { hi = mid }
    }
    precondition(lo > 0, "the first document set is marked")
    // From the cursor when no mark lies between it and the record (a mark is where the records after the
    // cursor's may not follow on: another copy's numbers came between).
    let mark = marks[lo - 1]
    if !(mark.record <= cursor.record && cursor.record <= record) { cursor = mark }
    while true {
      let wanted = cursor.record == record
      let (size, no) = numbers.withPayload(at: cursor.offset, window: &numbersWindow) { payload in
        (ByteLog.recordSize(payload: payload.count), wanted ? String(decoding: payload, as: UTF8.self) : nil)
      }
      if let no { return no }
      cursor = NumberMark(record: cursor.record + 1, offset: cursor.offset + size)
    }
  }

  /// When every document was set once, each record right after the one before (a replay that set each
  /// voucher's document as it posted, and looked none up): their records as the document file holds them,
  /// handed to `write` in parts, in the order they were set. Returns true then, each record being at
  /// ``contiguousOffset(ofRecord:)`` within those bytes; false, writing nothing, otherwise.
  /// - Complexity: O(bytes of the documents).
  public func contiguousRecords(_ write: (UnsafeRawBufferPointer) -> Void) -> Bool {
    guard contiguous, !lookedUp else { return false }
    if !offsets.isEmpty { log.forEachPart(from: start, to: end, write) }
    return true
  }

  /// Where the document set at position `record` is among the bytes ``contiguousRecords(_:)`` wrote.
  /// - Complexity: O(1).
  public func contiguousOffset(ofRecord record: Int) -> Int { offsets[record] - start }

  /// Where the document set at position `record` is in the log; nil for a removal.
  /// - Complexity: O(1).
  private func offset(_ record: Int) -> Int? {
    if record >> 6 < removals.count && removals[record >> 6] & (1 << UInt64(record & 63)) != 0 { return nil }
    return offsets[record]
  }

  /// Enters the records set since the last lookup into the table.
  private mutating func catchUp() {
    guard indexed < offsets.count else { return }
    if table.isEmpty { table.reserveCapacity(offsets.count - indexed) }
    for i in indexed..<offsets.count {
      let no = number(i)
      if offset(i) == nil { table[no] = nil } else { table[no] = i }
    }
    indexed = offsets.count
  }

  private mutating func document(at i: Int) -> PostedDocument {
    guard let offset = offset(i) else { preconditionFailure("a document the table holds was set") }
    return log.read(at: offset, window: &window) { r, _ in
      guard let doc = try? PostedDocument(decoding: &r) else { preconditionFailure("a document of the log reads back") }
      return doc
    }
  }
}
