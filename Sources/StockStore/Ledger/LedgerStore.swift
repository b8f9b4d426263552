import Foundation
import StockCore
import StockRead

/// What one run adds to the ledger.
public struct RunRecord: Sendable {
  public var run: Int
  /// Accepted new vouchers, in arrival order (most of them on the run's shelf: go through them in order).
  public var vouchers: VoucherList
  /// New stock ledger entries and new versions of revalued ones.
  public var entries: [StockLedgerEntry]
  /// GL lines of the new vouchers and adjustment lines of revalued ones.
  public var gl: [GLEntry]
  public var files: [FileRecord]
  /// File moves to carry out after the commit (absolute paths), redone by recovery if interrupted.
  public var moves: [(from: String, to: String)]
  /// Stock ledger entries of vouchers this run cancels, kept in the ledger marked cancelled.
  public var cancelledEntries: [StockLedgerEntry] = []
  /// Set when `entries` was not kept (it is empty) because the run's `stock.csv` was written beside the
  /// posting: how many entries that file must hold. The commit adopts the file, or fails (it cannot
  /// write the entries itself), leaving the ledger as it was.
  public var streamedEntryCount: Int?
  /// New stock ledger entries, counted (kept or not).
  public var entryCount: Int { streamedEntryCount ?? entries.count }
  /// Set when `gl` was not kept (it is empty) because the run's `gl.csv` was written beside the posting:
  /// how many lines that file must hold (adopted, or the commit fails, as for ``streamedEntryCount``).
  public var streamedGLCount: Int?
  /// GL lines, counted (kept or not).
  public var glCount: Int { streamedGLCount ?? gl.count }
  /// A period close recorded by this run.
  public var closeThrough: BusinessDate?
  /// The inbox file whose bytes are `vouchers`, when the run's `vouchers.csv` may be that file
  /// (``VerbatimVouchers``); the commit writes the vouchers when it cannot take it.
  public var verbatimVouchers: VerbatimVouchers?
  /// Files the run writes after its commit, committed here so that an interrupted run can finish them:
  /// `rejected:NAME` (errors and held-back vouchers beside rejected files) and `report:NAME` (the run's
  /// reports), with their content.
  public var outputs: [(target: String, content: String)] = []
  public init(run: Int, vouchers: VoucherList, entries: [StockLedgerEntry], gl: [GLEntry], files: [FileRecord], moves: [(from: String, to: String)]) {
    self.run = run
    self.vouchers = vouchers
    self.entries = entries
    self.gl = gl
    self.files = files
    self.moves = moves
  }
}

/// A run's `stock.csv` and `gl.csv` already written, hashed, under temporary names in the ledger directory
/// (by ``StreamedFile/closeHashed()``), each with the number of rows after its header: a run onto an empty
/// ledger writes them on the other core while it posts. ``LedgerStore/commit(_:previousChain:places:prewritten:prewrittenVouchers:)``
/// adopts a file only when its row count is the record's (else it writes the file itself and removes this one).
public struct PrewrittenRunFiles: Sendable {
  public var stock: (file: StreamedFile.Closed, rows: Int)?
  public var gl: (file: StreamedFile.Closed, rows: Int)?
  /// Whether `gl`'s bytes are those of the run's GL journal (no text field the reports guard against
  /// formulas): then the journal is a copy of it.
  public var glIsJournal: Bool
  /// Why they were not written, when they were to be (the commit says it if it cannot write them itself).
  public var failure: String?
  public init(stock: (file: StreamedFile.Closed, rows: Int)?, gl: (file: StreamedFile.Closed, rows: Int)?, glIsJournal: Bool = true, failure: String? = nil) {
    self.stock = stock
    self.gl = gl
    self.glIsJournal = glIsJournal
    self.failure = failure
  }

  /// Removes the files not adopted.
  public func discard() {
    stock?.file.discard()
    gl?.file.discard()
  }
}

/// Where a voucher is written: its run and the byte range of its rows in the run's `vouchers.csv`.
///
/// 16 bytes (the run and the length in 32 bits each): a run from scratch keeps one per voucher to its end.
public struct VoucherPlace: Sendable, Hashable {
  private var startOffset: Int
  private var runNumber: UInt32
  private var length: UInt32
  /// Setting it keeps `end`.
  public var start: Int {
    get { startOffset }
    set {
      let e = end
      startOffset = newValue
      end = e
    }
  }
  public var run: Int {
    get { Int(runNumber) }
    set { runNumber = UInt32(newValue) }
  }
  public var end: Int {
    get { start + Int(length) }
    set { length = UInt32(newValue - start) }
  }
  public init(run: Int, start: Int, end: Int) {
    startOffset = start
    runNumber = UInt32(run)
    length = UInt32(end - start)
  }
}

