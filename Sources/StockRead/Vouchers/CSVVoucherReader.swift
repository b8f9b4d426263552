import StockCore

/// Reads the CSV voucher layout (SPEC §4.1): one row per voucher line, grouped into vouchers by
/// `voucher_no` in order of first appearance. Field syntax is checked here (numbers, dates, enumerations,
/// voucher-level fields agreeing across rows); references to master data are the validator's job.
public enum CSVVoucherReader {
  /// The longest field accepted, in bytes.
  public static var maxFieldLength: Int { 10_000 }  // (computed: a stored one was a `swift_once` a record)

  /// Reads a whole file, streaming its records once (a large file in parts on both cores, when it splits
  /// cleanly between vouchers; the result is the same).
  /// - Complexity: O(n) in the size of the file.
  public static func read(bytes: [UInt8], file: String) -> VoucherFile { read(bytes: bytes, file: file, inParts: true) }

  /// Reads a whole file from bytes that lie elsewhere (a file mapped in place: ``FileMapping``); the same
  /// as ``read(bytes:file:)`` on the same bytes. The buffer is read only during the call.
  /// - Complexity: O(n) in the size of the file.
  public static func read(buffer: UnsafeBufferPointer<UInt8>, file: String) -> VoucherFile {
    read(buffer: buffer, file: file, inParts: true)
  }

  /// - Parameters:
  ///   - inParts: a large file may be read in parts on both cores (``readInParts(bytes:file:minimum:parts:plain:)``).
  ///   - plain: a plain file (ASCII, no quotes) may be read over byte ranges (``readPlain``); false for
  ///     the general path alone (the tests compare the two).
  ///   - partsFrom: the smallest file read in parts (for the fuzzer, which reads small files in parts).
  ///   - parts: how many parts (nil: ``partCount(bytes:)``).
  @_spi(Testing) public static func read(bytes: [UInt8], file: String, inParts: Bool, plain: Bool = true, partsFrom minimum: Int = 1 << 22, parts: Int? = nil) -> VoucherFile {
    bytes.withUnsafeBufferPointer { read(buffer: $0, file: file, inParts: inParts, plain: plain, partsFrom: minimum, parts: parts) }
  }

  @_spi(Testing) public static func read(buffer bytes: UnsafeBufferPointer<UInt8>, file: String, inParts: Bool, plain: Bool = true, partsFrom minimum: Int = 1 << 22, parts: Int? = nil) -> VoucherFile {
    var result = readGrouped(bytes: bytes, file: file, inParts: inParts, plain: plain, partsFrom: minimum, parts: parts)
    result.numbersAreDistinct = true  // rows are grouped by number, whichever way the file was read
    return result
  }

  private static func readGrouped(bytes: UnsafeBufferPointer<UInt8>, file: String, inParts: Bool, plain: Bool, partsFrom minimum: Int, parts: Int?) -> VoucherFile {
    if inParts, let read = readInParts(bytes: bytes, file: file, minimum: minimum, parts: parts, plain: plain) { return read }
    if plain, let whole = readWhole(bytes: bytes, file: file, plain: true) { return whole }
    var result = VoucherFile(name: file)
    if let d = sniff(bytes, file: file) {
      result.diagnostics.append(d)
      return result
    }
    var columns: [VoucherColumn?] = []
    var headerSeen = false
    var stop = false
    var rows = Rows(file: file, lines: lineCount(bytes))
    do throws(Diagnostic) {
      do {
        try CSVParser.forEachRecord(bytes, file: file) { rec in
          if stop || rec.isBlank { return }
          if !headerSeen {
            headerSeen = true
            columns = header(rec, file: file, into: &result)
            stop = !result.diagnostics.isEmpty
            return
          }
          rows.add(rec, columns: columns, header: result.header)
        }
      }
    } catch {
      result.diagnostics += rows.diagnostics
      result.rowCount = rows.count
      result.diagnostics.append(error)
      return result
    }
    if !headerSeen {
      result.diagnostics.append(Diagnostic(.emptyFile, at: SourceLocation(file: file, line: 0), "the file is empty: it needs a header line and voucher rows"))
      return result
    }
    if stop { return result }
    rows.finish(into: &result)
    rows.finishVouchers(into: &result)
    return result
  }

