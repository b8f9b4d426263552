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

  /// Columns every voucher file must have.
  public static let required: [VoucherColumn] = [.voucherType, .voucherNo, .postingDate]
  /// Columns that belong to the voucher and must agree on all its rows.
  public static let voucherLevel: [VoucherColumn] = [
    .voucherType, .postingDate, .postingTime, .action, .purpose, .party, .isReturn, .returnAgainst, .updateStock,
    .againstVoucher,
  ]
}
