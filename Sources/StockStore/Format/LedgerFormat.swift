import StockCore
import StockRead

/// The text formats of the ledger's files. Every number is written exactly (amounts with currency
/// precision, quantities and rates with up to 9 decimals), so a file reads back to the same values.
public enum LedgerFormat {
  /// The columns of `stock.csv`: those of `stock-ledger.csv`, then the entry's position in its voucher.
  public static let stockColumns = StockLedgerEntry.columns + ["index"]
  /// The header of a run's `stock.csv`: the entry's columns and whether the run cancels it.
  public static let stockFileColumns = stockColumns + ["is_cancelled"]
  public static let glColumns = GLEntry.columns
  public static let registryColumns = ["sha256", "file", "status", "rows", "vouchers_posted", "vouchers_rejected"]

  // MARK: stock ledger entries

  public static func stockFields(_ e: StockLedgerEntry, places: Int) -> [String] {
    e.fields(places: places) + [String(e.index)]
  }

  public static func parseStock(_ f: [String]) -> StockLedgerEntry? {
    guard f.count == stockColumns.count, let date = BusinessDate(parsing: f[0]), let time = BusinessTime(parsing: f[1]),
      let type = VoucherType(rawValue: f[2]), let aq = Fixed(parsing: f[8]), let qa = Fixed(parsing: f[9]),
      let ir = Fixed(parsing: f[10]), let vr = Fixed(parsing: f[11]), let sv = Fixed(parsing: f[12]),
      let svd = Fixed(parsing: f[13]), let or = Fixed(parsing: f[14]), let index = Int(f[15])
    else { return nil }
    var e = StockLedgerEntry(
      date: date, time: time, voucherType: type, voucherNo: f[3], index: index, itemCode: f[4], warehouse: f[5],
      actualQty: aq, qtyAfterTransaction: qa, incomingRate: ir, valuationRate: vr, stockValue: sv,
      stockValueDifference: svd)
    e.outgoingRate = or
    e.batchNo = f[6]
    e.serialNos = f[7].isEmpty ? [] : f[7].split(separator: ";").map(String.init)
    return e
  }

  /// Writes one stock ledger entry (the columns of ``stockColumns``).
  public static func write(_ e: StockLedgerEntry, places: Int, into w: inout ByteWriter) {
    e.write(places: places, into: &w)
    w.integer(e.index)
  }

  /// Writes one row of a run's `stock.csv` (``stockFileColumns``): the entry, and whether the run cancels
  /// it. The commit and a render-ahead's prewritten file both write through here, so their bytes agree.
  public static func writeStockRow(_ e: StockLedgerEntry, cancelled: Bool, places: Int, into w: inout ByteWriter) {
    e.write(places: places, into: &w)
    writeStockRowTail(e, cancelled: cancelled, into: &w)
  }

  /// The end of a `stock.csv` row after the entry's ``StockLedgerEntry/columns`` (written by
  /// ``writeStockRow(_:cancelled:places:into:)``, or copied from the same entry's `stock-ledger.csv` row).
  public static func writeStockRowTail(_ e: StockLedgerEntry, cancelled: Bool, into w: inout ByteWriter) {
    w.integer(e.index)
    w.text(cancelled ? "1" : "")
    w.endRow()
  }

  // MARK: GL

  public static func glFields(_ g: GLEntry, places: Int) -> [String] { g.fields(places: places) }

  /// Writes one GL line.
  public static func write(_ g: GLEntry, places: Int, into w: inout ByteWriter) { g.write(places: places, into: &w) }

  public static func parseGL(_ f: [String]) -> GLEntry? {
    guard f.count == glColumns.count, let date = BusinessDate(parsing: f[0]), let type = VoucherType(rawValue: f[1]),
      let debit = Fixed(parsing: f[4]), let credit = Fixed(parsing: f[5])
    else { return nil }
    return GLEntry(
      date: date, voucherType: type, voucherNo: f[2], account: f[3], debit: debit, credit: credit, party: f[6],
      againstAccount: f[7], isAdjustment: f[8] == "1", remarks: f[9])
  }

  // MARK: vouchers

