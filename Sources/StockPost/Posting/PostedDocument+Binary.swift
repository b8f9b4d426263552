import StockCore

/// A posted voucher's document in the snapshot's binary layout, so that a run continuing from the head
/// can take the rates and quantities of a posted original (returns, invoices of receipts) without
/// replaying the ledger.
extension PostedDocument {
  /// - Complexity: O(lines).
  public func encode<W: BinarySink>(into w: inout W) {
    lines.withUnsafeBufferPointer { PostedDocument.encode(type: type, isReturn: isReturn, party: party, lines: $0, returned: returned, into: &w) }
  }

  /// A document's encoding from its parts, read where they are (the engine's documents encode the lines
  /// of a voucher as it posts them, without making a document).
  /// - Complexity: O(lines), and O(r log r) in the r keys returned.
  static func encode<W: BinarySink>(type: VoucherType, isReturn: Bool, party: String, lines: UnsafeBufferPointer<Line>, returned: [StockKey: Quantity], into w: inout W) {
    encodeHead(type: type, isReturn: isReturn, party: party, lineCount: lines.count, into: &w)
    for i in lines.indices {  // read in place (a copy of each line retained its names)
      encodeLine(key: lines[i].key, qty: lines[i].qty, rate: lines[i].rate, documentRate: lines[i].documentRate, into: &w)
    }
    encodeReturned(returned, into: &w)
  }

  /// What a document's encoding begins with: its type, whether it is a return, its party, how many lines.
  static func encodeHead<W: BinarySink>(type: VoucherType, isReturn: Bool, party: String, lineCount: Int, into w: inout W) {
    // The type as its code with the return flag in its high bit (one byte; its name was 12–21).
    w.byte(type.code | (isReturn ? 0x80 : 0))
    w.string(party)
    w.count(lineCount)
  }

  /// A line of a document's encoding (they follow the head, ``encodeHead(type:isReturn:party:lineCount:into:)``).
  @inline(__always) static func encodeLine<W: BinarySink>(key: StockKey, qty: Quantity, rate: Rate, documentRate: Rate, into w: inout W) {
    w.key(key)
    w.compactFixed(qty)
    w.compactFixed(rate)
    w.compactFixed(documentRate)
  }

  /// ``encodeReturned(_:into:)`` of nothing returned (a document just posted): without an empty table
  /// made and freed per voucher.
  @inline(__always) static func encodeNothingReturned<W: BinarySink>(into w: inout W) { w.count(0) }

  /// What a document's encoding ends with: the quantities returned against it, by key.
  static func encodeReturned<W: BinarySink>(_ returned: [StockKey: Quantity], into w: inout W) {
    w.count(returned.count)
    guard !returned.isEmpty else { return }
    for k in returned.keys.sorted() {
      w.key(k)
      w.compactFixed(returned[k]!)
    }
  }

  public init(decoding r: inout BinaryReader) throws(BinaryFormatError) {
    let head = try r.byte()
    guard let type = VoucherType(code: head & 0x7F) else { throw BinaryFormatError(offset: r.offset - 1, "unknown voucher type \(head & 0x7F)") }
    let isReturn = head & 0x80 != 0
    let party = try r.string()
    var lines: [Line] = []
    for _ in 0..<(try r.count()) {
      lines.append(Line(key: try r.key(), qty: try r.compactFixed(), rate: try r.compactFixed(), documentRate: try r.compactFixed()))
    }
    self.init(type: type, isReturn: isReturn, party: party, lines: lines)
    for _ in 0..<(try r.count()) { returned[try r.key()] = try r.compactFixed() }
  }
}
