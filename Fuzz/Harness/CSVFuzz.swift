@_spi(Testing) import StockRead

/// libFuzzer entry point: any bytes must give vouchers or located diagnostics, never a crash or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let file = CSVVoucherReader.read(bytes: bytes, file: "fuzz.csv")
  for d in file.diagnostics { precondition(d.location.file == "fuzz.csv") }
  // The plain reader and the general one agree on every input.
  let general = CSVVoucherReader.read(bytes: bytes, file: "fuzz.csv", inHalves: false, plain: false)
  let plain = CSVVoucherReader.read(bytes: bytes, file: "fuzz.csv", inHalves: false, plain: true)
  precondition(plain.vouchers == general.vouchers && plain.diagnostics == general.diagnostics, "plain and general reads differ")
  precondition(plain.rowCount == general.rowCount && plain.voucherCount == general.voucherCount && plain.header == general.header)
  // Read in halves (whatever its size), it is the same file: vouchers whose rows are apart, or in both
  // halves, send it to the one pass.
  let halves = CSVVoucherReader.read(bytes: bytes, file: "fuzz.csv", inHalves: true, plain: true, halvesFrom: 0)
  precondition(halves.vouchers == general.vouchers && halves.diagnostics == general.diagnostics, "halves and one pass differ")
  precondition(halves.rowCount == general.rowCount && halves.voucherCount == general.voucherCount)
  return 0
}
