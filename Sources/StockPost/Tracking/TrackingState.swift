import StockCore

/// A serial number as the engine knows it after the vouchers posted so far.
public struct SerialState: Sendable, Hashable {
  public var item: String
  public var batch: String
  /// The warehouse it is in; empty when it is not in stock.
  public var warehouse: String
  /// The rate it came in at (serial-specific valuation).
  public var incomingRate: Rate
  /// Receipt order among the item's serials (1 for its first serial received): the order of
  /// ``PostingState/serialsIn``, counted per item so that a part of the history replays to the same
  /// numbers as the whole ledger.
  public var receivedSequence: Int
}

/// A batch as the engine knows it: created by its first inward row.
public struct BatchState: Sendable, Hashable {
  public var item: String
  public var expiry: BusinessDate?
  public var manufactured: BusinessDate?
  public var createdOn: BusinessDate
  /// Creation order among the item's batches (0 for its first), the tie-break of first-expiring-first
  /// picking: counted per item, as ``SerialState/receivedSequence`` is.
  public var sequence: Int
}

/// Quantity and value of one batch in one warehouse (each batch its own moving average).
public struct BatchStock: Sendable, Hashable {
  public var qty: Quantity = .zero
  /// Unrounded running value (Σ of the batch's stock value differences).
  public var value: Amount = .zero
}

/// One batch in one warehouse.
public struct BatchKey: Sendable, Hashable, Comparable {
  public var batch: String
  public var warehouse: String
  public static func < (a: BatchKey, b: BatchKey) -> Bool { (a.batch, a.warehouse) < (b.batch, b.warehouse) }
}

/// How many batches an item has created and how many serials it has received: the item's own sequences
/// (``BatchState/sequence``, ``SerialState/receivedSequence``). Picking compares them only within an item,
/// so counted per item they order exactly as one count over all items would, and a replay of the part of
/// the history that holds every movement of the item gives them as a replay of the whole ledger does.
public struct TrackedCounts: Sendable, Hashable {
  public var batches = 0
  public var serials = 0
  public init(batches: Int = 0, serials: Int = 0) {
    self.batches = batches
    self.serials = serials
  }
}

/// Everything the engine carries from one voucher to the next.
public struct PostingState: Sendable {
  /// Running state of every item and warehouse.
  public var stock = StockStates()
  /// What returns and invoices need of the vouchers posted so far.
  public var documents = PostedDocuments()
  public var serials: [String: SerialState] = [:]
  public var batches: [String: BatchState] = [:]
  public var batchStock: [BatchKey: BatchStock] = [:]
  /// Serials in stock per item and warehouse, in receipt order (oldest first: the order a delivery picks
  /// them in), so that picking reads the first few instead of sorting every serial in stock. A slice: the
  /// oldest leave from its front without the others moving (an array moved all of them, 320 kB for each
  /// delivery from 20,000 in stock), and its storage drops what left whenever it grows.
  public var serialsIn: [StockKey: ArraySlice<String>] = [:]
  /// Batches with stock per item and warehouse, in picking order: first expiring first, those without an
  /// expiry last, then the oldest (creation order). A batch is listed exactly while its quantity there is
  /// positive, so a delivery reads the first few instead of sorting every batch with stock. (A slice, as
  /// the serials: the first batches are the ones emptied.)
  public var batchesIn: [StockKey: ArraySlice<String>] = [:]
  /// Highest number used per naming-series prefix.
  public var seriesUsed: [String: Int] = [:]
  /// Batches created and serials received, per item code.
  public var tracked: [String: TrackedCounts] = [:]
  /// Orders by number.
  public var orders: [String: OrderState] = [:]
  /// Reserved, ordered and planned quantities per item and warehouse.
  public var planning: [StockKey: PlanningTotals] = [:]
  public init() {}
}
