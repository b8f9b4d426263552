/// One voucher: a document of one type, with its item rows and its tax and additional-cost rows, as read
/// from an inbox file (or from the ledger's journal of accepted vouchers).
///
/// The fields hold what the input said, parsed and typed; defaults are applied by the validator and the
/// engine, not here, so a voucher written back to the ledger reads back the same.
///
/// The fields live in one shared box (copied before a write when shared): a run hands a voucher through
/// reading, validation, the timeline, posting and the ledger record, and each stage's copy costs a reference
/// count instead of the whole voucher (a million vouchers kept half a gigabyte less, BENCHMARKS.md).
public struct Voucher: Sendable, Hashable {
  @usableFromInline var storage: Storage

  /// Whether `other` is this voucher unchanged: the same storage, not a copy that was changed (a voucher
  /// validation normalized is a new one).
  /// - Complexity: O(1).
  public func isIdentical(to other: Voucher) -> Bool { storage === other.storage }

  /// The fields. Mutated only through `unique()`, so never while shared, and never by two accesses at once:
  /// the runtime's exclusivity check on every field read (4 % of a run's instructions) is left out.
  ///
  /// The fields every voucher uses are stored here, the ones most leave blank (return and against
  /// references, remarks, tax and additional-cost rows, an XML column and element) in a ``Rare`` box made
  /// on the first write: 112 bytes a voucher instead of 224 (a million-voucher run holds every voucher).
  @usableFromInline final class Storage: @unchecked Sendable {
    @usableFromInline @exclusivity(unchecked) var no: String
    @usableFromInline @exclusivity(unchecked) var party: String = ""
    @usableFromInline @exclusivity(unchecked) var file: String
    @usableFromInline @exclusivity(unchecked) var line: Int
    @usableFromInline @exclusivity(unchecked) var date: BusinessDate
    @usableFromInline @exclusivity(unchecked) var time: BusinessTime
    @usableFromInline @exclusivity(unchecked) var items: [ItemRow] = []
    @usableFromInline @exclusivity(unchecked) var rare: Rare? = nil
    @usableFromInline @exclusivity(unchecked) var type: VoucherType
    @usableFromInline @exclusivity(unchecked) var action: VoucherAction = .submit
    @usableFromInline @exclusivity(unchecked) var purpose: Purpose? = nil
    @usableFromInline @exclusivity(unchecked) var isReturn: Bool = false
    @usableFromInline @exclusivity(unchecked) var updateStock: Bool = false

    init(type: VoucherType, no: String, date: BusinessDate, time: BusinessTime, source: SourceLocation, party: String = "", items: [ItemRow] = []) {
      self.type = type
      self.no = no
      self.date = date
      self.time = time
      self.file = source.file
      self.line = source.line
      self.party = party
      self.items = items
      if source.column != nil || source.element != nil { rare = Rare(column: source.column, element: source.element) }
    }

    init(copying o: Storage) {
      no = o.no
      party = o.party
      file = o.file
      line = o.line
      date = o.date
      time = o.time
      items = o.items
      rare = o.rare.map { $0.copy() }
      type = o.type
      action = o.action
      purpose = o.purpose
      isReturn = o.isReturn
      updateStock = o.updateStock
    }

    /// The rare fields, made when first written.
    var rareFields: Rare {
      if let rare { return rare }
      let r = Rare()
      rare = r
      return r
    }
  }

  /// The fields most vouchers leave blank. Only ever mutated through a uniquely held ``Storage``.
  @usableFromInline final class Rare: @unchecked Sendable {
    @usableFromInline @exclusivity(unchecked) var returnAgainst = ""
    @usableFromInline @exclusivity(unchecked) var againstVoucher = ""
    @usableFromInline @exclusivity(unchecked) var remarks = ""
    @usableFromInline @exclusivity(unchecked) var taxes: [ChargeRow] = []
    @usableFromInline @exclusivity(unchecked) var additionalCosts: [ChargeRow] = []
    @usableFromInline @exclusivity(unchecked) var column: Int?
    @usableFromInline @exclusivity(unchecked) var element: String?

