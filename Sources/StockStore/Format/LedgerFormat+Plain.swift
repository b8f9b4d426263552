import StockCore
import StockRead

#if canImport(Glibc)
  import Glibc
#endif

extension LedgerFormat {
  /// The fields of one plain record (``CSVParser/forEachPlainRecord(_:firstLine:_:)``): field k is
  /// `bytes[bounds[2k]..<bounds[2k + 1]]`.
  public struct PlainFields {
    let bytes: UnsafeBufferPointer<UInt8>
    let bounds: UnsafeBufferPointer<Int>
    public init(_ bytes: UnsafeBufferPointer<UInt8>, _ bounds: UnsafeBufferPointer<Int>) {
      self.bytes = bytes
      self.bounds = bounds
    }
    public var count: Int { bounds.count / 2 }
    /// Every field as a string, for the general parse (``parseStock(_:)``, ``parseGL(_:)``) of a record the
    /// plain one does not read.
    public var texts: [String] { (0..<count).map(text) }
    public subscript(k: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[bounds[2 * k]..<bounds[2 * k + 1]]) }
    func text(_ k: Int) -> String { String(decoding: self[k], as: UTF8.self) }
    func equals(_ k: Int, _ ascii: StaticString) -> Bool {
      let f = self[k]
      return f.count == ascii.utf8CodeUnitCount && (f.count == 0 || memcmp(f.baseAddress!, ascii.utf8Start, f.count) == 0)
    }
  }

  /// A voucher type by the bytes of its name.
  static func voucherType(_ f: UnsafeBufferPointer<UInt8>) -> VoucherType? {
    for (name, type) in typeNames where name.count == f.count && (f.count == 0 || memcmp(f.baseAddress!, name, f.count) == 0) { return type }
    return nil
  }
  private static let typeNames: [([UInt8], VoucherType)] = VoucherType.allCases.map { (Array($0.rawValue.utf8), $0) }

  /// A whole number of ASCII digits (an entry's index).
  static func index(_ f: UnsafeBufferPointer<UInt8>) -> Int? {
    guard !f.isEmpty, f.count <= 9 else { return nil }
    var n = 0
    for b in f {
      guard b >= 48 && b <= 57 else { return nil }
      n = n * 10 + Int(b - 48)
    }
    return n
  }

  /// What ``parseStock(_:)`` reads from the same fields, from a plain record's bytes without a string per
  /// field: a row of `stock.csv` (``stockFileColumns``, `file`: with whether the run cancels the entry) or of
  /// `stock-ledger.csv` (``StockLedgerEntry/columns``, its index 0). nil when a field cannot be read.
  /// - Complexity: O(bytes of the record).
  public static func parseStock(_ f: PlainFields, file: Bool) -> (entry: StockLedgerEntry, cancelled: Bool)? {
    guard f.count == (file ? stockFileColumns.count : StockLedgerEntry.columns.count),
      let date = BusinessDate.parse(f[0]), let time = BusinessTime.parse(f[1]), let type = voucherType(f[2]),
      let aq = Fixed.parse(f[8]), let qa = Fixed.parse(f[9]), let ir = Fixed.parse(f[10]), let vr = Fixed.parse(f[11]),
      let sv = Fixed.parse(f[12]), let svd = Fixed.parse(f[13]), let or = Fixed.parse(f[14])
    else { return nil }
    var index = 0
    if file {
      guard let i = LedgerFormat.index(f[15]) else { return nil }
      index = i
    }
    var e = StockLedgerEntry(
      date: date, time: time, voucherType: type, number: VoucherNumber(utf8: f[3]), index: index,
      key: StockKey(item: InternedName(utf8: f[4]), warehouse: InternedName(utf8: f[5])), actualQty: aq, qtyAfterTransaction: qa,
      incomingRate: ir, valuationRate: vr, stockValue: sv, stockValueDifference: svd)
    e.outgoingRate = or
    // (Assigned as ``parseStock(_:)`` assigns them, blank or not.)
    e.batchNo = f[6].isEmpty ? "" : f.text(6)
    e.serialNos = f[7].isEmpty ? [] : f.text(7).split(separator: ";").map(String.init)
    return (e, file && f.equals(16, "1"))
  }

  /// The accounts a file's GL lines name, interned once each (``AccountName``'s lock taken per account, not
  /// per line): a ledger names a few hundred at most.
  public struct AccountNames {
    private var known: [UInt64: [(bytes: [UInt8], name: AccountName)]] = [:]
    public init() {}
    mutating func name(_ f: UnsafeBufferPointer<UInt8>) -> AccountName {
      if f.isEmpty { return .none }
      let h = FNV1a.hash(f)
      if let list = known[h], let hit = list.first(where: { $0.bytes.elementsEqual(f) }) { return hit.name }
      let name = AccountName(String(decoding: f, as: UTF8.self))
      known[h, default: []].append((Array(f), name))
      return name
    }
  }

  /// What ``parseGL(_:)`` reads from the same fields, from a plain record's bytes without a string per
  /// field (party and remarks, mostly blank, made only when they are not). nil when a field cannot be read.
  /// - Complexity: O(bytes of the record).
  public static func parseGL(_ f: PlainFields, accounts: inout AccountNames) -> GLEntry? {
    guard f.count == glColumns.count, let date = BusinessDate.parse(f[0]), let type = voucherType(f[1]),
      let debit = Fixed.parse(f[4]), let credit = Fixed.parse(f[5])
    else { return nil }
    let notes = f[6].isEmpty && f[9].isEmpty ? 0 : GLEntry.notesNumber(party: f.text(6), remarks: f.text(9))
    return GLEntry(
      date: date, voucherType: type, number: VoucherNumber(utf8: f[2]), account: accounts.name(f[3]), debit: debit, credit: credit,
      notes: notes, againstAccount: accounts.name(f[7]), isAdjustment: f.equals(8, "1"))
  }
}
