import StockCore

/// What returns and invoices need of the vouchers posted so far (``PostedDocument``), by voucher number:
/// a table with a dictionary's meaning (the last document set for a number is its document) kept as a log.
///
/// A run from scratch posts a document for most of its vouchers and looks few of them up (returns,
/// invoices of receipts), so setting one appends it to flat arrays, and the table of numbers is built
/// only when a lookup needs it, from where it last stopped. A million documents cost the posting core a
/// million inserts into a table of two million slots of 56 bytes, and a lines array each, before.
///
/// Lookups are `mutating` (they may extend the table); a copy looked up builds its own.
public struct PostedDocuments: Sendable {
  /// One document set: which lines of `lines` are its, or a removal (`count == -1`).
  struct Record: Sendable {
    var party: String
    var start: Int32
    var count: Int32
    var type: VoucherType
    var isReturn: Bool
  }
  /// Parallel arrays, one element per document set, in the order they were set.
  private var numbers: [String] = []
  private var records: [Record] = []
  /// Every record's lines, one after another, then the lines of the document being posted (from
  /// `pendingStart` on: see ``appendPendingLine(_:)``).
  private var lines: [PostedDocument.Line] = []
  private var pendingStart = 0
  /// Quantities already returned, by record (few documents have any).
  private var returned: [Int: [StockKey: Quantity]] = [:]
  /// The latest record of each number among `records[..<indexed]`.
  private var table: [String: Int] = [:]
  private var indexed = 0
  /// Whether a number was ever looked up: until then no document was changed after it was set (a change
  /// looks its document up first), so each number has one record, the one set when its voucher posted.
  public private(set) var lookedUp = false

  public init() {}

  /// Makes room for `count` documents of about one line each (pages of room not used are never touched).
  public mutating func reserveCapacity(_ count: Int) {
    numbers.reserveCapacity(count)
    records.reserveCapacity(count)
    lines.reserveCapacity(count)
  }

  /// The document of `no`, or nil. Setting nil removes it.
  /// - Complexity: amortised O(1); the first lookup after n documents were set enters those n.
  public subscript(no: String) -> PostedDocument? {
    mutating get {
      lookedUp = true
      catchUp()
      return table[no].map(document(at:))
    }
    set {
      // Lines of a document being posted stay pending, after this one's (a return updating its original).
      let pending = lines.count > pendingStart ? Array(lines[pendingStart...]) : []
      defer {
        pendingStart = lines.count
        lines.append(contentsOf: pending)
      }
      if !pending.isEmpty { lines.removeSubrange(pendingStart...) }
      guard let doc = newValue else {
        append(no, Record(party: "", start: 0, count: -1, type: .purchaseReceipt, isReturn: false))
        return
      }
      precondition(lines.count + doc.lines.count <= Int(Int32.max), "too many document lines")
      if !doc.returned.isEmpty { returned[records.count] = doc.returned }
      append(no, Record(party: doc.party, start: Int32(lines.count), count: Int32(doc.lines.count), type: doc.type, isReturn: doc.isReturn))
      lines.append(contentsOf: doc.lines)
    }
  }

  /// A line of the document the engine is posting, written in place (the posting core copied every
  /// line into a document and the document into these arrays: 8 % of posting at 1M). It becomes part
  /// of the document ``setPending(_:type:isReturn:party:)`` sets, or goes with ``discardPendingLines()``.
  /// - Complexity: O(1) amortized.
  public mutating func appendPendingLine(_ line: PostedDocument.Line) { lines.append(line) }

  /// Sets the document of `no` with the lines appended since the last document was set (as setting it
  /// through the subscript would).
  public mutating func setPending(_ no: String, type: VoucherType, isReturn: Bool, party: String) {
    let count = lines.count - pendingStart
    precondition(lines.count <= Int(Int32.max), "too many document lines")
    append(no, Record(party: party, start: Int32(pendingStart), count: Int32(count), type: type, isReturn: isReturn))
    pendingStart = lines.count
  }

  /// Drops the lines appended since the last document was set (a voucher that did not post).
  public mutating func discardPendingLines() {
    if lines.count > pendingStart { lines.removeSubrange(pendingStart...) }
  }

  /// Every document, by number.
  /// - Complexity: O(documents set).
  public var dictionary: [String: PostedDocument] {
    var copy = self
    copy.catchUp()
    return copy.table.mapValues { copy.document(at: $0) }
  }

  /// How many documents were set (a number set twice counts twice): room to make for writing them, and
  /// the position the next one set takes.
  public var setCount: Int { records.count }

  /// Writes the document set at position `record` (see ``setCount``) as ``PostedDocument/encode(into:)`` writes it, from
  /// the arrays in place (a run from scratch writes a million: making each one first was an array of
  /// lines allocated, copied and freed a document).
  /// - Returns: its number; nil for a removal (nothing written).
  /// - Complexity: O(lines of the document).
  public func encode(record: Int, into w: inout BinaryWriter) -> String? {
    let r = records[record]
    guard r.count >= 0 else { return nil }
    lines.withUnsafeBufferPointer { l in
      PostedDocument.encode(
        type: r.type, isReturn: r.isReturn, party: r.party, lines: UnsafeBufferPointer(rebasing: l[Int(r.start)..<Int(r.start + r.count)]),
        returned: returned.isEmpty ? [:] : returned[record] ?? [:], into: &w)
    }
    return numbers[record]
  }

  private mutating func append(_ no: String, _ record: Record) {
    numbers.append(no)
    records.append(record)
  }

  /// Enters the records set since the last lookup into the table.
  private mutating func catchUp() {
    guard indexed < records.count else { return }
    if table.isEmpty { table.reserveCapacity(records.count - indexed) }
    for i in indexed..<records.count {
      if records[i].count < 0 { table[numbers[i]] = nil } else { table[numbers[i]] = i }
    }
    indexed = records.count
  }

  private func document(at i: Int) -> PostedDocument {
    let r = records[i]
    var doc = PostedDocument(type: r.type, isReturn: r.isReturn, party: r.party, lines: Array(lines[Int(r.start)..<Int(r.start + r.count)]))
    if let q = returned[i] { doc.returned = q }
    return doc
  }
}
