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

  /// A new empty directory on a file system other than ``root``'s (`/dev/shm`, where it is one and
  /// writable: a hard link from ``root`` to it fails), removed when the process exits; nil where there is
  /// none (then the tests that need it are skipped).
  public static let elsewhere: String? = {
    var shm = stat(), scratch = stat()
    guard stat("/dev/shm", &shm) == 0, stat(root, &scratch) == 0, shm.st_dev != scratch.st_dev, access("/dev/shm", W_OK) == 0 else { return nil }
    let d = "/dev/shm/stockledger-tests-\(getpid())"
    guard (try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)) != nil else { return nil }
    atexit { try? FileManager.default.removeItem(atPath: "/dev/shm/stockledger-tests-\(getpid())") }
    return d
  }()

  /// A new empty directory under ``elsewhere``.
  public static func directoryElsewhere(_ prefix: String) -> String? {
    guard let elsewhere else { return nil }
    let d = elsewhere + "/\(prefix)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
  }
}
