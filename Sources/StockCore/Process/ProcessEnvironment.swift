#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The environment variables the tool reads: `STOCKLEDGER_TIMINGS` and the switches tests and benchmarks set
/// (`STOCKLEDGER_TEST_*`, `STOCKLEDGER_CRASH_*`), each read once, into a `static let`, when first used.
///
/// Read with the C library's `getenv`: `ProcessInfo.processInfo.environment` made a dictionary of the
/// whole environment at every read and searched the runtime's protocol conformances for it, about 340,000
/// instructions a read; the ten reads of a run were 3.4 M instructions on its first, single-threaded
/// milliseconds (BENCHMARKS.md, the forty-third session).
public enum ProcessEnvironment {
  /// The variable's value, or nil when it is not set.
  /// - Complexity: O(size of the environment), no allocation but the result's.
  public static func value(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
  }

  /// The variable's value as a whole number, or nil when it is not set or not one.
  public static func integer(_ name: String) -> Int? {
    value(name).flatMap { Int($0) }
  }
}
