/// The voucher vocabulary of SPEC §4.1. Raw values are the wire names.
public enum VoucherType: String, Sendable, CaseIterable, Hashable {
  case purchaseReceipt = "Purchase Receipt"
  case purchaseInvoice = "Purchase Invoice"
  case deliveryNote = "Delivery Note"
  case salesInvoice = "Sales Invoice"
  case stockEntry = "Stock Entry"
  case stockReconciliation = "Stock Reconciliation"
  case salesOrder = "Sales Order"
  case purchaseOrder = "Purchase Order"
  case workOrder = "Work Order"

  /// Orders move no stock; they reserve, order or plan it.
  public var isOrder: Bool { self == .salesOrder || self == .purchaseOrder || self == .workOrder }

  /// The name (`rawValue`) as a CSV field writes it (``ByteWriter/text(plain:)``): every line of the
  /// ledgers names its voucher type.
  /// - Complexity: O(1).
  public var plainName: PlainText { VoucherType.plainNames[ordinal] }

  /// Every type's name, at its ``ordinal`` (each placed by its own ordinal, so the table does not depend
  /// on the order of `allCases` matching the numbers below).
  private static let plainNames: [PlainText] = {
    var names = [PlainText?](repeating: nil, count: allCases.count)
    for type in allCases {
      precondition(names[type.ordinal] == nil, "two voucher types share the ordinal \(type.ordinal)")
      names[type.ordinal] = PlainText(type.rawValue)
    }
    return names.map { $0! }  // every type's name is plain: no comma, quote or formula
  }()
  /// A number of its own for each type, 0 to `allCases.count - 1` (the switch is exhaustive: a new type
  /// must be given one).
  private var ordinal: Int {
    switch self {
    case .purchaseReceipt: 0
    case .purchaseInvoice: 1
    case .deliveryNote: 2
    case .salesInvoice: 3
    case .stockEntry: 4
    case .stockReconciliation: 5
    case .salesOrder: 6
    case .purchaseOrder: 7
    case .workOrder: 8
    }
  }
}

/// `purpose` of a Stock Entry (or `Opening Stock` of a Stock Reconciliation).
public enum Purpose: String, Sendable, CaseIterable, Hashable {
  case materialReceipt = "Material Receipt"
  case materialIssue = "Material Issue"
  case materialTransfer = "Material Transfer"
  case manufacture = "Manufacture"
  case repack = "Repack"
  case openingStock = "Opening Stock"
}

/// What a voucher asks of the ledger.
public enum VoucherAction: String, Sendable, Hashable {
  case submit = ""
  case cancel = "cancel"
  case close = "close"
}

/// How a tax or charge row counts (SPEC §4.1).
public enum TaxCategory: String, Sendable, CaseIterable, Hashable {
  /// Part of the document total only.
  case total = "Total"
  /// Part of the stock value only.
  case valuation = "Valuation"
  /// Both.
  case valuationAndTotal = "Valuation and Total"

  public var addsToValuation: Bool { self != .total }
  public var addsToTotal: Bool { self != .valuation }
}

/// The kind of a voucher row.
public enum RowType: String, Sendable, Hashable {
  case item = "item"
  case tax = "tax"
  case additionalCost = "additional_cost"
}
