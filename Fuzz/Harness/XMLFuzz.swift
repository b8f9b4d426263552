import Foundation
import StockRead

let schema = try! XMLVoucherReader.Schema()
/// The file each input is written to (the reader reads files); removed when the fuzzer exits.
let path: String = {
  let p = NSTemporaryDirectory() + "/stockledger-xml-fuzz-\(getpid()).xml"
  atexit { unlink(NSTemporaryDirectory() + "/stockledger-xml-fuzz-\(getpid()).xml") }
  return p
}()

/// libFuzzer entry point: any bytes must give vouchers or located diagnostics, never a crash or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  _ = FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size))
  let file = XMLVoucherReader.read(path: path, name: "fuzz.xml", schema: schema)
  for d in file.diagnostics { precondition(d.location.file == "fuzz.xml") }
  return 0
}