  /// The data rows of a file (or of a part of it), grouped into voucher builders.
  struct Rows {
    let file: String
    var diagnostics: [Diagnostic] = []
    var builders: [VoucherBuilder] = []
    /// The builder of each voucher number (the voucher's position in `builders`).
    var builderIndex = NumberIndex()
    /// Whether numbers are only hashed as they come (`builderHashes`, a builder's each), and checked for
    /// repeats once the part is read (``hashesAreDistinct()``), instead of entered in `builderIndex`: a
    /// file's voucher numbers are nearly always all different (a voucher's rows following each other),
    /// and the index's probes, a cache miss each, were a quarter of reading a file. A repeat found then
    /// sends the file to the exact reading, which gives every such file's result.
    let checksRepeatsAfter: Bool
    var builderHashes: [UInt64] = []
    var count = 0
    /// The builder of the last row, and its number.
    var last = -1
    var lastNo = ""
    /// The last posting date the plain path parsed, and its ten bytes (as a word and a half-word): rows
    /// come in runs of one date, and parsing one (its digits, the calendar's arithmetic) was about 300
    /// instructions a row.
    var lastDate: (word: UInt64, tail: UInt16, date: BusinessDate)?
    /// The last few parties the plain path read, with their bytes: a file names a few parties over and
    /// over, and a string made from the bytes was about 140 instructions a row (the same text shared
    /// instead). At most ``partyRoom``, the oldest replaced.
    var parties: [(bytes: [UInt8], text: String)] = []
    var partiesReplaced = 0
    static let partyRoom = 4
    /// The names of the rows read on the fast path, in front of the shared table (``InternedNameLocalCache``:
    /// each half its own).
    var names = InternedNameLocalCache()
    private var row: RawVoucherRow

    /// - Parameter lines: how many lines the part has at most (room is made for as many vouchers, so the
    ///   arrays and the index do not grow by copying).
    init(file: String, lines: Int, checksRepeatsAfter: Bool = false) {
      self.file = file
      self.checksRepeatsAfter = checksRepeatsAfter
      row = RawVoucherRow(location: SourceLocation(file: file, line: 0))
      builders.reserveCapacity(lines)
      if checksRepeatsAfter { builderHashes.reserveCapacity(lines) } else { builderIndex = NumberIndex(capacity: lines) }
    }

    /// Sorts `builderHashes` and tells whether they are all different (``checksRepeatsAfter``; equal
    /// hashes of different numbers, one in 10¹⁰ at a million vouchers, also send the file to the exact
    /// reading).
    /// - Complexity: O(n) for spread hashes (``HashOrder``).
    mutating func hashesAreDistinct() -> Bool {
      let order = HashOrder.positions(sortedBy: builderHashes)
      builderHashes = builderHashes.withUnsafeBufferPointer { h in order.map { h[Int($0)] } }
      for k in builderHashes.indices.dropFirst() where builderHashes[k] == builderHashes[k - 1] { return false }
      return true
    }

    /// One data record.
    mutating func add(_ rec: CSVRecord, columns: [VoucherColumn?], header: [String]) {
      count += 1
      let loc = SourceLocation(file: file, line: rec.line)
      if rec.fields.count != columns.count {
        diagnostics.append(Diagnostic(.fieldCount, at: loc, "the line has \(rec.fields.count) fields but the header has \(columns.count): check for an unquoted comma"))
        return
      }
      if let long = rec.fields.firstIndex(where: { $0.utf8.count > maxFieldLength }) {
        diagnostics.append(Diagnostic(.fieldTooLong, at: loc, field: long < header.count ? header[long] : "", "a field is longer than \(maxFieldLength) bytes: the file is not a voucher file, or a quote is missing"))
        return
      }
      row.location = loc
      for (i, c) in columns.enumerated() { if let c { row.fields[c.ordinal] = rec.fields[i] } }
      let no = row.fields[VoucherColumn.voucherNo.ordinal]
      if no.isEmpty {
        diagnostics.append(Diagnostic(.required, at: loc, field: "voucher_no", "voucher_no is blank: every row names its voucher"))
        return
      }
      // Rows of one voucher usually follow each other: only a change of voucher looks it up, once (the
      // number is entered with the next builder's position unless it is there already).
      if last < 0 || no != lastNo {
        let next = builders.count
        if checksRepeatsAfter {
          last = next
          builderHashes.append(NameHash.hash(no))
        } else {
          last = builderIndex.entered(no, default: next)
        }
        if last == next { builders.append(VoucherBuilder(first: row)) }
        lastNo = no
      }
      builders[last].add(row, names: &names)
    }

