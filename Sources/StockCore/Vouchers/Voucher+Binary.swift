/// A voucher in a few dozen bytes: how a run keeps the vouchers past its ``VoucherShelf``'s budget
/// (encoded into a log that spills to a file) instead of as objects of 250 bytes each.
///
/// Every field is kept, so a voucher decodes equal to the one encoded (`VoucherShelfTests` checks each
/// field). The file a voucher was read from is written as a position in a table of file names the caller
/// keeps (``VoucherShelf``): decoded vouchers share one string per file.
///
/// Layout: type, flags (return, update stock, action, purpose and rare fields present), purpose, number,
/// date, time, party, file, line, the rare fields when present, then the item rows (each: line, item,
/// the three warehouses, flags, qty and rate when given, the rarely set fields when present).
extension Voucher {
  /// Writes the voucher, its file as `file` (a position in the caller's table of file names).
  /// - Complexity: O(fields).
  public func encode(file: Int, into w: inout some BinarySink) {
    let s = storage
    w.byte(s.type.ordinal())
    var flags: UInt8 = (s.isReturn ? 1 : 0) | (s.updateStock ? 2 : 0)
    switch s.action {
    case .submit: break
    case .cancel: flags |= 4
    case .close: flags |= 8
    }
    if s.purpose != nil { flags |= 16 }
    if s.rare != nil { flags |= 32 }
    w.byte(flags)
    if let p = s.purpose { w.byte(p.ordinal()) }
    w.string(s.no)
    w.int(s.date.dayNumber)
    w.int(s.time.seconds)
    w.string(s.party)
    w.count(file)
    w.int(s.line)
    if let r = s.rare {
      w.string(r.returnAgainst)
      w.string(r.againstVoucher)
      w.string(r.remarks)
      w.int(r.column.map { $0 + 1 } ?? 0)
      w.bool(r.element != nil)
      if let e = r.element { w.string(e) }
      for rows in [r.taxes, r.additionalCosts] {
        w.count(rows.count)
        for c in rows { c.encode(into: &w) }
      }
    }
    w.count(s.items.count)
    s.items.withUnsafeBufferPointer { rows in for i in rows.indices { rows[i].encode(into: &w) } }
  }

  /// Reads what ``encode(file:into:)`` wrote; `files` is the table its file positions index.
  /// - Complexity: O(fields).
  public init(decoding r: inout RawByteReader, files: [String]) throws(BinaryFormatError) {
    let h = try Head(decoding: &r)
    guard h.file < files.count else { throw BinaryFormatError(offset: h.fileAt, "file \(h.file) of \(files.count)") }
    self.init(type: h.type, no: h.no, date: h.date, time: h.time, source: SourceLocation(file: files[h.file], line: h.line))
    let s = storage
    s.isReturn = h.flags & 1 != 0
    s.updateStock = h.flags & 2 != 0
    s.action = h.action
    s.purpose = h.purpose
    s.party = h.party
    if h.hasRare { s.rare = try Rare(decoding: &r) }
    let n = try r.count()
    var items: [ItemRow] = []
    items.reserveCapacity(n)
    for _ in 0..<n { items.append(try ItemRow(decoding: &r)) }
    s.items = items
  }

  /// The fields every encoded voucher begins with, in the order written (read alike by ``init(decoding:files:)``
  /// and ``VoucherSketch``): type, flags (return, update stock, action, purpose and rare fields present),
  /// purpose, number, date, time, party, file, line.
  struct Head {
    var type: VoucherType
    var flags: UInt8
    var purpose: Purpose?
    var no: String
    var date: BusinessDate
    var time: BusinessTime
    var party: String
    var file: Int
    var fileAt: Int
    var line: Int
    var action: VoucherAction { flags & 4 != 0 ? .cancel : flags & 8 != 0 ? .close : .submit }
    /// Whether the rare fields (``Rare``) follow.
    var hasRare: Bool { flags & 32 != 0 }

