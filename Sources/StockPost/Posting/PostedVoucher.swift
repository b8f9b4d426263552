import StockCore

/// A voucher as posted: its stock ledger entries (in processing order) and its GL lines.
public struct PostedVoucher: Sendable {
  /// The voucher as it posted: batches and serials the engine named or picked are filled in (a row split
  /// over several batches becomes one row per batch), so a replay posts exactly the same.
  public var voucher: Voucher
  public var entries: [StockLedgerEntry]
  public var gl: [GLEntry]
  public init(voucher: Voucher, entries: [StockLedgerEntry], gl: [GLEntry]) {
    self.voucher = voucher
    self.entries = entries
    self.gl = gl
  }
}
