import CSystem
import Foundation
import StockCore
import StockOrder
import StockPost

/// Posts a whole timeline from empty state: what a run, `verify` and the reports all derive the stock
/// ledger and GL from. The same vouchers in the same order always give the same entries.
struct Replay {
  /// A voucher that posted: what the run needs of its place in the timeline, and where its lines are in
  /// `entries` and `gl` — made on demand from ``PostedList``.
  struct Posted {
    /// The voucher as the engine posted it: as it came, or with the rows it filled in (batches or serials
    /// named or picked; ``isResolved``). Its number, dates and source are the same either way.
    let voucher: Voucher
    /// Its stock ledger entries, as positions among all the replay's entries (in `Replay.entries` when
    /// it keeps them all).
    let entries: Range<Int>
    /// Its GL lines, as positions in `Replay.gl`.
    let gl: Range<Int>
    /// The position of the document it set in the state's documents, or -1.
    let document: Int
    /// Its 0-based arrival position (``TimelineVoucher/arrival``).
    let arrival: Int
    /// Whether it was already in the ledger (reposted by a replay), as its timeline entry says.
    let isPosted: Bool
    /// Whether the engine filled in rows (the voucher posted otherwise than it came).
    let isResolved: Bool
  }

  /// The posted vouchers in timeline order, kept as what the timeline does not already say: where each
  /// one's entries and lines end, the document it set, and the few vouchers the engine filled in. 12 bytes
  /// a voucher (with failures, 16) where a list of ``Posted`` was 56: ten million vouchers held 440 MB
  /// less while they posted. Where the entries and lines are not kept (rendered ahead) neither are their
  /// ends: 4 bytes a voucher, 80 MB less at ten million.
  struct PostedList: RandomAccessCollection {
    private var timeline = OrderedTimeline()
    /// The timeline position of each posted voucher, once one failed (until then the n-th posted is the
    /// timeline's n-th).
    private var positions: [Int32]?
    // (In 32 bits: four billion entries or lines are out of reach of a run.)
    private var entryEnds: [UInt32] = []
    private var glEnds: [UInt32] = []
    private var documents: [Int32] = []
    /// Whether `entryEnds` and `glEnds` are kept (``entries(_:)``, the `Posted`'s ranges).
    private var keepsEnds = true
    /// The vouchers as the engine filled them in, by position in this list, and a bit per position that
    /// says which (so most reads look up no table).
    private var resolved: [Int: Voucher] = [:]
    private var resolvedBits: [UInt64] = []
    /// For a run whose shelf encodes its vouchers: those the engine filled in, encoded on a shelf of
    /// their own in the order they posted (in place of `resolved`), and the list position of each. Every
    /// voucher of a batch or serial item is filled in (its batches or serials named or picked): held,
    /// ten million vouchers' 400,000 were 150 MB of the run's peak, at its end.
    private(set) var resolvedShelf: VoucherShelf?
    private var resolvedPositions: [Int32] = []

    init() {}
    /// - Parameter keepsEnds: whether the list says where each voucher's entries and lines are.
    init(timeline: OrderedTimeline, keepsEnds: Bool = true) {
      self.timeline = timeline
      self.keepsEnds = keepsEnds
      let shelf = timeline.vouchers.new.shelf
      if shelf.encodes { resolvedShelf = shelf.encodingSibling() }
      if keepsEnds {
        entryEnds.reserveCapacity(timeline.count)
        glEnds.reserveCapacity(timeline.count)
      }
      documents.reserveCapacity(timeline.count)
    }

    var startIndex: Int { 0 }
    var endIndex: Int { documents.count }

    /// - Complexity: O(1).
    /// - Precondition: the list keeps where the entries and lines are.
    subscript(i: Int) -> Posted {
      let tv = timeline[timelinePosition(i)]
      let r = resolvedVoucher(i)
      return Posted(
        voucher: r ?? timeline.voucher(tv), entries: entries(i), gl: gl(i),
        document: Int(documents[i]), arrival: tv.arrival, isPosted: tv.isPosted, isResolved: r != nil)
    }
    /// Its GL lines (``Posted/gl``), without reading the voucher.
    /// - Precondition: the list keeps where the lines are.
    func gl(_ i: Int) -> Range<Int> {
      precondition(keepsEnds, "the posted list keeps where the lines are")
      return (i == 0 ? 0 : Int(glEnds[i - 1]))..<Int(glEnds[i])
    }

