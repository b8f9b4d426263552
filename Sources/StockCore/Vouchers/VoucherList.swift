/// Vouchers in an order of their own, most of them kept on a ``VoucherShelf`` (named by position, four
/// bytes each) and the rest the list's own (vouchers the engine filled in, cancellations): held here, or
/// encoded on a shelf of their own for a large run (``init(shelf:encodingOwnOn:)``). What a run accepted,
/// in the order its `vouchers.csv` lists them, without holding the vouchers the shelf encoded.
///
/// Go through it in order (`for v in list`, ``forEachSketch(rows:_:)``): the iterator keeps its place in
/// the shelf's file. Reading an element by index reads it on its own (see ``VoucherShelf/subscript(_:)``).
public struct VoucherList: RandomAccessCollection, Sendable, ExpressibleByArrayLiteral {
  public let shelf: VoucherShelf
  /// Each element's shelf position (≥ 0), or `-1 - k` for `own[k]`; nil while the list is the shelf's
  /// positions `range`, in order — but for the elements held in place of theirs (`replaced`).
  private var slots: [Int32]?
  private var range: Range<Int>
  private var own: [Voucher] = []
  /// Where the list's own vouchers are encoded, when they are (``init(shelf:encodingOwnOn:)``): `own` stays
  /// empty, and the `k`-th of them is this shelf's voucher at position `k`.
  private var ownShelf: VoucherShelf?
  /// While the list is a range: a bit per element, 1 for one of its own in place of its shelf voucher (the
  /// voucher the engine filled in), with its index among the list's own. A run's accepted vouchers are its
  /// shelf in order, a few filled in: four bytes each as slots (40 MB at ten million) for those few.
  private var replacedBits: [UInt64] = []
  private var replaced: [Int: Int] = [:]
  /// Room asked for (``reserveCapacity(_:)``), made when the list stops being a range.
  private var capacity = 0

  /// The list of `vouchers`, on a shelf of its own that keeps them as values.
  public init(_ vouchers: [Voucher]) {
    shelf = VoucherShelf(vouchers)
    range = 0..<vouchers.count
  }
  public init(arrayLiteral vouchers: Voucher...) { self.init(vouchers) }

  /// The shelf's vouchers at `range`, in order.
  public init(shelf: VoucherShelf, range: Range<Int>) {
    self.shelf = shelf
    self.range = range
  }

  /// An empty list of vouchers of `shelf` (and of its own).
  public init(shelf: VoucherShelf) { self.init(shelf: shelf, range: 0..<0) }

  /// An empty list of vouchers of `shelf`, whose own vouchers are on `ownShelf`, encoded (a large run's
  /// vouchers the engine filled in, put there as they posted: ``append(own:replacing:)``); those appended
  /// as values (``append(_:)``) are put there too. The list only reads `ownShelf` once it is read itself.
  public init(shelf: VoucherShelf, encodingOwnOn ownShelf: VoucherShelf) {
    self.init(shelf: shelf, range: 0..<0)
    self.ownShelf = ownShelf
  }