    /// The row count and the row problems (a file's parts in order, before any voucher's problems).
    mutating func finish(into result: inout VoucherFile) {
      result.rowCount += count
      result.diagnostics += diagnostics
      result.voucherCount += builders.count
    }

    /// The vouchers built and their problems, in order of first appearance.
    mutating func finishVouchers(into result: inout VoucherFile) {
      takeVouchers(into: &result.vouchers, diagnostics: &result.diagnostics)
    }

    /// Appends the vouchers built to `vouchers`, in order of first appearance, and their problems to
    /// `diagnostics`, taking them out of their builders, which are let go.
    mutating func takeVouchers(into vouchers: inout [Voucher], diagnostics: inout [Diagnostic]) {
      vouchers.reserveCapacity(vouchers.count + builders.count)
      for i in builders.indices {
        // (Most have none. Appending an empty array to the empty list took the array's copy-on-write path
        // every time: a uniqueness check of the shared empty storage and a new buffer per voucher.)
        if !builders[i].diagnostics.isEmpty { diagnostics += builders[i].diagnostics }
        if let v = builders[i].voucher.take() { vouchers.append(consume v) }
      }
      builders = []
    }
  }

  /// A large file without quotes, read in parts on both cores, split at lines where the voucher changes.
  /// nil when it does not qualify, or when a voucher has rows in two parts or a part fails to parse (the
  /// sequential read then gives the file's exact result).
  /// - Parameters:
  ///   - minimum: smaller files are read in one pass (splitting does not pay below a few MB).
  ///   - parts: how many parts (nil: ``partCount(bytes:)``).
  ///   - plain: whether parts that are plain are read over byte ranges (``readPlain``); false for the
  ///     general path alone.
  static func readInParts(bytes: UnsafeBufferPointer<UInt8>, file: String, minimum: Int = 1 << 22, parts: Int? = nil, plain: Bool = true) -> VoucherFile? {
    guard bytes.count >= minimum, sniff(bytes, file: file) == nil else { return nil }
    return readParts(bytes: bytes, file: file, plain: plain, parts: parts ?? partCount(bytes: bytes.count))
  }

  /// How many parts a file of `n` bytes is read in (``readParts(bytes:file:plain:parts:)``): eight, so that
  /// the two threads, taking the parts in turn, end within half a part of each other (in two halves, the
  /// one begun late — behind the file's hash, or Dispatch making its thread — ended 0.5–9 ms after the
  /// other at 100k vouchers, one core idle meanwhile), and fewer for a file under 4 MB.
  static func partCount(bytes n: Int) -> Int { max(2, min(8, n >> 19)) }

  /// A plain file read whole after its header (``CSVParser/isPlain(_:)``): nil when it is not plain.
  static func readWhole(bytes: UnsafeBufferPointer<UInt8>, file: String, plain readsPlain: Bool) -> VoucherFile? {
    guard sniff(bytes, file: file) == nil else { return nil }
    let plain = readsPlain && CSVParser.isPlain(bytes)
    // Lines end in LF or CRLF (a bare CR also ends a record and a line for the parser, which the line
    // numbers here, counting LFs, would miss).
    guard plain, !ByteScan.hasBareCR(bytes), let head = partsHeader(bytes, file: file) else { return nil }
    var result = head.result
    let (headerEnd, columns) = (head.end, head.columns)
    let body = UnsafeBufferPointer(rebasing: bytes[(headerEnd + 1)...])
    var rows = Rows(file: file, lines: lineCount(body))
    readPlain(body, firstLine: 2, columns: columns, header: result.header, into: &rows)
    rows.finish(into: &result)
    rows.finishVouchers(into: &result)
    return result
  }

