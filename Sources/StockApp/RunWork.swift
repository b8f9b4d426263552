import Foundation
import StockCore
import StockOrder
import StockPost
import StockRead
import StockStore
import StockValidate

/// The inputs of one run and the decision of what posts: read, validated, then settled by replaying the
/// timeline until no candidate fails (a rejected file is treated as if it had never been dropped, so a file
/// that depended on it is judged again without it).
struct RunWork {
  let masters: Masters
  /// The ledger as loaded: whole, or (continuing from the head snapshot) only its registry and closes.
  var ledger: LedgerContents
  /// What validation needs of the posted vouchers.
  let facts: LedgerFacts
  /// The engine state the run's timeline starts from: empty when it replays the ledger, the head's when it
  /// continues from the snapshot (the ledger's vouchers are then all before the run's), with the documents
  /// of the posted vouchers the run refers to.
  var base: PostingState
  let partial: Bool
  /// Where the run's valid vouchers are kept, in the order validated (``VoucherShelf``: as values up to a
  /// budget, encoded past it).
  let shelf: VoucherShelf
  /// The bytes of every file the run picked (read or not yet): with the vouchers of those read, how many
  /// the run will have. 0: the shelf's budget is kept as it is.
  var inboxBytes = 0

  struct InputFile {
    var picked: PickedFile
    var read: VoucherFile
    var isDuplicate = false
    /// Problems that reject the whole file whatever the mode (unreadable, bad header).
    var fileProblems: [Diagnostic] = []
    /// Problems per voucher number.
    var voucherProblems: [String: [Diagnostic]] = [:]
    /// Vouchers that passed reading and validation, normalized (on the run's shelf).
    var valid: VoucherList = []
    /// Control totals of the file's item rows (Σ qty, Σ qty × rate), kept once its vouchers are validated.
    var totalQty = Fixed.zero
    var totalValue = Fixed.zero
    var voucherTotal = 0
    /// Whether any valid voucher of the file is a cancellation.
    var hasCancels = false
    /// Whether validation changed any voucher of the file (a barcode resolved to its item code): its bytes
    /// are then not its vouchers as the ledger keeps them (``RunCommand/verbatim(_:)``).
    var normalized = false

    /// Distinct voucher numbers in the file (including vouchers too broken to build).
    var voucherCount: Int { max(voucherTotal, read.vouchers.count, read.voucherCount) }

    /// The held-back vouchers in the input's own layout, ready to fix and drop back (the file is read again:
    /// it is still in the inbox until the run commits).
    func heldBackCSV(_ rejected: Set<String>) -> String {
      var w = CSVWriter(guardsFormulas: false)
      w.row(read.header)
      guard let column = read.header.firstIndex(of: "voucher_no"), let data = FileManager.default.contents(atPath: picked.path),
        let records = try? CSVParser.parse([UInt8](data), file: picked.name)
      else { return w.text }
      for r in records.dropFirst() where column < r.fields.count && rejected.contains(r.fields[column]) { w.row(r.fields) }
      return w.text
    }
  }
  var files: [InputFile] = []

  init(masters: Masters, ledger: LedgerContents, facts: LedgerFacts, base: PostingState = PostingState(), partial: Bool, shelf: VoucherShelf = VoucherShelf()) {
    self.shelf = shelf
    self.masters = masters
    self.ledger = ledger
    self.facts = facts
    self.base = base
    self.partial = partial
  }

  /// Validation facts from a whole ledger.
  static func facts(of ledger: LedgerContents) -> LedgerFacts {
    var posted: [String: (type: VoucherType, date: BusinessDate)] = [:]
    posted.reserveCapacity(ledger.vouchers.count)
    for v in ledger.vouchers where v.action == .submit { posted[v.no] = (v.type, v.date) }
    return LedgerFacts(posted: posted, cancelled: ledger.cancelled, closedThrough: ledger.closedThrough)
  }

  mutating func addDuplicate(_ f: PickedFile, of prior: FileRecord) {
    addDuplicate(f, message: "this file was already imported as \(prior.file) in run \(LedgerStore.runName(prior.run)) (same SHA-256); it was not posted again")
  }
  mutating func addDuplicate(_ f: PickedFile, ofInRun other: String) {
    addDuplicate(f, message: "this file has the same content as \(other) in the same run; it was not posted twice")
  }
  private mutating func addDuplicate(_ f: PickedFile, message: String) {
    var file = InputFile(picked: f, read: VoucherFile(name: f.name))
    file.isDuplicate = true
    file.fileProblems = [Diagnostic(.duplicateFile, at: SourceLocation(file: f.name, line: 0), message)]
    files.append(file)
  }

  /// The vouchers of a file read from the inbox, with the reader of its format (a CSV file's from its
  /// bytes, an XML file streamed from its path): nothing of the run changes, so a file is parsed while
  /// its hash is finished, before it is known not to be a duplicate. nil when the file went missing.
  static func parse(_ f: InboxFile, bytes: Pickup.InboxBytes?, schema: () -> XMLVoucherReader.Schema?) -> VoucherFile? {
    if f.isXML {
      guard let schema = schema() else {
        return VoucherFile(name: f.name, diagnostics: [Diagnostic(.unreadableFile, at: SourceLocation(file: f.name, line: 0), "the built-in XML schema could not be compiled; the file was not read")])
      }
      return XMLVoucherReader.read(path: f.path, name: f.name, schema: schema)
    }
    guard let bytes = bytes ?? FileBytes.read(f.path).map(Pickup.InboxBytes.read) else { return nil }
    return bytes.withUnsafeBufferPointer { CSVVoucherReader.read(buffer: $0, file: f.name) }
  }

