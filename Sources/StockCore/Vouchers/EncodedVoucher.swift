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

  public private(set) var type: VoucherType = .purchaseReceipt
  public private(set) var action: VoucherAction = .submit
  public private(set) var purpose: Purpose?
  public private(set) var isReturn = false
  public private(set) var updateStock = false
  public private(set) var no = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
  public private(set) var date = BusinessDate(dayNumber: 0)
  public private(set) var time = BusinessTime(seconds: 0)
  public private(set) var party = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
  /// Its rows, at least one (the list reused from voucher to voucher).
  public private(set) var rows: [Row] = []

  public init() {}

  /// Reads the voucher ``Voucher/encode(file:into:)`` wrote, as `Voucher(decoding:files:)` does; false when
  /// it is not plain (then nothing is promised of what was read) or has no rows. `VoucherShelfTests`
  /// checks the two readers agree.
  mutating func fill(decoding r: inout RawByteReader) throws(BinaryFormatError) -> Bool {
    let at = r.offset
    guard let type = VoucherType.byOrdinal(try r.byte()) else { throw BinaryFormatError(offset: at, "not a voucher type") }
    self.type = type
    let flags = try r.byte()
    guard flags & 32 == 0 else { return false }
    (isReturn, updateStock) = (flags & 1 != 0, flags & 2 != 0)
    action = flags & 4 != 0 ? .cancel : flags & 8 != 0 ? .close : .submit
    purpose = nil
    if flags & 16 != 0 {
      guard let p = Purpose.byOrdinal(try r.byte()) else { throw BinaryFormatError(offset: r.offset - 1, "not a purpose") }
      purpose = p
    }
    no = try r.stringBytes()
    date = try r.date()
    time = try r.time()
    party = try r.stringBytes()
    _ = try r.count(limit: .max)  // file
    _ = try r.int()  // line
    let count = try r.count()
    guard count > 0 else { return false }
    if !rows.isEmpty { rows.removeAll(keepingCapacity: true) }
    for _ in 0..<count {
      _ = try r.int()  // line
      var row = Row()
      row.itemCode = try r.stringBytes()
      row.warehouse = try r.stringBytes()
      row.sourceWarehouse = try r.stringBytes()
      row.targetWarehouse = try r.stringBytes()
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