    /// - Parameter keepingParty: whether the party is made (a sketch passes over it).
    init(decoding r: inout RawByteReader, keepingParty: Bool = true) throws(BinaryFormatError) {
      let at = r.offset
      guard let type = VoucherType.byOrdinal(try r.byte()) else { throw BinaryFormatError(offset: at, "not a voucher type") }
      self.type = type
      flags = try r.byte()
      if flags & 16 != 0 {
        guard let p = Purpose.byOrdinal(try r.byte()) else { throw BinaryFormatError(offset: r.offset - 1, "not a purpose") }
        purpose = p
      }
      no = try r.string()
      date = try r.date()
      time = try r.time()
      party = try r.string(keeping: keepingParty)
      fileAt = r.offset
      file = try r.count(limit: .max)
      line = try r.int()
    }
  }
}

extension Voucher.Rare {
  /// Reads the rare fields ``Voucher/encode(file:into:)`` wrote after a voucher's head.
  convenience init(decoding r: inout RawByteReader) throws(BinaryFormatError) {
    self.init()
    returnAgainst = try r.string()
    againstVoucher = try r.string()
    remarks = try r.string()
    let column = try r.int()
    self.column = column > 0 ? column - 1 : nil
    element = try r.bool() ? try r.string() : nil
    for k in 0..<2 {
      var rows: [ChargeRow] = []
      for _ in 0..<(try r.count()) { rows.append(try ChargeRow(decoding: &r)) }
      if k == 0 { taxes = rows } else { additionalCosts = rows }
    }
  }
}

extension ItemRow {
  /// - Complexity: O(fields).
  func encode(into w: inout some BinarySink) {
    w.int(line)
    // The names as their boxes' identities: the shelf is the process's own and read back by it, so a name
    // read back is its box again, not looked up by its bytes (at ten million vouchers, each row's names
    // looked up as the posting core decoded it missed the caches: "Names kept once" in BENCHMARKS.md).
    w.count(Int(bitPattern: itemName.identity))
    w.count(Int(bitPattern: warehouseName.identity))
    w.count(Int(bitPattern: sourceWarehouseName.identity))
    w.count(Int(bitPattern: targetWarehouseName.identity))
    let (q, r) = (qty, rate)
    w.byte((isFinishedItem ? 1 : 0) | (isScrapItem ? 2 : 0) | (q != nil ? 4 : 0) | (r != nil ? 8 : 0) | (extras != nil ? 16 : 0))
    if let q { w.compactFixed(q) }
    if let r { w.compactFixed(r) }
    guard let e = extras else { return }
    for text in [e.barcode, e.uom, e.expenseAccount, e.incomeAccount, e.costCenter, e.remarks, e.batchNo] { w.string(text) }
    w.count(e.serialNos.count)
    for serial in e.serialNos { w.string(serial) }
    w.bool(e.conversionFactor != nil)
    if let f = e.conversionFactor { w.compactFixed(f) }
    for d in [e.batchExpiryDate, e.batchManufacturingDate] {
      w.bool(d != nil)
      if let d { w.int(d.dayNumber) }
    }
  }

  /// Reads a row ``encode(into:)`` wrote. With `movesOnly`, its item and warehouses are made and the
  /// rest is passed over (``passOver(afterNames:)``: what a ``VoucherSketch`` keeps).
  init(decoding r: inout RawByteReader, movesOnly: Bool = false) throws(BinaryFormatError) {
    let line = try r.int()
    // The names as ``encode(into:)`` wrote them: their boxes' identities.
    self.init(line: line, item: try r.internedName())
    warehouseName = try r.internedName()
    sourceWarehouseName = try r.internedName()
    targetWarehouseName = try r.internedName()
    if movesOnly {
      try ItemRow.passOver(afterNames: &r)
      return
    }
    let flags = try r.byte()
    isFinishedItem = flags & 1 != 0
    isScrapItem = flags & 2 != 0
    if flags & 4 != 0 { qty = try r.compactFixed() }
    if flags & 8 != 0 { rate = try r.compactFixed() }
    guard flags & 16 != 0 else { return }
    let e = Extras()
    let texts = (try r.string(), try r.string(), try r.string(), try r.string(), try r.string(), try r.string(), try r.string())
    var serials: [String] = []
    for _ in 0..<(try r.count()) { serials.append(try r.string()) }
    let factor = try r.bool() ? try r.compactFixed() : nil
    let expiry = try r.bool() ? try r.date() : nil
    let made = try r.bool() ? try r.date() : nil
    (e.barcode, e.uom, e.expenseAccount, e.incomeAccount, e.costCenter, e.remarks, e.batchNo) = texts
    (e.serialNos, e.conversionFactor, e.batchExpiryDate, e.batchManufacturingDate) = (serials, factor, expiry, made)
    // Wide values were set through qty and rate above, into this row's own box: kept with the decoded rest.
    e.wideQty = extras?.wideQty
    e.wideRate = extras?.wideRate
    extras = e
  }

