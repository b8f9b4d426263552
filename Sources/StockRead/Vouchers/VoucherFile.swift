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
  /// Distinct voucher numbers seen (including vouchers too broken to build).
  public var voucherCount = 0
  /// Whether no two of `vouchers` share a number: a CSV file's rows are grouped into vouchers by number
  /// (an XML file's vouchers are elements, which may repeat one).
  public var numbersAreDistinct = false

  public init(name: String, vouchers: [Voucher] = [], diagnostics: [Diagnostic] = [], rowCount: Int = 0,
              header: [String] = []) {
    self.name = name
    self.vouchers = vouchers
    self.diagnostics = diagnostics
    self.rowCount = rowCount
    self.header = header
  }
}
