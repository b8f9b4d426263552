import CSystem
import Dispatch
import StockCore
import StockRead

#if canImport(Glibc)
  import Glibc
#endif

/// The committed ledger as `stockledger verify` compares it with a replay of its vouchers: read once, a
/// part of a file at a time, every file hashed as it is read, and kept as digests — of each current stock
/// entry by its key, of the whole GL (and, when asked, of each voucher's) — rather than as entries and
/// lines. Memory: a slot of 24 bytes a stock entry (2²⁴ of them at ten million), where the whole ledger
/// loaded was about 1.9 KB a voucher (1M: 1.9 GB; 10M would not fit this machine).
public struct StreamedLedger: Sendable {
  public var runCount = 0
  public var chainHead = String(repeating: "0", count: 64)
  /// Files whose size or SHA-256 differs from their manifest's (read all the same, as a tolerant load).
  public var damage: [IntegrityError] = []
  /// Every current stock entry (its latest version; those a run cancelled left out), by its key's digest:
  /// the digest of its fields. (Where it was read is found again when a message needs it:
  /// ``LedgerStore/currentEntries(where:)``; kept here, it was 134 MB more at ten million.)
  public var entries: [EntryKey: UInt64] = [:]
  /// The GL of the whole ledger: Σ over its lines of a weight drawn for the line's voucher and account
  /// times the line's net (``term(_:weights:)``), in wrapping arithmetic — the same for two sets of lines,
  /// but by a chance of about 2⁻⁵⁰, only when every voucher nets the same on every account in both (a
  /// cancelled one, which a replay does not post, to zero).
  public var glDigest: UInt64 = 0
  /// The same by voucher number (``numberDigest(_:)``), when asked for (``LedgerStore/streamed(places:part:byVoucher:placing:vouchers:gl:)``):
  /// which voucher's GL differs.
  public var gl: [UInt64: UInt64] = [:]
  /// Vouchers cancelled by a later `action=cancel`.
  public var cancelled: Set<String> = []
  /// Vouchers in the ledger (submitted, cancelled and cancellations), and GL lines read.
  public var voucherCount = 0, glLines = 0
  /// Where the ledger's vouchers are, when asked for: one ``VoucherPlaces`` per run that has a
  /// `vouchers.csv`, in ledger order; the n-th voucher given is the n-th place of their concatenation (as
  /// ``LedgerContents/voucherPlaces``). (4 bytes a voucher, which `verify` does not need.)
  public var voucherPlaces: [VoucherPlaces] = []

  public init() {}

  /// A stock entry's key (voucher number and position) as two independent 64-bit digests.
  public struct EntryKey: Sendable, Hashable {
    let a: UInt64, b: UInt64
    public init(_ voucherNo: String, _ index: Int) {
      let i = UInt64(bitPattern: Int64(index))
      a = StreamedLedger.mix(NameHash.hash(voucherNo) ^ (i &* 0x9E37_79B9_7F4A_7C15))
      b = StreamedLedger.mix(FNV1a.hash(voucherNo) &+ (i &* 0xC2B2_AE3D_27D4_EB4F))
    }

    /// The key of a stock line as the ledger's parse gives it: from its entry, or (a line that cancels
    /// one, which keeps no entry) from the text of its key (``LedgerContents/entryKey(_:_:)``).
    init(stored: (key: String, entry: StockLedgerEntry?, place: String)) {
      if let e = stored.entry {
        self.init(e.voucherNo, e.index)
      } else {
        let sep = stored.key.utf8.lastIndex(of: 0x1F) ?? stored.key.endIndex
        self.init(String(stored.key[..<sep]), sep == stored.key.endIndex ? 0 : Int(stored.key[stored.key.utf8.index(after: sep)...]) ?? 0)
      }
    }
  }

