import StockCore
import StockRead

/// Every posted voucher's number, type, date and document offset, as a run continuing from the snapshot
/// needs them: a sorted base (`ledger/vouchers.idx`, a ``VoucherIndex`` written by a replay or a merge) and
/// the vouchers posted since, kept in the snapshot. A run writes only its own vouchers; the base is
/// rewritten when the recent part has grown to an eighth of it, so the cost per voucher stays constant.
public struct PostedVouchers: Sendable {
  public struct Recent: Sendable, Equatable {
    public var type: VoucherType
    public var date: BusinessDate
    /// Offset of the document in the document file.
    public var document: Int?
  }
  /// The base: in arrays (after a replay or a merge) or mapped from its file.
  public enum Base: Sendable {
    case built(VoucherIndex)
    case mapped(MappedVoucherIndex)
    var count: Int {
      switch self {
      case .built(let i): return i.count
      case .mapped(let m): return m.count
      }
    }
    func lookup(_ no: String) -> (type: VoucherType, date: BusinessDate)? {
      switch self {
      case .built(let i): return i.lookup(no)
      case .mapped(let m): return m.lookup(no)
      }
    }
    func documentOffset(_ no: String) -> Int? {
      switch self {
      case .built(let i): return i.documentOffset(no)
      case .mapped(let m): return m.documentOffset(no)
      }
    }
  }
  public private(set) var base: Base
  public private(set) var recent: [String: Recent] = [:]
  /// The numbers of `recent` in the order of their bytes, as far as it is known: those decoded from a
  /// snapshot that wrote them so (`sortedRecent`, nil when it did not), then those added since
  /// (`addedRecent`, in the order they came). ``encodeRecent(into:)`` then sorts only the added ones and
  /// merges.
  private var sortedRecent: [String]? = []
  private var addedRecent: [String] = []
  /// Document offsets of base vouchers changed since the base was written.
  public private(set) var movedDocuments: [String: Int] = [:]

  public init(base: VoucherIndex = VoucherIndex()) { self.base = .built(base) }
  public init(mapped: MappedVoucherIndex) { base = .mapped(mapped) }

  public func lookup(_ no: String) -> (type: VoucherType, date: BusinessDate)? {
    if let r = recent[no] { return (r.type, r.date) }
    return base.lookup(no)
  }

  /// Every voucher of the index with its type and date: the base's in its order, with the hash each is
  /// sorted and searched by as stored (`answered`: whether ``lookup(_:)`` answers from it, which it does
  /// not for a number the recent part holds), then the recent part's (no hash: found by number).
  /// - Complexity: O(n).
  public func forEach(_ body: (_ base: (hash: UInt64, answered: Bool)?, _ no: String, VoucherType, BusinessDate) -> Void) {
    let each: (UInt64, String, VoucherType, BusinessDate) -> Void = { hash, no, type, date in body((hash, recent[no] == nil), no, type, date) }
    switch base {
    case .built(let i): i.forEach(each)
    case .mapped(let m): m.forEach(each)
    }
    for (no, r) in recent { body(nil, no, r.type, r.date) }
  }

  public func documentOffset(_ no: String) -> Int? {
    if let r = recent[no] { return r.document }
    return movedDocuments[no] ?? base.documentOffset(no)
  }

  public mutating func add(_ vouchers: [(no: String, type: VoucherType, date: BusinessDate)]) {
    for v in vouchers where recent.updateValue(Recent(type: v.type, date: v.date), forKey: v.no) == nil { addedRecent.append(v.no) }
  }

  public mutating func setDocuments(_ offsets: [(no: String, offset: Int)]) {
    for o in offsets {
      if recent[o.no] != nil { recent[o.no]?.document = o.offset } else if base.lookup(o.no) != nil { movedDocuments[o.no] = o.offset }
    }
  }

  /// Whether the recent part should be merged into the base.
  public var wantsMerge: Bool { recent.count + movedDocuments.count > max(50_000, base.count / 8) }

  /// Everything in one sorted base.
  /// - Complexity: O(n + m log m).
  public func merged() throws(BinaryFormatError) -> PostedVouchers {
    let all: VoucherIndex
    switch base {
    case .built(let i):
      // A replay's index, just built: already one base (not copied again).
      if recent.isEmpty && movedDocuments.isEmpty { return self }
      all = i
    case .mapped(let m): all = try m.load()
    }
    // In the order of the numbers' bytes, so the file's bytes do not depend on the table's order (the
    // order the snapshot writes them in, ``recentInByteOrder()``: for the most part kept, not sorted again).
    var b = all.adding(
      recentInByteOrder().map { no in
        let r = recent[no]!
        return (no, r.type, r.date)
      })
    b.setDocuments(recent.compactMap { k, v in v.document.map { (k, $0) } } + movedDocuments.map { ($0.key, $0.value) })
    return PostedVouchers(base: b)
  }