  /// The header of a file read in parts or whole (``readParts(bytes:file:plain:parts:)``, ``readWhole(bytes:file:plain:)``): the position
  /// of the LF that ends it, the file's result with the header entered, its columns and the voucher
  /// number's column. nil — the file then takes the general reading — when the file begins with a BOM or
  /// a line break or has no LF, or its header has a quote or a bare CR (checked as the parts check theirs),
  /// a problem, or no `voucher_no`.
  private static func partsHeader(_ bytes: UnsafeBufferPointer<UInt8>, file: String) -> (end: Int, result: VoucherFile, columns: [VoucherColumn?], noColumn: Int)? {
    let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    guard !bytes.starts(with: bom), let firstByte = bytes.first, firstByte != 10, firstByte != 13 else { return nil }
    guard let headerEnd = bytes.firstIndex(of: 10) else { return nil }
    let headerBytes = Array(bytes[0...headerEnd])
    guard !headerBytes.contains(34), !CSVParser.hasBareCR(headerBytes) else { return nil }
    var result = VoucherFile(name: file)
    guard let headerRecords = try? CSVParser.parse(headerBytes, file: file), let headerRecord = headerRecords.first else { return nil }
    let columns = header(headerRecord, file: file, into: &result)
    guard result.diagnostics.isEmpty, let noColumn = columns.firstIndex(of: .voucherNo) else { return nil }
    return (headerEnd, result, columns, noColumn)
  }

  /// What a part of a file read on its own gives (``readParts(bytes:file:plain:parts:)``): its rows'
  /// count and problems, its vouchers and their problems in order, its numbers' hashes sorted.
  struct Part: Sendable {
    var rowCount = 0
    /// Vouchers begun (with those whose first row made none).
    var voucherCount = 0
    var rowDiagnostics: [Diagnostic] = []
    var voucherDiagnostics: [Diagnostic] = []
    var vouchers: [Voucher] = []
    var hashes: [UInt64] = []
  }