  /// The digest of an entry's fields as the ledger writes them (``LedgerFormat/writeStockRow(_:cancelled:places:into:)``),
  /// `scratch` the writer it formats them in.
  public static func fieldsDigest(_ e: StockLedgerEntry, places: Int, scratch: inout ByteWriter) -> UInt64 {
    scratch.removeAll()
    LedgerFormat.writeStockRow(e, cancelled: false, places: places, into: &scratch)
    return scratch.withUnsafeBytes { NameHash.hash(bytes: $0) }
  }

  /// The digest of a voucher number, as ``gl`` keys it.
  public static func numberDigest(_ no: String) -> UInt64 { mix(FNV1a.hash(no) ^ 0x5851_F42D_4C95_7F2D) }

  /// An account's weight in the GL digests: odd, and fixed by its name.
  public static func weight(_ account: AccountName) -> UInt64 { mix(FNV1a.hash(account.name) ^ 0x1405_7B7E_F767_814F) | 1 }

  /// What one GL line adds to its voucher's digest (``gl``), with `weights` the cache of ``weight(_:)``.
  public static func term(_ g: GLEntry, weights: inout [AccountName: UInt64]) -> UInt64 {
    weight(g.accountName, weights: &weights) &* UInt64(truncatingIfNeeded: g.net.raw)
  }

  /// What one GL line of the voucher whose number's digest is `number` adds to the whole ledger's digest
  /// (``glDigest``): its net times a weight drawn for the voucher and the account together.
  public static func term(_ g: GLEntry, number: UInt64, weights: inout [AccountName: UInt64]) -> UInt64 {
    (mix(number ^ weight(g.accountName, weights: &weights)) | 1) &* UInt64(truncatingIfNeeded: g.net.raw)
  }

  static func weight(_ account: AccountName, weights: inout [AccountName: UInt64]) -> UInt64 {
    if let known = weights[account] { return known }
    let w = weight(account)
    weights[account] = w
    return w
  }

