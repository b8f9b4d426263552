import Foundation
import StockCore
import StockStore

#if canImport(Glibc)
  import Glibc
#endif

/// A one-line progress display on standard error, redrawn in place; silent unless standard error is a
/// terminal (cron mail and pipes get no control characters).
final class Progress {
  let enabled: Bool
  private var shown = false

  init(enabled: Bool = isatty(2) == 1) { self.enabled = enabled }

  /// Shows `what`, optionally with a bar for `done` of `total`.
  func show(_ what: String, done: Int? = nil, total: Int? = nil) {
    guard enabled else { return }
    var line = "stockledger: " + what
    if let done, let total, total > 0 {
      let width = 24
      let filled = min(width, width * done / total)
      line += " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(done)/\(total)"
    }
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    shown = true
  }

  /// Clears the line.
  func finish() {
    guard enabled, shown else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    shown = false
  }
}

/// Wall time per phase of a run, printed to standard error when `STOCKLEDGER_TIMINGS` is set (for the
/// benchmark; never part of any output file).
final class PhaseTimer {
  private let enabled = ProcessEnvironment.value("STOCKLEDGER_TIMINGS") != nil
  private var last = Date()
  private let started = Date()
  private var phases: [(String, Double, Int)] = []
  /// What the run started from: the head snapshot or a replay of the ledger.
  var basis = ""

  func mark(_ phase: String) {
    guard enabled else { return }
    let now = Date()
    phases.append((phase, now.timeIntervalSince(last), Self.residentMB()))
    last = now
  }

  /// Resident memory now, in MB (Linux `/proc/self/statm`; 0 elsewhere).
  static func residentMB() -> Int {
    guard let f = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(f) }
    var buffer = [UInt8](repeating: 0, count: 128)
    let n = fread(&buffer, 1, buffer.count, f)
    let fields = buffer[..<n].split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return (pages * Int(sysconf(Int32(_SC_PAGESIZE)))) >> 20
  }

  func report() {
    guard enabled else { return }
    var text = phases.map { "\($0.0) \(Int($0.1 * 1000)) ms (\($0.2) MB)" }.joined(separator: ", ") + "; since start \(Int(Date().timeIntervalSince(started) * 1000)) ms"
    if ThreadCPU.posting > 0 || ThreadCPU.rendering > 0 {
      text += "; CPU of the posting core \(Int(ThreadCPU.posting * 1000)) ms, of the renderer \(Int(ThreadCPU.rendering * 1000)) ms"
      text += "; waited: the posting core \(Int(ThreadCPU.postingWaited * 1000)) ms, the renderer \(Int(ThreadCPU.renderingWaited * 1000)) ms"
      text += ", the commit for the renderer's run files \(Int(ThreadCPU.commitWaited * 1000)) ms"
    }
    text += "; " + DeviceSpeed.timing
    FileHandle.standardError.write(Data("stockledger timings (\(basis)): \(text)\n".utf8))
  }
}

/// CPU time of the threads of the post phase, for `STOCKLEDGER_TIMINGS`: which of the two cores the phase
/// waits for (each is written once by its thread, and read after the phase).
enum ThreadCPU {
  /// Seconds of CPU the calling thread has used.
  static func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
  }
  /// The replay's posting loop, and the renderer's thread.
  nonisolated(unsafe) static var posting = 0.0, rendering = 0.0
  /// Wall seconds the posting loop waited for the renderer to read a full window (``RenderAhead/drain()``),
  /// and the renderer waited for something to render.
  nonisolated(unsafe) static var postingWaited = 0.0, renderingWaited = 0.0
  /// Wall seconds the commit waited for the renderer's `stock.csv` and `gl.csv` (``RenderAhead/prewrittenRunFiles()``,
  /// the longer of its two tasks' waits).
  nonisolated(unsafe) static var commitWaited = 0.0

  /// Seconds on a clock that counts while the thread waits.
  static func wall() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
  }
}
