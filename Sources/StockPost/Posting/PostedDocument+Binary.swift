import StockCore

/// A posted voucher's document in the snapshot's binary layout, so that a run continuing from the head
/// can take the rates and quantities of a posted original (returns, invoices of receipts) without
/// replaying the ledger.
extension PostedDocument {
  /// - Complexity: O(lines).
  public func encode(into w: inout BinaryWriter) {
    lines.withUnsafeBufferPointer { PostedDocument.encode(type: type, isReturn: isReturn, party: party, lines: $0, returned: returned, into: &w) }
  }

  /// A document's encoding from its parts, read where they are (``PostedDocuments/encode(record:into:)``
  /// writes a run's documents without making each one).
  /// - Complexity: O(lines), and O(r log r) in the r keys returned.
  static func encode(type: VoucherType, isReturn: Bool, party: String, lines: UnsafeBufferPointer<Line>, returned: [StockKey: Quantity], into w: inout BinaryWriter) {
    w.string(type.rawValue)
    w.bool(isReturn)
    w.string(party)
    w.count(lines.count)
    for l in lines {
      w.key(l.key)
      w.compactFixed(l.qty)
      w.compactFixed(l.rate)
      w.compactFixed(l.documentRate)
    }
    w.count(returned.count)
    guard !returned.isEmpty else { return }
    for k in returned.keys.sorted() {
      w.key(k)
      w.compactFixed(returned[k]!)
    }
  }

  public init(decoding r: inout BinaryReader) throws(BinaryFormatError) {
    let name = try r.string()
    guard let type = VoucherType(rawValue: name) else { throw BinaryFormatError(offset: r.offset, "unknown voucher type \(name)") }
    let isReturn = try r.bool()
    let party = try r.string()
    var lines: [Line] = []
    for _ in 0..<(try r.count()) {
      lines.append(Line(key: try r.key(), qty: try r.compactFixed(), rate: try r.compactFixed(), documentRate: try r.compactFixed()))
    }
    self.init(type: type, isReturn: isReturn, party: party, lines: lines)
    for _ in 0..<(try r.count()) { returned[try r.key()] = try r.compactFixed() }
  }
}