  /// A 64-bit finalizer (splitmix64's).
  public static func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension LedgerStore {
  /// Reads the committed ledger for `verify` (``StreamedLedger``): the chain of manifests, then every file
  /// they list, a part at a time, hashed and checked against its manifest (a file that differs is read all
  /// the same and named in ``StreamedLedger/damage``, as a tolerant ``load(tolerant:light:)`` does).
  /// - Parameters:
  ///   - places: the company's currency precision (the entries' fields as the ledger writes them).
  ///   - vouchers: given the ledger's vouchers in ledger order (submitted, cancelled, cancellations), a part
  ///     of a run's `vouchers.csv` at a time.
  ///   - gl: given every GL line in ledger order (the trial balance's fold).
  ///   - part: bytes read at a time (tests make it small, so that records and vouchers straddle parts).
  ///   - byVoucher: keeps each voucher's GL digest too (``StreamedLedger/gl``), to find which one differs.
  ///   - placing: finds where each voucher is in its file (``StreamedLedger/voucherPlaces``).
  /// - Complexity: O(bytes of the ledger), read once; memory O(entries) in digests (and O(vouchers) by
  ///   voucher), and a part.
  public func streamed(places: Int, part: Int = LedgerStore.searchedPart, byVoucher: Bool = false, placing: Bool = false, vouchers: ([Voucher]) -> Void, gl: (GLEntry) -> Void) throws(IntegrityError) -> StreamedLedger {
    let (jobs, committed, chain) = try committedFiles(light: false)
    // On both cores: the runs' vouchers.csv files on one, every other file on the other, each in ledger
    // order (each callback is called by one thread only, in ledger order). What each finds is merged below
    // as one pass in ledger order would have found it: the first failure, the damage in file order.
    let halves = StreamedHalves(jobs: jobs, places: places, part: part, byVoucher: byVoucher, placing: placing)
    withoutActuallyEscaping(vouchers) { vouchers in
      withoutActuallyEscaping(gl) { gl in
        halves.callbacks = (vouchers, gl)
        DispatchQueue.concurrentPerform(iterations: 2) { k in halves.read(vouchersHalf: k == 0) }
        halves.callbacks = nil
      }
    }
    let (a, b) = (halves.vouchersHalf, halves.otherHalf)
    if let failure = (a.failures + b.failures).min(by: { $0.job < $1.job }) { throw failure.error }
    var s = b.ledger
    (s.runCount, s.chainHead) = (committed, chain)
    (s.voucherCount, s.cancelled, s.voucherPlaces) = (a.ledger.voucherCount, a.ledger.cancelled, a.ledger.voucherPlaces)
    s.damage = (a.damage + b.damage).sorted { $0.job < $1.job }.map(\.error)
    return s
  }

  /// Reads the committed files for ``streamed(places:part:byVoucher:placing:vouchers:gl:)``, half of them (the
  /// vouchers, or the rest) per thread. One thread writes each half's result; they are read after both end.
  final class StreamedHalves: @unchecked Sendable {
    struct Half {
      var ledger = StreamedLedger()
      var failures: [(job: Int, error: IntegrityError)] = []
      var damage: [(job: Int, error: IntegrityError)] = []
    }
    let jobs: [FileJob]
    let places: Int, part: Int, byVoucher: Bool, placing: Bool
    var callbacks: (vouchers: ([Voucher]) -> Void, gl: (GLEntry) -> Void)?
    /// Each written by its thread alone (two properties: two elements of one array would share its buffer).
    var vouchersHalf = Half(), otherHalf = Half()

    init(jobs: [FileJob], places: Int, part: Int, byVoucher: Bool, placing: Bool) {
      (self.jobs, self.places, self.part, self.byVoucher, self.placing) = (jobs, places, part, byVoucher, placing)
    }

    /// Reads the vouchers.csv files (`vouchersHalf`) or every other file, in ledger order, up to the first
    /// that fails.
    func read(vouchersHalf: Bool) {
      guard let (vouchers, gl) = callbacks else { return }
      var h = Half()
      if !vouchersHalf {
        h.ledger.entries.reserveCapacity(jobs.reduce(0) { $0 + ($1.name == "stock.csv" ? $1.size : 0) } / 100)
        if byVoucher { h.ledger.gl.reserveCapacity(jobs.reduce(0) { $0 + ($1.name == "gl.csv" ? $1.size : 0) } / 170) }
      }
      var scratch = ByteWriter(guardsFormulas: false, capacity: 512)
      var weights: [AccountName: UInt64] = [:]
      for (n, job) in jobs.enumerated() where (job.name == "vouchers.csv") == vouchersHalf {
        switch read(job, into: &h.ledger, scratch: &scratch, weights: &weights, vouchers: vouchers, gl: gl) {
        case .failure(let error):
          h.failures.append((n, error))
        case .success(nil): break
        case .success(let damage?): h.damage.append((n, damage))
        }
        if !h.failures.isEmpty { break }
      }
      if vouchersHalf { self.vouchersHalf = h } else { otherHalf = h }
    }

    /// Reads one committed file a part at a time into `s`: its damage (nil when it matches its manifest), or
    /// why it cannot be read.
    func read(
      _ job: FileJob, into s: inout StreamedLedger, scratch: inout ByteWriter, weights: inout [AccountName: UInt64],
      vouchers: ([Voucher]) -> Void, gl: (GLEntry) -> Void
    ) -> Result<IntegrityError?, IntegrityError> {
      var failure: IntegrityError?
      var header: [UInt8] = []
      // A run's vouchers.csv: the last voucher of each part waits for the next (its rows may go on there).
      var pending: (bytes: [UInt8], line: Int, offset: Int) = ([], 0, 0)
      // Where each voucher's rows are in the file: from the line it starts on to the next one's (its rows are
      // contiguous), as a whole file's load finds them (``LedgerStore/parse(file:bytes:path:run:tolerant:lineOffset:numbering:into:)``).
      var found = VoucherPlaces(run: job.run)
      var lastStart: Int?
      // The file offset of the records handed next.
      var recordsOffset = 0
      func readVouchers(_ records: UnsafeBufferPointer<UInt8>, firstLine: Int, last: Bool) {
        var bytes = pending.bytes
        bytes.append(contentsOf: records)
        let line = pending.bytes.isEmpty ? firstLine : pending.line
        let offset = pending.bytes.isEmpty ? recordsOffset : pending.offset
        recordsOffset += records.count
        let read = bytes.withUnsafeBufferPointer { CSVVoucherReader.read(records: $0, after: header, firstLine: line, file: job.path) }
        if let d = read.diagnostics.first {
          failure = IntegrityError(place: job.path, "cannot be read back: \(d)")
          return
        }
        var given = read.vouchers
        pending = ([], 0, 0)
        if !last, let held = given.popLast() {
          // Its rows from its first line on (a record of the file begins each line the reader counts).
          var start = 0
          for _ in 0..<(held.source.line - line) { start = (bytes[start...].firstIndex(of: 10) ?? bytes.count - 1) + 1 }
          pending = (Array(bytes[start...]), held.source.line, offset + start)
        }
        // (The vouchers' lines found by one pass over the bytes.)
        if placing {
          bytes.withUnsafeBufferPointer { b in
            var (at, atLine) = (0, line)
            for v in given {
              while atLine < v.source.line && at < b.count {
                at = (memchr(b.baseAddress! + at, 10, b.count - at).map { UnsafeRawPointer($0) - UnsafeRawPointer(b.baseAddress!) } ?? b.count - 1) + 1
                atLine += 1
              }
              if let lastStart { found.append(start: lastStart, end: offset + at) }
              lastStart = offset + at
            }
          }
        }
        s.voucherCount += given.count
        for v in given where v.action == .cancel { s.cancelled.insert(v.no) }
        vouchers(given)
      }
      let hashed = LedgerStore.forEachRecordAfterHeader(ofFileAt: job.path, part: part) { fileHeader, records, recordsLine in
        guard failure == nil else { return }
        if header.isEmpty { recordsOffset = fileHeader.count }
        header = fileHeader
        switch job.name {
        case "vouchers.csv":
          readVouchers(records, firstLine: recordsLine, last: false)
        case "stock.csv", "gl.csv":
          var p = FilePart()
          do throws(IntegrityError) {
            try LedgerStore.parse(file: job.name, bytes: header + Array(records), path: job.path, run: job.run, tolerant: false, lineOffset: recordsLine - 2, into: &p)
          } catch {
            failure = error
            return
          }
          for stored in p.stock {
            let key = StreamedLedger.EntryKey(stored: stored)
            if let e = stored.entry {
              s.entries[key] = StreamedLedger.fieldsDigest(e, places: places, scratch: &scratch)
            } else {
              s.entries.removeValue(forKey: key)
            }
          }
          for g in p.gl {
            let number = StreamedLedger.numberDigest(g.voucherNo)
            s.glDigest &+= StreamedLedger.term(g, number: number, weights: &weights)
            if byVoucher { s.gl[number, default: 0] &+= StreamedLedger.term(g, weights: &weights) }
            gl(g)
          }
          s.glLines += p.gl.count
        default:
          break  // hashed; what else they hold (the registry, the closes) is not what verify compares
        }
      }
      if job.name == "vouchers.csv" && failure == nil && !pending.bytes.isEmpty { readVouchers(UnsafeBufferPointer(start: nil, count: 0), firstLine: 0, last: true) }
      if let failure { return .failure(failure) }
      guard let hashed else { return .failure(IntegrityError(place: job.path, "missing: the ledger is incomplete; restore it from a backup")) }
      if job.name == "vouchers.csv" && placing {
        if let lastStart { found.append(start: lastStart, end: hashed.bytes) }
        s.voucherPlaces.append(found)
      }
      return .success(hashed.bytes != job.size || hashed.sha256 != job.sha256 ? LedgerStore.changed(job) : nil)
    }
  }

  /// The current stock entries (each one's latest version; those a run cancelled left out) whose keys
  /// `keep` takes, with where each was read (`path:line`), read again from every committed `stock.csv`
  /// (for `verify`'s messages about them).
  /// - Complexity: O(bytes of the committed stock files).
  public func currentEntries(where keep: (StreamedLedger.EntryKey) -> Bool) -> [StreamedLedger.EntryKey: (entry: StockLedgerEntry, place: String)] {
    var found: [StreamedLedger.EntryKey: (entry: StockLedgerEntry, place: String)] = [:]
    _ = forEachCommittedFile { _, dir, name in
      guard name == "stock.csv" else { return true }
      let path = dir + "/" + name
      LedgerStore.forEachPart(of: path, file: name) { p in
        for (k, stored) in p.stock.enumerated() {
          let key = StreamedLedger.EntryKey(stored: stored)
          guard keep(key) else { continue }
          if let e = stored.entry { found[key] = (e, "\(path):\(p.stockLines[k])") } else { found.removeValue(forKey: key) }
        }
      }
      return true
    }
    return found
  }

  /// ``FileBytes/forEachRecords(ofFileAt:part:_:)`` over a committed file whose first line is its header
  /// (no ledger file quotes its column names): `body` gets the header (with its line break) and each part's
  /// records after it, with the line of their first.
  static func forEachRecordAfterHeader(
    ofFileAt path: String, part: Int, _ body: (_ header: [UInt8], _ records: UnsafeBufferPointer<UInt8>, _ firstLine: Int) -> Void
  ) -> (sha256: String, bytes: Int)? {
    var header: [UInt8] = []
    return FileBytes.forEachRecords(ofFileAt: path, part: part) { chunk, firstLine in
      guard firstLine == 1 else { return body(header, chunk, firstLine) }
      let end = (chunk.firstIndex(of: 10) ?? chunk.count - 1) + 1
      header = Array(chunk[..<end])
      body(header, UnsafeBufferPointer(rebasing: chunk[end...]), 2)
    }
  }

  /// Parses a committed stock or GL file a part at a time (each with the file's header), every record
  /// numbered by its line, up to a part that does not parse.
  /// - Parameter only: which parts are parsed (all, by default), given their records.
  /// - Returns: false when the file cannot be read, or a part `only` takes does not parse.
  @discardableResult
  static func forEachPart(of path: String, file: String, part: Int = LedgerStore.searchedPart, only: (UnsafeBufferPointer<UInt8>) -> Bool = { _ in true }, _ body: (FilePart) -> Void) -> Bool {
    var parsed = true
    let read = forEachRecordAfterHeader(ofFileAt: path, part: part) { header, records, firstLine in
      guard parsed, only(records) else { return }
      var p = FilePart()
      guard (try? LedgerStore.parse(file: file, bytes: header + Array(records), path: path, run: 0, tolerant: false, lineOffset: firstLine - 2, numbering: true, into: &p)) != nil else {
        parsed = false
        return
      }
      body(p)
    }
    return read != nil && parsed
  }

  /// Every GL line of voucher `no` in the committed files, with where it was read (`path:line`), in ledger
  /// order (for `verify`'s message about its GL).
  /// - Complexity: O(bytes of the committed GL files).
  public func glLines(of no: String) -> [(line: GLEntry, place: String)] {
    var out: [(GLEntry, String)] = []
    _ = forEachCommittedFile { _, dir, name in
      guard name == "gl.csv" else { return true }
      let path = dir + "/" + name
      LedgerStore.forEachPart(of: path, file: name) { p in
        for (k, g) in p.gl.enumerated() where g.voucherNo == no { out.append((g, "\(path):\(p.glLines[k])")) }
      }
      return true
    }
    return out
  }
}

extension LedgerStore {
  /// The current stock entries that move one serial or batch, with the vouchers they belong to, found in
  /// the committed files a part at a time without loading the ledger (`stockledger trace`: a recall list
  /// on a ledger of ten million movements). A part is parsed only when the serial's or batch's text, or one
  /// of the entries' voucher numbers, is in it (`memmem`): every version of a matching entry and its
  /// cancellation carry the same text. The files' hashes are not checked here (the caller checks them:
  /// ``checkFiles()``).
  /// - Parameters:
  ///   - text: the serial or batch as the files write it; nil is returned when it would be quoted.
  ///   - matches: whether an entry moves it (a serial among the entry's, the entry's batch).
  /// - Returns: the entries in posting order (date, time, their vouchers' order in the ledger, position),
  ///   and those vouchers by number; nil when `text` cannot be searched for as it is, or a file cannot be
  ///   read.
  /// - Complexity: O(bytes of the committed stock and voucher files) searched; memory O(the entries found)
  ///   and a part.
  public func tracked(text: String, matches: (StockLedgerEntry) -> Bool, part: Int = LedgerStore.searchedPart) -> (entries: [StockLedgerEntry], vouchers: [String: Voucher])? {
    guard !text.isEmpty, !text.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) else { return nil }
    var found: [String: StockLedgerEntry] = [:]
    let needle = [Array(text.utf8)]
    var complete = forEachCommittedFile { _, dir, name in
      guard name == "stock.csv" else { return true }
      return LedgerStore.forEachPart(of: dir + "/" + name, file: name, part: part, only: { LedgerStore.holds($0, needle) }) { p in
        for stored in p.stock {
          if let e = stored.entry, matches(e) { found[stored.key] = e } else { found.removeValue(forKey: stored.key) }
        }
      }
    }
    // Their vouchers, with where each is in the ledger (run, then the line its rows begin on).
    let numbers = Set(found.values.map(\.voucherNo))
    let numberNeedles = numbers.map { Array($0.utf8) }
    var vouchers: [String: (voucher: Voucher, run: Int, line: Int)] = [:]
    if !numbers.isEmpty {
      complete = complete && forEachCommittedFile { run, dir, name in
        guard name == "vouchers.csv" else { return true }
        let path = dir + "/" + name
        let read = LedgerStore.forEachRecordAfterHeader(ofFileAt: path, part: part) { header, records, line in
          guard numbers.count > 16 || LedgerStore.holds(records, numberNeedles) else { return }
          // (A voucher whose rows straddle two parts is read twice, each time with its voucher-level
          // fields, which are all the tracking reports take of it: the first is kept.)
          for v in CSVVoucherReader.read(records: records, after: header, firstLine: line, file: path).vouchers where numbers.contains(v.no) && vouchers[v.no] == nil {
            vouchers[v.no] = (v, run, v.source.line)
          }
        }
        return read != nil
      }
    }
    guard complete else { return nil }
    func order(_ e: StockLedgerEntry) -> (BusinessDate, BusinessTime, Int, Int, Int) {
      let v = vouchers[e.voucherNo]
      return (e.date, e.time, v?.run ?? .max, v?.line ?? .max, e.index)
    }
    let entries = found.values.sorted { order($0) < order($1) }
    return (entries, vouchers.mapValues(\.voucher))
  }

  /// For tests (`STOCKLEDGER_TEST_READ_PART`): the bytes `verify` and `trace` read at a time, so that a small
  /// ledger's records and vouchers straddle the parts.
  public static let testPart = ProcessEnvironment.integer("STOCKLEDGER_TEST_READ_PART")

  /// Whether any of `needles` (texts' bytes) occurs in `bytes`.
  static func holds(_ bytes: UnsafeBufferPointer<UInt8>, _ needles: [[UInt8]]) -> Bool {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
    return needles.contains { memmem(base, bytes.count, $0, $0.count) != nil }
  }
}
