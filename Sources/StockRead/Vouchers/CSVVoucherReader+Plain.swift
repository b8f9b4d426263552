import StockCore

#if canImport(Glibc)
  import Glibc
#endif

/// The reading of a plain file — ASCII without quotes or NUL bytes, lines ended by LF or CRLF, what
/// point-of-sale and warehouse exports write — record by record over byte ranges, with no string per field.
///
/// A record becomes a voucher here only when it is the first row of a voucher that reads without a
/// problem and uses the common columns (item, warehouses, quantity, rate, batch, party, references); any
/// other record (a voucher's later row, a field with an error, a tax row, serials, accounts, remarks, a
/// cancellation, a field count that does not match) takes the general path (``Rows/add(_:columns:header:)``)
/// with the same strings the general parser makes. Both paths give the same vouchers and problems
/// (`CSVVoucherReaderTests` reads files both ways): the plain one makes five strings of a row's twelve
/// fields instead of twelve, and no row of strings by column.
extension CSVVoucherReader {
  /// Where each voucher column is among a file's fields (-1: not in the file).
  struct ColumnPlaces {
    let of: [Int]
    /// Columns that, when not blank, send a record the general way (they need a check, a box or a
    /// message the plain way does not make).
    let general: [Int]

    init(_ columns: [VoucherColumn?]) {
      var of = [Int](repeating: -1, count: VoucherColumn.count)
      for (i, c) in columns.enumerated() { if let c { of[c.ordinal] = i } }
      self.of = of
      let generalColumns: [VoucherColumn] = [
        .action, .barcode, .uom, .conversionFactor, .batchExpiryDate, .batchManufacturingDate, .serialNos,
        .expenseAccount, .incomeAccount, .costCenter, .account, .amount, .taxRate, .taxCategory, .remarks,
      ]
      general = generalColumns.map { of[$0.ordinal] }.filter { $0 >= 0 }
    }
    subscript(_ c: VoucherColumn) -> Int { of[c.ordinal] }
  }

  /// Reads the records of a plain part of a file (see ``CSVParser/isPlain(_:)``) into `rows`.
  /// - Parameter firstLine: the line number of the part's first line.
  /// - Complexity: O(n) in the bytes of the part.
  static func readPlain(_ buf: UnsafeBufferPointer<UInt8>, firstLine: Int, columns: [VoucherColumn?], header: [String], into rows: inout Rows) {
    let places = ColumnPlaces(columns)
    CSVParser.forEachPlainRecord(buf, firstLine: firstLine) { recordLine, bounds in
      if !rows.addPlain(buf, bounds: bounds, line: recordLine, columns: columns.count, places: places) {
        let fields = stride(from: 0, to: bounds.count, by: 2).map {
          String(decoding: UnsafeBufferPointer(rebasing: buf[bounds[$0]..<bounds[$0 + 1]]), as: UTF8.self)
        }
        rows.add(CSVRecord(line: recordLine, fields: fields), columns: columns, header: header)
      }
    }
  }
}

extension CSVVoucherReader.Rows {
  /// A plain record that is the first row of a voucher reading without a problem, as that voucher's
  /// builder; false (nothing changed but the voucher's place in the index, which the general path would
  /// enter the same) when the record needs the general path.
  mutating func addPlain(
    _ buf: UnsafeBufferPointer<UInt8>, bounds: UnsafeBufferPointer<Int>, line: Int, columns: Int,
    places: CSVVoucherReader.ColumnPlaces
  ) -> Bool {
    guard bounds.count == 2 * columns else { return false }
    for k in stride(from: 0, to: bounds.count, by: 2) where bounds[k + 1] - bounds[k] > CSVVoucherReader.maxFieldLength { return false }
    /// The bytes of column `c` (empty when the file has no such column).
    /// (A pointer and a count, not a slice of `buf` rebased: the range and the slice checked their bounds
    /// again at each of the twenty-odd calls a record makes; the parser made them, start before end.)
    func bytes(_ c: VoucherColumn) -> UnsafeBufferPointer<UInt8> {
      let f = places[c]
      guard f >= 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
      let (start, end) = (bounds[2 &* f], bounds[2 &* f &+ 1])
      return UnsafeBufferPointer(start: buf.baseAddress.unsafelyUnwrapped + start, count: end &- start)
    }
    func text(_ c: VoucherColumn) -> String {
      let b = bytes(c)
      return b.isEmpty ? "" : String(decoding: b, as: UTF8.self)
    }
    for f in places.general where bounds[2 * f + 1] > bounds[2 * f] { return false }
    let noBytes = bytes(.voucherNo)
    guard !noBytes.isEmpty else { return false }
    let no = String(decoding: noBytes, as: UTF8.self)
    // A later row of a voucher is added to its builder the general way.
    if last >= 0 && no == lastNo { return false }
    let next = builders.count
    // (Entered in the index now, when there is one: the general path finds it there if this record goes
    // its way after all.)
    guard checksRepeatsAfter || builderIndex.entered(no, default: next) == next else { return false }
    // Voucher-level fields.
    guard let type = VoucherType.names.match(bytes(.voucherType)), let date = postingDate(bytes(.postingDate)) else { return false }
    var time = BusinessTime.midnight
    let timeBytes = bytes(.postingTime)
    if !timeBytes.isEmpty {
      guard let t = BusinessTime.parse(timeBytes) else { return false }
      time = t
    }
    var purpose: Purpose?
    if !bytes(.purpose).isEmpty {
      guard let p = Purpose.names.match(bytes(.purpose)) else { return false }
      purpose = p
    }
    guard let isReturn = flag(bytes(.isReturn)), let updateStock = flag(bytes(.updateStock)) else { return false }
    // The row.
    let rowType = bytes(.rowType)
    guard rowType.isEmpty || rowType.elementsEqual("item".utf8) else { return false }
    guard !bytes(.itemCode).isEmpty, let isFinished = flag(bytes(.isFinishedItem)), let isScrap = flag(bytes(.isScrapItem)) else { return false }
    guard let qty = number(bytes(.qty)), let rate = number(bytes(.rate)) else { return false }
    // The names interned from the file's bytes: an item or warehouse met before is not made again (and
    // found by its bytes in this half's own cache).
    var item = ItemRow(line: line, item: names.name(utf8: bytes(.itemCode)), warehouse: names.name(utf8: bytes(.warehouse)), qty: qty, rate: rate)
    if !bytes(.sourceWarehouse).isEmpty { item.sourceWarehouseName = names.name(utf8: bytes(.sourceWarehouse)) }
    if !bytes(.targetWarehouse).isEmpty { item.targetWarehouseName = names.name(utf8: bytes(.targetWarehouse)) }
    item.isFinishedItem = isFinished
    item.isScrapItem = isScrap
    if !bytes(.batchNo).isEmpty { item.batchNo = text(.batchNo) }
    // The party and the row given with the voucher; only what else differs from a new voucher's defaults
    // is set (each set of a voucher's field is a call that checks its box is not shared; most of these
    // columns are blank).
    let partyBytes = bytes(.party)
    var v = Voucher(
      type: type, no: no, date: date, time: time, source: SourceLocation(file: file, line: line),
      party: partyBytes.isEmpty ? "" : party(partyBytes), items: [item])
    if let purpose { v.purpose = purpose }
    if isReturn { v.isReturn = true }
    if !bytes(.returnAgainst).isEmpty { v.returnAgainst = text(.returnAgainst) }
    if updateStock { v.updateStock = true }
    if !bytes(.againstVoucher).isEmpty { v.againstVoucher = text(.againstVoucher) }
    count += 1
    builders.append(VoucherBuilder(line: line, voucher: consume v))
    if checksRepeatsAfter { builderHashes.append(NameHash.hash(no)) }
    last = next
    lastNo = no
    return true
  }