  /// Adds a picked file's vouchers as ``parse(_:bytes:schema:)`` read them; returns false (and leaves the
  /// file for the next run) when it could not be read or changed since it was hashed.
  mutating func add(_ f: PickedFile, read: VoucherFile?) -> Bool {
    guard let read, f.isUnchanged else { return false }
    var file = InputFile(picked: f, read: read)
    for d in read.diagnostics {
      if d.voucherNo.isEmpty { file.fileProblems.append(d) } else { file.voucherProblems[d.voucherNo, default: []].append(d) }
    }
    files.append(file)
    return true
  }

  /// Validates every voucher against master data, the ledger's voucher numbers and the other vouchers of
  /// the run (a voucher number used twice: the later one in arrival order is the duplicate): each file
  /// (``validate(file:)``), then the numbers across files (``finishValidation()``).
  mutating func validate() {
    for i in files.indices { validate(file: i) }
    finishValidation()
  }

  /// What validation keeps of a file's vouchers until every file is read (the check of repeated numbers
  /// needs them all): where they are on the shelf, each one's number hash and action, and the problems of
  /// those that have some. Nine bytes a voucher (kept whole, each voucher's check was 64).
  struct Checks {
    var start: Int
    var hashes: [NumberHash] = []
    var actions: [VoucherAction] = []
    var problems: [Int: VoucherProblems] = [:]
  }
  private(set) var checks: [Checks?] = []

  /// Validates the vouchers of `files[i]` on both cores against master data and the ledger, adds up its
  /// control totals, and puts its vouchers on the run's shelf (as normalized, or as read when they fail):
  /// a run validates each file as it is read, so the vouchers of one file at a time are objects (ten
  /// million read before any was validated were 2.5 GB).
  mutating func validate(file i: Int) {
    while checks.count < files.count { checks.append(nil) }
    guard files[i].fileProblems.isEmpty, checks[i] == nil else { return }
    let validator = VoucherValidator(masters: masters, ledger: facts)
    // The precisions alone: a copy of the company per voucher retained and released each of its strings.
    let arithmetic = validator.masters.company.arithmetic
    // Normalized where they lie (those that fail stay as read): the file lets go of its array first, so
    // the vouchers are this array's alone and the shelf can take it whole.
    // (The count first: a file's count of vouchers may be that of its array.)
    files[i].voucherTotal = files[i].voucherCount
    var normalized = files[i].read.vouchers
    files[i].read.vouchers = []
    // What validation makes of each voucher goes where it is kept (the shelf's keys, the checks' hashes and
    // actions, written at the voucher's index), what is summed or rare is gathered per chunk: an array of
    // results per voucher in between was fresh memory, 4.8 MB at 100k.
    let n = normalized.count
    // A run that will have more vouchers than the budget holds none from this file on: its count so far
    // (this file's included), scaled to the bytes of all its files, says so before they are put.
    let bytesRead = files[...i].reduce(0) { $0 + $1.picked.size }
    if inboxBytes > 0, bytesRead > 0 {
      let expected = (shelf.count + n) * max(inboxBytes, bytesRead) / bytesRead
      if expected > shelf.holding { shelf.stopHolding() }
      if shelf.count == 0 { shelf.reserveCapacity(expected + expected / 16) }
    }
    // The shelf puts every voucher of the file (those that fail too) after the others and holds them as
    // values up to its budget: those it will hold are kept to the end of the process, and are made
    // immortal as their validation starts (``Immortal``): from there on, a copy of one counts no references.
    let held = max(0, shelf.holding - shelf.count)
    var keys = [UInt64](repeating: 0, count: n)
    var c = Checks(start: 0)
    c.hashes = [NumberHash](repeating: NumberHash(value: 0), count: n)
    c.actions = [VoucherAction](repeating: .submit, count: n)
    let chunks = keys.withUnsafeMutableBufferPointer { k in
      c.hashes.withUnsafeMutableBufferPointer { h in
        c.actions.withUnsafeMutableBufferPointer { a in
          let out = Checked.Columns(keys: k.baseAddress, hashes: h.baseAddress, actions: a.baseAddress)
          return Parallel.updateChunks(&normalized) { range, vouchers in
            Checked.Chunk(validating: range, of: vouchers, with: validator, holding: held, into: out, arithmetic: arithmetic)
          }
        }
      }
    }
    // The chunks in order: exact sums (any grouping gives the same), the problems by voucher.
    for chunk in chunks {
      files[i].totalQty += chunk.qty
      files[i].totalValue += chunk.value
      for (j, p) in chunk.problems { c.problems[j] = p }
      if chunk.normalized { files[i].normalized = true }
    }
    c.start = shelf.append(contentsOf: normalized, keys: keys).lowerBound
    checks[i] = c
    // The vouchers the shelf encoded (not held) are freed on another thread, beside the next file's
    // reading: freed here, each of a ten-million-voucher run's twelve files held this thread 50 ms with
    // the other core idle.
    if held < n {
      let spent = Discarded(normalized)
      normalized = []
      _ = Background { spent.drop() }
    }
  }

