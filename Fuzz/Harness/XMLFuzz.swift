import Foundation
import StockRead

let schema = try! XMLVoucherReader.Schema()
/// The file each input is written to (the reader reads files); removed when the fuzzer exits.
let path: String = {
  let p = NSTemporaryDirectory() + "/stockledger-xml-fuzz-\(getpid()).xml"
  atexit { unlink(NSTemporaryDirectory() + "/stockledger-xml-fuzz-\(getpid()).xml") }
  return p
}()

/// libFuzzer entry point: any bytes must give vouchers or located diagnostics, never a crash or a hang;
/// and read in two halves on two threads (as a large file is), the same vouchers and diagnostics as in
/// one pass.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  _ = FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size))
  let file = XMLVoucherReader.read(path: path, name: "fuzz.xml", schema: schema, splitFrom: .max)
  for d in file.diagnostics { precondition(d.location.file == "fuzz.xml") }
  let halves = XMLVoucherReader.read(path: path, name: "fuzz.xml", schema: schema, splitFrom: 1)
  precondition(halves.vouchers == file.vouchers && halves.vouchers.map(\.source) == file.vouchers.map(\.source), "the halves' vouchers")
  precondition(halves.diagnostics == file.diagnostics && halves.rowCount == file.rowCount, "the halves' diagnostics")
  return 0
}