    // The parts of ``subscript(_:)`` a loop over a million vouchers reads, without making the rest.
    func timelinePosition(_ i: Int) -> Int { positions.map { Int($0[i]) } ?? i }
    func isResolved(_ i: Int) -> Bool { i >> 6 < resolvedBits.count && resolvedBits[i >> 6] & (1 << UInt64(i & 63)) != 0 }
    func arrival(_ i: Int) -> Int { timeline[timelinePosition(i)].arrival }
    func isPosted(_ i: Int) -> Bool { timeline[timelinePosition(i)].isPosted }
    func document(_ i: Int) -> Int { Int(documents[i]) }
    /// The document of every voucher posted (``document(_:)``), handed over: the list is empty after.
    mutating func takeDocuments() -> [Int32] {
      defer { self = PostedList() }
      return documents
    }
    /// - Precondition: the list keeps where the entries are.
    func entries(_ i: Int) -> Range<Int> {
      precondition(keepsEnds, "the posted list keeps where the entries are")
      return (i == 0 ? 0 : Int(entryEnds[i - 1]))..<Int(entryEnds[i])
    }
    /// The voucher as it posted (read on its own when the run's shelf encoded it).
    func voucher(_ i: Int) -> Voucher { resolvedVoucher(i) ?? timeline.voucher(timeline[timelinePosition(i)]) }
    /// The voucher the engine filled in, when it did (read on its own when encoded).
    func resolvedVoucher(_ i: Int) -> Voucher? {
      guard isResolved(i) else { return nil }
      guard let resolvedShelf else { return resolved[i] }
      return resolvedShelf[resolvedShelfPosition(i)!]
    }
    /// Where on ``resolvedShelf`` the voucher the engine filled in is, when it did and the list encodes them.
    /// - Complexity: O(log r) for r vouchers filled in.
    func resolvedShelfPosition(_ i: Int) -> Int? {
      guard resolvedShelf != nil, isResolved(i) else { return nil }
      var (lo, hi) = (0, resolvedPositions.count)
      while lo < hi {
        let mid = (lo + hi) / 2
        if Int(resolvedPositions[mid]) < i { lo = mid + 1 } else { hi = mid }
      }
      return lo
    }

    /// The timeline's voucher at `position` posted, as `resolved` (when the engine filled it in), its
    /// entries and lines ending at `entryEnd` and `glEnd`, setting the document at `document` (or -1).
    /// - Complexity: O(1) amortized; O(n) once, at the first voucher posted after one failed.
    mutating func append(position: Int, resolved voucher: Voucher?, entryEnd: Int, glEnd: Int, document: Int) {
      if positions == nil && position != count { positions = (0..<count).map { Int32($0) } }
      positions?.append(Int32(position))
      if let voucher {
        while resolvedBits.count <= count >> 6 { resolvedBits.append(0) }
        resolvedBits[count >> 6] |= 1 << UInt64(count & 63)
        if let resolvedShelf {
          resolvedShelf.append(voucher)
          resolvedPositions.append(Int32(count))
        } else {
          resolved[count] = voucher
        }
      }
      if keepsEnds {
        entryEnds.append(UInt32(entryEnd))
        glEnds.append(UInt32(glEnd))
      }
      documents.append(Int32(document))
    }
  }

  /// Posted vouchers in timeline order.
  var posted = PostedList()
  /// Every posted voucher's stock ledger entries, in posting order: one array for the whole replay, which
  /// a run hands on as it is (no copy per stage) — but for a replay whose head reports are rendered
  /// ahead (``streamsEntries``), where it is the window being filled, of a ring the renderer reads in turn
  /// (``RenderAhead``).
  var entries: [StockLedgerEntry] = []
  /// Entries posted in all: `entries.count`, plus those of the windows already rendered and dropped.
  private(set) var entryCount = 0
  /// Whether `entries` and `gl` hold only their last windows (the entries and lines went to the renderer,
  /// which writes the run's `stock.csv` and `gl.csv` for the commit to adopt). A million-voucher run kept
  /// 170 MB of entries and 160 MB of GL lines it did not read again, and faulted in as many fresh pages.
  let streamsEntries: Bool
  /// Every posted voucher's GL lines, in posting order (a window when ``streamsEntries``, as `entries`).
  var gl: [GLEntry] = []
  /// GL lines posted in all: `gl.count`, plus those of the windows already rendered and dropped.
  private(set) var glCount = 0
  /// The debits and credits of every GL line, added up when the lines are not kept (``streamsEntries``):
  /// the run summary's journal totals.
  private(set) var glTotals = (debit: Amount.zero, credit: Amount.zero)
  /// Vouchers that could not post, with why.
  var failures: [(TimelineVoucher, [Diagnostic])] = []
  /// The timeline posted (its vouchers by arrival: ``OrderedTimeline/voucher(_:)``).
  let timeline: OrderedTimeline
  /// The arrival positions of the vouchers that posted otherwise than they came (``Posted/isResolved``), in
  /// timeline order.
  private(set) var resolvedArrivals: [Int] = []
  /// The engine's state after the last voucher.
  var state: PostingState