    init(column: Int? = nil, element: String? = nil) {
      self.column = column
      self.element = element
    }

    func copy() -> Rare {
      let c = Rare(column: column, element: element)
      c.returnAgainst = returnAgainst
      c.againstVoucher = againstVoucher
      c.remarks = remarks
      c.taxes = taxes
      c.additionalCosts = additionalCosts
      return c
    }
  }

  public init(type: VoucherType, no: String, date: BusinessDate, time: BusinessTime = .midnight, source: SourceLocation) {
    storage = Storage(type: type, no: no, date: date, time: time, source: source)
  }

  /// A voucher with its party and item rows given at once (a reader's: each set afterwards is a call
  /// that checks the voucher's box is not shared).
  public init(type: VoucherType, no: String, date: BusinessDate, time: BusinessTime, source: SourceLocation, party: String, items: [ItemRow]) {
    storage = Storage(type: type, no: no, date: date, time: time, source: source, party: party, items: items)
  }

  /// The box, copied first when another voucher shares it.
  private mutating func unique() -> Storage {
    if !isKnownUniquelyReferenced(&storage) { storage = Storage(copying: storage) }
    return storage
  }

  public var type: VoucherType {
    @inlinable get { storage.type }
    _modify { let s = unique(); yield &s.type }
    set { unique().type = newValue }
  }
  public var no: String {
    @inlinable get { storage.no }
    _modify { let s = unique(); yield &s.no }
    set { unique().no = newValue }
  }
  public var date: BusinessDate {
    @inlinable get { storage.date }
    _modify { let s = unique(); yield &s.date }
    set { unique().date = newValue }
  }
  public var time: BusinessTime {
    @inlinable get { storage.time }
    _modify { let s = unique(); yield &s.time }
    set { unique().time = newValue }
  }
  public var action: VoucherAction {
    @inlinable get { storage.action }
    _modify { let s = unique(); yield &s.action }
    set { unique().action = newValue }
  }
  public var purpose: Purpose? {
    @inlinable get { storage.purpose }
    _modify { let s = unique(); yield &s.purpose }
    set { unique().purpose = newValue }
  }
  public var party: String {
    @inlinable get { storage.party }
    _modify { let s = unique(); yield &s.party }
    set { unique().party = newValue }
  }
  public var isReturn: Bool {
    @inlinable get { storage.isReturn }
    _modify { let s = unique(); yield &s.isReturn }
    set { unique().isReturn = newValue }
  }
  public var returnAgainst: String {
    @inlinable get { storage.rare?.returnAgainst ?? "" }
    _modify { let r = unique().rareFields; yield &r.returnAgainst }
    set { if !newValue.isEmpty || storage.rare != nil { unique().rareFields.returnAgainst = newValue } }
  }
  public var updateStock: Bool {
    @inlinable get { storage.updateStock }
    _modify { let s = unique(); yield &s.updateStock }
    set { unique().updateStock = newValue }
  }
  public var againstVoucher: String {
    @inlinable get { storage.rare?.againstVoucher ?? "" }
    _modify { let r = unique().rareFields; yield &r.againstVoucher }
    set { if !newValue.isEmpty || storage.rare != nil { unique().rareFields.againstVoucher = newValue } }
  }
  public var remarks: String {
    @inlinable get { storage.rare?.remarks ?? "" }
    _modify { let r = unique().rareFields; yield &r.remarks }
    set { if !newValue.isEmpty || storage.rare != nil { unique().rareFields.remarks = newValue } }
  }
  /// Whether the voucher has no box of rare fields: its return and against references, remarks, taxes and
  /// additional costs are then all blank (a box may also exist with them blank). Writers skip those fields
  /// on it without reading each one (a getter's string is retained and released).
  /// - Complexity: O(1).
  @inlinable public var leavesRareFieldsBlank: Bool { storage.rare == nil }
  public var items: [ItemRow] {
    @inlinable get { storage.items }
    _modify { let s = unique(); yield &s.items }
    set { unique().items = newValue }
  }
  /// Whether a row names a batch or serial numbers; the rows are read in place (a loop over `items` copies
  /// each row, retaining its four names).
  /// - Complexity: O(rows).
  public var hasTrackedRows: Bool {
    storage.items.withUnsafeBufferPointer { rows in
      rows.indices.contains { i in rows[i].extras.map { !$0.batchNo.isEmpty || !$0.serialNos.isEmpty } ?? false }
    }
  }

