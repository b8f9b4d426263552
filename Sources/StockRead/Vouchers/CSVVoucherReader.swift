import StockCore

/// Reads the CSV voucher layout (SPEC §4.1): one row per voucher line, grouped into vouchers by
/// `voucher_no` in order of first appearance. Field syntax is checked here (numbers, dates, enumerations,
/// voucher-level fields agreeing across rows); references to master data are the validator's job.
public enum CSVVoucherReader {
  /// - Complexity: O(n) in the size of the file.
  public static func read(bytes: [UInt8], file: String) -> VoucherFile {
    var result = VoucherFile(name: file)
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
      var row = RawVoucherRow(location: SourceLocation(file: file, line: rec.line))
      for (i, c) in columns.enumerated() { if let c { row.values[c] = rec.fields[i] } }
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
