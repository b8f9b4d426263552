import StockCore

/// Reads the CSV voucher layout (SPEC §4.1): one row per voucher line, grouped into vouchers by
/// `voucher_no` in order of first appearance. Field syntax is checked here (numbers, dates, enumerations,
/// voucher-level fields agreeing across rows); references to master data are the validator's job.
public enum CSVVoucherReader {
  /// The longest field accepted, in bytes.
  public static let maxFieldLength = 10_000

  /// Reads a whole file, streaming its records once (a large file in two halves, one per core, when it
  /// splits cleanly between vouchers; the result is the same).
  /// - Complexity: O(n) in the size of the file.
  public static func read(bytes: [UInt8], file: String) -> VoucherFile { read(bytes: bytes, file: file, inHalves: true) }

  /// - Parameters:
  ///   - inHalves: a large file may be read on both cores.
  ///   - plain: a plain file (ASCII, no quotes) may be read over byte ranges (``readPlain``); false for
  ///     the general path alone (the tests compare the two).
  ///   - halvesFrom: the smallest file read in halves (for the fuzzer, which reads small files in halves).
  @_spi(Testing) public static func read(bytes: [UInt8], file: String, inHalves: Bool, plain: Bool = true, halvesFrom minimum: Int = 1 << 22) -> VoucherFile {
    var result = readGrouped(bytes: bytes, file: file, inHalves: inHalves, plain: plain, halvesFrom: minimum)
    result.numbersAreDistinct = true  // rows are grouped by number, whichever way the file was read
    return result
  }