  public var taxes: [ChargeRow] {
    @inlinable get { storage.rare?.taxes ?? [] }
    _modify { let r = unique().rareFields; yield &r.taxes }
    set { if !newValue.isEmpty || storage.rare != nil { unique().rareFields.taxes = newValue } }
  }
  public var additionalCosts: [ChargeRow] {
    @inlinable get { storage.rare?.additionalCosts ?? [] }
    _modify { let r = unique().rareFields; yield &r.additionalCosts }
    set { if !newValue.isEmpty || storage.rare != nil { unique().rareFields.additionalCosts = newValue } }
  }
  /// Where the voucher's first row was read.
  public var source: SourceLocation {
    get {
      let s = storage
      guard let r = s.rare else { return SourceLocation(file: s.file, line: s.line) }
      return SourceLocation(file: s.file, line: s.line, column: r.column, element: r.element)
    }
    set {
      let s = unique()
      s.file = newValue.file
      s.line = newValue.line
      if newValue.column != nil || newValue.element != nil || s.rare != nil {
        s.rareFields.column = newValue.column
        s.rareFields.element = newValue.element
      }
    }
  }

  /// Makes the voucher's box, the storage of its rows and its box of rare fields immortal (``Immortal``):
  /// for a voucher kept to the end of the process (one the run's shelf holds), so that handing it from
  /// stage to stage counts no references. A later change to the voucher copies the box first, as for a
  /// voucher shared.
  /// - Complexity: O(1), nine atomic operations at most.
  public func makeImmortal() {
    let s = storage
    Immortal.make(s)
    // The rows' storage by the address their array holds (read as bits, not retained: not yet immortal, a
    // retain of it would be two more atomic operations). The empty arrays' shared storage is immortal
    // already, and making it so again changes nothing.
    Immortal.make(at: withUnsafeMutablePointer(to: &s.items) { UnsafeRawPointer($0).load(as: UnsafeMutableRawPointer.self) })
    if let rare = s.rare { Immortal.make(rare) }
  }

  /// Whether the voucher's box is immortal (``makeImmortal()``; for tests).
  var isImmortal: Bool { Immortal.isImmortal(storage) }

  /// Where the fields of the voucher stored at `voucher` lie (an element of an array of values holding
  /// vouchers, read in place: a voucher is one reference to its fields), for a loop that asks for them to be
  /// cached a few vouchers before it reads them (``Replay``). Retains nothing: a retain writes the count,
  /// the very cache line the step asks for, and waits for it.
  /// - Complexity: O(1); reads the reference only.
  public static func fieldsAddress(at voucher: UnsafeRawPointer) -> UnsafeRawPointer { voucher.load(as: UnsafeRawPointer.self) }

  /// Where the item rows of the voucher stored at `voucher` lie (as ``fieldsAddress(at:)``): reads the
  /// fields, so ask for them first. Retains nothing.
  /// - Complexity: O(1).
  public static func itemsAddress(at voucher: UnsafeRawPointer) -> UnsafeRawPointer {
    Unmanaged<Storage>.fromOpaque(fieldsAddress(at: voucher))._withUnsafeGuaranteedRef { s in
      // The array's bits are the address of its buffer; loaded as bits, the buffer is not retained.
      withUnsafeMutablePointer(to: &s.items) { UnsafeRawPointer($0).load(as: UnsafeRawPointer.self) }
    }
  }