  /// Checks the numbers of the files validated across them, in order, and settles which vouchers of each
  /// file are valid (``InputFile/valid``).
  mutating func finishValidation() {
    // The numbers that can repeat: those whose hash (made on both cores) comes more than once among the
    // submitted vouchers of every file (``HashOrder/repeated(in:)``). Only they are followed in order, by
    // text (a table of a million hashes and numbers, filled in order, held the posting core for a fifth
    // of a second at 1M while the other was idle).
    // (None can repeat when one file has submitted vouchers and its reader grouped them by number.)
    while checks.count < files.count { checks.append(nil) }
    var mayRepeat = Set<Int>()
    let submitting = checks.indices.filter { checks[$0]?.actions.contains(.submit) ?? false }
    if submitting.count > 1 || submitting.contains(where: { !files[$0].read.numbersAreDistinct }) {
      // (Its room made once: grown append by append, at ten million the copies and their fresh pages were
      // two-fifths of this function's own time.)
      var hashes: [UInt64] = []
      hashes.reserveCapacity(checks.reduce(0) { $0 + ($1?.hashes.count ?? 0) })
      for c in checks { for (h, a) in zip(c?.hashes ?? [], c?.actions ?? []) where a == .submit { hashes.append(UInt64(bitPattern: Int64(h.value))) } }
      for h in HashOrder.repeated(in: hashes) { mayRepeat.insert(Int(Int64(bitPattern: h))) }
    }
    // Where each such number was first seen, as file index and line (formatted only when it is seen again).
    var firstByHash: [NumberHash: Int] = [:]
    var firsts: [(no: String, place: Int)] = []
    var collided: [String: Int] = [:]
    var cancelling: [String: Int] = [:]
    func place(_ at: Int) -> String { "\(files[at >> 32].picked.name):\(at & 0xFFFF_FFFF)" }
    for i in files.indices {
      guard let c = checks[i] else { continue }
      checks[i] = nil
      // Which vouchers are valid: all, unless one failed or repeats a number (then a mask).
      var keep: [Bool]?
      for n in c.hashes.indices {
        let (hash, action, problems) = (c.hashes[n], c.actions[n], c.problems.isEmpty ? nil : c.problems[n])
        // A submitted voucher with a number that cannot repeat, no problem, in a file without any: valid.
        let repeats = !mayRepeat.isEmpty && mayRepeat.contains(hash.value)
        if action == .submit && !repeats && problems == nil && files[i].voucherProblems.isEmpty { continue }
        let v = shelf[c.start + n]
        let (no, source) = (v.no, v.source)
        let at = i << 32 | source.line
        var repeated: Diagnostic?
        if action == .cancel {
          if let other = cancelling[no] {
            repeated = Diagnostic(.duplicateVoucher, at: source, voucher: no, field: "action", "\(no) is cancelled twice (also in \(place(other)))")
          }
          cancelling[no] = at
        } else if action == .close || !repeats {
          // closes an order: shares its number; or a number no other voucher has
        } else if let k = firstByHash[hash] {
          let other = firsts[k].no == no ? firsts[k].place : collided[no]
          if let other {
            repeated = Diagnostic(.duplicateVoucher, at: source, voucher: no, field: "voucher_no", "voucher \(no) also appears in \(place(other)): voucher numbers are unique; renumber one of them")
          } else {
            collided[no] = at  // another number with the same hash: by text from here on
          }
        } else {
          firstByHash[hash] = firsts.count
          firsts.append((no, at))
        }
        if let repeated { files[i].voucherProblems[no, default: []].append(repeated) }
        if let p = problems {
          // A field the reader could not take (a rate that is not a number, say) is left blank, and the
          // validator then finds it missing: the reader's message says what is wrong, the second is dropped.
          let read = files[i].voucherProblems[no] ?? []
          files[i].voucherProblems[no, default: []] += p.diagnostics.filter { d in
            d.code != .required || !read.contains { $0.location == d.location && $0.field == d.field }
          }
        }
        if files[i].voucherProblems.isEmpty || files[i].voucherProblems[no] == nil {
          if action == .cancel { files[i].hasCancels = true }
        } else {
          if keep == nil { keep = Array(repeating: true, count: c.hashes.count) }
          keep![n] = false
        }
      }
      // Valid vouchers keep their order: the file's range of the shelf, or the positions of those kept.
      let range = c.start..<c.start + c.hashes.count
      if let keep {
        var valid = VoucherList(shelf: shelf)
        for n in keep.indices where keep[n] { valid.append(position: c.start + n) }
        files[i].valid = valid
      } else {
        files[i].valid = VoucherList(shelf: shelf, range: range)
      }
    }
  }

  /// A voucher number's hash (`String`'s, seeded per process), as a table key hashed without a `Hasher`.
  struct NumberHash: Hashable {
    let value: Int
    func _rawHashValue(seed: Int) -> Int { HashMix.mix(value, seed: seed) }
  }

