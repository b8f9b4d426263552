@_spi(Testing) import StockRead

/// libFuzzer entry point: any bytes must give vouchers or located diagnostics, never a crash or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let file = CSVVoucherReader.read(bytes: bytes, file: "fuzz.csv")
  for d in file.diagnostics { precondition(d.location.file == "fuzz.csv") }
  // The plain reader and the general one agree on every input.
  let general = CSVVoucherReader.read(bytes: bytes, file: "fuzz.csv", inParts: false, plain: false)
  let plain = CSVVoucherReader.read(bytes: bytes, file: "fuzz.csv", inParts: false, plain: true)
  precondition(plain.vouchers == general.vouchers && plain.diagnostics == general.diagnostics, "plain and general reads differ")
  precondition(plain.rowCount == general.rowCount && plain.voucherCount == general.voucherCount && plain.header == general.header)
  // Read in parts (whatever its size; two to five, by its size), it is the same file: vouchers whose rows
  // are apart, or in two parts, send it to the one pass.
  let parts = CSVVoucherReader.read(bytes: bytes, file: "fuzz.csv", inParts: true, plain: true, partsFrom: 0, parts: 2 + bytes.count % 4)
  precondition(parts.vouchers == general.vouchers && parts.diagnostics == general.diagnostics, "parts and one pass differ")
  precondition(parts.rowCount == general.rowCount && parts.voucherCount == general.voucherCount)
  return 0
}
