/// What the history reads of a voucher the shelf encoded, where it lies (``VoucherShelf/Reader/withMoves(_:into:_:)``):
/// its action, its number's bytes and each move's item and warehouse as interned names, nothing made. (At a run's end
/// the history's keys made each row's names from sketches, only to number them: half their time at ten
/// million vouchers.)
public struct EncodedMoves {
  public private(set) var action: VoucherAction = .submit
  /// The voucher number's bytes.
  public private(set) var no = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
  /// Per move, in ``VoucherSketch/forEachMove(_:)``'s order (each row's warehouse, source, then target),
  /// its item's and its warehouse's names; a row that names no warehouse (an invoice that moves no stock)
  /// as its item with a blank warehouse, as the history records it (``VoucherSketch/forEachRowWithoutWarehouse(_:)``).
  public private(set) var moves: [(item: InternedName, warehouse: InternedName)] = []

  public init() {}

  /// Reads the voucher ``Voucher/encode(file:into:)`` wrote, as ``VoucherSketch/fill(decoding:rows:)`` does,
  /// without making its names. False, when it has rare fields (it may refer to another voucher, which only
  /// a sketch names).
  /// The head is read as ``Voucher/Head`` reads it, passing over what it makes (the number, the party):
  /// `VoucherShelfTests` checks the two readers agree on every kind of voucher.
  mutating func fill(decoding r: inout RawByteReader) throws(BinaryFormatError) -> Bool {
    _ = try r.byte()
    let flags = try r.byte()
    guard flags & 32 == 0 else { return false }
    action = flags & 4 != 0 ? .cancel : flags & 8 != 0 ? .close : .submit
    if flags & 16 != 0 { _ = try r.byte() }
    no = try r.stringBytes()
    _ = try r.date()
    _ = try r.time()
    _ = try r.string(keeping: false)
    _ = try r.count(limit: .max)
    _ = try r.int()
    moves.removeAllScratch()
    for _ in 0..<(try r.count()) {
      _ = try r.int()
      // (The names written as their boxes' identities: the boxes themselves.)
      let item = try r.internedName()
      var named = false
      for _ in 0..<3 {
        let warehouse = try r.internedName()
        if !warehouse.isEmpty {
          moves.append((item, warehouse))
          named = true
        }
      }
      if !named { moves.append((item, .empty)) }
      try ItemRow.passOver(afterNames: &r)
    }
    return true
  }
}