  /// The parts of ``readInParts(bytes:file:minimum:parts:plain:)``. Only the header and the splits are found
  /// before the parts start; then, on both cores, each part's lines are counted (the line each part begins
  /// at), and each part checks its own bytes (plain or without a quote, no bare CR) and makes its vouchers,
  /// the threads taking the parts in turn (scanned whole and gathered on one, they were a tenth of reading
  /// a file, the other core idle). nil when the file does not split (a voucher of more than 10,000 rows
  /// at every split, or too few lines), or a part does not read, or two parts share a voucher number.
  /// - Parameter wanted: how many parts at most.
  private static func readParts(bytes: UnsafeBufferPointer<UInt8>, file: String, plain readsPlain: Bool, parts wanted: Int) -> VoucherFile? {
    let n = bytes.count
    guard let head = partsHeader(bytes, file: file) else { return nil }
    var result = head.result
    let (headerEnd, columns, noColumn) = (head.end, head.columns, head.noColumn)
    /// The voucher number field of the line starting at `start`.
    func voucherNo(at start: Int) -> Slice<UnsafeBufferPointer<UInt8>> {
      var end = start
      while end < n && bytes[end] != 10 { end += 1 }
      if end > start && bytes[end - 1] == 13 { end -= 1 }
      var field = 0, from = start
      for k in start..<end where bytes[k] == 44 {
        if field == noColumn { return bytes[from..<k] }
        field += 1
        from = k + 1
      }
      return field == noColumn ? bytes[from..<end] : bytes[start..<start]
    }
    /// Where a part begins after the byte `target`: the first line after the one holding it whose voucher
    /// is not the one of the line before it; nil when there is none.
    func split(after target: Int) -> Int? {
      guard let lineBreak = bytes[target..<n].firstIndex(of: 10) else { return nil }
      var split = lineBreak + 1
      var before = headerEnd + 1
      if let previousBreak = bytes[0..<lineBreak].lastIndex(of: 10) { before = previousBreak + 1 }
      var tries = 0
      while split < n && voucherNo(at: before).elementsEqual(voucherNo(at: split)) {
        tries += 1
        guard tries < 10_000, let next = bytes[split..<n].firstIndex(of: 10) else { return nil }
        before = split
        split = next + 1
      }
      return split < n ? split : nil
    }
    var starts = [headerEnd + 1]
    for k in 1..<max(2, wanted) {
      let target = headerEnd + 1 + (n - headerEnd - 1) * k / wanted
      guard let s = split(after: max(target, starts[starts.count - 1])) else { break }
      starts.append(s)
    }
    guard starts.count >= 2 else { return nil }
    let ranges = starts.indices.map { starts[$0]..<($0 + 1 < starts.count ? starts[$0 + 1] : n) }
    // The lines of each part, on both cores: where the next part's lines begin (and room for its rows).
    // (The buffer handed to the threads as a value they may share: it is read only, and outlives them.)
    let shared = SharedBytes(bytes)
    let lineCounts = Parallel.map(ranges, minimum: 0) { r in ByteScan.count(10, in: UnsafeBufferPointer(rebasing: shared.buffer[r])) }
    let firstLines = lineCounts.dropLast().reduce(into: [2]) { $0.append($0[$0.count - 1] + $1) }
    let names = result.header
    let read = Parallel.map(Array(ranges.indices), minimum: 0) { k -> Part? in
      do {
        let part = UnsafeBufferPointer(rebasing: shared.buffer[ranges[k]])
        // The part's own checks (a part ends with its LF: a CR before it is not bare; the file's last
        // byte is the last part's).
        let plain = readsPlain && CSVParser.isPlain(part)
        guard plain || !part.contains(34), !ByteScan.hasBareCR(part) else { return nil }
        // Each part reads its own copy of the column map: the threads would otherwise retain and release
        // one shared array for every record, contending for its reference count.
        let columns = columns.map { $0 }
        var rows = Rows(file: file, lines: lineCounts[k] + 1, checksRepeatsAfter: true)
        if plain {
          readPlain(part, firstLine: firstLines[k], columns: columns, header: names, into: &rows)
        } else {
          do throws(Diagnostic) {
            try CSVParser.forEachRecord(part, file: file, firstLine: firstLines[k]) { rec in
              if !rec.isBlank { rows.add(rec, columns: columns, header: names) }
            }
          } catch {
            return nil
          }
        }
        guard rows.hashesAreDistinct() else { return nil }
        // The vouchers taken out of their builders here, on this core, the builders let go with them.
        var p = Part(rowCount: rows.count, voucherCount: rows.builders.count, rowDiagnostics: rows.diagnostics, hashes: rows.builderHashes)
        rows.takeVouchers(into: &p.vouchers, diagnostics: &p.voucherDiagnostics)
        return p
      }
    }
    var parts: [Part] = []
    parts.reserveCapacity(read.count)
    for p in read {
      guard let p else { return nil }
      parts.append(p)
    }
    guard disjoint(parts.map(\.hashes)) else { return nil }
    // As one pass gives them: the rows' problems, then the vouchers' (each with its own), in file order.
    for p in parts {
      result.rowCount += p.rowCount
      result.voucherCount += p.voucherCount
      result.diagnostics += p.rowDiagnostics
    }
    for p in parts { result.diagnostics += p.voucherDiagnostics }
    result.vouchers.reserveCapacity(parts.reduce(0) { $0 + $1.vouchers.count })
    for p in parts { result.vouchers += p.vouchers }
    return result
  }

  /// Whether sorted lists of hashes, each without repeats, have none in common: on both cores, by ranges
  /// of value (a sixteenth of the hashes each, found in every list by binary search), each range's hashes
  /// of all lists sorted together and checked for neighbours that are equal.
  /// - Complexity: O(n log(n / 16)) for n hashes in all, spread evenly.
  static func disjoint(_ lists: [[UInt64]]) -> Bool {
    guard lists.count > 2 else { return lists.count < 2 || disjoint(lists[0], lists[1]) }
    let ranges = 16
    return Parallel.map(Array(0..<ranges), minimum: 0) { r -> Bool in
      let (from, to) = (UInt64(r) << 60, r + 1 < ranges ? UInt64(r + 1) << 60 : nil)
      var merged: [UInt64] = []
      for list in lists {
        let start = lowerBound(list, from), end = to.map { lowerBound(list, $0) } ?? list.count
        merged += list[start..<end]
      }
      merged.sort()
      for k in merged.indices.dropFirst() where merged[k] == merged[k - 1] { return false }
      return true
    }.allSatisfy { $0 }
  }

