// swift-tools-version: 6.1
// libFuzzer harnesses for the voucher readers, in their own package so the main build never needs the
// sanitizer. The reader modules are the main package's own sources, linked in (Sources/Stock* are
// symlinks), built with coverage instrumentation; Fuzz/run.sh links each harness of Fuzz/Harness against
// them with libFuzzer's main and runs it.
import PackageDescription

let package = Package(
  name: "stockledger-fuzz",
  targets: [
    .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    .systemLibrary(name: "CSystem"),
    .target(name: "StockCore", dependencies: ["CLibCrypto", "CSystem"]),
    .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
    .target(name: "StockRead", dependencies: ["StockCore", "CLibXML2", "CSystem"]),
  ],
  swiftLanguageModes: [.v6]
)
