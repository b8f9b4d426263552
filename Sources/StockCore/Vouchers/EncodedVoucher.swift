/// A plain voucher the shelf encoded, read where it lies (``VoucherShelf/Reader/withPlain(_:into:_:)``):
/// the fields of its head and of each row as values and UTF-8 bytes, nothing made — what the run's
/// `vouchers.csv` is written from without decoding the voucher. Plain: no rare fields (no return or
/// billing reference, remarks, taxes or costs, XML place) and no row with extras (barcode, unit,
/// batch, serials, accounts); most of a large run's vouchers are. (Decoded to be written, each voucher
/// was a tenth of the renderer's time at ten million vouchers, and freeing it more.)
public struct EncodedVoucher {
  /// An item row: its names as bytes.
  public struct Row {
    public var itemCode = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    public var warehouse = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    public var sourceWarehouse = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    public var targetWarehouse = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    public var isFinishedItem = false
    public var isScrapItem = false
    public var qty: Quantity?
    public var rate: Rate?
  }

  /// Its head: type, action, number, date, flags, purpose.
  public private(set) var head = EncodedHead()
  public private(set) var time = BusinessTime(seconds: 0)
  public private(set) var party = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
  /// Its rows, at least one (the list reused from voucher to voucher).
  public private(set) var rows: [Row] = []

  public init() {}

  /// Reads the voucher ``Voucher/encode(file:into:)`` wrote, as `Voucher(decoding:files:)` does; false when
  /// it is not plain (then nothing is promised of what was read) or has no rows. `LedgerFormatTests`
  /// checks that what is written from it is what is written from the voucher decoded.
  mutating func fill(decoding r: inout RawByteReader) throws(BinaryFormatError) -> Bool {
    try head.fill(decoding: &r)
    guard !head.hasRare else { return false }
    time = try r.time()
    party = try r.stringBytes()
    _ = try r.count(limit: .max)  // file
    _ = try r.int()  // line
    let count = try r.count()
    guard count > 0 else { return false }
    rows.removeAllScratch()
    for _ in 0..<count {
      _ = try r.int()  // line
      var row = Row()
      // (The names written as their boxes' identities: their bytes where the boxes keep them.)
      row.itemCode = try r.internedName().utf8
      row.warehouse = try r.internedName().utf8
      row.sourceWarehouse = try r.internedName().utf8
      row.targetWarehouse = try r.internedName().utf8
      let rowFlags = try r.byte()
      guard rowFlags & 16 == 0 else { return false }
      (row.isFinishedItem, row.isScrapItem) = (rowFlags & 1 != 0, rowFlags & 2 != 0)
      if rowFlags & 4 != 0 { row.qty = try r.compactFixed() }
      if rowFlags & 8 != 0 { row.rate = try r.compactFixed() }
      rows.append(row)
    }
    return true
  }
}
