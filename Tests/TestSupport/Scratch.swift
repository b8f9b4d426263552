import Foundation

/// Where the tests put their files: one directory per test process under the system's temporary directory,
/// removed when the process exits (the suites make hundreds of books directories a run; they were left
/// behind).
public enum Scratch {
  /// `TMPDIR/stockledger-tests-PID`, made on first use; its removal at exit is registered then.
  public static let root: String = {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("stockledger-tests-\(getpid())").path
    try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: Scratch.root) }
    return root
  }()

  /// A new path under ``root``, `prefix-UUID`, not yet made (for a copy or a command that makes it).
  public static func path(_ prefix: String) -> String { root + "/\(prefix)-\(UUID().uuidString)" }

  /// A new empty directory under ``root``.
  public static func directory(_ prefix: String) -> String {
    let d = path(prefix)
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
  }
}
