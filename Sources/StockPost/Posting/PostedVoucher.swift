import StockCore

/// A voucher as posted: its stock ledger entries (in processing order) and its GL lines.
public struct PostedVoucher: Sendable {
  public var voucher: Voucher
  public var entries: [StockLedgerEntry]
  public var gl: [GLEntry]
  public init(voucher: Voucher, entries: [StockLedgerEntry], gl: [GLEntry]) {
    self.voucher = voucher
    self.entries = entries
    self.gl = gl
  }
}