  /// The recent part, in the snapshot's layout (the base is a file of its own).
  public func encodeRecent(into w: inout BinaryWriter) {
    w.count(recent.count)
    // In the order of the numbers' bytes, so the bytes do not depend on the table's order (sorted as
    // strings, the tens of thousands of numbers posted since the base was written were a twentieth of a
    // daily run): those decoded in that order merged with the run's own, sorted
    // (``Swift/String/byteOrder(_:)``); all of them sorted when the order of the decoded ones is not known.
    for no in recentInByteOrder() {
      let r = recent[no]!
      w.string(no)
      w.string(r.type.rawValue)
      w.date(r.date)
      w.int((r.document ?? -1))
    }
    w.count(movedDocuments.count)
    let moved = Array(movedDocuments.keys)
    for no in String.byteOrder(moved).lazy.map({ moved[$0] }) {
      w.string(no)
      w.int(movedDocuments[no]!)
    }
  }

  /// The numbers of `recent` in the order of their bytes.
  /// - Complexity: O(n + k log k) for the k numbers added since the decoded ones; O(n log n) when their
  ///   order is not known.
  private func recentInByteOrder() -> [String] {
    guard let sorted = sortedRecent, sorted.count + addedRecent.count == recent.count else {
      let all = Array(recent.keys)
      return String.byteOrder(all).map { all[$0] }
    }
    let fresh = String.byteOrder(addedRecent).map { addedRecent[$0] }
    var out: [String] = []
    out.reserveCapacity(recent.count)
    var (i, j) = (0, 0)
    while i < sorted.count || j < fresh.count {
      if j == fresh.count || (i < sorted.count && sorted[i].compareInByteOrder(fresh[j]) < 0) {
        out.append(sorted[i])
        i += 1
      } else {
        out.append(fresh[j])
        j += 1
      }
    }
    return out
  }

  public mutating func decodeRecent(from r: inout BinaryReader) throws(BinaryFormatError) {
    let n = try r.count()
    // The decoded numbers' order is known when they come in the order of their bytes onto nothing else.
    var order: [String]? = recent.isEmpty && addedRecent.isEmpty ? [] : nil
    order?.reserveCapacity(n)
    recent.reserveCapacity(recent.count + n)  // (grown as it filled, a fifth of the decode went to rehashing)
    // The last type's name kept: vouchers come in runs of a type, and its name compared as a string is a
    // few instructions where the switch over every type's name was a hundred and fifty.
    var last: (name: String, type: VoucherType)?
    for _ in 0..<n {
      let no = try r.string(), typeName = try r.string()
      let type: VoucherType
      if let last, last.name == typeName {
        type = last.type
      } else {
        guard let t = VoucherType(rawValue: typeName) else { throw BinaryFormatError(offset: r.offset, "unknown voucher type \(typeName)") }
        (type, last) = (t, (typeName, t))
      }
      let date = try r.date(), doc = try r.int()
      if recent.updateValue(Recent(type: type, date: date, document: doc < 0 ? nil : doc), forKey: no) != nil { order = nil }
      if order != nil {
        if let previous = order!.last, previous.compareInByteOrder(no) >= 0 { order = nil } else { order!.append(no) }
      }
    }
    (sortedRecent, addedRecent) = (order, [])
    for _ in 0..<(try r.count()) { movedDocuments[try r.string()] = try r.int() }
  }

  /// `ledger/vouchers.idx`.
  public static func basePath(ledger: String) -> String { ledger + "/vouchers.idx" }

  /// Writes the base (built by ``merged()``); returns its size.
  public func writeBase(ledger: String) throws(StoreError) -> Int {
    guard case .built(let index) = base else { throw StoreError(path: PostedVouchers.basePath(ledger: ledger), "only a merged index is written") }
    // Through the page cache, not fsynced (derived: the snapshot vouches for it): the next run maps it.
    let file = try StreamedFile(path: PostedVouchers.basePath(ledger: ledger), hashing: false, directIO: false)
    index.write(to: file)
    return try file.finish(durable: false).count
  }

  /// Writes `pending` with its documents as the base (a replay's index, ``VoucherIndex/Pending/write(documents:to:)``)
  /// and returns the vouchers with that base mapped from its file, and the file's size.
  public static func writeBase(_ pending: consuming VoucherIndex.Pending, documents: (Int) -> UInt64, ledger: String) throws(StoreError) -> (PostedVouchers, size: Int) {
    let path = basePath(ledger: ledger)
    let file = try StreamedFile(path: path, hashing: false, directIO: false)
    pending.write(documents: documents, to: file)
    let size = try file.finish(durable: false).count
    do { return (PostedVouchers(mapped: try mapBase(ledger: ledger, size: size)), size) } catch { throw StoreError(path: path, "cannot be read back: \(error)") }
  }

  /// Maps the base written with `size` bytes.
  public static func mapBase(ledger: String, size: Int) throws(BinaryFormatError) -> MappedVoucherIndex {
    guard DurableFiles.size(basePath(ledger: ledger)) == size, let m = MappedVoucherIndex(path: basePath(ledger: ledger)) else {
      throw BinaryFormatError(offset: 0, "the voucher index is not the one the snapshot was written with")
    }
    return m
  }
}