  /// The first position in the sorted `list` whose hash is at least `value`.
  /// - Complexity: O(log n).
  static func lowerBound(_ list: [UInt64], _ value: UInt64) -> Int {
    var (lo, hi) = (0, list.count)
    while lo < hi {
      let mid = (lo + hi) / 2
      if list[mid] < value { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  /// Whether two sorted lists of hashes have none in common.
  /// - Complexity: O(n + m).
  static func disjoint(_ a: [UInt64], _ b: [UInt64]) -> Bool {
    var i = 0, j = 0
    while i < a.count && j < b.count {
      if a[i] == b[j] { return false }
      if a[i] < b[j] { i += 1 } else { j += 1 }
    }
    return true
  }

  /// Maps the header to columns; records unknown, duplicate and missing columns.
  static func header(_ rec: CSVRecord, file: String, into result: inout VoucherFile) -> [VoucherColumn?] {
    result.header = rec.fields
    let at = SourceLocation(file: file, line: rec.line)
    if rec.fields.count == 1, let only = rec.fields.first, let sep = [";", "\t", "|"].first(where: { only.contains($0) }) {
      let shown = sep == "\t" ? "tab" : "'\(sep)'"
      result.diagnostics.append(Diagnostic(.csvSyntax, at: at, "only 1 column found: the file seems to be separated by \(shown); stockledger reads comma-separated files (RFC 4180)"))
      return []
    }
    // A file without its header line (its first row is a voucher's): one message, not one per field.
    if rec.fields.count > 1 && !rec.fields.contains(where: { VoucherColumn(rawValue: $0) != nil }) {
      let example = VoucherColumn.required.map(\.rawValue).joined(separator: ",")
      result.diagnostics.append(Diagnostic(.missingColumn, at: at, "the first line is not a header: none of its fields names a column of Schemas/voucher-csv-layout.json; add a header line first (at least \(example))"))
      return Array(repeating: nil, count: rec.fields.count)
    }
    var columns: [VoucherColumn?] = []
    var seen: Set<VoucherColumn> = []
    for name in rec.fields {
      let col = VoucherColumn(rawValue: name)
      if col == nil {
        result.diagnostics.append(Diagnostic(.unknownColumn, at: at, field: name, "unknown column \(name): check the spelling against the layout in Schemas/voucher-csv-layout.json"))
      } else if let col, seen.contains(col) {
        result.diagnostics.append(Diagnostic(.duplicateColumn, at: at, field: name, "column \(name) appears twice"))
      }
      if let col { seen.insert(col) }
      columns.append(col)
    }
    for r in VoucherColumn.required where !seen.contains(r) {
      result.diagnostics.append(Diagnostic(.missingColumn, at: at, field: r.rawValue, "the header lacks the required column \(r.rawValue)"))
    }
    return columns
  }
}

func quoted(_ s: String) -> String { "'\(s)'" }

/// Line breaks in a part of a file, plus one (an upper bound of its records).
/// - Complexity: O(n), one pass over the bytes.
func lineCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
  1 + ByteScan.count(10, in: bytes)
}

/// A read-only buffer handed to ``Parallel`` work, which outlives it.
struct SharedBytes: @unchecked Sendable {
  let buffer: UnsafeBufferPointer<UInt8>
  init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }
}

extension CSVVoucherReader {
  /// Refuses content that is not a UTF-8 CSV file before parsing it: UTF-16 or UTF-32 text, XML.
  static func sniff(_ bytes: UnsafeBufferPointer<UInt8>, file: String) -> Diagnostic? {
    let at = SourceLocation(file: file, line: 1)
    if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
      let which = bytes.starts(with: [0xFF, 0xFE, 0, 0]) ? "UTF-32LE" : (bytes[0] == 0xFF ? "UTF-16LE" : "UTF-16BE")
      return Diagnostic(.encoding, at: at, "unsupported encoding \(which) (expected UTF-8): save the file as UTF-8")
    }
    var start = bytes.startIndex
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
    while start < bytes.endIndex, [9, 10, 13, 32].contains(bytes[start]) { start += 1 }
    if start < bytes.endIndex, bytes[start] == UInt8(ascii: "<") {
      return Diagnostic(.badValue, at: at, "the content is XML but the file is named .csv: name it .xml")
    }
    return nil
  }
}