  /// - Complexity: O(total rows × bins), linear in the ledger.
  /// - Parameters:
  ///   - state: where the timeline starts (empty: from scratch).
  ///   - ahead: renders the head reports on the other core as the entries and GL lines come.
  init(masters: Masters, timeline: OrderedTimeline, state start: PostingState = PostingState(), renderingAhead ahead: RenderAhead? = nil) {
    state = PostingState()  // set at the end (the engine owns the state meanwhile)
    self.timeline = timeline
    let cpu = ThreadCPU.now()
    defer { ThreadCPU.posting += ThreadCPU.now() - cpu }
    streamsEntries = ahead != nil
    var engine = PostingEngine(masters: masters, state: start)
    engine.reserve(vouchers: timeline.count)
    posted = PostedList(timeline: timeline, keepsEnds: ahead == nil)
    // Room for the usual case (a transfer row moves twice; a voucher has a few GL lines), so the arrays do
    // not grow by copying; pages not used are never touched. Entries rendered ahead need a window only.
    // (Counted where every voucher is held; a run whose shelf encodes vouchers makes room for one row each.)
    let rows = timeline.vouchers.new.shelf.encodes ? timeline.count
      : timeline.vouchers.posted.reduce(0) { $0 + $1.items.count } + timeline.vouchers.new.reduce(0) { $0 + $1.items.count }
    if !Replay.reservesNothing {
      entries.reserveCapacity(streamsEntries ? min(2 * rows, Replay.entryWindow) : 2 * rows)
      gl.reserveCapacity(streamsEntries ? min(2 * rows + 2 * timeline.count, Replay.glWindow) : 2 * rows + 2 * timeline.count)
    }
    var tracked: [(String, Voucher)] = []
    // The windows closed and handed to the renderer, oldest first (``RenderAhead``), and how many were.
    var ring: [([StockLedgerEntry], [GLEntry])] = []
    var windowsClosed = 0
    // The renderer reads the arrays in place: they may move only once it has read what it was given.
    if let ahead { engine.beforeGrowing = { ahead.drain() } }
    /// Hands the entries and GL lines posted so far to the renderer.
    func handOver(_ ahead: RenderAhead) {
      let (entryCapacity, glCapacity) = (entries.capacity, gl.capacity)
      entries.withUnsafeBufferPointer { e in
        gl.withUnsafeBufferPointer { g in ahead.publish(entries: e, entryCapacity: entryCapacity, gl: g, glCapacity: glCapacity, vouchers: tracked) }
      }
      tracked.removeAll()
    }
    // The states of the vouchers posting next, three steps of prefetching (``PostingEngine/prefetch(probe:)``).
    var hashes = [PostingEngine.StateHashes](repeating: .init(), count: 8)
    var positions = [PostingEngine.StatePositions](repeating: .init(), count: 8)
    // The vouchers posting next, read (decoded, for those the shelf encoded) five ahead, as their states
    // are looked for; kept until they post.
    var reader = TimelineVouchers.Reader(timeline.vouchers)
    var upcoming = [Voucher?](repeating: nil, count: 8)
    for n in 0..<min(5, timeline.count) { upcoming[n] = reader.voucher(timeline[n].arrival) }
    let held = HeldVouchers(timeline.vouchers)
    let count = timeline.count  // (read once: through the timeline's collection conformance, 70 instructions a read)
    let (entryRoom, glRoom) = (Replay.entryRoom, Replay.glRoom)  // (read once: each read was a `swift_once`)
    for (n, tv) in timeline.enumerated() {
      timeline.places.withUnsafeBufferPointer { Replay.prefetch($0, after: n, held: held) }
      if n + 5 < count {
        let next = reader.voucher(timeline[n + 5].arrival)
        upcoming[(n + 5) & 7] = next
        hashes[(n + 5) & 7] = PostingEngine.StateHashes(next)
        engine.prefetch(probe: hashes[(n + 5) & 7])
      }
      // Taken out of the ring, not copied (a copy was a retain, and a release when its slot was emptied).
      guard let v = upcoming[n & 7].take() else { preconditionFailure("the voucher posting next was read") }
      if n + 3 < count { positions[(n + 3) & 7] = engine.prefetch(positions: hashes[(n + 3) & 7]) }
      if n + 1 < count { engine.prefetch(queues: positions[(n + 1) & 7]) }
      // A full window of entries or GL lines, between two vouchers: closed, and the replay goes on in the
      // next of the ring: a new one while the ring is not full, else the oldest, once the renderer has read
      // it (its pages already faulted in).
      if let ahead,
        (entries.count + entryRoom > entries.capacity && !entries.isEmpty) || (gl.count + glRoom > gl.capacity && !gl.isEmpty)
      {
        handOver(ahead)
        ahead.closeWindow()
        windowsClosed += 1
        ring.append((entries, gl))
        if ring.count < Replay.windows {
          (entries, gl) = ([], [])
          if !Replay.reservesNothing {
            entries.reserveCapacity(Replay.entryWindow)
            gl.reserveCapacity(Replay.glWindow)
          }
        } else {
          ahead.waitUntilRead(windows: windowsClosed - ring.count + 1)
          (entries, gl) = ring.removeFirst()
          entries.removeAll(keepingCapacity: true)
          gl.removeAll(keepingCapacity: true)
        }
      }
      let e = entries.count, g = gl.count, d = engine.documentsSet
      // Its own hashes, made five vouchers ago for the prefetch (none for the first five).
      switch engine.post(v, appendingTo: &entries, gl: &gl, prefetched: n >= 5 ? hashes[n & 7] : PostingEngine.StateHashes()) {
      case .success(let resolved):
        let document = engine.documentsSet == d + 1 ? d : -1
        entryCount += entries.count - e
        glCount += gl.count - g
        if streamsEntries {
          for k in g..<gl.count { (glTotals.debit, glTotals.credit) = (glTotals.debit + gl[k].debit, glTotals.credit + gl[k].credit) }
        }
        if resolved != nil { resolvedArrivals.append(tv.arrival) }
        if ahead != nil, (e..<entries.count).contains(where: { entries[$0].isTracked }) { tracked.append((v.no, resolved ?? v)) }
        posted.append(position: n, resolved: resolved, entryEnd: entryCount, glEnd: glCount, document: document)
      case .failure(let problems): failures.append((tv, problems.diagnostics))
      }
      if let ahead, n % RenderAhead.stride == RenderAhead.stride - 1 || n == count - 1 { handOver(ahead) }
    }
    // The renderer may still be reading the last windows when the replay is gone: it keeps them.
    if let ahead { ahead.keep(ring + [(entries, gl)]) }
    state = engine.state
  }

