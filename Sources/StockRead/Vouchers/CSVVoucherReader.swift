import StockCore

/// Reads the CSV voucher layout (SPEC §4.1): one row per voucher line, grouped into vouchers by
/// `voucher_no` in order of first appearance. Field syntax is checked here (numbers, dates, enumerations,
/// voucher-level fields agreeing across rows); references to master data are the validator's job.
public enum CSVVoucherReader {
  /// The longest field accepted, in bytes.
  public static let maxFieldLength = 10_000

  /// Reads a whole file, streaming its records once.
  /// - Complexity: O(n) in the size of the file.
  public static func read(bytes: [UInt8], file: String) -> VoucherFile {
    var result = VoucherFile(name: file)
    if let d = sniff(bytes, file: file) {
      result.diagnostics.append(d)
      return result
    }
    var columns: [VoucherColumn?] = []
    var headerSeen = false
    var stop = false
    var builders: [VoucherBuilder] = []
    var builderIndex: [String: Int] = [:]
    var last = -1
    var lastNo = ""
    var row = RawVoucherRow(location: SourceLocation(file: file, line: 0))
    let noOrdinal = VoucherColumn.voucherNo.ordinal
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
          result.rowCount += 1
          let loc = SourceLocation(file: file, line: rec.line)
          if rec.fields.count != columns.count {
            result.diagnostics.append(Diagnostic(.fieldCount, at: loc, "the line has \(rec.fields.count) fields but the header has \(columns.count): check for an unquoted comma"))
            return
          }
          if let long = rec.fields.firstIndex(where: { $0.utf8.count > maxFieldLength }) {
            result.diagnostics.append(Diagnostic(.fieldTooLong, at: loc, field: long < result.header.count ? result.header[long] : "", "a field is longer than \(maxFieldLength) bytes: the file is not a voucher file, or a quote is missing"))
            return
          }
          row.location = loc
          for (i, c) in columns.enumerated() { if let c { row.fields[c.ordinal] = rec.fields[i] } }
          let no = row.fields[noOrdinal]
          if no.isEmpty {
            result.diagnostics.append(Diagnostic(.required, at: loc, field: "voucher_no", "voucher_no is blank: every row names its voucher"))
            return
          }
          // Rows of one voucher usually follow each other: only a change of voucher looks it up.
          if last < 0 || no != lastNo {
            if let i = builderIndex[no] {
              last = i
            } else {
              last = builders.count
              builderIndex[no] = last
              builders.append(VoucherBuilder(first: row))
            }
            lastNo = no
          }
          builders[last].add(row)
        }
      }
    } catch {
      result.diagnostics.append(error)
      return result
    }
    if !headerSeen {
      result.diagnostics.append(Diagnostic(.emptyFile, at: SourceLocation(file: file, line: 0), "the file is empty: it needs a header line and voucher rows"))
      return result
    }
    if stop { return result }
    result.voucherCount = builders.count
    result.vouchers.reserveCapacity(builders.count)
    for i in builders.indices {
      result.diagnostics += builders[i].diagnostics
      if let v = builders[i].voucher.take() { result.vouchers.append(v) }
    }
    return result
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