  /// A voucher in the canonical CSV layout (one row per item, tax and additional-cost row), so the journal
  /// of accepted vouchers is itself a valid inbox file.
  public static func voucherRows(_ v: Voucher) -> [[String]] {
    var rows: [[String]] = []
    var base = [String](repeating: "", count: VoucherColumn.count)
    base[VoucherColumn.voucherType.ordinal] = v.type.rawValue
    base[VoucherColumn.voucherNo.ordinal] = v.no
    base[VoucherColumn.postingDate.ordinal] = v.date.description
    base[VoucherColumn.postingTime.ordinal] = v.time.description
    base[VoucherColumn.action.ordinal] = v.action.rawValue
    base[VoucherColumn.purpose.ordinal] = v.purpose?.rawValue ?? ""
    base[VoucherColumn.party.ordinal] = v.party
    base[VoucherColumn.isReturn.ordinal] = v.isReturn ? "1" : ""
    base[VoucherColumn.returnAgainst.ordinal] = v.returnAgainst
    base[VoucherColumn.updateStock.ordinal] = v.updateStock ? "1" : ""
    base[VoucherColumn.againstVoucher.ordinal] = v.againstVoucher
    base[VoucherColumn.remarks.ordinal] = v.remarks
    for r in v.items {
      var m = base
      m[VoucherColumn.itemCode.ordinal] = r.itemCode
      m[VoucherColumn.barcode.ordinal] = r.barcode
      m[VoucherColumn.warehouse.ordinal] = r.warehouse
      m[VoucherColumn.sourceWarehouse.ordinal] = r.sourceWarehouse
      m[VoucherColumn.targetWarehouse.ordinal] = r.targetWarehouse
      m[VoucherColumn.isFinishedItem.ordinal] = r.isFinishedItem ? "1" : ""
      m[VoucherColumn.isScrapItem.ordinal] = r.isScrapItem ? "1" : ""
      m[VoucherColumn.qty.ordinal] = r.qty?.plain ?? ""
      m[VoucherColumn.uom.ordinal] = r.uom
      m[VoucherColumn.conversionFactor.ordinal] = r.conversionFactor?.plain ?? ""
      m[VoucherColumn.rate.ordinal] = r.rate?.plain ?? ""
      m[VoucherColumn.batchNo.ordinal] = r.batchNo
      m[VoucherColumn.batchExpiryDate.ordinal] = r.batchExpiryDate?.description ?? ""
      m[VoucherColumn.batchManufacturingDate.ordinal] = r.batchManufacturingDate?.description ?? ""
      m[VoucherColumn.serialNos.ordinal] = r.serialNos.joined(separator: ";")
      m[VoucherColumn.expenseAccount.ordinal] = r.expenseAccount
      m[VoucherColumn.incomeAccount.ordinal] = r.incomeAccount
      m[VoucherColumn.costCenter.ordinal] = r.costCenter
      rows.append(m)
    }
    for (type, list) in [(RowType.tax, v.taxes), (.additionalCost, v.additionalCosts)] {
      for c in list {
        var m = base
        m[VoucherColumn.rowType.ordinal] = type.rawValue
        m[VoucherColumn.account.ordinal] = c.account
        m[VoucherColumn.amount.ordinal] = c.amount?.plain ?? ""
        m[VoucherColumn.taxRate.ordinal] = c.taxRate?.plain ?? ""
        m[VoucherColumn.taxCategory.ordinal] = c.category.rawValue
        rows.append(m)
      }
    }
    if rows.isEmpty { rows.append(base) }  // a cancellation names its voucher only
    return rows
  }

  /// Writes a plain voucher read where it lies in the canonical layout: the bytes ``write(_:into:)`` writes
  /// for the voucher decoded (`LedgerFormatTests` compares them), its blank columns those a plain voucher
  /// leaves blank.
  /// - Complexity: O(bytes written), one check for room for a row of usual size (``ByteWriter/withRoom(_:_:)``).
  public static func write(_ v: EncodedVoucher, into w: inout ByteWriter) {
    w.withRoom(ByteWriter.usualRow) { writeRows(v, into: &$0) }
  }

  private static func writeRows(_ v: EncodedVoucher, into w: inout ByteWriter) {
    var blank = 0
    func text(_ u: UnsafeBufferPointer<UInt8>) {
      if u.isEmpty { return blank += 1 }
      w.emptyFields(blank)
      blank = 0
      w.text(utf8: u)
    }
    func text(_ s: String) {
      if s.isEmpty { return blank += 1 }
      w.emptyFields(blank)
      blank = 0
      w.text(s)
    }
    func flag(_ on: Bool) { text(on ? "1" : "") }
    func present(_ value: Fixed?) {
      guard let value else { return blank += 1 }
      w.emptyFields(blank)
      blank = 0
      w.plain(value)
    }
    let h = v.head
    for r in v.rows {
      text(h.type.rawValue)
      text(h.no)
      w.emptyFields(blank)
      blank = 0
      w.date(h.date)
      w.time(v.time)
      text(h.action.rawValue)
      text(h.purpose?.rawValue ?? "")
      text(v.party)
      flag(h.isReturn)
      blank += 1  // return_against
      flag(h.updateStock)
      blank += 2  // against_voucher, row_type
      text(r.itemCode)
      blank += 1  // barcode
      text(r.warehouse)
      text(r.sourceWarehouse)
      text(r.targetWarehouse)
      flag(r.isFinishedItem)
      flag(r.isScrapItem)
      present(r.qty)
      blank += 2  // uom, conversion_factor
      present(r.rate)
      // batch_no, its two dates, serial_nos, the two accounts, cost_center; account, amount, tax_rate,
      // tax_category; remarks
      blank += 7 + 4 + 1
      w.emptyFields(blank)
      blank = 0
      w.endRow()
    }
  }

