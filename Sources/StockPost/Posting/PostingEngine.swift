import StockCore

/// Values and posts vouchers in timeline order: one stock ledger entry per stock movement, the valued
/// state per item and warehouse, and the voucher's GL (SPEC §5.4, §5.7).
///
/// A voucher posts completely or not at all: its movements are applied to a private copy of the touched
/// states and written back only when every row succeeded. The engine starts from any state (empty for a
/// replay from scratch), so an incremental run can continue from a snapshot.
public struct PostingEngine: Sendable {
  public let masters: Masters
  /// State of every item and warehouse after the vouchers posted so far.
  public private(set) var states: [StockKey: ItemWarehouseState]
  /// What returns and invoices need to know of the vouchers posted so far.
  public private(set) var history: [String: PostedDocument]

  public init(masters: Masters, states: [StockKey: ItemWarehouseState] = [:], history: [String: PostedDocument] = [:]) {
    self.masters = masters
    self.states = states
    self.history = history
  }

  /// Posts one validated voucher.
  /// - Complexity: O(rows × bins touched).
  public mutating func post(_ voucher: Voucher) -> Result<PostedVoucher, VoucherProblems> {
    var tx = Transaction(masters: masters, voucher: voucher)
    // The transaction borrows the engine's dictionaries (no copy) and gives them back afterwards.
    swap(&tx.base, &states)
    swap(&tx.history, &history)
    defer {
      swap(&tx.base, &states)
      swap(&tx.history, &history)
    }
    switch voucher.type {
    case .purchaseReceipt, .purchaseInvoice: tx.buying()
    case .deliveryNote, .salesInvoice: tx.selling()
    case .stockEntry: tx.stockEntry()
    case .stockReconciliation: tx.reconciliation()
    case .salesOrder, .purchaseOrder, .workOrder:
      tx.fail(.unsupported, line: voucher.source.line, field: "voucher_type", "\(voucher.type.rawValue) cannot be posted by this version")
    }
    if !tx.problems.isEmpty { return .failure(VoucherProblems(diagnostics: tx.problems)) }
    for (k, s) in tx.pending { tx.base[k] = s }
    tx.record()
    let gl = tx.gl.entries(for: voucher, roundOff: masters.company.accounts.roundOff)
    return .success(PostedVoucher(voucher: voucher, entries: tx.entries, gl: gl))
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