  /// Passes over what ``encode(into:)`` wrote after a row's names: its flags, then its quantity, rate and
  /// rarely set fields as they say.
  static func passOver(afterNames r: inout RawByteReader) throws(BinaryFormatError) {
    let flags = try r.byte()
    if flags & 4 != 0 { _ = try r.compactFixed() }
    if flags & 8 != 0 { _ = try r.compactFixed() }
    guard flags & 16 != 0 else { return }
    for _ in 0..<7 { _ = try r.string(keeping: false) }
    for _ in 0..<(try r.count()) { _ = try r.string(keeping: false) }
    if try r.bool() { _ = try r.compactFixed() }
    if try r.bool() { _ = try r.date() }
    if try r.bool() { _ = try r.date() }
  }
}

extension ChargeRow {
  func encode(into w: inout some BinarySink) {
    w.int(line)
    w.string(account)
    w.byte(category.ordinal() | (amount != nil ? 0x40 : 0) | (taxRate != nil ? 0x80 : 0))
    if let a = amount { w.compactFixed(a) }
    if let t = taxRate { w.compactFixed(t) }
    w.string(remarks)
  }

  init(decoding r: inout RawByteReader) throws(BinaryFormatError) {
    let line = try r.int()
    let account = try r.string()
    let flags = try r.byte()
    guard let category = TaxCategory.byOrdinal(flags & 0x3F) else { throw BinaryFormatError(offset: r.offset - 1, "not a tax category") }
    let amount = flags & 0x40 != 0 ? try r.compactFixed() : nil
    let taxRate = flags & 0x80 != 0 ? try r.compactFixed() : nil
    self.init(line: line, account: account, amount: amount, taxRate: taxRate, category: category)
    remarks = try r.string()
  }
}

extension CaseIterable where Self: Equatable, AllCases == [Self] {
  /// The case's position among `allCases`, as a byte (a closed vocabulary of a dozen cases).
  func ordinal() -> UInt8 { UInt8(Self.allCases.firstIndex(of: self)!) }
  /// The case at a position among `allCases`.
  static func byOrdinal(_ b: UInt8) -> Self? { Int(b) < allCases.count ? allCases[Int(b)] : nil }
}

/// What the caches a run leaves read of each of its vouchers: number, type, date and action, the vouchers
/// it refers to, and each row's item and warehouses. Read from a ``VoucherShelf`` without making the
/// voucher (``VoucherShelf/Reader/sketch(_:into:rows:)``): at a run's end ten million vouchers are gone
/// through three times, and each made and freed again cost a microsecond. A voucher the shelf holds is
/// sketched by itself (its rows read in place).
public struct VoucherSketch: Sendable {
  public var type: VoucherType = .purchaseReceipt
  public var action: VoucherAction = .submit
  public var date = BusinessDate(dayNumber: 0)
  /// The voucher's number, and the vouchers it refers to: read from the voucher when it is held (copied
  /// into the sketch, each of a run's held vouchers was a dozen reference counts a pass, most of them for
  /// names no pass reads), else as decoded.
  public var no: String { voucher?.no ?? decoded.no }
  public var returnAgainst: String { voucher?.returnAgainst ?? decoded.returnAgainst }
  public var againstVoucher: String { voucher?.againstVoucher ?? decoded.againstVoucher }
  private var decoded = (no: "", returnAgainst: "", againstVoucher: "")
  /// Each item row's item code and its warehouse, source and target warehouse (blank when not given),
  /// of a voucher read from the shelf's file, when asked for (``forEachMove(_:)`` reads the moves of
  /// either kind).
  private var rows: [(item: InternedName, warehouse: InternedName, source: InternedName, target: InternedName)] = []
  /// The voucher itself, when it is held.
  private var voucher: Voucher?

  public init() {}

  /// The sketch of `v`.
  public init(_ v: Voucher) { fill(from: v) }

  /// Fills the sketch from `v` (which is then its own: its moves are read from its rows).
  public mutating func fill(from v: Voucher) {
    (type, action, date) = (v.type, v.action, v.date)
    rows.removeAllScratch()
    voucher = v
  }

