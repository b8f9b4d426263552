import StockCore

/// A voucher as posted on its own: its stock ledger entries (in processing order) and its GL lines
/// (``PostingEngine/post(_:)``). A replay appends them to its own arrays instead
/// (``PostingEngine/post(_:appendingTo:gl:)``).
public final class PostedVoucher: Sendable {
  /// The voucher as it posted: batches and serials the engine named or picked are filled in (a row split
  /// over several batches becomes one row per batch), so a replay posts exactly the same.
  public let voucher: Voucher
  public let entries: [StockLedgerEntry]
  public let gl: [GLEntry]
  public init(voucher: Voucher, entries: [StockLedgerEntry], gl: [GLEntry]) {
    self.voucher = voucher
    self.entries = entries
    self.gl = gl
  }
}