  public static func == (a: Voucher, b: Voucher) -> Bool {
    if a.storage === b.storage { return true }
    return a.type == b.type && a.no == b.no && a.date == b.date && a.time == b.time && a.action == b.action && a.purpose == b.purpose && a.party == b.party && a.isReturn == b.isReturn && a.returnAgainst == b.returnAgainst && a.updateStock == b.updateStock && a.againstVoucher == b.againstVoucher && a.remarks == b.remarks && a.items == b.items && a.taxes == b.taxes && a.additionalCosts == b.additionalCosts && a.source == b.source
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(type)
    hasher.combine(no)
    hasher.combine(date)
    hasher.combine(time)
    hasher.combine(action)
    hasher.combine(purpose)
    hasher.combine(party)
    hasher.combine(isReturn)
    hasher.combine(returnAgainst)
    hasher.combine(updateStock)
    hasher.combine(againstVoucher)
    hasher.combine(remarks)
    hasher.combine(items)
    hasher.combine(taxes)
    hasher.combine(additionalCosts)
    hasher.combine(source)
  }

  /// The finished-goods rows of a Manufacture or Repack: rows flagged `is_finished_item`, or, when none is
  /// flagged, every produced row that is not scrap.
  public var finishedRows: [ItemRow] { finishedRowIndices.map { items[$0] } }

  /// Positions in `items` of the ``finishedRows``.
  public var finishedRowIndices: [Int] {
    let flagged = items.indices.filter { items[$0].isFinishedItem }
    if !flagged.isEmpty { return flagged }
    return items.indices.filter { !items[$0].targetWarehouse.isEmpty && !items[$0].isScrapItem }
  }

  /// Lines of the input this voucher came from, in input order.
  public var lines: [Int] {
    (items.map(\.line) + taxes.map(\.line) + additionalCosts.map(\.line)).sorted()
  }
}

/// An item row of a voucher.
///
/// The fields most rows leave blank (barcode, unit, conversion factor, batch and serial numbers, batch dates,
/// account overrides, cost centre, remarks) live in a shared box that exists only when one is set, so a
/// typical row stays small: a run holds every row of every voucher. Value semantics are kept (the box is
/// copied before a write when shared).
public struct ItemRow: Sendable, Hashable {
  // qty and rate in units of 10⁻⁹, packed into 64 bits: a row is 72 bytes, not 96 (a run holds every
  // row). `ItemRow.unpacked` stands for nil, or for a value too wide to pack (up to ±9.2 × 10⁹ packs),
  // which the box then holds: one form per value, so `==` and `hash` hold.
  @usableFromInline var packedQty: Int64 = ItemRow.unpacked
  @usableFromInline var packedRate: Int64 = ItemRow.unpacked
  @usableFromInline static let unpacked = Int64.min
  public var isFinishedItem: Bool = false
  public var isScrapItem: Bool = false
  public var line: Int

  /// In `uom`; nil only where blank is allowed (Stock Reconciliation: keep).
  public var qty: Quantity? {
    @inlinable get { packedQty != ItemRow.unpacked ? Fixed(raw: Int128(packedQty)) : extras?.wideQty }
    set {
      if let v = newValue, let r = Int64(exactly: v.raw), r != ItemRow.unpacked {
        packedQty = r
        if extras?.wideQty != nil { editExtras { $0.wideQty = nil } }
      } else {
        packedQty = ItemRow.unpacked
        if newValue != nil || extras?.wideQty != nil { editExtras { $0.wideQty = newValue } }
      }
    }
  }
  /// nil: blank (fallback or keep, by voucher type).
  public var rate: Rate? {
    @inlinable get { packedRate != ItemRow.unpacked ? Fixed(raw: Int128(packedRate)) : extras?.wideRate }
    set {
      if let v = newValue, let r = Int64(exactly: v.raw), r != ItemRow.unpacked {
        packedRate = r
        if extras?.wideRate != nil { editExtras { $0.wideRate = nil } }
      } else {
        packedRate = ItemRow.unpacked
        if newValue != nil || extras?.wideRate != nil { editExtras { $0.wideRate = newValue } }
      }
    }
  }
  /// The item code (a barcode is resolved to its item by the validator; `barcode` keeps what was given).
  public var itemCode: String {
    @inlinable get { itemName.text }
    set { itemName = InternedName(newValue) }
  }
  public var warehouse: String {
    @inlinable get { warehouseName.text }
    set { warehouseName = InternedName(newValue) }
  }
  public var sourceWarehouse: String {
    @inlinable get { sourceWarehouseName.text }
    set { sourceWarehouseName = InternedName(newValue) }
  }
  public var targetWarehouse: String {
    @inlinable get { targetWarehouseName.text }
    set { targetWarehouseName = InternedName(newValue) }
  }
  /// The four names, interned: a row copies without counting references to them (four strings, each
  /// retained and released at every copy of a row, were a sixth of the posting core's reference counts).
  public var itemName: InternedName
  public var warehouseName = InternedName.empty
  public var sourceWarehouseName = InternedName.empty
  public var targetWarehouseName = InternedName.empty
  @usableFromInline var extras: Extras?

