import StockCore

/// Values and posts vouchers in timeline order: one stock ledger entry per stock movement, the valued
/// state per item and warehouse, and the voucher's GL (SPEC §5.4, §5.7).
///
/// A voucher posts completely or not at all: its movements are applied to a private copy of the touched
/// states and written back only when every row succeeded. The engine starts from any state (empty for a
/// replay from scratch), so an incremental run can continue from a snapshot.
public struct PostingEngine: Sendable {
  public let masters: Masters
  /// Everything the vouchers posted so far left behind: stock per item and warehouse, serials, batches,
  /// what returns need of their originals.
  public private(set) var state: PostingState

  /// State of every item and warehouse after the vouchers posted so far.
  public var states: [StockKey: ItemWarehouseState] { state.stock }

  public init(masters: Masters, state: PostingState = PostingState()) {
    self.masters = masters
    self.state = state
  }

  /// Makes room for `count` vouchers' worth of history, so a long replay does not rehash as it grows.
  public mutating func reserve(vouchers count: Int) {
    state.documents.reserveCapacity(count)
  }

  /// Posts one validated voucher.
  /// - Complexity: O(rows × bins touched).
  public mutating func post(_ voucher: Voucher) -> Result<PostedVoucher, VoucherProblems> {
    var tx = Transaction(masters: masters, voucher: voucher)
    // The transaction borrows the engine's state (no copy) and gives it back afterwards.
    swap(&tx.base, &state)
    defer { swap(&tx.base, &state) }
    switch (voucher.type, voucher.action) {
    case (_, .close): tx.closeOrder()
    case (.purchaseReceipt, _), (.purchaseInvoice, _): tx.buying()
    case (.deliveryNote, _), (.salesInvoice, _): tx.selling()
    case (.stockEntry, _): tx.stockEntry()
    case (.stockReconciliation, _): tx.reconciliation()
    case (.salesOrder, _), (.purchaseOrder, _), (.workOrder, _): tx.openOrder()
    }
    if !tx.problems.isEmpty { return .failure(VoucherProblems(diagnostics: tx.problems)) }
    tx.commit()
    let gl = tx.gl.entries(for: voucher, roundOff: masters.company.accounts.roundOff)
    return .success(PostedVoucher(voucher: tx.resolvedVoucher, entries: tx.entries, gl: gl, rowsResolved: !tx.resolvedRows.isEmpty))
  }
}

/// What later vouchers need to know of a posted one: returns take its rates and may not exceed its
/// quantities; invoices check the receipt they bill.
public struct PostedDocument: Sendable, Hashable {
  public var type: VoucherType
  public var isReturn: Bool
  public var party: String
  /// One line per stock movement of the voucher.
  public var lines: [Line]
  /// Quantity already returned, by item and warehouse of the original line.
  public var returned: [StockKey: Quantity] = [:]

  public struct Line: Sendable, Hashable {
    public var key: StockKey
    /// Stock UOM, positive.
    public var qty: Quantity
    /// Inward: the incoming (valuation) rate; outward: the value issued per unit.
    public var rate: Rate
    /// The document rate per stock unit (purchase or selling price), for returns without a rate.
    public var documentRate: Rate
  }

  public init(type: VoucherType, isReturn: Bool, party: String, lines: [Line]) {
    self.type = type
    self.isReturn = isReturn
    self.party = party
    self.lines = lines
  }
}
