import StockCore
import StockRead

/// The text formats of the ledger's files. Every number is written exactly (amounts with currency
/// precision, quantities and rates with up to 9 decimals), so a file reads back to the same values.
public enum LedgerFormat {
  public static let stockColumns = [
    "posting_date", "posting_time", "voucher_type", "voucher_no", "index", "item_code", "warehouse", "batch_no",
    "serial_nos", "actual_qty", "qty_after_transaction", "incoming_rate", "outgoing_rate", "valuation_rate",
    "stock_value", "stock_value_difference",
  ]
  public static let glColumns = [
    "posting_date", "voucher_type", "voucher_no", "account", "debit", "credit", "party", "against_account",
    "is_adjustment", "remarks",
  ]
  public static let registryColumns = ["sha256", "file", "status", "rows", "vouchers_posted", "vouchers_rejected"]

  // MARK: stock ledger entries

  public static func stockFields(_ e: StockLedgerEntry, places: Int) -> [String] {
    [
      e.date.description, e.time.description, e.voucherType.rawValue, e.voucherNo, String(e.index), e.itemCode,
      e.warehouse, e.batchNo, e.serialNos.joined(separator: ";"), e.actualQty.plain, e.qtyAfterTransaction.plain,
      e.incomingRate.plain, e.outgoingRate.plain, e.valuationRate.plain, e.stockValue.formatted(places: places),
      e.stockValueDifference.formatted(places: places),
    ]
  }

  public static func parseStock(_ f: [String]) -> StockLedgerEntry? {
    guard f.count == stockColumns.count, let date = BusinessDate(parsing: f[0]), let time = BusinessTime(parsing: f[1]),
      let type = VoucherType(rawValue: f[2]), let index = Int(f[4]), let aq = Fixed(parsing: f[9]),
      let qa = Fixed(parsing: f[10]), let ir = Fixed(parsing: f[11]), let or = Fixed(parsing: f[12]),
      let vr = Fixed(parsing: f[13]), let sv = Fixed(parsing: f[14]), let svd = Fixed(parsing: f[15])
    else { return nil }
    var e = StockLedgerEntry(
      date: date, time: time, voucherType: type, voucherNo: f[3], index: index, itemCode: f[5], warehouse: f[6],
      actualQty: aq, qtyAfterTransaction: qa, incomingRate: ir, valuationRate: vr, stockValue: sv,
      stockValueDifference: svd)
    e.outgoingRate = or
    e.batchNo = f[7]
    e.serialNos = f[8].isEmpty ? [] : f[8].split(separator: ";").map(String.init)
    return e
  }

  // MARK: GL

  public static func glFields(_ g: GLEntry, places: Int) -> [String] {
    [
      g.date.description, g.voucherType.rawValue, g.voucherNo, g.account, g.debit.formatted(places: places),
      g.credit.formatted(places: places), g.party, g.againstAccount, g.isAdjustment ? "1" : "0", g.remarks,
    ]
  }

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
    func base() -> [VoucherColumn: String] {
      var m: [VoucherColumn: String] = [
        .voucherType: v.type.rawValue, .voucherNo: v.no, .postingDate: v.date.description,
        .postingTime: v.time.description, .action: v.action.rawValue, .purpose: v.purpose?.rawValue ?? "",
        .party: v.party, .isReturn: v.isReturn ? "1" : "", .returnAgainst: v.returnAgainst,
        .updateStock: v.updateStock ? "1" : "", .againstVoucher: v.againstVoucher,
      ]
      if !v.remarks.isEmpty { m[.remarks] = v.remarks }
      return m
    }
    func emit(_ m: [VoucherColumn: String]) { rows.append(VoucherColumn.allCases.map { m[$0] ?? "" }) }
    for r in v.items {
      var m = base()
      m[.itemCode] = r.itemCode
      m[.barcode] = r.barcode
      m[.warehouse] = r.warehouse
      m[.sourceWarehouse] = r.sourceWarehouse
      m[.targetWarehouse] = r.targetWarehouse
      m[.isFinishedItem] = r.isFinishedItem ? "1" : ""
      m[.isScrapItem] = r.isScrapItem ? "1" : ""
      m[.qty] = r.qty?.plain ?? ""
      m[.uom] = r.uom
      m[.conversionFactor] = r.conversionFactor?.plain ?? ""
      m[.rate] = r.rate?.plain ?? ""
      m[.batchNo] = r.batchNo
      m[.batchExpiryDate] = r.batchExpiryDate?.description ?? ""
      m[.batchManufacturingDate] = r.batchManufacturingDate?.description ?? ""
      m[.serialNos] = r.serialNos.joined(separator: ";")
      m[.expenseAccount] = r.expenseAccount
      m[.incomeAccount] = r.incomeAccount
      m[.costCenter] = r.costCenter
      emit(m)
    }
    for (type, list) in [(RowType.tax, v.taxes), (.additionalCost, v.additionalCosts)] {
      for c in list {
        var m = base()
        m[.rowType] = type.rawValue
        m[.account] = c.account
        m[.amount] = c.amount?.plain ?? ""
        m[.taxRate] = c.taxRate?.plain ?? ""
        m[.taxCategory] = c.category.rawValue
        emit(m)
      }
    }
    if rows.isEmpty { emit(base()) }  // a cancellation names its voucher only
    return rows
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