  /// The list's `k`-th own voucher.
  @inline(__always) private func ownVoucher(_ k: Int) -> Voucher { ownShelf.map { $0[k] } ?? own[k] }
  /// Keeps `v` as the list's own: its index among them.
  private mutating func keep(_ v: Voucher) -> Int {
    if let ownShelf { return ownShelf.append(v) }
    own.append(v)
    return own.count - 1
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { slots?.count ?? range.count }

  /// The shelf positions the list is, in order, when it is a range of its shelf with none of its own
  /// (nothing the engine filled in, no cancellation appended); nil otherwise.
  public var shelfRange: Range<Int>? { slots == nil && replaced.isEmpty ? range : nil }

  /// The shelf position of the element at `i`, or nil when the list holds it.
  /// - Complexity: O(1).
  public func position(_ i: Int) -> Int? {
    guard let slots else { return isReplaced(i) ? nil : range.lowerBound + i }
    let s = Int(slots[i])
    return s >= 0 ? s : nil
  }

  /// - Complexity: O(1) for a voucher held; see ``VoucherShelf/subscript(_:)`` for one the shelf encoded.
  public subscript(i: Int) -> Voucher {
    guard let k = ownIndex(i) else { return shelf[position(i)!] }
    return ownVoucher(k)
  }

  /// The index among the list's own vouchers of the element at `i`, or nil when the shelf has it.
  /// - Complexity: O(1).
  @inline(__always) private func ownIndex(_ i: Int) -> Int? {
    guard let slots else { return isReplaced(i) ? replaced[i]! : nil }
    let s = Int(slots[i])
    return s >= 0 ? nil : -1 - s
  }

  @inline(__always) private func isReplaced(_ i: Int) -> Bool {
    i >> 6 < replacedBits.count && replacedBits[i >> 6] & (1 << UInt64(i & 63)) != 0
  }

  private mutating func makeSlots() {
    guard slots == nil else { return }
    var made: [Int32] = []
    made.reserveCapacity(Swift.max(capacity, range.count))
    for (i, p) in range.enumerated() { made.append(isReplaced(i) ? Int32(-1 - replaced[i]!) : Int32(p)) }
    slots = made
    (replacedBits, replaced) = ([], [:])
  }

  /// Makes room for `count` vouchers (used only once the list stops being a range of its shelf).
  public mutating func reserveCapacity(_ count: Int) {
    capacity = count
    slots?.reserveCapacity(count)
  }

  /// Appends the shelf's voucher at `position`.
  /// - Complexity: O(1) amortized; O(n) once, when the list stops being a range of the shelf.
  public mutating func append(position: Int) {
    precondition(position >= 0 && position < shelf.count && position <= Int32.max, "a position on the list's shelf")
    if slots == nil && (range.isEmpty || position == range.upperBound) {
      range = (range.isEmpty ? position : range.lowerBound)..<position + 1
      return
    }
    makeSlots()
    slots!.append(Int32(position))
  }

  /// Appends `v`, held by the list, in place of the shelf's voucher at `position` (the same voucher as the
  /// engine filled it in): the list stays a range of the shelf while the positions follow on.
  /// - Complexity: O(1) amortized; O(n) once, when the list stops being a range of the shelf.
  public mutating func append(_ v: Voucher, replacing position: Int) {
    let k = keep(v)
    append(own: k, replacing: position)
  }

  /// Appends the list's own voucher `k` (a position on the shelf it encodes its own on,
  /// ``init(shelf:encodingOwnOn:)``) in place of the shelf's voucher at `position`, as
  /// ``append(_:replacing:)`` does with a value.
  /// - Complexity: O(1) amortized; O(n) once, when the list stops being a range of the shelf.
  public mutating func append(own k: Int, replacing position: Int) {
    precondition(position >= 0 && position < shelf.count, "a position on the list's shelf")
    guard slots == nil && (range.isEmpty || position == range.upperBound) else { return append(own: k) }
    let i = count
    range = (range.isEmpty ? position : range.lowerBound)..<position + 1
    while replacedBits.count <= i >> 6 { replacedBits.append(0) }
    replacedBits[i >> 6] |= 1 << UInt64(i & 63)
    replaced[i] = k
  }

  /// Appends a voucher the list holds itself.
  /// - Complexity: O(1) amortized; O(n) once, when the list stops being a range of the shelf.
  public mutating func append(_ v: Voucher) {
    let k = keep(v)
    append(own: k)
  }

  /// Appends the list's own voucher `k`.
  private mutating func append(own k: Int) {
    makeSlots()
    slots!.append(Int32(-1 - k))
  }

  /// The vouchers that satisfy `keep`, in order (on the same shelf).
  /// - Complexity: O(n) vouchers read.
  public func filter(_ keep: (Voucher) -> Bool) -> VoucherList {
    var out = VoucherList(shelf: shelf)
    var i = 0
    for v in self {
      if keep(v) {
        if let p = position(i) { out.append(position: p) } else { out.append(v) }
      }
      i += 1
    }
    return out
  }

  /// The list without its first `k` vouchers.
  /// - Complexity: O(n − k).
  public func dropping(first k: Int) -> VoucherList {
    var out = VoucherList(shelf: shelf)
    for i in k..<count {
      if let p = position(i) { out.append(position: p) } else { out.append(self[i]) }
    }
    return out
  }

  /// Goes through the vouchers in order (of a range of them), keeping its place in the shelf's file.
  public struct Iterator: IteratorProtocol {
    private let list: VoucherList
    private var reader: VoucherShelf.Reader
    private var ownReader: VoucherShelf.Reader?
    private var i: Int
    private let end: Int
    fileprivate init(_ list: VoucherList, in range: Range<Int>) {
      self.list = list
      reader = VoucherShelf.Reader(list.shelf)
      ownReader = list.ownShelf.map(VoucherShelf.Reader.init)
      (i, end) = (range.lowerBound, range.upperBound)
    }
    public mutating func next() -> Voucher? {
      guard i < end else { return nil }
      defer { i += 1 }
      guard let k = list.ownIndex(i) else { return reader.voucher(list.position(i)!) }
      return ownReader?.voucher(k) ?? list.own[k]
    }
  }
  public func makeIterator() -> Iterator { Iterator(self, in: 0..<count) }

  /// Calls `body` with the vouchers at `range`, in order, read through an ``Iterator`` of its own: for
  /// threads that each go through a part of the list.
  /// - Complexity: O(`range.count`) reads (see ``subscript(_:)``), the shelf's file read in order.
  public func forEach<E: Error>(in range: Range<Int>, _ body: (Voucher) throws(E) -> Void) throws(E) {
    var vouchers = Iterator(self, in: range)
    while let v = vouchers.next() { try body(v) }
  }

  /// Calls `plain` with each voucher at `range` that a shelf encoded and that is plain, read where it lies
  /// (``EncodedVoucher``, valid during the call: ``VoucherShelf/Reader/withPlain(_:into:_:)``), and
  /// `decoded` with the others, made as values; in order, stopping at the first error. For a writer of
  /// the vouchers' rows, which writes a plain voucher's from where it lies (at ten million vouchers the
  /// commit decoded each into objects, rows and names, to write it).
  /// - Complexity: O(`range.count`) reads, the shelf's file read in order.
  public func forEachPlain<E: Error>(
    in range: Range<Int>, plain: (EncodedVoucher) throws(E) -> Void, decoded: (Voucher) throws(E) -> Void
  ) throws(E) {
    var reader = VoucherShelf.Reader(shelf)
    var ownReader = ownShelf.map(VoucherShelf.Reader.init)
    var encoded = EncodedVoucher()
    var failure: E?
    /// Hands the voucher at `position` of the shelf `reader` reads to `plain` when it is plain there.
    func offered(_ reader: inout VoucherShelf.Reader, _ position: Int) -> Bool {
      reader.withPlain(position, into: &encoded) { e in
        do throws(E) { try plain(e) } catch { failure = error }
      }
    }
    for i in range {
      if let k = ownIndex(i) {
        if ownReader != nil {
          if !offered(&ownReader!, k) { try decoded(ownReader!.voucher(k)) }
        } else {
          try decoded(own[k])
        }
      } else {
        let p = position(i)!
        if !offered(&reader, p) { try decoded(reader.voucher(p)) }
      }
      if let failure { throw failure }
    }
  }
}

extension VoucherList {
  /// Appends `other`'s vouchers: by position when they are on this list's shelf, else held.
  /// - Complexity: O(1) when both are ranges of the shelf, one after the other; else O(other.count).
  public mutating func append(contentsOf other: VoucherList) {
    if other.shelf === shelf, other.slots == nil, slots == nil, other.replaced.isEmpty, ownShelf == nil, range.isEmpty || other.range.isEmpty || range.upperBound == other.range.lowerBound {
      if !other.range.isEmpty { range = (range.isEmpty ? other.range.lowerBound : range.lowerBound)..<other.range.upperBound }
      return
    }
    guard other.shelf === shelf else {
      for v in other { append(v) }
      return
    }
    for i in other.indices {
      if let p = other.position(i) { append(position: p) } else { append(other[i]) }
    }
  }
}

extension VoucherList {
  /// Goes through the vouchers' sketches in order, without making the vouchers the shelf encoded: `body`
  /// gets each one's index and sketch (reused from one to the next). `rows`: whether an encoded voucher's
  /// moves are read (``VoucherSketch/forEachMove(_:)``; a voucher held is its own sketch, moves and all).
  /// - Complexity: O(n) fields read.
  public func forEachSketch(rows: Bool = true, _ body: (Int, VoucherSketch) -> Void) {
    forEach(rows: rows, inPlace: { _, _, _ in false }, sketched: body)
  }