  /// How many item rows the voucher has (0 for a sketch read without its rows).
  public var rowCount: Int { voucher?.storage.items.count ?? rows.count }

  /// Calls `body` with the item and the warehouse of each warehouse a row names, in row order (its
  /// warehouse, source, then target).
  /// - Complexity: O(rows).
  public func forEachMove(_ body: (_ item: InternedName, _ warehouse: InternedName) -> Void) {
    if let voucher {
      // Read in place (a loop over `items` copied each row).
      voucher.storage.items.withUnsafeBufferPointer { items in
        for i in items.indices {
          VoucherSketch.moves(items[i].itemName, items[i].warehouseName, items[i].sourceWarehouseName, items[i].targetWarehouseName, body)
        }
      }
    } else {
      rows.withUnsafeBufferPointer { rows in
        for i in rows.indices {
          VoucherSketch.moves(rows[i].item, rows[i].warehouse, rows[i].source, rows[i].target, body)
        }
      }
    }
  }

  /// Calls `body` with the item of each row that names no warehouse, source or target (an invoice that
  /// moves no stock): what the history records beside the moves, so that an item's rows are all found
  /// from its item-warehouses.
  /// - Complexity: O(rows).
  public func forEachRowWithoutWarehouse(_ body: (_ item: InternedName) -> Void) {
    if let voucher {
      voucher.storage.items.withUnsafeBufferPointer { items in
        for i in items.indices where items[i].warehouseName.isEmpty && items[i].sourceWarehouseName.isEmpty && items[i].targetWarehouseName.isEmpty {
          body(items[i].itemName)
        }
      }
    } else {
      rows.withUnsafeBufferPointer { rows in
        for i in rows.indices where rows[i].warehouse.isEmpty && rows[i].source.isEmpty && rows[i].target.isEmpty { body(rows[i].item) }
      }
    }
  }

  /// The moves of a voucher of one row, in ``forEachMove(_:)``'s order: its item, and the warehouse, source
  /// and target it names (blank when not). nil for a voucher of more or fewer rows. (Read without a
  /// closure: the history's keys of most vouchers are made from it, and a closure writing three of the
  /// caller's variables was checked for exclusive access at every call.)
  /// - Complexity: O(1).
  public var onlyRow: (item: InternedName, warehouse: InternedName, source: InternedName, target: InternedName)? {
    if let voucher {
      // (Read in place, as ``forEachMove(_:)`` reads them: the array itself not copied.)
      return voucher.storage.items.withUnsafeBufferPointer { r in
        r.count == 1 ? (r[0].itemName, r[0].warehouseName, r[0].sourceWarehouseName, r[0].targetWarehouseName) : nil
      }
    }
    guard rows.count == 1 else { return nil }
    return rows[0]
  }

  /// A row's moves. (Spelled out rather than looped over an array literal: this runs for every row.)
  @inline(__always) private static func moves(
    _ item: InternedName, _ warehouse: InternedName, _ source: InternedName, _ target: InternedName, _ body: (InternedName, InternedName) -> Void
  ) {
    if !warehouse.isEmpty { body(item, warehouse) }
    if !source.isEmpty { body(item, source) }
    if !target.isEmpty { body(item, target) }
  }

  /// Reads a voucher ``Voucher/encode(file:into:)`` wrote through the same readers as the voucher's
  /// decoder (its head, its rare fields, its rows), keeping what a sketch keeps; stops after the head and
  /// the rare fields when the rows are not asked for.
  mutating func fill(decoding r: inout RawByteReader, rows withRows: Bool) throws(BinaryFormatError) {
    let h = try Voucher.Head(decoding: &r, keepingParty: false)
    (type, action, date) = (h.type, h.action, h.date)
    rows.removeAllScratch()
    (decoded, voucher) = ((h.no, "", ""), nil)
    if h.hasRare {
      let rare = try Voucher.Rare(decoding: &r)
      (decoded.returnAgainst, decoded.againstVoucher) = (rare.returnAgainst, rare.againstVoucher)
    }
    guard withRows else { return }
    for _ in 0..<(try r.count()) {
      let row = try ItemRow(decoding: &r, movesOnly: true)
      rows.append((row.itemName, row.warehouseName, row.sourceWarehouseName, row.targetWarehouseName))
    }
  }
}
