/// What the voucher index reads of a voucher the shelf encoded, where it lies
/// (``VoucherShelf/Reader/withHead(_:into:_:)``): its type, action, number (UTF-8 bytes) and posting date,
/// with its flags and purpose (the head of an ``EncodedVoucher``), nothing made. (Sketched, each number was made as a string to be hashed and copied: with the sort after
/// it, the index's pass over ten million vouchers took 2.7 s, the long pole of a large run's end.)
public struct EncodedHead {
  public private(set) var type: VoucherType = .purchaseReceipt
  public private(set) var action: VoucherAction = .submit
  /// The voucher number's bytes.
  public private(set) var no = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
  public private(set) var date = BusinessDate(dayNumber: 0)
  public private(set) var purpose: Purpose?
  public private(set) var isReturn = false
  public private(set) var updateStock = false
  /// Whether the rare fields (``Voucher/Rare``) follow the head.
  public private(set) var hasRare = false

  public init() {}

  /// Reads the head ``Voucher/encode(file:into:)`` wrote, as ``Voucher/Head`` reads it, up to the date
  /// (what comes after is not read). `VoucherShelfTests` checks the two readers agree.
  mutating func fill(decoding r: inout RawByteReader) throws(BinaryFormatError) {
    let at = r.offset
    guard let type = VoucherType.byOrdinal(try r.byte()) else { throw BinaryFormatError(offset: at, "not a voucher type") }
    self.type = type
    let flags = try r.byte()
    action = flags & 4 != 0 ? .cancel : flags & 8 != 0 ? .close : .submit
    (isReturn, updateStock, hasRare) = (flags & 1 != 0, flags & 2 != 0, flags & 32 != 0)
    purpose = nil
    if flags & 16 != 0 {
      guard let p = Purpose.byOrdinal(try r.byte()) else { throw BinaryFormatError(offset: r.offset - 1, "not a purpose") }
      purpose = p
    }
    no = try r.stringBytes()
    date = try r.date()
  }
}