/// The committed ledger as read back.
public struct LedgerContents: Sendable {
  public var runCount = 0
  /// SHA-256 chain head of the last committed run (64 zeros for an empty ledger).
  public var chainHead = String(repeating: "0", count: 64)
  /// Accepted vouchers in ledger (arrival) order.
  public var vouchers: [Voucher] = []
  /// Where each of `vouchers` is written: its run and the byte range of its rows in the run's `vouchers.csv`.
  public var voucherPlaces: [VoucherPlace] = []
  /// Current version of every stock ledger entry, by ``entryKey(_:_:)``.
  public var entries: [String: StockLedgerEntry] = [:]
  /// Every GL line in ledger order (adjustments included).
  public var gl: [GLEntry] = []
  /// Files imported (wholly or partly), by SHA-256.
  public var imported: [String: FileRecord] = [:]
  /// Vouchers cancelled by a later `action=cancel`.
  public var cancelled: Set<String> = []
  /// The latest date closed by `stockledger close`.
  public var closedThrough: BusinessDate?
  /// Where each current stock ledger entry was read (`path:line`), by entry key (tolerant loads only).
  public var entryPlaces: [String: String] = [:]
  /// Where each GL line was read, parallel to `gl` (tolerant loads only).
  public var glPlaces: [String] = []
  /// Integrity failures found while loading tolerantly (for `verify`).
  public var damage: [IntegrityError] = []
  public init() {}

  /// Submitted vouchers that are not cancelled, in ledger order: the posted part of every timeline.
  /// Closes of orders are events of the timeline too.
  /// - Complexity: O(vouchers); without a cancellation, the vouchers as they are (a copy counted a reference
  ///   to each, and hashed each number against the empty set).
  public var activeVouchers: [Voucher] {
    if cancelled.isEmpty, !vouchers.contains(where: { $0.action == .cancel }) { return vouchers }
    return vouchers.filter { $0.action != .cancel && !cancelled.contains($0.no) }
  }

  /// The key of a stock ledger entry: voucher number and position.
  public static func entryKey(_ voucherNo: String, _ index: Int) -> String { "\(voucherNo)\u{1F}\(index)" }
}

/// The flat-file ledger (SPEC §6): a directory of immutable per-run files, chained by SHA-256, committed by
/// the atomic replacement of `HEAD`.
///
/// ```
/// ledger/HEAD                       run number and chain head: replacing it is the commit point
/// ledger/runs/000001/vouchers.csv   accepted vouchers (the voucher CSV layout), or the run's one inbox
///                                   file as it came (``VerbatimVouchers``)
/// ledger/runs/000001/stock.csv      stock ledger entries written by the run (new or revalued)
/// ledger/runs/000001/gl.csv         GL lines written by the run (adjustments flagged)
/// ledger/runs/000001/files.csv      registry of the files the run imported or rejected
/// ledger/runs/000001/moves.csv      file moves to finish after the commit
/// ledger/runs/000001/manifest       size and SHA-256 of each file, previous and new chain head
/// ledger/.lock                      flock(2) of the one writer
/// ledger/quarantine/                uncommitted leftovers of interrupted runs, never deleted
/// ```
/// A run's cost on disk is its own files; reading the ledger is linear in its size.
public struct LedgerStore: Sendable {
  public let directory: String
  public init(directory: String) { self.directory = directory }

