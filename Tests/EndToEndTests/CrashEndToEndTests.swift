import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Issue "Crash-safe, tamper-evident, cron-proof": SIGKILL at every named crash point and at random
/// instants, each followed by a clean run, must give what an uninterrupted run gives, and `verify` clean.
@Suite(.serialized) struct CrashEndToEndTests {
  let e2e = EndToEndTests()

  /// Every file of a books directory with its content, except what a crash may legitimately leave behind
  /// (the quarantine of an uncommitted run, the lock file) and the head snapshot with its document file, a cache that records file
  /// times (whether it was used or rebuilt shows in the run after, compared by ``afterNextRun(_:)``).
  func digest(_ b: String) -> [String: String] {
    var out: [String: String] = [:]
    guard let walker = FileManager.default.enumerator(atPath: b) else { return out }
    while let rel = walker.nextObject() as? String {
      if rel.hasPrefix("ledger/quarantine") || rel == "ledger/.lock" || IncrementalEndToEndTests.derived.contains(rel) { continue }
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: b + "/" + rel, isDirectory: &isDir), !isDir.boolValue else { continue }
      out[rel] = e2e.read(b + "/" + rel)
    }
    return out
  }

  /// A books directory with `vouchers` vouchers in four files and one rejected; or (`oneFile`) in one file,
  /// which the run takes whole as its `vouchers.csv` (``VerbatimVouchersEndToEndTests``).
  func fixture(vouchers: Int, oneFile: Bool = false) throws -> String {
    let b = try e2e.books()
    let files = oneFile ? 1 : 4
    let perFile = max(vouchers / files, 1)
    var n = 0
    for f in 0..<files {
      var text = "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\n"
      for i in 0..<perFile {
        let day = String(format: "%02d", 1 + (n / 40) % 28), month = String(format: "%02d", 1 + n / 1120 % 12)
        let item = ["RM0001", "RM0002", "FG0001"][i % 3]
        if i % 4 == 3 {
          text += "Delivery Note,V\(n),2026-\(month)-\(day),\(item),Stores,1,\n"
        } else {
          text += "Purchase Receipt,V\(n),2026-\(month)-\(day),\(item),Stores,3,\(10 + n % 7)\n"
        }
        n += 1
      }
      try e2e.drop(b, "f\(f).csv", text)
    }
    if !oneFile { try e2e.drop(b, "x-bad.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty\nDelivery Note,BAD,2026-01-01,NOPE,Stores,1\n") }
    return b
  }

  /// The books after one more run with a later file: from the snapshot the crashed run left, or from a
  /// replay when it left none usable, the results must be the same.
  func afterNextRun(_ b: String) throws -> [String: String] {
    try e2e.drop(b, "next.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,NEXT-1,2027-01-05,RM0001,Stores,2,11\nDelivery Note,NEXT-2,2027-01-06,RM0001,Stores,3,\n")
    _ = try run(b)
    return digest(b)
  }

  /// Runs again after a crash, compares with an uninterrupted run, checks `verify`, then runs one more file
  /// and compares that run too; removes the copy.
  func recoverAndCompare(_ b: String, expected: [String: String], expectedNext: [String: String], what: String) throws {
    _ = try run(b)
    let got = digest(b)
    let differing = Set(got.keys).union(expected.keys).filter { got[$0] != expected[$0] }.sorted()
    #expect(differing.isEmpty, "\(what), these differ from an uninterrupted run: \(differing)")
    #expect(try e2e.cli(["verify", b]).code == 0, "verify, \(what)")
    let next = try afterNextRun(b)
    let differingNext = Set(next.keys).union(expectedNext.keys).filter { next[$0] != expectedNext[$0] }.sorted()
    #expect(differingNext.isEmpty, "\(what), the run after differs: \(differingNext)")
    try? FileManager.default.removeItem(atPath: b)
  }

  func copy(_ b: String) throws -> String {
    let dir = Scratch.path("sl-crash")
    try FileManager.default.copyItem(atPath: b, toPath: dir)
    return dir
  }

  func run(_ b: String, env: [String: String] = [:], killAfter: Double? = nil) throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: EndToEndTests.binary)
    p.arguments = ["run", b]
    var environment = ProcessInfo.processInfo.environment
    for (k, v) in env { environment[k] = v }
    p.environment = environment
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    if let killAfter {
      usleep(useconds_t(killAfter * 1_000_000))
      kill(p.processIdentifier, SIGKILL)
    }
    p.waitUntilExit()
    return p.terminationStatus
  }

  @Test(arguments: [false, true]) func killedAtEveryCrashPointTheNextRunCompletesIt(oneFile: Bool) throws {
    let base = try fixture(vouchers: 24, oneFile: oneFile)
    let golden = try copy(base)
    let trace = Scratch.path("trace")
    #expect(try run(golden, env: ["STOCKLEDGER_CRASH_TRACE": trace]) == (oneFile ? 0 : 1))
    if oneFile { #expect(e2e.read(golden + "/ledger/runs/000001/vouchers.csv") == e2e.read(golden + "/archive/f0.csv"), "the file taken whole") }
    let expected = digest(golden)
    let expectedNext = try afterNextRun(golden)
    let points = e2e.read(trace).split(separator: "\n").map(String.init)
    #expect(points.count > 40)
    #expect(points.contains("before-commit#1") && points.contains("after-commit#1") && points.contains("move#1"))
    for point in points {
      let b = try copy(base)
      let crashed = try run(b, env: ["STOCKLEDGER_CRASH_AT": point])
      #expect(crashed == SIGKILL, "no crash at \(point)")
      try recoverAndCompare(b, expected: expected, expectedNext: expectedNext, what: "after a crash at \(point)")
    }
  }

  @Test func killedAtRandomInstantsOnAFiveThousandVoucherInbox() throws {
    let base = try fixture(vouchers: 5000)
    let golden = try copy(base)
    let started = Date()
    _ = try run(golden)
    let duration = Date().timeIntervalSince(started)
    let expected = digest(golden)
    let expectedNext = try afterNextRun(golden)
    var generator = SystemRandomNumberGenerator()
    for i in 0..<20 {
      let b = try copy(base)
      let at = Double.random(in: 0...(duration * 1.1), using: &generator)
      _ = try run(b, killAfter: at)
      try recoverAndCompare(b, expected: expected, expectedNext: expectedNext, what: "kill \(i) after \(at) s")
    }
  }

  @Test func aSecondRunBouncesOffTheLock() throws {
    let b = try fixture(vouchers: 8)
    try FileManager.default.createDirectory(atPath: b + "/ledger", withIntermediateDirectories: true)
    let fd = open(b + "/ledger/.lock", O_RDWR | O_CREAT, 0o644)
    defer { close(fd) }
    #expect(flock(fd, LOCK_EX) == 0)
    let before = digest(b)
    let started = Date()
    let r = try e2e.cli(["run", b])
    #expect(r.code == 75)
    #expect(Date().timeIntervalSince(started) < 1)
    #expect(r.err.contains("another run holds"))
    #expect(digest(b) == before)
  }
}
