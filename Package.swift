// swift-tools-version: 6.1
// stockledger — perpetual-inventory batch processor.
//
// The targets follow the flow of data, each knowing only the ones before it:
//   StockCore (numbers, dates, masters, vouchers, ledger entries)
//   → StockRead (CSV, TOML, masters, voucher files in CSV and XML via libxml2)
//   → StockValidate (vouchers against master data)
//   → StockOrder (the posting timeline)
//   → StockPost (valuation, stock ledger, general ledger)
//   → StockStore (the flat-file ledger: commit, lock, chain)
//   → StockReports (CSV / table / JSON reports)
//   → StockApp (run, report, verify use cases)
//   → stockledger (the command line)
import Foundation
import PackageDescription

// A release build is optimised with the profile of the benchmark's workloads (LLVM's IR-level profile-guided
// optimisation: which branches are taken, which calls are hot), made by Benchmarks/profile.sh. Debug builds,
// which the tests use, are not. STOCKLEDGER_PGO=0 builds without it (the profiling build itself does), from
// scratch: the package manager does not recompile a module when only its flags change. The
// profile is in the format of the toolchain that made it (Swift 6.3's LLVM); an older compiler cannot read it
// and builds without it.
let profile = Context.packageDirectory + "/Benchmarks/Profile/stockledger.profdata"
#if compiler(>=6.3)
let guided: [SwiftSetting] =
  Context.environment["STOCKLEDGER_PGO"] == "0" || !FileManager.default.fileExists(atPath: profile)
  ? [] : [.unsafeFlags(["-Xfrontend", "-ir-profile-use=" + profile], .when(configuration: .release))]
#else
let guided: [SwiftSetting] = []
#endif
let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)] + guided

let package = Package(
  name: "stockledger",
  products: [
    .executable(name: "stockledger", targets: ["stockledger"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"]), .brew(["openssl"])]),
    .systemLibrary(name: "CSystem"),
    .target(name: "StockCore", dependencies: ["CLibCrypto", "CSystem"], swiftSettings: swift6),
    .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]),
    .target(name: "StockRead", dependencies: ["StockCore", "CLibXML2", "CSystem"], swiftSettings: swift6),
    .target(name: "StockValidate", dependencies: ["StockCore"], swiftSettings: swift6),
    .target(name: "StockOrder", dependencies: ["StockCore"], swiftSettings: swift6),
    .target(name: "StockPost", dependencies: ["StockCore", "CSystem"], swiftSettings: swift6),
    .target(name: "StockStore", dependencies: ["StockCore", "StockRead", "CSystem"], swiftSettings: swift6),
    .target(name: "StockReports", dependencies: ["StockCore", "CSystem"], swiftSettings: swift6),
    .target(
      name: "StockApp",
      dependencies: ["StockCore", "StockRead", "StockValidate", "StockOrder", "StockPost", "StockStore", "StockReports", "CSystem"],
      swiftSettings: swift6),
    .executableTarget(
      name: "stockledger",
      dependencies: ["StockApp", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      swiftSettings: swift6,
      // A release binary carries the Swift runtime and Foundation, as `--static-swift-stdlib` would make it
      // (the flag alone leaves Foundation's own static libraries out, hence the list): it starts in 6 ms
      // instead of 12–15 (no shared libraries to load and relocate), a part of every daily run onto a large
      // ledger. libxml2 and libcrypto stay shared; debug builds, which the tests spawn, link as usual.
      linkerSettings: [
        .unsafeFlags(
          [
            "-static-stdlib", "-lFoundationInternationalization", "-lFoundationEssentials", "-lCoreFoundation", "-l_FoundationICU",
            "-l_FoundationCShims", "-l_FoundationCollections", "-lswiftDispatch", "-lswiftSynchronization",
          ], .when(configuration: .release))
      ]),
    .testTarget(name: "StockCoreTests", dependencies: ["StockCore", "TestSupport"], swiftSettings: swift6),
    .testTarget(name: "StockReadTests", dependencies: ["StockRead", "TestSupport"], swiftSettings: swift6),
    .testTarget(name: "StockValidateTests", dependencies: ["StockValidate", "TestSupport"], swiftSettings: swift6),
    .testTarget(name: "StockOrderTests", dependencies: ["StockOrder"], swiftSettings: swift6),
    .testTarget(name: "StockReportsTests", dependencies: ["StockReports", "TestSupport"], swiftSettings: swift6),
    .testTarget(name: "StockPostTests", dependencies: ["StockPost", "StockRead", "StockValidate", "StockOrder", "TestSupport"], swiftSettings: swift6),
    .testTarget(name: "StockStoreTests", dependencies: ["StockStore", "TestSupport"], swiftSettings: swift6),
    .testTarget(name: "StockAppTests", dependencies: ["StockApp", "StockCore", "StockOrder", "StockRead", "StockStore", "StockValidate", "TestSupport"], swiftSettings: swift6),
    .testTarget(name: "EndToEndTests", dependencies: ["stockledger", "TestSupport"], swiftSettings: swift6),
    // What the tests share: where their files go (removed when the test process exits), a seeded random generator.
    .target(name: "TestSupport", dependencies: ["StockCore"], path: "Tests/TestSupport", swiftSettings: swift6),
  ]
)
