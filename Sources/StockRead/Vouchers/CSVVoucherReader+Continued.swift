import StockCore

extension CSVVoucherReader {
  /// Reads records that continue a file after its header line (a part of a file read a part at a time:
  /// `stockledger verify` reads a run's `vouchers.csv` so), their lines numbered from `firstLine` as in the
  /// whole file. The records must hold whole vouchers (their rows follow each other in a ledger's file);
  /// the vouchers are what ``read(bytes:file:)`` gives for those of the whole file.
  /// - Parameter header: the file's header line (with or without its line break).
  /// - Complexity: O(n) in the size of the records; plain records (ASCII, no quote, no bare CR) read over
  ///   their bytes, others through the general parser.
  public static func read(records: UnsafeBufferPointer<UInt8>, after header: [UInt8], firstLine: Int, file: String) -> VoucherFile {
    var result = VoucherFile(name: file)
    guard let headerRecord = (try? CSVParser.parse(header, file: file))?.first else {
      result.diagnostics.append(Diagnostic(.emptyFile, at: SourceLocation(file: file, line: 1), "the header line cannot be read"))
      return result
    }
    let columns = self.header(headerRecord, file: file, into: &result)
    guard result.diagnostics.isEmpty else { return result }
    var rows = Rows(file: file, lines: lineCount(records))
    if CSVParser.isPlain(records) && !ByteScan.hasBareCR(records) {
      readPlain(records, firstLine: firstLine, columns: columns, header: result.header, into: &rows)
    } else {
      do throws(Diagnostic) {
        try CSVParser.forEachRecord(records, file: file, firstLine: firstLine) { rec in
          if !rec.isBlank { rows.add(rec, columns: columns, header: result.header) }
        }
      } catch {
        result.diagnostics += rows.diagnostics
        result.rowCount = rows.count
        result.diagnostics.append(error)
        return result
      }
    }
    rows.finish(into: &result)
    rows.finishVouchers(into: &result)
    result.numbersAreDistinct = true
    return result
  }
}
