import StockCore

/// A voucher as posted: its stock ledger entries (in processing order) and its GL lines. A class: a run
/// passes posted vouchers through several stages, and sharing them costs a reference count, not a copy.
public final class PostedVoucher: Sendable {
  /// The voucher as it posted: batches and serials the engine named or picked are filled in (a row split
  /// over several batches becomes one row per batch), so a replay posts exactly the same.
  public let voucher: Voucher
  public let entries: [StockLedgerEntry]
  public let gl: [GLEntry]
  /// The engine filled in rows (batches or serials it named or picked): `voucher` differs from the input.
  public let rowsResolved: Bool
  public init(voucher: Voucher, entries: [StockLedgerEntry], gl: [GLEntry], rowsResolved: Bool = true) {
    self.voucher = voucher
    self.rowsResolved = rowsResolved
    self.entries = entries
    self.gl = gl
  }
}