  /// Goes through the vouchers in order as ``forEachSketch(rows:_:)`` does (without their rows), handing
  /// `encoded` the heads of those the shelves encoded, read where they lie
  /// (``VoucherShelf/Reader/withHead(_:into:_:)``), and `sketched` the rest (held) as sketches.
  /// - Complexity: O(n) heads read.
  public func forEachHead(_ encoded: (Int, EncodedHead) -> Void, sketched: (Int, VoucherSketch) -> Void) {
    var head = EncodedHead()
    forEach(rows: false, inPlace: { reader, p, i in reader.withHead(p, into: &head) { encoded(i, $0) } }, sketched: sketched)
  }

  /// Goes through the vouchers in order as ``forEachSketch(rows:_:)`` does, handing `encoded` those whose
  /// moves can be read where they lie (``VoucherShelf/Reader/withMoves(_:into:_:)``) and `sketched` the
  /// rest (held, or with rare fields) as sketches.
  /// - Complexity: O(n) fields read.
  public func forEachMoves(_ encoded: (Int, EncodedMoves) -> Void, sketched: (Int, VoucherSketch) -> Void) {
    var moves = EncodedMoves()
    forEach(rows: true, inPlace: { reader, p, i in reader.withMoves(p, into: &moves) { encoded(i, $0) } }, sketched: sketched)
  }

  /// Goes through the vouchers in order: each on a shelf (the run's, or the list's own) is offered to
  /// `inPlace` (given that shelf's reader, its position there and its index here), which reads it where it
  /// lies and says whether it could; those it could not, and those the list holds, go to `sketched` as
  /// sketches (with their moves when `rows`). One reader per shelf keeps its place in the shelf's file.
  /// - Complexity: O(n) fields read.
  private func forEach(rows: Bool, inPlace: (inout VoucherShelf.Reader, _ position: Int, _ index: Int) -> Bool, sketched: (Int, VoucherSketch) -> Void) {
    var reader = VoucherShelf.Reader(shelf)
    var ownReader = ownShelf.map(VoucherShelf.Reader.init)
    var sketch = VoucherSketch()
    for i in indices {
      if let k = ownIndex(i) {
        if ownReader != nil {
          if inPlace(&ownReader!, k, i) { continue }
          ownReader!.sketch(k, into: &sketch, rows: rows)
        } else {
          sketch.fill(from: own[k])
        }
      } else {
        let p = position(i)!
        if inPlace(&reader, p, i) { continue }
        reader.sketch(p, into: &sketch, rows: rows)
      }
      sketched(i, sketch)
    }
  }
}