  /// Entries in a window of a replay rendered ahead (2.4 MB; the ring is ``windows`` of them): a 100k run
  /// fills seven, and posts in the first four fresh pages (in one window of 18 MB, 15 MB of them).
  static let entryWindow = testWindow ?? 1 << 14
  /// Windows in the ring: how far the replay may post ahead of the renderer (three to four windows, some
  /// 50,000 vouchers of the gen.py workload) before it waits for the renderer to read the oldest.
  static let windows = RenderAhead.testRendersLate ? Int.max : 4
  /// Room left in the window below which the next voucher starts a new one (a voucher with more entries
  /// than that grows the window instead, after the renderer has read it).
  static let entryRoom = min(256, entryWindow / 8)
  /// GL lines in a window of a replay rendered ahead (2 MB), and the room below which another is begun.
  static let glWindow = testWindow.map { 2 * $0 } ?? 1 << 15
  static let glRoom = min(512, glWindow / 8)

  /// Asks for the vouchers the replay posts next to be brought into cache while it posts this one: a run
  /// from scratch meets each voucher cold (a million of them were read long before), and every first touch
  /// stalled the posting core. In two steps, the second reading only what the first brought in: the
  /// voucher's fields 16 ahead, its item rows 8 ahead (the timeline itself is an array of values, read in
  /// order). Only vouchers held as values: one the shelf encoded is decoded five ahead, into fresh memory.
  ///
  /// Only where the timeline is not in the order its vouchers came: vouchers read one after another lie
  /// one after another in memory, and the processor's own prefetcher follows them (the steps cost 2.5 % of
  /// posting a file in date order, and saved 10 % of posting the same file shuffled). Told apart by the
  /// arrival positions: consecutive when the order is the arrival's.
  /// - Complexity: O(1); reads nothing it has not asked for before, retains nothing.
  @inline(__always) static func prefetch(_ timeline: UnsafeBufferPointer<TimelineVoucher>, after n: Int, held: HeldVouchers) {
    func scattered(_ i: Int) -> Bool { timeline[i].key.arrival != timeline[i - 1].key.arrival + 1 }
    if n + 16 < timeline.count && scattered(n + 16), let voucher = held.address(timeline[n + 16].arrival) {
      let fields = Voucher.fieldsAddress(at: voucher)
      for line in 0..<2 { stockledger_prefetch(fields + 64 * line) }  // the box is 112 bytes
    }
    if n + 8 < timeline.count && scattered(n + 8), let voucher = held.address(timeline[n + 8].arrival) {
      let items = Voucher.itemsAddress(at: voucher)
      for line in 0..<4 { stockledger_prefetch(items + 64 * line) }
    }
  }