  /// Writes a voucher's rows in the canonical layout straight to bytes (the same rows as ``voucherRows(_:)``).
  /// - Complexity: O(bytes written), one check for room for rows of usual size (``ByteWriter/withRoom(_:_:)``).
  public static func write(_ v: Voucher, into w: inout ByteWriter) {
    w.withRoom(ByteWriter.usualRow &* v.items.count) { writeRows(v, into: &$0) }
  }

  private static func writeRows(_ v: Voucher, into w: inout ByteWriter) {
    // Blank columns are counted and written together (most of a row's thirty are blank).
    var blank = 0
    /// A column written by `write`, after the blank ones before it; counted blank when `isBlank`.
    func column(blank isBlank: Bool, _ write: (inout ByteWriter) -> Void) {
      if isBlank { return blank += 1 }
      if blank > 0 {
        w.emptyFields(blank)
        blank = 0
      }
      write(&w)
    }
    func text(_ s: String) { column(blank: s.isEmpty) { $0.text(s) } }
    /// A column written by `write` when it has a value, blank otherwise.
    func present<T>(_ value: T?, _ write: (inout ByteWriter, T) -> Void) {
      guard let value else { return blank += 1 }
      column(blank: false) { write(&$0, value) }
    }
    // The columns in ``VoucherColumn`` order, written one after another (a loop over the thirty-five with a
    // switch for each cost five thousand instructions a row; `LedgerFormatTests` checks the order).
    // Fields in the boxes of rare fields (``Voucher/leavesRareFieldsBlank``, ``ItemRow/leavesExtrasBlank``)
    // are counted blank without being read when there is no box: a string read through a getter is
    // retained and released, twenty times a voucher of the usual kind.
    func name(_ n: InternedName) { column(blank: n.isEmpty) { $0.text(n) } }
    func flag(_ on: Bool) { if on { text("1") } else { blank += 1 } }
    let rareBlank = v.leavesRareFieldsBlank
    for r in v.items {
      w.emptyFields(blank)  // (none: a row begins with its type)
      blank = 0
      w.text(plain: v.type.plainName)
      text(v.no)
      present(v.date) { $0.date($1) }
      present(v.time) { $0.time($1) }
      if v.action == .submit { blank += 1 } else { text(v.action.rawValue) }
      if let purpose = v.purpose { text(purpose.rawValue) } else { blank += 1 }
      text(v.party)
      flag(v.isReturn)
      if rareBlank { blank += 1 } else { text(v.returnAgainst) }
      flag(v.updateStock)
      if rareBlank { blank += 1 } else { text(v.againstVoucher) }
      blank += 1  // row_type
      name(r.itemName)
      let extrasBlank = r.leavesExtrasBlank
      if extrasBlank { blank += 1 } else { text(r.barcode) }
      name(r.warehouseName)
      name(r.sourceWarehouseName)
      name(r.targetWarehouseName)
      flag(r.isFinishedItem)
      flag(r.isScrapItem)
      present(r.qty) { $0.plain($1) }
      if extrasBlank {
        blank += 2  // uom, conversion_factor
      } else {
        text(r.uom)
        present(r.conversionFactor) { $0.plain($1) }
      }
      present(r.rate) { $0.plain($1) }
      if extrasBlank {
        blank += 7  // batch_no, its two dates, serial_nos, the two accounts, cost_center
      } else {
        text(r.batchNo)
        present(r.batchExpiryDate) { $0.date($1) }
        present(r.batchManufacturingDate) { $0.date($1) }
        text(r.serialNos.isEmpty ? "" : r.serialNos.joined(separator: ";"))
        text(r.expenseAccount)
        text(r.incomeAccount)
        text(r.costCenter)
      }
      blank += 4  // account, amount, tax_rate, tax_category
      if rareBlank { blank += 1 } else { text(v.remarks) }
      w.emptyFields(blank)
      blank = 0
      w.endRow()
    }
    let charges = !rareBlank && (!v.taxes.isEmpty || !v.additionalCosts.isEmpty)
    if v.items.isEmpty && !charges {
      for r in voucherRows(v) { w.texts(r); w.endRow() }
      return
    }
    if charges {
      for r in voucherRows(v).dropFirst(v.items.count) { w.texts(r); w.endRow() }
    }
  }

  public static var voucherHeader: [String] { VoucherColumn.allCases.map(\.rawValue) }
}

/// One entry of the registry of imported files.
public struct FileRecord: Sendable, Hashable {
  public enum Status: String, Sendable { case imported, partial, rejected, duplicate }
  public var sha256: String
  public var file: String
  public var status: Status
  public var rows: Int
  public var vouchersPosted: Int
  public var vouchersRejected: Int
  /// The run that recorded it.
  public var run: Int
  public init(sha256: String, file: String, status: Status, rows: Int, vouchersPosted: Int, vouchersRejected: Int, run: Int) {
    self.sha256 = sha256
    self.file = file
    self.status = status
    self.rows = rows
    self.vouchersPosted = vouchersPosted
    self.vouchersRejected = vouchersRejected
    self.run = run
  }
  var fields: [String] { [sha256, file, status.rawValue, String(rows), String(vouchersPosted), String(vouchersRejected)] }
}