  private static func readGrouped(bytes: [UInt8], file: String, inHalves: Bool, plain: Bool, halvesFrom minimum: Int) -> VoucherFile {
    if inHalves, let halves = readInParts(bytes: bytes, file: file, halves: true, minimum: minimum, plain: plain) { return halves }
    if plain, let whole = readInParts(bytes: bytes, file: file, halves: false, plain: true) { return whole }
    var result = VoucherFile(name: file)
    if let d = sniff(bytes, file: file) {
      result.diagnostics.append(d)
      return result
    }
    var columns: [VoucherColumn?] = []
    var headerSeen = false
    var stop = false
    var rows = Rows(file: file, lines: lineCount(bytes[...]))
    do throws(Diagnostic) {
      try bytes.withUnsafeBufferPointer { (buf) throws(Diagnostic) in
        try CSVParser.forEachRecord(buf, file: file) { rec in
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

    /// The row count and the row problems (a file's halves in order, before any voucher's problems).
    mutating func finish(into result: inout VoucherFile) {
      result.rowCount += count
      result.diagnostics += diagnostics
      result.voucherCount += builders.count
      result.vouchers.reserveCapacity(result.vouchers.count + builders.count)
    }

    /// The vouchers built and their problems, in order of first appearance.
    mutating func finishVouchers(into result: inout VoucherFile) {
      for i in builders.indices {
        result.diagnostics += builders[i].diagnostics
        if let v = builders[i].voucher.take() { result.vouchers.append(v) }
      }
    }
  }

  /// A large file without quotes, read as two halves on both cores, split at a line where the voucher
  /// changes. nil when it does not qualify, or when a voucher has rows in both halves or a half fails to
  /// parse (the sequential read then gives the file's exact result).
  /// - Parameter minimum: smaller files are read in one pass (splitting does not pay below a few MB).
  static func readInHalves(bytes: [UInt8], file: String, minimum: Int = 1 << 22) -> VoucherFile? {
    readInParts(bytes: bytes, file: file, halves: true, minimum: minimum, plain: true)
  }

  /// A file without quotes read after its header: in two halves (see ``readInHalves``), or, when `halves`
  /// is false, whole, if it is plain (``CSVParser/isPlain(_:)``). Halves are read plainly when the file is plain.
  static func readInParts(bytes: [UInt8], file: String, halves: Bool, minimum: Int = 1 << 22, plain readsPlain: Bool) -> VoucherFile? {
    let n = bytes.count
    guard !halves || n >= minimum, sniff(bytes, file: file) == nil else { return nil }
    if halves { return readHalves(bytes: bytes, file: file, plain: readsPlain) }
    let plain = readsPlain && bytes.withUnsafeBufferPointer { CSVParser.isPlain($0) }
    // Lines end in LF or CRLF (a bare CR also ends a record and a line for the parser, which the line
    // numbers here, counting LFs, would miss).
    guard plain, !CSVParser.hasBareCR(bytes), let head = partsHeader(bytes, file: file) else { return nil }
    var result = head.result
    let (headerEnd, columns) = (head.end, head.columns)
    var rows = Rows(file: file, lines: lineCount(bytes[(headerEnd + 1)...]))
    bytes.withUnsafeBufferPointer { buf in
      readPlain(UnsafeBufferPointer(rebasing: buf[(headerEnd + 1)...]), firstLine: 2, columns: columns, header: result.header, into: &rows)
    }
    rows.finish(into: &result)
    rows.finishVouchers(into: &result)
    return result
  }

  /// The header of a file read in parts (``readInParts(bytes:file:halves:minimum:plain:)``): the position
  /// of the LF that ends it, the file's result with the header entered, its columns and the voucher
  /// number's column. nil — the file then takes the general reading — when the file begins with a BOM or
  /// a line break or has no LF, or its header has a quote or a bare CR (checked as the parts check theirs),
  /// a problem, or no `voucher_no`.
  private static func partsHeader(_ bytes: [UInt8], file: String) -> (end: Int, result: VoucherFile, columns: [VoucherColumn?], noColumn: Int)? {
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

  /// What a half of a file read on its own core gives (``readHalves(bytes:file:plain:)``): its rows'
  /// count and problems, its vouchers and their problems in order, its numbers' hashes sorted.
  struct Half: Sendable {
    var rowCount = 0
    /// Vouchers begun (with those whose first row made none).
    var voucherCount = 0
    var rowDiagnostics: [Diagnostic] = []
    var voucherDiagnostics: [Diagnostic] = []
    var vouchers: [Voucher] = []
    var hashes: [UInt64] = []
  }

  /// The halves of ``readInParts(bytes:file:halves:minimum:plain:)``. Only the header and the split are
  /// found before the halves start: each half then checks its own bytes (plain or without a quote, no bare
  /// CR), the second counts the first's lines (its first line number), and each makes its vouchers, on
  /// its own core (scanned whole and gathered on one, they were a tenth of reading a file, the other
  /// core idle).
  private static func readHalves(bytes: [UInt8], file: String, plain readsPlain: Bool) -> VoucherFile? {
    let n = bytes.count
    guard let head = partsHeader(bytes, file: file) else { return nil }
    var result = head.result
    let (headerEnd, columns, noColumn) = (head.end, head.columns, head.noColumn)
    /// The voucher number field of the line starting at `start`.
    func voucherNo(at start: Int) -> ArraySlice<UInt8> {
      var end = start
      while end < n && bytes[end] != 10 { end += 1 }
      if end > start && bytes[end - 1] == 13 { end -= 1 }
      var field = 0, from = start
      for k in start..<end where bytes[k] == 44 {
        if field == noColumn { return bytes[from..<k] }
        field += 1
        from = k + 1
      }
      return field == noColumn ? bytes[from..<end] : []
    }
    // The split: the first line after the middle whose voucher is not the one of the line before it.
    let middle: Int = (headerEnd + 1 + n) / 2
    guard let middleBreak = bytes[middle..<n].firstIndex(of: 10) else { return nil }
    var split: Int = middleBreak + 1
    var before: Int = 0
    if let previousBreak = bytes[0..<middleBreak].lastIndex(of: 10) { before = previousBreak + 1 }
    var tries = 0
    while split < n && voucherNo(at: before) == voucherNo(at: split) {
      tries += 1
      guard tries < 10_000, let next = bytes[split..<n].firstIndex(of: 10) else { return nil }
      before = split
      split = next + 1
    }
    guard split < n else { return nil }
    let parts = [(headerEnd + 1)..<split, split..<n]
    let names = result.header
    let halves = Parallel.map([0, 1], minimum: 0) { h -> Half? in
      bytes.withUnsafeBufferPointer { buf -> Half? in
        let part = UnsafeBufferPointer(rebasing: buf[parts[h]])
        // The part's own checks (a part ends with its LF: a CR before it is not bare; the file's last
        // byte is the second part's).
        let plain = readsPlain && CSVParser.isPlain(part)
        guard plain || !part.contains(34), !ByteScan.hasBareCR(part) else { return nil }
        // Lines: the first part's, counted by both (the first for room, the second for its first line).
        let firstLines = 1 + ByteScan.count(10, in: UnsafeBufferPointer(rebasing: buf[parts[0]]))
        let lines = h == 0 ? firstLines : parts[1].count * firstLines / max(1, parts[0].count) + parts[1].count / 64 + 16
        // Each half reads its own copy of the column map: the two would otherwise retain and release one
        // shared array for every record, contending for its reference count.
        let columns = columns.map { $0 }
        var rows = Rows(file: file, lines: lines, checksRepeatsAfter: true)
        let firstLine = h == 0 ? 2 : 1 + firstLines
        if plain {
          readPlain(part, firstLine: firstLine, columns: columns, header: names, into: &rows)
        } else {
          do throws(Diagnostic) {
            try CSVParser.forEachRecord(part, file: file, firstLine: firstLine) { rec in
              if !rec.isBlank { rows.add(rec, columns: columns, header: names) }
            }
          } catch {
            return nil
          }
        }
        guard rows.hashesAreDistinct() else { return nil }
        // The vouchers taken out of their builders here, on this core, the builders let go with them.
        var half = Half(rowCount: rows.count, voucherCount: rows.builders.count, rowDiagnostics: rows.diagnostics, hashes: rows.builderHashes)
        half.vouchers.reserveCapacity(rows.builders.count)
        for i in rows.builders.indices {
          half.voucherDiagnostics += rows.builders[i].diagnostics
          if let v = rows.builders[i].voucher.take() { half.vouchers.append(v) }
        }
        rows.builders = []
        return half
      }
    }
    guard let first = halves[0], let second = halves[1], disjoint(first.hashes, second.hashes) else { return nil }
    // As one pass gives them: the rows' problems, then the vouchers' (each with its own), in file order.
    result.rowCount = first.rowCount + second.rowCount
    result.diagnostics += first.rowDiagnostics + second.rowDiagnostics + first.voucherDiagnostics + second.voucherDiagnostics
    result.voucherCount = first.voucherCount + second.voucherCount
    result.vouchers = first.vouchers
    result.vouchers.append(contentsOf: second.vouchers)
    return result
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
func lineCount(_ bytes: ArraySlice<UInt8>) -> Int {
  bytes.withUnsafeBufferPointer { 1 + ByteScan.count(10, in: $0) }
}

extension CSVVoucherReader {
  /// Refuses content that is not a UTF-8 CSV file before parsing it: UTF-16 or UTF-32 text, XML.
  static func sniff(_ bytes: [UInt8], file: String) -> Diagnostic? {
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