  var headPath: String { directory + "/HEAD" }
  var runsPath: String { directory + "/runs" }
  func runPath(_ n: Int) -> String { runsPath + "/" + LedgerStore.runName(n) }
  public static func runName(_ n: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, 6 - s.count)) + s
  }
  /// The chain head of a ledger without a run.
  public static let zeroChain = String(repeating: "0", count: 64)

  /// Takes the writer's lock; nil when another run holds it.
  public func lock() throws(StoreError) -> FileLock? {
    try DurableFiles.makeDirectory(directory)
    return try FileLock(path: directory + "/.lock")
  }

  /// The committed run number and chain head from `HEAD`.
  public func head() throws(IntegrityError) -> (run: Int, chain: String) {
    guard let data = FileManager.default.contents(atPath: headPath) else { return (0, LedgerStore.zeroChain) }
    let text = String(decoding: data, as: UTF8.self)
    var run: Int?
    var chain: String?
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: " ")
      if parts.count == 2 && parts[0] == "run" { run = Int(parts[1]) }
      if parts.count == 2 && parts[0] == "chain" { chain = String(parts[1]) }
    }
    guard text.hasPrefix("stockledger-ledger 1\n"), let run, let chain, chain.count == 64 else {
      throw IntegrityError(place: headPath, "HEAD is damaged: restore the ledger from a backup")
    }
    return (run, chain)
  }

  /// Finishes an interrupted run: leftovers of an uncommitted run go to `quarantine/`; file moves of the
  /// last committed run that did not happen are carried out. Returns what it did, for the summary.
  public func recover() throws(StoreError) -> [String] {
    var notes: [String] = []
    let fm = FileManager.default
    // Temp files of an interrupted write are never committed data.
    let runDirectories = ((try? fm.contentsOfDirectory(atPath: runsPath)) ?? []).map { runsPath + "/" + $0 }
    for dir in [directory, runsPath] + runDirectories {
      DurableFiles.removeStrayTemporaries(in: dir)
    }
    let committed: Int
    do { committed = try head().run } catch { return notes }
    if let names = try? fm.contentsOfDirectory(atPath: runsPath) {
      for name in names.sorted() {
        guard let n = Int(name), n > committed else { continue }
        let q = directory + "/quarantine"
        try DurableFiles.makeDirectory(q)
        var dest = q + "/run-" + name
        var k = 1
        while DurableFiles.exists(dest) { k += 1; dest = q + "/run-\(name)-\(k)" }
        try DurableFiles.move(runPath(n), to: dest)
        notes.append("an interrupted run left \(runPath(n)); it was never committed and is kept in \(dest)")
      }
    }
    return notes
  }

  /// Reads and checks the committed ledger: every file's size and SHA-256 against its run's manifest, and
  /// the chain of manifests up to `HEAD`.
  ///
  /// - Parameter light: read only the chain of manifests, the registry of imported files and the closes
  ///   (what a run continuing from the head snapshot needs); vouchers, entries and GL are left unread, and
  ///   unchecked (`verify` checks every byte).
  /// - Complexity: O(size of the ledger); light: O(runs + imported files).
  public func load(tolerant: Bool = false, light: Bool = false) throws(IntegrityError) -> LedgerContents {
    var contents = LedgerContents()
    // The chain of manifests, in order; the files they list are then read, checked and parsed on both
    // cores, and applied in ledger order (the same contents, errors and damage as one file after another).
    let (jobs, committed, chain) = try committedFiles(light: light)
    let parts = Parallel.mapEach(jobs, weight: \.size) { job in Result { () throws(IntegrityError) in try LedgerStore.part(job, tolerant: tolerant) } }
    for part in parts {
      let p: FilePart
      switch part {
      case .success(let ok): p = ok
      case .failure(let e): throw e
      }
      if let damage = p.damage { contents.damage.append(damage) }
      p.apply(to: &contents)
    }
    contents.runCount = committed
    contents.chainHead = chain
    return contents
  }

  /// Checks what ``load(tolerant:light:)`` checks — the chain of manifests, and every file they list
  /// against its size and SHA-256 — reading each file a part at a time and parsing nothing: memory of a
  /// part, not of the ledger (`stockledger close`, which takes its figures elsewhere).
  /// - Complexity: O(bytes of the ledger), hashed on both cores.
  public func checkFiles() throws(IntegrityError) {
    let (jobs, _, _) = try committedFiles(light: false)
    let checked = Parallel.mapEach(jobs, weight: \.size) { job -> IntegrityError? in
      guard let hashed = FileBytes.sha256(job.path, followingLinks: true) else {
        return IntegrityError(place: job.path, "missing: the ledger is incomplete; restore it from a backup")
      }
      return hashed.bytes == job.size && hashed.sha256 == job.sha256 ? nil : LedgerStore.changed(job)
    }
    if let first = checked.compactMap({ $0 }).first { throw first }
  }

  /// What a committed file whose size or SHA-256 differs from its manifest's is told by.
  static func changed(_ job: FileJob) -> IntegrityError {
    // A run's vouchers.csv may be its inbox file under a second name (``VerbatimVouchers``): say so.
    var st = stat()
    let shared = stat(job.path, &st) == 0 && st.st_nlink > 1 ? " (it has another name, such as the file's copy in the archive: an edit there changed it too)" : ""
    return IntegrityError(place: job.path, "the file differs from what run \(job.run) committed (size or SHA-256): it was changed or damaged\(shared); restore it from a backup")
  }

  /// The files the chain of manifests lists, in ledger order (with `light`, only each run's registry and
  /// close), after the chain is checked; the number of runs and the chain head.
  func committedFiles(light: Bool) throws(IntegrityError) -> (jobs: [FileJob], committed: Int, chain: String) {
    let (committed, headChain) = try head()
    var chain = LedgerStore.zeroChain
    var jobs: [FileJob] = []
    for n in stride(from: 1, through: committed, by: 1) {
      let dir = runPath(n)
      guard let mdata = FileManager.default.contents(atPath: dir + "/manifest") else {
        throw IntegrityError(place: dir + "/manifest", "missing: the ledger is incomplete; restore it from a backup")
      }
      let manifest = String(decoding: mdata, as: UTF8.self)
      var lines = manifest.split(separator: "\n").map(String.init)
      guard lines.first == "stockledger-run 1", lines.last?.hasPrefix("chain ") == true else {
        throw IntegrityError(place: dir + "/manifest", "damaged manifest")
      }
      let recorded = String(lines.removeLast().dropFirst("chain ".count))
      let body = lines.joined(separator: "\n") + "\n"
      guard lines.contains("prev \(chain)") else {
        throw IntegrityError(place: dir + "/manifest", "the chain is broken: run \(n) does not follow run \(n - 1)")
      }
      guard SHA256.hex(of: body) == recorded else {
        throw IntegrityError(place: dir + "/manifest", "the manifest was changed after it was committed")
      }
      chain = recorded
      for line in lines where line.hasPrefix("file ") {
        let parts = line.split(separator: " ")
        guard parts.count == 4, let size = Int(parts[2]) else { throw IntegrityError(place: dir + "/manifest", "damaged file line") }
        if light && parts[1] != "files.csv" && parts[1] != "close.csv" { continue }
        jobs.append(FileJob(run: n, name: String(parts[1]), path: dir + "/" + parts[1], size: size, sha256: String(parts[3])))
      }
    }
    guard chain == headChain else { throw IntegrityError(place: headPath, "HEAD does not match the chain of runs") }
    return (jobs, committed, chain)
  }

  /// A file a manifest lists.
  struct FileJob: Sendable {
    var run: Int, name: String, path: String, size: Int, sha256: String
  }

  /// What one committed file holds, parsed on its own; applied to the contents in ledger order.
  struct FilePart: Sendable {
    var damage: IntegrityError?
    var vouchers: [Voucher] = []
    var voucherPlaces: [VoucherPlace] = []
    var closes: [BusinessDate] = []
    /// Stock entries in file order: a new version, or (nil) the entry cancelled.
    var stock: [(key: String, entry: StockLedgerEntry?, place: String)] = []
    var gl: [GLEntry] = []
    var glPlaces: [String] = []
    /// The line of each of `stock` and `gl` in its file (when asked for: ``parse(file:bytes:path:run:tolerant:lineOffset:numbering:into:)``).
    var stockLines: [Int] = []
    var glLines: [Int] = []
    var imported: [FileRecord] = []

    func apply(to c: inout LedgerContents) {
      c.vouchers += vouchers
      c.voucherPlaces += voucherPlaces
      for v in vouchers where v.action == .cancel { c.cancelled.insert(v.no) }
      for d in closes { c.closedThrough = max(c.closedThrough ?? d, d) }
      for s in stock {
        if let e = s.entry {
          c.entries[s.key] = e
          if !s.place.isEmpty { c.entryPlaces[s.key] = s.place }
        } else {
          c.entries.removeValue(forKey: s.key)
          c.entryPlaces.removeValue(forKey: s.key)
        }
      }
      c.gl += gl
      c.glPlaces += glPlaces
      for f in imported { c.imported[f.sha256] = f }
    }
  }

  /// Reads, checks and parses one committed file.
  static func part(_ job: FileJob, tolerant: Bool) throws(IntegrityError) -> FilePart {
    guard let data = FileManager.default.contents(atPath: job.path) else {
      throw IntegrityError(place: job.path, "missing: the ledger is incomplete; restore it from a backup")
    }
    let bytes = [UInt8](data)
    var h = SHA256()
    bytes.withUnsafeBytes { h.update($0) }
    var part = FilePart()
    if bytes.count != job.size || h.finalizeHex() != job.sha256 {
      let damage = LedgerStore.changed(job)
      guard tolerant else { throw damage }
      part.damage = damage
    }
    try parse(file: job.name, bytes: bytes, path: job.path, run: job.run, tolerant: tolerant, into: &part)
    return part
  }

  /// - Parameters:
  ///   - lineOffset: added to the line numbers of `bytes` (a part of a file, after the file's header: the
  ///     file's line of the part's first record, less 2).
  ///   - numbering: gives the line of every stock entry and GL line (``FilePart/stockLines``, ``FilePart/glLines``).
  static func parse(file: String, bytes: [UInt8], path: String, run: Int, tolerant: Bool, lineOffset: Int = 0, numbering: Bool = false, into c: inout FilePart) throws(IntegrityError) {
    switch file {
    case "vouchers.csv":
      let f = CSVVoucherReader.read(bytes: bytes, file: path)
      if let d = f.diagnostics.first { throw IntegrityError(place: path, "cannot be read back: \(d)") }
      c.vouchers = f.vouchers
      // Byte ranges: from the line each voucher starts on to the next one's (its rows are contiguous).
      var lineStarts = [0]
      lineStarts.reserveCapacity(bytes.count / 64)
      for (i, b) in bytes.enumerated() where b == 10 { lineStarts.append(i + 1) }
      let starts = f.vouchers.map { lineStarts[min(max($0.source.line - 1, 0), lineStarts.count - 1)] }
      for (i, start) in starts.enumerated() {
        c.voucherPlaces.append(VoucherPlace(run: run, start: start, end: i + 1 < starts.count ? starts[i + 1] : bytes.count))
      }
    case "close.csv":
      for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n").dropFirst() {
        guard let d = BusinessDate(parsing: line) else { throw IntegrityError(place: path, "unreadable close date") }
        c.closes.append(d)
      }
    case "stock.csv", "gl.csv", "files.csv":
      // Record by record as the parser finds them (the whole file's records, parsed first, were a string
      // per field of every line: most of a replay's peak of memory). The first problem is thrown after the
      // parse, as one found before: a file the parser cannot read fails as such whatever its lines hold.
      if file == "stock.csv" { c.stock.reserveCapacity(bytes.count / 160) } else if file == "gl.csv" { c.gl.reserveCapacity(bytes.count / 120) }
      var problem: IntegrityError?
      var header = true
      // A plain file (ASCII, no quote, no CR: most are) is read over its bytes, the entries and lines made
      // from the fields where they lie (``LedgerFormat/parseStock(_:file:)``, ``LedgerFormat/parseGL(_:accounts:)``);
      // a record those do not read, and any other file, through a string per field. The same contents: a
      // file with a blank record (only a damaged one), which the plain reading skips and the general one
      // refuses, is read again the general way.
      var plain = false
      if file != "files.csv" {
        var accounts = LedgerFormat.AccountNames()
        let (stockBefore, glBefore) = (c.stock.count, c.gl.count)
        let reading = bytes.withUnsafeBufferPointer { buf in
          CSVParser.forEachRecordOverBytes(buf) { line, bounds in
            if header { header = false; return }
            if problem != nil { return }
            let f = LedgerFormat.PlainFields(buf, bounds)
            let place = tolerant ? "\(path):\(line + lineOffset)" : ""
            if file == "stock.csv", let (e, cancelled) = LedgerFormat.parseStock(f, file: true) {
              c.stock.append((LedgerContents.entryKey(e.voucherNo, e.index), cancelled ? nil : e, place))
              if numbering { c.stockLines.append(line + lineOffset) }
            } else if file == "gl.csv", let g = LedgerFormat.parseGL(f, accounts: &accounts) {
              c.gl.append(g)
              if tolerant { c.glPlaces.append(place) }
              if numbering { c.glLines.append(line + lineOffset) }
            } else {
              do throws(IntegrityError) { try add(CSVRecord(line: line, fields: f.texts)) } catch { problem = error }
            }
          }
        }
        switch reading {
        case .read: plain = true
        case .notPlain: break
        case .blankRecords:
          (problem, header) = (nil, true)
          c.stock.removeSubrange(stockBefore...)
          c.gl.removeSubrange(glBefore...)
          if tolerant { c.glPlaces.removeSubrange(glBefore...) }
          if numbering { (c.stockLines, c.glLines) = (Array(c.stockLines[..<stockBefore]), Array(c.glLines[..<glBefore])) }
        }
      }
      if !plain {
        do throws(Diagnostic) {
          try bytes.withUnsafeBufferPointer { (buf) throws(Diagnostic) in
            try CSVParser.forEachRecord(buf, file: path) { r in
              if header { header = false; return }
              if problem != nil { return }
              do throws(IntegrityError) { try add(r) } catch { problem = error }
            }
          }
        } catch { throw IntegrityError(place: path, error.description) }
      }
      if let problem { throw problem }
      func add(_ r: CSVRecord) throws(IntegrityError) {
        // Places are kept for `verify`'s messages; an ordinary load does not build a string per line, only
        // for the line it cannot read.
        let line = r.line + lineOffset
        let place = tolerant ? "\(path):\(line)" : ""
        func unreadable(_ what: String) -> IntegrityError {
          IntegrityError(place: "\(path):\(line)", "unreadable \(what): restore the file from a backup")
        }
        if file == "stock.csv" {
          guard r.fields.count == LedgerFormat.stockColumns.count + 1, let e = LedgerFormat.parseStock(Array(r.fields.dropLast())) else {
            throw unreadable("stock ledger entry")
          }
          c.stock.append((LedgerContents.entryKey(e.voucherNo, e.index), r.fields.last == "1" ? nil : e, place))
          if numbering { c.stockLines.append(line) }
        } else if file == "gl.csv" {
          guard let g = LedgerFormat.parseGL(r.fields) else { throw unreadable("GL line") }
          c.gl.append(g)
          if !place.isEmpty { c.glPlaces.append(place) }
          if numbering { c.glLines.append(line) }
        } else {
          let f = r.fields
          guard f.count == 6, let status = FileRecord.Status(rawValue: f[2]), let rows = Int(f[3]), let p = Int(f[4]), let rj = Int(f[5]) else {
            throw unreadable("registry line")
          }
          if status == .imported || status == .partial {
            c.imported.append(FileRecord(sha256: f[0], file: f[1], status: status, rows: rows, vouchersPosted: p, vouchersRejected: rj, run: run))
          }
        }
      }
    default: break
    }
  }

  /// Writes the run's files, fsyncs them, then replaces `HEAD`: the commit point.
  /// - Parameters:
  ///   - prewritten: gives the run's `stock.csv` and `gl.csv` when they were written beforehand (called,
  ///     and waited for, by the core that would otherwise write them); those not adopted are removed.
  ///   - prewrittenVouchers: gives the run's `vouchers.csv` begun beforehand (its first vouchers, in the
  ///     record's order), called once at the start: continued when the record's vouchers begin with those
  ///     written (``VouchersFile/isBeginning(of:run:)``), else removed and the file written anew.
  /// - Returns: the new chain head; where each voucher was written; and `journal`, the run's `gl.csv` when
  ///   its bytes are those of the run's GL journal (no text field a report guards against formulas).
  public func commit(
    _ record: RunRecord, previousChain: String, places: Int, prewritten: (@Sendable () -> PrewrittenRunFiles?)? = nil,
    prewrittenVouchers: (@Sendable () -> VouchersFile?)? = nil
  ) throws(StoreError) -> (chain: String, places: VoucherPlaces, journal: String?) {
    defer { prewritten?()?.discard() }
    // The vouchers begun, taken now (their writer need not have finished the other files).
    let begunVouchers = prewrittenVouchers?()
    defer { begunVouchers?.discard() }
    try DurableFiles.makeDirectory(runsPath)
    let dir = runPath(record.run)
    if DurableFiles.exists(dir) { throw StoreError(path: dir, "already exists: run recovery first") }
    try DurableFiles.makeDirectory(dir)
    // Each file is written, fsynced and hashed as it is built, and renamed into place; the run's directory
    // and its entry in `runs/` are fsynced once, before the head names the run (each file fsyncing the
    // directory was eight journal commits one after another at the end of every run).
    var manifest = "stockledger-run 1\nrun \(record.run)\nprev \(previousChain)\n"
    var voucherPlaces = VoucherPlaces(run: record.run)
    // The three large files are written in chunks through a buffer, hashed as they go, on both cores (the
    // largest first; their order in the manifest is fixed), or adopted when written beforehand; the small
    // ones (``writeSmallFiles(_:in:)``) are one more task beside them (one after the other after them, their
    // fsyncs were a millisecond of every run's end).
    let run = record.run
    // Files to be adopted only wait for their writer: the others start first.
    // (The vouchers taken first: the other two wait for their writer.)
    let parts = LargeFile.allCases.map(CommitPart.large) + [.smallFiles]
    let written = Parallel.mapEach(parts, weight: { part in
      guard case .large(let file) = part else { return 1 }
      if file == .vouchers && record.verbatimVouchers != nil { return 1 }
      return prewritten == nil ? file.weight(record) : (file == .vouchers && begunVouchers != nil ? 1 : 0)
    }) { part -> Result<[LargeFile.Written], StoreError> in
      do throws(StoreError) {
        guard case .large(let file) = part else { return .success(try LedgerStore.writeSmallFiles(record, in: dir) { self.relative($0) }) }
        if file == .vouchers, let verbatim = record.verbatimVouchers,
          let taken = verbatim.adopt(as: dir + "/" + file.fileName, run: run, count: record.vouchers.count)
        {
          return .success([taken])
        }
        if file == .vouchers, let begunVouchers {
          if let adopted = file.adopt(begunVouchers, for: record, in: dir) { return .success([adopted]) }
          return .success([try file.write(record, in: dir, run: run, places: places)])
        }
        let files = prewritten?()
        if let adopted = file.adopt(files, for: record, in: dir) { return .success([adopted]) }
        if let streamed = file.streamed(record) {
          // The rows were not kept: the commit cannot write them, and changes nothing.
          let rows = file == .stock ? files?.stock?.rows : files?.gl?.rows
          let why = files?.failure ?? rows.map { "it holds \($0) rows, not the \(streamed.count) the run posted" } ?? "it was not written"
          throw StoreError(path: dir + "/" + file.fileName, "the run's \(streamed.what) went to this file as they were posted and were not kept, and it cannot be used: \(why). Nothing was committed and the inbox is as it was: fix that (free disk space, or the permissions of the ledger folder) and run again")
        }
        return .success([try file.write(record, in: dir, run: run, places: places)])
      } catch { return .failure(error) }
    }
    var glHasFormulas = false
    for result in written {
      let files: [LargeFile.Written]
      switch result {
      case .success(let x): files = x
      case .failure(let error): throw error
      }
      for w in files {
        manifest += "file \(w.name) \(w.count) \(w.sha256)\n"
        // `vouchers.csv`'s, taken whole (a copy of ten million places was 152 MB at the run's peak of memory).
        if !w.places.isEmpty {
          precondition(voucherPlaces.isEmpty, "one file has the vouchers' places")
          voucherPlaces = w.places
        }
        glHasFormulas = glHasFormulas || w.formulas
      }
    }
    let chain = SHA256.hex(of: manifest)
    try DurableFiles.write(manifest + "chain \(chain)\n", to: dir + "/manifest", syncingDirectory: false)
    try DurableFiles.syncDirectory(dir)
    try DurableFiles.syncDirectory(runsPath)
    CrashPoint.hit("before-commit")
    try DurableFiles.write("stockledger-ledger 1\nrun \(record.run)\nchain \(chain)\n", to: headPath)
    CrashPoint.hit("after-commit")
    return (chain, voucherPlaces, glHasFormulas ? nil : dir + "/gl.csv")
  }

  /// What one of the commit's tasks writes: a large file, or the small ones together.
  private enum CommitPart: Sendable {
    case large(LargeFile)
    case smallFiles
  }

  /// The run's small files (`files.csv`, `moves.csv`, `close.csv` for a close, `outputs.csv`) written into its
  /// directory `dir`, each fsynced and renamed into place (`dir` is fsynced by the commit), in the
  /// manifest's order. `relative` gives a path as the ledger records it.
  static func writeSmallFiles(_ record: RunRecord, in dir: String, relative: (String) -> String) throws(StoreError) -> [LargeFile.Written] {
    var written: [LargeFile.Written] = []
    func emit(_ name: String, _ bytes: [UInt8]) throws(StoreError) {
      let out = try StreamedFile(path: dir + "/" + name)
      out.append(bytes)
      let (count, hash) = try out.finish(syncingDirectory: false)
      guard let hash else { throw StoreError(path: out.path, "written without its hash") }
      written.append(LargeFile.Written(name: name, count: count, sha256: hash))
    }
    var w = CSVWriter(guardsFormulas: false)
    w.row(LedgerFormat.registryColumns)
    for f in record.files { w.row(f.fields) }
    try emit("files.csv", Array(w.text.utf8))
    w = CSVWriter(guardsFormulas: false)
    w.row(["from", "to"])
    for m in record.moves { w.row([relative(m.from), relative(m.to)]) }
    try emit("moves.csv", Array(w.text.utf8))
    if let close = record.closeThrough { try emit("close.csv", Array("closed_through\n\(close)\n".utf8)) }
    w = CSVWriter(guardsFormulas: false)
    w.row(["target", "content"])
    for o in record.outputs { w.row([o.target, o.content]) }
    try emit("outputs.csv", Array(w.text.utf8))
    return written
  }

  /// A path as the ledger records it: relative to the ledger directory (`../inbox/a.csv`), so the same
  /// inputs give the same bytes wherever the books directory is.
  func relative(_ path: String) -> String {
    let base = directory.split(separator: "/"), target = path.split(separator: "/")
    var common = 0
    while common < base.count && common < target.count && base[common] == target[common] { common += 1 }
    let ups = Array(repeating: "..", count: base.count - common)
    return (ups + target[common...].map(String.init)).joined(separator: "/")
  }

  func absolute(_ recorded: String) -> String {
    recorded.hasPrefix("/") ? recorded : ((directory + "/" + recorded) as NSString).standardizingPath
  }

  /// What the last committed run still has to do after its commit (nil when it finished): its file moves,
  /// its outputs and its GL lines (for the journal).
  public func unfinishedRun() -> (run: Int, moves: [(from: String, to: String)], outputs: [(target: String, content: String)], gl: [GLEntry])? {
    guard let committed = try? head().run, committed > 0 else { return nil }
    let dir = runPath(committed)
    guard !DurableFiles.exists(dir + "/.done") else { return nil }
    func records(_ name: String) -> [CSVRecord] {
      guard let data = FileManager.default.contents(atPath: dir + "/" + name), let r = try? CSVParser.parse([UInt8](data), file: name) else { return [] }
      return Array(r.dropFirst())
    }
    let moves = records("moves.csv").filter { $0.fields.count == 2 }.map { (from: absolute($0.fields[0]), to: absolute($0.fields[1])) }
    let outputs = records("outputs.csv").filter { $0.fields.count == 2 }.map { (target: $0.fields[0], content: $0.fields[1]) }
    let gl = records("gl.csv").compactMap { LedgerFormat.parseGL($0.fields) }
    return (committed, moves, outputs, gl)
  }

  /// Marks the last run's post-commit work finished (a marker outside the chained data).
  public func markFinished(run: Int) throws(StoreError) {
    try DurableFiles.write("", to: runPath(run) + "/.done")
  }

  /// Carries out the run's file moves (after the commit).
  /// (The directories are fsynced once each, after the last move: a move fsyncing both of its own was two
  /// journal commits per file.)
  public func performMoves(_ moves: [(from: String, to: String)]) throws(StoreError) {
    var directories: [String] = []
    for m in moves where DurableFiles.exists(m.from) && !DurableFiles.exists(m.to) {
      try DurableFiles.makeDirectory((m.to as NSString).deletingLastPathComponent)
      try DurableFiles.move(m.from, to: m.to, syncingDirectories: false)
      for d in [(m.to as NSString).deletingLastPathComponent, (m.from as NSString).deletingLastPathComponent] where !directories.contains(d) {
        directories.append(d)
      }
      CrashPoint.hit("move")
    }
    for d in directories { try DurableFiles.syncDirectory(d) }
  }
}