  /// What validation makes of a file's vouchers, gathered a chunk at a time on both cores
  /// (``Parallel/updateChunks(_:minimum:_:)``).
  enum Checked {
    /// Where each voucher's key for the shelf, number hash and action go, at its index: the arrays the
    /// run keeps (written from both threads at distinct indices).
    struct Columns: @unchecked Sendable {
      let keys: UnsafeMutablePointer<UInt64>?
      let hashes: UnsafeMutablePointer<NumberHash>?
      let actions: UnsafeMutablePointer<VoucherAction>?
    }

    /// A chunk's control totals, problems and whether validation changed one of its vouchers.
    struct Chunk: Sendable {
      /// Σ qty and Σ qty × rate (each rounded to currency precision) of the item rows, as given.
      var qty = Quantity.zero
      var value = Amount.zero
      /// Why a voucher cannot post, by its index in the file (most chunks: none).
      var problems: [(Int, VoucherProblems)] = []
      var normalized = false

      /// Validates the vouchers at `range` of `vouchers` where they lie (each replaced by its normalized
      /// form when validation changes it), those before `held` made immortal first (the shelf holds them to
      /// the end of the run), and takes each into the chunk.
      init(
        validating range: Range<Int>, of vouchers: UnsafeMutablePointer<Voucher>, with validator: VoucherValidator, holding held: Int,
        into out: Columns, arithmetic: Company.Arithmetic
      ) {
        for j in range {
          let v = vouchers[j]
          if j < held { v.makeImmortal() }
          let problems: VoucherProblems?
          switch validator.validate(v) {
          case .success(let n):
            if !n.isIdentical(to: v) {
              normalized = true
              if j < held { n.makeImmortal() }  // (the voucher as read is then never freed: one a voucher at most)
              vouchers[j] = n
            }
            problems = nil
          case .failure(let p): problems = p
          }
          add(vouchers[j], problems: problems, at: j, into: out, arithmetic: arithmetic)
        }
      }

      /// Takes voucher `v` at index `j` (normalized, or as read when it fails with `problems`).
      mutating func add(_ v: Voucher, problems p: VoucherProblems?, at j: Int, into out: Columns, arithmetic company: Company.Arithmetic) {
        // (`NameHash`: equal numbers hash alike, as with `hashValue`, for a quarter of its instructions.)
        out.hashes![j] = NumberHash(value: Int(truncatingIfNeeded: NameHash.hash(v.no)))
        out.actions![j] = v.action
        out.keys![j] = VoucherShelf.key(of: v)
        if let p { problems.append((j, p)) }
        let items = v.items
        for r in items.indices {  // the two fields read in place (a copy of each row retained its names)
          let q = items[r].qty ?? .zero
          qty += q
          value += company.money(q.multiplied(by: items[r].rate ?? .zero, rule: company.rounding))
        }
      }
    }
  }

  /// The vouchers held back under `--partial`, by file and number: a number held back in one file (the
  /// later of two vouchers that share it, say) says nothing of the voucher with that number in another,
  /// which posts (held back by number alone, the first of the two went to its file's rejected rows without
  /// a reason).
  struct HeldBack {
    private var byFile: [String: Set<String>] = [:]
    var isEmpty: Bool { byFile.isEmpty }
    mutating func insert(_ no: String, file: String) { byFile[file, default: []].insert(no) }
    func contains(_ no: String, file: String) -> Bool { byFile[file]?.contains(no) ?? false }
    /// The numbers held back in `file`.
    func numbers(in file: String) -> Set<String> { byFile[file] ?? [] }
  }

  /// The decision of a run.
  struct Settled {
    /// The new vouchers that post, in arrival order, then the cancellations (on the run's shelf).
    var acceptedNew: VoucherList = []
    /// For each of `acceptedNew`, the position of the document it set in `state.documents`, or -1.
    var documentRecords: [Int32] = []
    var entries: [StockLedgerEntry] = []
    /// Set when the entries were rendered ahead and not kept (`entries` is empty): how many there were.
    /// The commit then adopts the run's `stock.csv` the renderer wrote, and cannot write it itself.
    var streamedEntryCount: Int?
    /// Which of `entries` the run writes to the ledger (new, or revalued).
    var written: [Bool] = []
    var changedCount = 0
    /// Posted vouchers per file.
    var postedPerFile: [String: Int] = [:]
    var journal: [GLEntry] = []
    /// Set when the GL lines were rendered ahead and not kept (`journal` is empty): how many there were,
    /// and their debits and credits added up. The commit then adopts the run's `gl.csv` the renderer wrote.
    var streamedGL: (count: Int, debit: Amount, credit: Amount)?
    var rejections: [Diagnostic] = []
    var rejectedVouchers = HeldBack()
    var fileStatus: [String: FileRecord.Status] = [:]
    var repostedKeys: Set<StockKey> = []
    var adjustmentLines = 0
    var cancelledNow: [String] = []
    var planning: [StockKey: PlanningTotals] = [:]
    var cancelledEntries: [StockLedgerEntry] = []
    /// The engine state after the run's timeline (for the next snapshot).
    var state = PostingState()
    /// Date and time of the timeline's last voucher.
    var lastKey: (date: BusinessDate, time: BusinessTime)?
    /// The head reports, when they were rendered while the final replay posted (``RenderAhead``).
    var rendered: Background<ReportWriter.Rendered>?
    /// The run's `stock.csv` and `gl.csv` written by the renderer, given as soon as they are (before the
    /// reports in `rendered`); nil without a render-ahead.
    var prewritten: (@Sendable () -> PrewrittenRunFiles?)?
    /// Gives the run's `vouchers.csv` as the renderer began it, without waiting for the renderer's end.
    var prewrittenVouchers: (@Sendable () -> VouchersFile?)?
  }

