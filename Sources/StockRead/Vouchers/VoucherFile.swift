import StockCore

/// What a reader made of one input file: its vouchers in file order and every problem found.
public struct VoucherFile: Sendable {
  /// The file name as it was in the inbox.
  public var name: String
  public var vouchers: [Voucher]
  public var diagnostics: [Diagnostic]
  /// Data rows read (CSV lines, XML item/tax/cost elements), for control totals.
  public var rowCount: Int
  /// The header of a CSV file, as given.
  public var header: [String]
  /// Raw CSV records by voucher number, for writing held-back vouchers back in the input's own layout.
  public var recordsByVoucher: [String: [CSVRecord]]

  public init(name: String, vouchers: [Voucher] = [], diagnostics: [Diagnostic] = [], rowCount: Int = 0,
              header: [String] = [], recordsByVoucher: [String: [CSVRecord]] = [:]) {
    self.name = name
    self.vouchers = vouchers
    self.diagnostics = diagnostics
    self.rowCount = rowCount
    self.header = header
    self.recordsByVoucher = recordsByVoucher
  }
}