  /// The text of a non-empty `party` field: one read before again when the bytes are the same
  /// (``parties``).
  /// - Complexity: O(``partyRoom`` × bytes).
  private mutating func party(_ b: UnsafeBufferPointer<UInt8>) -> String {
    for k in parties.indices where parties[k].bytes.count == b.count {
      if parties[k].bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, b.baseAddress!, b.count) == 0 }) { return parties[k].text }
    }
    let text = String(decoding: b, as: UTF8.self)
    if parties.count < CSVVoucherReader.Rows.partyRoom {
      parties.append((Array(b), text))
    } else {
      parties[partiesReplaced % parties.count] = (Array(b), text)
      partiesReplaced += 1
    }
    return text
  }

  /// The date of a `posting_date` field (``BusinessDate/parse(_:)``), the last one's again when the bytes
  /// are the same (``lastDate``).
  private mutating func postingDate(_ b: UnsafeBufferPointer<UInt8>) -> BusinessDate? {
    guard b.count == 10, let base = b.baseAddress else { return BusinessDate.parse(b) }
    let raw = UnsafeRawPointer(base)
    let (word, tail) = (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
    if let last = lastDate, last.word == word, last.tail == tail { return last.date }
    guard let date = BusinessDate.parse(b) else { return nil }
    lastDate = (word, tail, date)
    return date
  }

  /// A flag the plain way reads: blank or `0` (false), `1` (true); nil for anything else.
  private func flag(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
    if b.isEmpty || (b.count == 1 && b[0] == UInt8(ascii: "0")) { return false }
    if b.count == 1 && b[0] == UInt8(ascii: "1") { return true }
    return nil
  }

  /// A number as ``VoucherBuilder`` accepts it without a problem: `.some(nil)` when blank, nil when it is
  /// not a number or out of range.
  private func number(_ b: UnsafeBufferPointer<UInt8>) -> Fixed?? {
    if b.isEmpty { return .some(nil) }
    guard let f = Fixed.parse(b), f.magnitude <= VoucherBuilder.largest else { return nil }
    return .some(f)
  }
}

/// The raw values of a closed vocabulary as bytes, to match a field's bytes as `init(rawValue:)` matches its
/// text, without making a string (making the string and switching over it cost about 900 instructions).
/// The names' bytes are kept in one buffer for the process's life (a vocabulary's few names, made once),
/// each compared with `memcmp` after its length (a loop over each name's array, checked per byte, was
/// about 150 instructions a row for its voucher type).
struct ByteNames<Value: Sendable>: @unchecked Sendable {
  private let names: [(start: UnsafePointer<UInt8>, count: Int, value: Value)]

  init(_ values: [Value], rawValue: (Value) -> String) {
    names = values.map { v in
      let bytes = Array(rawValue(v).utf8)
      let kept = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))  // never freed
      kept.initialize(from: bytes, count: bytes.count)
      return (UnsafePointer(kept), bytes.count, v)
    }
  }

  /// - Complexity: O(names + bytes).
  func match(_ b: UnsafeBufferPointer<UInt8>) -> Value? {
    guard let base = b.baseAddress else { return nil }
    for n in names where n.count == b.count && memcmp(n.start, base, n.count) == 0 { return n.value }
    return nil
  }
}

extension VoucherType {
  static let names = ByteNames(allCases, rawValue: \.rawValue)
}

extension Purpose {
  static let names = ByteNames(allCases, rawValue: \.rawValue)
}