  /// Replays until nothing fails; returns what posts, or why the ledger itself cannot be replayed.
  /// - Parameter renderingAhead: makes the renderer of a run onto an empty ledger (the head reports,
  ///   rendered while the replay posts: the final replay's are in `rendered`), given the vouchers its
  ///   `vouchers.csv` will hold should they all post as they came: the new ones in arrival order, then the
  ///   cancellations.
  func settle(renderingAhead: ((VoucherList, [Voucher]) -> RenderAhead)? = nil) -> Result<Settled, ReplayError> {
    var s = Settled()
    var rejectedFiles: Set<String> = []
    for f in files {
      if !f.fileProblems.isEmpty {
        rejectedFiles.insert(f.picked.name)
        s.rejections += f.fileProblems
      }
      for (no, problems) in f.voucherProblems.sorted(by: { $0.key < $1.key }) {
        s.rejections += problems
        if partial { s.rejectedVouchers.insert(no, file: f.picked.name) } else { rejectedFiles.insert(f.picked.name) }
      }
    }
    // Files already rejected for static problems are also posted once, on their own account, so their
    // errors list every problem (stock shortages too), not only the first kind found.
    if !rejectedFiles.isEmpty {
      let all = files.map { f in (name: f.picked.name, vouchers: f.valid.filter { !s.rejectedVouchers.contains($0.no, file: f.picked.name) }) }
      let alone = Timeline.order(posted: ledger.vouchers, new: all)
      for (tv, diags) in Replay(masters: masters, timeline: alone, state: base).failures
      where !tv.isPosted && rejectedFiles.contains(alone.voucher(tv).source.file) {
        s.rejections += diags
      }
    }
    // Where each posted voucher stands in the ledger, for judging cancellations: made when first asked (a
    // run without cancellations or failures never asks; a table of every posted number was made for
    // nothing by every run that replayed the ledger, a million strings hashed at 1M).
    var ledgerPositions: [String: (voucher: Voucher, index: Int)]?
    func ledgerPosition(_ no: String) -> (voucher: Voucher, index: Int)? {
      if ledgerPositions == nil {
        var table: [String: (voucher: Voucher, index: Int)] = [:]
        // (An order's, not its close's, which has its number and no rows.)
        for (i, v) in ledger.activeVouchers.enumerated() where v.action == .submit { table[v.no] = (v, i) }
        ledgerPositions = table
      }
      return ledgerPositions?[no]
    }
    func ledgerKey(_ v: Voucher) -> TimelineKey { TimelineKey(date: v.date, time: v.time, arrival: ledgerPosition(v.no)?.index ?? Int.max) }
    var replay: Replay
    var cancels: [Voucher] = []
    var timeline = OrderedTimeline()
    /// The new files in arrival order, each with the arrival position of its first voucher: a posted
    /// voucher's file is found by its arrival, without reading the voucher again.
    var arrivingFiles: [(name: String, start: Int)] = []
    while true {
      let live = files.filter { !rejectedFiles.contains($0.picked.name) }
      let candidates = live.map { f in
        (name: f.picked.name, vouchers: f.hasCancels || !s.rejectedVouchers.isEmpty
          ? f.valid.filter { $0.action != .cancel && !s.rejectedVouchers.contains($0.no, file: f.picked.name) } : f.valid)
      }
      cancels = live.filter(\.hasCancels).flatMap { f in f.valid.filter { $0.action == .cancel && !s.rejectedVouchers.contains($0.no, file: f.picked.name) } }
      let cancelledNow = Set(cancels.map(\.no))
      let stillPosted = cancelledNow.isEmpty ? ledger.activeVouchers : ledger.activeVouchers.filter { !cancelledNow.contains($0.no) }
      timeline = Timeline.order(posted: stillPosted, new: candidates)
      // The timeline holds its vouchers' dates and times: the shelf's go while they post (80 MB at ten
      // million vouchers), put back from the timeline should it be ordered again.
      shelf.releaseDatesAndTimes()
      var start = stillPosted.count
      arrivingFiles = Timeline.arrivalOrder(candidates).map { f in
        defer { start += f.vouchers.count }
        return (f.name, start)
      }
      // The run's vouchers in arrival order (files by name, then position: ``Timeline/order``), then the
      // cancellations: what `acceptedNew` below will be when every voucher posts as it came.
      let ahead = renderingAhead?(timeline.vouchers.new, cancels)
      replay = Replay(masters: masters, timeline: timeline, state: base, renderingAhead: ahead)
      if replay.failures.isEmpty {
        s.rendered = ahead?.finish(planning: replay.state.planning, resolved: replay.resolvedArrivals.map { $0 - stillPosted.count })
        if let ahead {
          s.prewritten = { ahead.prewrittenRunFiles() }
          s.prewrittenVouchers = { ahead.takeVouchersFile() }
        }
        break
      }
      ahead?.cancel()
      let (ordered, postedCount) = (timeline, timeline.vouchers.posted.count)
      shelf.restoreDatesAndTimes { restore in
        for place in ordered.places where !place.isPosted {
          if let p = ordered.vouchers.new.position(place.arrival - postedCount) { restore(p, place.key.date, place.key.time) }
        }
      }
      func reject(_ v: Voucher) {
        if partial { s.rejectedVouchers.insert(v.no, file: v.source.file) } else { rejectedFiles.insert(v.source.file) }
      }
      var rejectedNow = false
      for (tv, diags) in replay.failures where !tv.isPosted {
        s.rejections += diags
        reject(timeline.voucher(tv))
        rejectedNow = true
      }
      // A posted voucher that fails is blamed on the new vouchers and cancellations before it on its
      // item-warehouses. One that fails only because an earlier posted voucher failed (a transfer out of
      // the warehouse a cancelled receipt had stocked, then an issue from where it went) has none of its
      // own: the replay after this round's rejections tells. Only when no failure of a round is blamed on
      // anything has the master data changed under the ledger.
      var unexplained: (failing: Voucher, diags: [Diagnostic])?
      for (tv, diags) in replay.failures where tv.isPosted {
        let failing = timeline.voucher(tv)
        let keys = Replay.stockKeys(failing)
        var reader = TimelineVouchers.Reader(timeline.vouchers)
        // (An order's close moves nothing: one closed again before its posted close breaks that.)
        let blamed = timeline.filter { !$0.isPosted && $0.key < tv.key }.map { reader.voucher($0.arrival) }.filter {
          !Replay.stockKeys($0).isDisjoint(with: keys) || ($0.action == .close && failing.action == .close && $0.no == failing.no)
        }
        let failingKey = ledgerKey(failing)
        let blamedCancels = cancels.filter { c in
          guard let original = ledgerPosition(c.no)?.voucher else { return false }
          // (A voucher that fulfils, returns or bills the cancelled one needs it, wherever it moves stock.)
          let refers = failing.againstVoucher == c.no || failing.returnAgainst == c.no
          return ledgerKey(original) < failingKey && (refers || !Replay.stockKeys(original).isDisjoint(with: keys))
        }
        for c in blamedCancels {
          s.rejections.append(Diagnostic(.insufficientStock, at: c.source, voucher: c.no, field: "action",
            "cancelling \(c.no) would break the later voucher \(failing.no) already in the ledger: \(diags.first?.message ?? "")"))
          reject(c)
        }
        if blamed.isEmpty && blamedCancels.isEmpty {
          if unexplained == nil { unexplained = (failing, diags) }
          continue
        }
        rejectedNow = true
        for b in blamed {
          if b.action == .close && failing.action == .close && b.no == failing.no {
            // (Its own later close, which has its number: said as what it is.)
            s.rejections.append(Diagnostic(.badValue, at: b.source, voucher: b.no, field: "action",
              "\(b.no) is already closed in the ledger on \(failing.date): an order is closed once; this close, dated \(b.date), is not posted"))
          } else {
            s.rejections.append(Diagnostic(.insufficientStock, at: b.source, voucher: b.no, field: "posting_date",
              "posting \(b.no) on \(b.date) would break the later voucher \(failing.no) already in the ledger: \(diags.first?.message ?? "")"))
          }
          reject(b)
        }
      }
      if !rejectedNow, let (failing, diags) = unexplained {
        return .failure(ReplayError(message: "posted voucher \(failing.no) no longer posts under the current master data: \(diags.map(\.message).joined(separator: "; ")). Restore the master data it was posted with."))
      }
    }
    // Final state. New vouchers are kept as they posted (batches and serials the engine named or picked
    // filled in), in arrival order.
    // Arrival positions are 0..<count, each once: the vouchers are placed, not sorted (a million posted
    // vouchers filtered, sorted and mapped were three large arrays of fresh memory).
    // Most runs post their vouchers in the order they came (a file sorted by date): then they are taken
    // as they posted, without placing them.
    // (The posted list is read by index: a loop over its elements copied each, retaining its voucher.)
    var newCount = 0, inArrivalOrder = true, lastArrival = -1, arrivals = 0
    for i in replay.posted.indices where !replay.posted.isPosted(i) {
      newCount += 1
      let arrival = replay.posted.arrival(i)
      if arrival < lastArrival { inArrivalOrder = false }
      lastArrival = arrival
      arrivals = max(arrivals, lastArrival + 1)
    }
    // Each is named by its place on the run's shelf (read again when written), or held when the engine
    // filled it in.
    // (A large run's vouchers the engine filled in stay where the replay encoded them as they posted.)
    let resolvedShelf = replay.posted.resolvedShelf
    s.acceptedNew = resolvedShelf.map { VoucherList(shelf: timeline.vouchers.new.shelf, encodingOwnOn: $0) } ?? VoucherList(shelf: timeline.vouchers.new.shelf)
    s.acceptedNew.reserveCapacity(newCount + cancels.count)
    // Every voucher new and in the order it came (a run from scratch of files in date order): the records
    // are the posted list's, handed over when it is done with rather than copied (40 MB more at ten
    // million vouchers, at the run's peak).
    let takesRecords = inArrivalOrder && newCount == replay.posted.count
    if !takesRecords { s.documentRecords.reserveCapacity(newCount + cancels.count) }
    let newVouchers = timeline.vouchers.new, postedCount = timeline.vouchers.posted.count
    // (Read from a constant: `replay` is a variable, and a nested function reading a list of it copied the
    // list, a dozen arrays retained and released, for every voucher. In a scope of its own: the list's
    // arrays are shared only until it ends, before the documents are taken and the list is freed.)
    do {
      let posted = replay.posted
      func accept(_ i: Int) {
        if let k = posted.resolvedShelfPosition(i), let p = newVouchers.position(posted.arrival(i) - postedCount) {
          s.acceptedNew.append(own: k, replacing: p)
        } else if let r = posted.resolvedVoucher(i) {
          // (In place of its shelf voucher: the list stays a range of the shelf while they follow on.)
          if let p = newVouchers.position(posted.arrival(i) - postedCount) { s.acceptedNew.append(r, replacing: p) } else { s.acceptedNew.append(r) }
        } else if let p = newVouchers.position(posted.arrival(i) - postedCount) {
          s.acceptedNew.append(position: p)
        } else {
          s.acceptedNew.append(newVouchers[posted.arrival(i) - postedCount])
        }
        if !takesRecords { s.documentRecords.append(Int32(posted.document(i))) }
      }
      if inArrivalOrder {
        for i in posted.indices where !posted.isPosted(i) { accept(i) }
      } else {
        var byArrival = [Int](repeating: -1, count: arrivals)
        for i in posted.indices where !posted.isPosted(i) { byArrival[posted.arrival(i)] = i }
        for i in byArrival where i >= 0 { accept(i) }
      }
    }
    for c in cancels { s.acceptedNew.append(c) }
    if !takesRecords { s.documentRecords += Array(repeating: -1, count: cancels.count) }
    s.cancelledNow = cancels.map(\.no)
    s.planning = replay.state.planning
    s.state = replay.state
    if !replay.posted.isEmpty {
      let last = timeline[replay.posted.timelinePosition(replay.posted.count - 1)].key
      s.lastKey = (last.date, last.time)
    }
    for f in files {
      if f.isDuplicate { s.fileStatus[f.picked.name] = .duplicate; continue }
      if rejectedFiles.contains(f.picked.name) { s.fileStatus[f.picked.name] = .rejected; continue }
      let posted = s.rejectedVouchers.isEmpty ? f.valid.count : f.valid.filter { !s.rejectedVouchers.contains($0.no, file: f.picked.name) }.count
      s.fileStatus[f.picked.name] = posted == f.voucherCount ? .imported : (posted == 0 ? .rejected : .partial)
    }
    s.rejections.sort { ($0.location.file, $0.location.line) < ($1.location.file, $1.location.line) }
    // Entries and journal, against what the ledger holds.
    // Each posted voucher's net per account as the ledger holds it (original lines and adjustments), by
    // number and interned account: no string made per line (a million vouchers' lines made two each, and
    // hashed the number, a tenth of a replay's settling).
    var storedNet: [VoucherNumber: [(AccountName, Amount)]] = [:]
    for g in ledger.gl {
      storedNet[g.number, default: []].withNet(g.accountName, adding: g.net)
    }
    // Every entry, in posting order, is the replay's (shared, not copied); which of them the run writes
    // depends on whether they are new or differ from what the ledger holds.
    // (Rendered ahead, onto an empty ledger, the entries went to the renderer as they were posted: only
    // their count is left, and the run's stock.csv the renderer wrote.)
    if replay.streamsEntries {
      precondition(ledger.vouchers.isEmpty, "entries are rendered ahead onto an empty ledger only")
      s.streamedEntryCount = replay.entryCount
      s.streamedGL = (replay.glCount, replay.glTotals.debit, replay.glTotals.credit)
    } else {
      s.entries = replay.entries
    }
    // Which entries the run writes: all of a new voucher's (not listed when the entries went to the
    // renderer: none are kept), those of a reposted one that changed.
    if !replay.streamsEntries { s.written.reserveCapacity(replay.entryCount) }
    let repostsLedger = newCount < replay.posted.count
    if !repostsLedger && !replay.streamsEntries { s.journal = replay.gl }
    // Posted vouchers per file, by the files' arrival positions (`arrivingFiles`): the file of the last
    // voucher first, else looked for.
    var perFile = [Int](repeating: 0, count: arrivingFiles.count)
    var file = 0
    func fileOf(_ arrival: Int) -> Int {
      if arrival >= arrivingFiles[file].start && (file + 1 == arrivingFiles.count || arrival < arrivingFiles[file + 1].start) { return file }
      var k = arrivingFiles.count - 1
      while k > 0 && arrivingFiles[k].start > arrival { k -= 1 }
      return k
    }
    // (Rendered ahead, every voucher is new and every entry the run's: the list does not say where each
    // voucher's are.)
    if replay.streamsEntries { s.changedCount = replay.entryCount }
    for i in replay.posted.indices {
      if !replay.posted.isPosted(i) {
        if !replay.streamsEntries {
          let count = replay.posted.entries(i).count
          s.written.append(contentsOf: repeatElement(true, count: count))
          s.changedCount += count
        }
        file = fileOf(replay.posted.arrival(i))
        perFile[file] += 1
        if repostsLedger { s.journal += replay.gl[replay.posted.gl(i)] }
        continue
      }
      let p = replay.posted[i]
      let v = p.voucher
      for e in replay.entries[p.entries] {
        let stored = ledger.entries[LedgerContents.entryKey(e.voucherNo, e.index)]
        let changed = stored != e
        s.written.append(changed)
        if changed {
          s.changedCount += 1
          s.repostedKeys.insert(e.key)
        }
      }
      var derived: [(AccountName, Amount)] = []
      for g in replay.gl[p.gl] { derived.withNet(g.accountName, adding: g.net) }
      let adjustments = RunWork.adjustments(of: (v.no, v.type, v.date), derived: derived, stored: storedNet[VoucherNumber(v.no)] ?? [])
      s.journal += adjustments
      s.adjustmentLines += adjustments.count
    }
    for (k, f) in arrivingFiles.enumerated() where perFile[k] > 0 { s.postedPerFile[f.name, default: 0] += perFile[k] }
    // Cancellations: the original's entries stay in the ledger, marked; its GL is reversed on its date.
    // Each cancelled voucher's lines found in one pass over the ledger's GL (a pass per cancellation was
    // quadratic: a thousand of them on a million vouchers' two million lines).
    var cancelledLines: [VoucherNumber: [Int]] = [:]
    if !cancels.isEmpty {
      for c in cancels { cancelledLines[VoucherNumber(c.no)] = [] }
      for (k, g) in ledger.gl.enumerated() where cancelledLines[g.number] != nil { cancelledLines[g.number]!.append(k) }
    }
    for c in cancels {
      guard let original = ledgerPosition(c.no)?.voucher else { continue }
      var i = 0
      while let e = ledger.entries[LedgerContents.entryKey(c.no, i)] {
        s.cancelledEntries.append(e)
        s.repostedKeys.insert(e.key)
        i += 1
      }
      for k in cancelledLines[VoucherNumber(c.no)] ?? [] {
        let g = ledger.gl[k]
        var reversal = g
        reversal.debit = g.credit
        reversal.credit = g.debit
        reversal.isAdjustment = true
        reversal.remarks = "cancellation of \(c.no)"
        reversal.date = original.date
        s.journal.append(reversal)
        s.adjustmentLines += 1
      }
    }
    // The replay's list of posted vouchers (a million timeline entries, each the last reference to its
    // object) is freed on another thread: freed here it held the posting core for a tenth of a second.
    if takesRecords {
      s.documentRecords = replay.posted.takeDocuments()
      s.documentRecords.append(contentsOf: repeatElement(-1, count: cancels.count))
    }
    let spent = Discarded((replay.posted, timeline))
    replay.posted = Replay.PostedList()
    timeline = OrderedTimeline()
    _ = Background {
      spent.drop()
      Allocator.returnFreedPages()
    }
    return .success(s)
  }