/// The three large files of a run, written independently (each on whichever core is free).
enum LargeFile: CaseIterable, Sendable {
  case vouchers, stock, gl

  /// Its name in the run's directory.
  var fileName: String {
    switch self {
    case .vouchers: return "vouchers.csv"
    case .stock: return "stock.csv"
    case .gl: return "gl.csv"
    }
  }

  /// When the record does not hold this file's rows (the run streamed them to a file written beside the
  /// posting, ``RunRecord/streamedEntryCount``, ``RunRecord/streamedGLCount``): how many the file must hold,
  /// and what they are, for a message.
  func streamed(_ record: RunRecord) -> (count: Int, what: String)? {
    switch self {
    case .vouchers: return nil
    case .stock: return record.streamedEntryCount.map { ($0, "stock entries") }
    case .gl: return record.streamedGLCount.map { ($0, "GL lines") }
    }
  }

  /// What writing one gave: its name, size and SHA-256, where each voucher went (`vouchers.csv`), and
  /// whether a report would guard a text field against formulas (`gl.csv`).
  struct Written: Sendable {
    var name: String
    var count: Int
    var sha256: String
    var places = VoucherPlaces()
    var formulas = false
  }

  /// About how many bytes the file will have.
  func weight(_ record: RunRecord) -> Int {
    switch self {
    case .vouchers: return 105 * record.vouchers.count
    case .stock: return 100 * (record.entryCount + record.cancelledEntries.count)
    case .gl: return 77 * record.glCount
    }
  }