  /// Whether the row has no box of rarely set fields: its barcode, UOM, conversion factor, batch and its
  /// dates, serials, accounts, cost center and remarks are then blank, and its qty and rate packed (a box
  /// whose fields are all cleared goes, so no box means exactly that).
  /// - Complexity: O(1).
  @inlinable public var leavesExtrasBlank: Bool { extras == nil }

  public init(line: Int, itemCode: String) {
    self.init(line: line, item: InternedName(itemCode))
  }

  /// A row of an item named as interned.
  public init(line: Int, item: InternedName) {
    self.line = line
    itemName = item
  }

  /// A row of an item and a warehouse named as interned, with its quantity and rate (nil: blank) packed
  /// where they fit, as their setters would keep them (a reader's: each setter checks the row's box).
  public init(line: Int, item: InternedName, warehouse: InternedName, qty: Quantity?, rate: Rate?) {
    self.line = line
    itemName = item
    warehouseName = warehouse
    if let q = qty, let r = Int64(exactly: q.raw), r != ItemRow.unpacked { packedQty = r } else if qty != nil { self.qty = qty }
    if let v = rate, let r = Int64(exactly: v.raw), r != ItemRow.unpacked { packedRate = r } else if rate != nil { self.rate = rate }
  }

  public var batchNo: String {
    @inlinable get { extras?.batchNo ?? "" }
    set { if !newValue.isEmpty || extras != nil { editExtras { $0.batchNo = newValue } } }
  }
  public var serialNos: [String] {
    @inlinable get { extras?.serialNos ?? [] }
    set { if !newValue.isEmpty || extras != nil { editExtras { $0.serialNos = newValue } } }
  }
  public var barcode: String {
    @inlinable get { extras?.barcode ?? "" }
    set { if !newValue.isEmpty || extras != nil { editExtras { $0.barcode = newValue } } }
  }
  public var uom: String {
    @inlinable get { extras?.uom ?? "" }
    set { if !newValue.isEmpty || extras != nil { editExtras { $0.uom = newValue } } }
  }
  public var conversionFactor: Fixed? {
    @inlinable get { extras?.conversionFactor }
    set { if newValue != nil || extras != nil { editExtras { $0.conversionFactor = newValue } } }
  }
  public var batchExpiryDate: BusinessDate? {
    @inlinable get { extras?.batchExpiryDate }
    set { if newValue != nil || extras != nil { editExtras { $0.batchExpiryDate = newValue } } }
  }
  public var batchManufacturingDate: BusinessDate? {
    @inlinable get { extras?.batchManufacturingDate }
    set { if newValue != nil || extras != nil { editExtras { $0.batchManufacturingDate = newValue } } }
  }
  public var expenseAccount: String {
    @inlinable get { extras?.expenseAccount ?? "" }
    set { if !newValue.isEmpty || extras != nil { editExtras { $0.expenseAccount = newValue } } }
  }
  public var incomeAccount: String {
    @inlinable get { extras?.incomeAccount ?? "" }
    set { if !newValue.isEmpty || extras != nil { editExtras { $0.incomeAccount = newValue } } }
  }
  public var costCenter: String {
    @inlinable get { extras?.costCenter ?? "" }
    set { if !newValue.isEmpty || extras != nil { editExtras { $0.costCenter = newValue } } }
  }
  public var remarks: String {
    @inlinable get { extras?.remarks ?? "" }
    set { if !newValue.isEmpty || extras != nil { editExtras { $0.remarks = newValue } } }
  }

