/// The columns of the CSV voucher layout (SPEC §4.1), in canonical order. The ledger's journal of accepted
/// vouchers uses the same layout, so a journal file is also a valid inbox file.
public enum VoucherColumn: String, Sendable, CaseIterable, Hashable {
  case voucherType = "voucher_type"
  case voucherNo = "voucher_no"
  case postingDate = "posting_date"
  case postingTime = "posting_time"
  case action
  case purpose
  case party
  case isReturn = "is_return"
  case returnAgainst = "return_against"
  case updateStock = "update_stock"
  case againstVoucher = "against_voucher"
  case rowType = "row_type"
  case itemCode = "item_code"
  case barcode
  case warehouse
  case sourceWarehouse = "source_warehouse"
  case targetWarehouse = "target_warehouse"
  case isFinishedItem = "is_finished_item"
  case isScrapItem = "is_scrap_item"
  case qty
  case uom
  case conversionFactor = "conversion_factor"
  case rate
  case batchNo = "batch_no"
  case batchExpiryDate = "batch_expiry_date"
  case batchManufacturingDate = "batch_manufacturing_date"
  case serialNos = "serial_nos"
  case expenseAccount = "expense_account"
  case incomeAccount = "income_account"
  case costCenter = "cost_center"
  case account
  case amount
  case taxRate = "tax_rate"
  case taxCategory = "tax_category"
  case remarks

  /// ``allCases``, built once (the synthesized `allCases` builds a new array on every use).
  public static let inOrder = allCases

  /// Position in ``allCases`` (O(1), no hashing).
  public var ordinal: Int {
    switch self {
    case .voucherType: return 0
    case .voucherNo: return 1
    case .postingDate: return 2
    case .postingTime: return 3
    case .action: return 4
    case .purpose: return 5
    case .party: return 6
    case .isReturn: return 7
    case .returnAgainst: return 8
    case .updateStock: return 9
    case .againstVoucher: return 10
    case .rowType: return 11
    case .itemCode: return 12
    case .barcode: return 13
    case .warehouse: return 14
    case .sourceWarehouse: return 15
    case .targetWarehouse: return 16
    case .isFinishedItem: return 17
    case .isScrapItem: return 18
    case .qty: return 19
    case .uom: return 20
    case .conversionFactor: return 21
    case .rate: return 22
    case .batchNo: return 23
    case .batchExpiryDate: return 24
    case .batchManufacturingDate: return 25
    case .serialNos: return 26
    case .expenseAccount: return 27
    case .incomeAccount: return 28
    case .costCenter: return 29
    case .account: return 30
    case .amount: return 31
    case .taxRate: return 32
    case .taxCategory: return 33
    case .remarks: return 34
    }
  }

  /// The number of columns.
  public static let count = 35

  /// Columns every voucher file must have.
  public static let required: [VoucherColumn] = [.voucherType, .voucherNo, .postingDate]
  /// Columns that belong to the voucher and must agree on all its rows.
  public static let voucherLevel: [VoucherColumn] = [
    .voucherType, .postingDate, .postingTime, .action, .purpose, .party, .isReturn, .returnAgainst, .updateStock,
    .againstVoucher,
  ]
}