  /// Makes the prewritten file durable in the run's directory `dir` (its name durable once the commit
  /// fsyncs `dir`), when there is one for this file with the record's rows (a `gl.csv` is prewritten only
  /// without text a report guards against formulas).
  /// - Returns: nil when the file is still to be written (always for `vouchers.csv`, begun apart).
  func adopt(_ prewritten: PrewrittenRunFiles?, for record: RunRecord, in dir: String) -> Written? {
    let file: StreamedFile.Closed
    switch self {
    case .vouchers:
      return nil  // begun apart: ``adopt(_:for:in:)`` of a `VouchersFile`
    case .stock:
      guard let p = prewritten?.stock, p.rows == record.entryCount, record.cancelledEntries.isEmpty else { return nil }
      file = p.file
    case .gl:
      guard let p = prewritten?.gl, p.rows == record.glCount else { return nil }
      file = p.file
    }
    // A file that cannot be moved into the run (another file system under `runs/`, say) is written anew.
    do { try file.adopt(as: dir + "/" + fileName, syncingDirectory: false) } catch { return nil }
    return Written(name: fileName, count: file.count, sha256: file.sha256, formulas: self == .gl && !(prewritten?.glIsJournal ?? false))
  }

  /// A `vouchers.csv` begun beforehand (`begun`), continued with the record's other vouchers and adopted;
  /// nil when it does not begin with the record's vouchers or cannot be finished (then it is written anew).
  func adopt(_ begun: VouchersFile, for record: RunRecord, in dir: String) -> Written? {
    precondition(self == .vouchers, "only vouchers.csv is begun as a VouchersFile")
    guard begun.isBeginning(of: record.vouchers, run: record.run) else { return nil }
    do {
      try begun.write(record.vouchers, from: begun.count)
      let closed = try begun.closeHashed()
      try closed.adopt(as: dir + "/" + fileName, syncingDirectory: false)
      return Written(name: fileName, count: closed.count, sha256: closed.sha256, places: begun.takePlaces())
    } catch { return nil }
  }