  private mutating func editExtras(_ edit: (Extras) -> Void) {
    if extras == nil {
      extras = Extras()
    } else if !isKnownUniquelyReferenced(&extras) {
      extras = extras?.copy()
    }
    if let extras { edit(extras) }
    // A box whose fields were all cleared goes, so rows compare equal however their fields were set.
    if let e = extras, e.isBlank { extras = nil }
  }

  /// The rarely set fields, and qty and rate when too wide to pack. Only ever mutated while uniquely
  /// referenced.
  @usableFromInline final class Extras: @unchecked Sendable, Hashable {
    @usableFromInline var barcode = "", uom = "", expenseAccount = "", incomeAccount = "", costCenter = "", remarks = "", batchNo = ""
    @usableFromInline var serialNos: [String] = []
    @usableFromInline var conversionFactor: Fixed?
    @usableFromInline var batchExpiryDate: BusinessDate?
    @usableFromInline var batchManufacturingDate: BusinessDate?
    @usableFromInline var wideQty: Fixed?
    @usableFromInline var wideRate: Fixed?

    var isBlank: Bool {
      barcode.isEmpty && uom.isEmpty && expenseAccount.isEmpty && incomeAccount.isEmpty && costCenter.isEmpty && remarks.isEmpty
        && batchNo.isEmpty && serialNos.isEmpty && conversionFactor == nil && batchExpiryDate == nil && batchManufacturingDate == nil
        && wideQty == nil && wideRate == nil
    }

    func copy() -> Extras {
      let c = Extras()
      c.barcode = barcode
      c.uom = uom
      c.expenseAccount = expenseAccount
      c.incomeAccount = incomeAccount
      c.costCenter = costCenter
      c.remarks = remarks
      c.batchNo = batchNo
      c.serialNos = serialNos
      c.conversionFactor = conversionFactor
      c.batchExpiryDate = batchExpiryDate
      c.batchManufacturingDate = batchManufacturingDate
      c.wideQty = wideQty
      c.wideRate = wideRate
      return c
    }

    @usableFromInline static func == (a: Extras, b: Extras) -> Bool {
      a.barcode == b.barcode && a.uom == b.uom && a.expenseAccount == b.expenseAccount && a.incomeAccount == b.incomeAccount
        && a.costCenter == b.costCenter && a.remarks == b.remarks && a.batchNo == b.batchNo && a.serialNos == b.serialNos
        && a.conversionFactor == b.conversionFactor
        && a.batchExpiryDate == b.batchExpiryDate && a.batchManufacturingDate == b.batchManufacturingDate
        && a.wideQty == b.wideQty && a.wideRate == b.wideRate
    }

    @usableFromInline func hash(into h: inout Hasher) {
      h.combine(barcode)
      h.combine(uom)
      h.combine(expenseAccount)
      h.combine(remarks)
      h.combine(batchNo)
      h.combine(serialNos)
      h.combine(conversionFactor)
      h.combine(wideQty)
      h.combine(wideRate)
    }
  }
}

/// A tax row (`row_type = tax`) or an additional-cost row (`row_type = additional_cost`).
public struct ChargeRow: Sendable, Hashable {
  public var line: Int
  public var account: String
  /// A fixed sum; nil when `taxRate` is given.
  public var amount: Amount?
  /// A percentage of the net total.
  public var taxRate: Fixed?
  public var category: TaxCategory
  public var remarks: String = ""

  public init(line: Int, account: String, amount: Amount? = nil, taxRate: Fixed? = nil, category: TaxCategory = .total) {
    self.line = line
    self.account = account
    self.amount = amount
    self.taxRate = taxRate
    self.category = category
  }
}
