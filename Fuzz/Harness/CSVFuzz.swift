import StockRead

/// libFuzzer entry point: any bytes must give vouchers or located diagnostics, never a crash or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let file = CSVVoucherReader.read(bytes: bytes, file: "fuzz.csv")
  for d in file.diagnostics { precondition(d.location.file == "fuzz.csv") }
  return 0
}