  /// Writes the file durably into the run's directory `dir` (its name durable once the commit fsyncs `dir`).
  func write(_ record: RunRecord, in dir: String, run: Int, places: Int) throws(StoreError) -> Written {
    var formulas = false
    let out: StreamedFile
    switch self {
    case .vouchers:
      let file = try VouchersFile(path: dir + "/" + fileName, run: run, capacity: record.vouchers.count)
      try file.write(record.vouchers, from: 0)
      let (count, hash) = try file.finish(syncingDirectory: false)
      return Written(name: fileName, count: count, sha256: hash, places: file.takePlaces())
    case .stock:
      precondition(record.streamedEntryCount == nil, "entries not kept are adopted, not written (LedgerStore.commit)")
      out = try StreamedFile(path: dir + "/" + fileName, syncingAsItGoes: true)
      try out.writeRows(guardingFormulas: false) { (b, flush) throws(StoreError) in
        b.texts(LedgerFormat.stockFileColumns)
        b.endRow()
        for (entries, cancelled) in [(record.entries, false), (record.cancelledEntries, true)] {
          for e in entries {
            LedgerFormat.writeStockRow(e, cancelled: cancelled, places: places, into: &b)
            try flush(&b)
          }
        }
      }
    case .gl:
      precondition(record.streamedGLCount == nil, "GL lines not kept are adopted, not written (LedgerStore.commit)")
      // Whether a report would guard a text field against formulas: if not, the journal's bytes are gl.csv's.
      out = try StreamedFile(path: dir + "/" + fileName, syncingAsItGoes: true)
      formulas = try out.writeRows(guardingFormulas: false) { (b, flush) throws(StoreError) in
        b.texts(LedgerFormat.glColumns)
        b.endRow()
        for g in record.gl {
          LedgerFormat.write(g, places: places, into: &b)
          b.endRow()
          try flush(&b)
        }
      }
    }
    let (count, hash) = try out.finish(syncingDirectory: false)
    guard let hash else { throw StoreError(path: out.path, "written without its hash") }
    return Written(name: fileName, count: count, sha256: hash, formulas: formulas)
  }
}