  /// The adjustment lines that take a posted voucher's GL from its nets per account as the ledger holds them
  /// (`stored`: its original lines and every adjustment since) to those it posts now (`derived`): one line per
  /// account whose net differs, dated on the voucher's posting date, in the order of the accounts as posted
  /// now and then of those it no longer posts to.
  static func adjustments(
    of v: (no: String, type: VoucherType, date: BusinessDate), derived: [(AccountName, Amount)], stored old: [(AccountName, Amount)]
  ) -> [GLEntry] {
    var accounts = derived.map(\.0)
    accounts += old.map(\.0).filter { !accounts.contains($0) }
    var lines: [GLEntry] = []
    for a in accounts {
      let diff = (derived.first { $0.0 == a }?.1 ?? .zero) - (old.first { $0.0 == a }?.1 ?? .zero)
      guard !diff.isZero else { continue }
      lines.append(GLEntry(date: v.date, voucherType: v.type, voucherNo: v.no, account: a.name,
                           debit: diff.isPositive ? diff : .zero, credit: diff.isNegative ? -diff : .zero,
                           isAdjustment: true, remarks: "revaluation after a backdated entry"))
    }
    return lines
  }

  /// A value handed to another thread to be freed there.
  final class Discarded<T>: @unchecked Sendable {
    private var value: T?
    init(_ value: T) { self.value = value }
    func drop() { value = nil }
  }

  /// The ledger's stored entries in posting order (for reports when nothing new arrived).
  func sortedStoredEntries() -> [StockLedgerEntry] {
    let timeline = Timeline.order(posted: ledger.activeVouchers)
    var out: [StockLedgerEntry] = []
    for tv in timeline {
      var i = 0
      while let e = ledger.entries[LedgerContents.entryKey(timeline.voucher(tv).no, i)] {
        out.append(e)
        i += 1
      }
    }
    return out
  }
}

/// The ledger's own vouchers no longer post (master data changed under them): exit 2.
struct ReplayError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}

extension Array where Element == (AccountName, Amount) {
  /// Adds `amount` to `account`'s net, or appends it (a voucher's few accounts, in the order they come).
  mutating func withNet(_ account: AccountName, adding amount: Amount) {
    if let i = firstIndex(where: { $0.0 == account }) { self[i].1 += amount } else { append((account, amount)) }
  }
}