  /// Where a timeline's vouchers held as values are, by arrival, for ``prefetch(_:after:held:)``: the
  /// addresses of their references in the arrays that hold them (read in place: a copy of a voucher
  /// retained it, a write to the line the step asks for). The arrays are kept alive by this value.
  struct HeldVouchers {
    private let posted: [Voucher]
    private let shelf: [Voucher]
    private let new: VoucherList
    private let postedBase: UnsafeRawPointer?
    private let shelfBase: UnsafeRawPointer?

    init(_ vouchers: TimelineVouchers) {
      posted = vouchers.posted
      shelf = vouchers.new.shelf.heldVouchers
      new = vouchers.new
      postedBase = posted.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
      shelfBase = shelf.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    /// Where the reference to the voucher at `arrival` is, when it is held.
    @inline(__always) func address(_ arrival: Int) -> UnsafeRawPointer? {
      if arrival < posted.count { return postedBase.map { $0 + arrival * MemoryLayout<Voucher>.stride } }
      guard let p = new.position(arrival - posted.count), p < shelf.count else { return nil }
      return shelfBase.map { $0 + p * MemoryLayout<Voucher>.stride }
    }
  }

  /// For tests (`STOCKLEDGER_TEST_NO_RESERVE=1`): the arrays start without room and move as they grow, so
  /// a ``RenderAhead`` is drained before nearly every hand-over.
  static let reservesNothing = ProcessEnvironment.value("STOCKLEDGER_TEST_NO_RESERVE") == "1"
  /// Entries in a window for tests (`STOCKLEDGER_TEST_WINDOW`; GL lines twice as many), so that a small run
  /// goes round the ring of windows.
  static let testWindow = ProcessEnvironment.integer("STOCKLEDGER_TEST_WINDOW")

  /// The item-warehouses a voucher moves.
  static func stockKeys(_ v: Voucher) -> Set<StockKey> { Set(stockKeys(v, original: { _ in [] })) }

  /// The item-warehouses a voucher moves and those of the original it returns, bills or fulfils, or of the
  /// order it closes (`original` gives them by voucher number: an order's are those it orders): what joins
  /// it to other vouchers in `ledger/history.bin`. Sorted, without
  /// repeats; a small array, as a voucher touches few.
  static func stockKeys(_ v: Voucher, original: (String) -> [StockKey]) -> [StockKey] {
    var keys: [StockKey] = []
    stockKeys(VoucherSketch(v), into: &keys, original: original)
    return keys
  }

  /// The same into `keys` (emptied first: a buffer reused from voucher to voucher by the history of a
  /// million vouchers).
  static func stockKeys(_ v: VoucherSketch, into keys: inout [StockKey], original: (String) -> [StockKey]) {
    keys.removeAllScratch()
    appendStockKeys(v, to: &keys, original: original)
    keys.uniqueSort(from: 0)
  }

  /// The same appended to `keys`, repeats and all, in the order the voucher names them (its rows' moves,
  /// then its original's): ``stockKeys(_:into:original:)`` and the history's encoder drop the repeats and
  /// sort them (``Swift/Array/uniqueSort(from:)``).
  static func appendStockKeys(_ v: VoucherSketch, to keys: inout [StockKey], original: (String) -> [StockKey]) {
    v.forEachMove { item, warehouse in keys.append(StockKey(item: item, warehouse: warehouse)) }
    if !v.returnAgainst.isEmpty { keys += original(v.returnAgainst) }
    if !v.againstVoucher.isEmpty { keys += original(v.againstVoucher) }
    if v.action == .close { keys += original(v.no) }  // an order's close: the order's
  }

  /// ``appendStockKeys(_:to:original:)`` as the history records them: besides, each row that names no
  /// warehouse (an invoice that moves no stock) as its item in a blank warehouse, so that every voucher
  /// naming an item is found from the item's item-warehouses (a run under an edited item posts them all
  /// again: ``Component``).
  static func appendHistoryKeys(_ v: VoucherSketch, to keys: inout [StockKey], original: (String) -> [StockKey]) {
    appendStockKeys(v, to: &keys, original: original)
    v.forEachRowWithoutWarehouse { keys.append(StockKey(item: $0, warehouse: .empty)) }
  }
}
