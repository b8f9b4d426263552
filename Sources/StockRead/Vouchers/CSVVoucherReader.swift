import StockCore

/// Reads the CSV voucher layout (SPEC §4.1): one row per voucher line, grouped into vouchers by
/// `voucher_no` in order of first appearance. Field syntax is checked here (numbers, dates, enumerations,
/// voucher-level fields agreeing across rows); references to master data are the validator's job.
public enum CSVVoucherReader {
  /// - Complexity: O(n) in the size of the file.
  /// The longest field accepted, in bytes.
  public static let maxFieldLength = 10_000

  public static func read(bytes: [UInt8], file: String) -> VoucherFile {
    var result = VoucherFile(name: file)
    if let d = sniff(bytes, file: file) {
      result.diagnostics.append(d)
      return result
    }
    let records: [CSVRecord]
    do { records = try CSVParser.parse(bytes, file: file) } catch {
      result.diagnostics.append(error)
      return result
    }
    guard let headerRecord = records.first, !headerRecord.isBlank else {
      result.diagnostics.append(Diagnostic(.emptyFile, at: SourceLocation(file: file, line: 0), "the file is empty: it needs a header line and voucher rows"))
      return result
    }
    result.header = headerRecord.fields
    if headerRecord.fields.count == 1, let only = headerRecord.fields.first, let sep = [";", "\t", "|"].first(where: { only.contains($0) }) {
      let shown = sep == "\t" ? "tab" : "'\(sep)'"
      result.diagnostics.append(Diagnostic(.csvSyntax, at: SourceLocation(file: file, line: headerRecord.line), "only 1 column found: the file seems to be separated by \(shown); stockledger reads comma-separated files (RFC 4180)"))
      return result
    }
    var columns: [VoucherColumn?] = []
    var seen: Set<VoucherColumn> = []
    for name in headerRecord.fields {
      let col = VoucherColumn(rawValue: name)
      if col == nil {
        result.diagnostics.append(Diagnostic(.unknownColumn, at: SourceLocation(file: file, line: headerRecord.line), field: name,
          "unknown column \(name): check the spelling against the layout in Schemas/voucher-csv-layout.json"))
      } else if let col, seen.contains(col) {
        result.diagnostics.append(Diagnostic(.duplicateColumn, at: SourceLocation(file: file, line: headerRecord.line), field: name, "column \(name) appears twice"))
      }
      if let col { seen.insert(col) }
      columns.append(col)
    }
    for r in VoucherColumn.required where !seen.contains(r) {
      result.diagnostics.append(Diagnostic(.missingColumn, at: SourceLocation(file: file, line: headerRecord.line), field: r.rawValue, "the header lacks the required column \(r.rawValue)"))
    }
    if !result.diagnostics.isEmpty { return result }

    var order: [String] = []
    var builders: [String: VoucherBuilder] = [:]
    for rec in records.dropFirst() where !rec.isBlank {
      result.rowCount += 1
      let loc = SourceLocation(file: file, line: rec.line)
      if rec.fields.count != columns.count {
        result.diagnostics.append(Diagnostic(.fieldCount, at: loc, "the line has \(rec.fields.count) fields but the header has \(columns.count): check for an unquoted comma"))
        continue
      }
      if let long = rec.fields.firstIndex(where: { $0.utf8.count > maxFieldLength }) {
        result.diagnostics.append(Diagnostic(.fieldTooLong, at: loc, field: long < headerRecord.fields.count ? headerRecord.fields[long] : "", "a field is longer than \(maxFieldLength) bytes: the file is not a voucher file, or a quote is missing"))
        continue
      }
      var row = RawVoucherRow(location: SourceLocation(file: file, line: rec.line))
      for (i, c) in columns.enumerated() { if let c { row.fields[c.ordinal] = rec.fields[i] } }
      let no = row[.voucherNo]
      if no.isEmpty {
        result.diagnostics.append(Diagnostic(.required, at: loc, field: "voucher_no", "voucher_no is blank: every row names its voucher"))
        continue
      }
      result.recordsByVoucher[no, default: []].append(rec)
      if builders[no] == nil {
        order.append(no)
        builders[no] = VoucherBuilder(first: row)
      }
      builders[no]!.add(row)
    }
    for no in order {
      guard let b = builders[no] else { continue }
      result.diagnostics += b.diagnostics
      if let v = b.voucher { result.vouchers.append(v) }
    }
    return result
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
