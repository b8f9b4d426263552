import Foundation
import StockCore
import StockRead

/// The snapshot of the ledger head (`ledger/snapshot.bin`): derived state a run can continue from instead
/// of replaying the history. It is not part of the chained record: written after the run's commit, replaced
/// atomically, tagged with the chain head it was derived at, and ignored when it does not match `HEAD`
/// (the run then replays the ledger and writes a new one). Deleting it only costs one full run.
extension LedgerStore {
  public var snapshotPath: String { directory + "/snapshot.bin" }

  /// The snapshot's bytes, or nil when there is none.
  public func readSnapshot() -> [UInt8]? { FileBytes.read(snapshotPath) }

  /// The snapshot with the parts `parts` hands to its argument, in order, written as they come (the
  /// snapshot of ten million vouchers made whole in memory was 137 MB, and as much again while the buffer
  /// grew), under a temporary name beside it, for ``adoptSnapshot(_:)`` to put in place once the run knows
  /// it describes what the run wrote (not fsynced: a torn or stale snapshot is detected and ignored); a
  /// temporary name left by a run that stopped is removed by the next run's recovery. Through the page
  /// cache: written past it (30 ms less of the kernel's copying for a million vouchers' 10 MB), the next run
  /// read it from the disk, 10–25 ms slower (by `O_DIRECT` in one request too), and the next run is the one
  /// measured.
  public func writeSnapshotAside(parts: (_ write: ([UInt8]) -> Void) -> Void) throws(StoreError) -> String {
    let file = try StreamedFile(path: snapshotPath, hashing: false, directIO: false)
    parts { file.append($0) }
    return try file.closeTemporary()
  }

  /// Replaces the snapshot (atomically) by the one written aside at `temporary` (``writeSnapshotAside(parts:)``).
  public func adoptSnapshot(_ temporary: String) throws(StoreError) {
    guard rename(temporary, snapshotPath) == 0 else {
      let error = StoreError(path: snapshotPath, "rename failed: \(DurableFiles.errnoText())")
      unlink(temporary)
      throw error
    }
    CrashPoint.hit("snapshot")
  }

  /// Removes the snapshot (before a change the snapshot would not describe).
  public func removeSnapshot() { unlink(snapshotPath) }
}

extension LedgerStore {
  /// A fingerprint of the committed files as the file system describes them (size, modification time,
  /// inode of every file the manifests list). A snapshot records it; a run that finds it changed reads and
  /// checks the whole ledger (which names any tampering) instead of trusting the snapshot. Content changes
  /// that keep size and time are `verify`'s to find.
  /// - Complexity: O(runs) file-system calls; reads no data.
  public func statFingerprint() -> String? {
    var h = SHA256()
    let complete = forEachCommittedFile { n, dir, name in
      var st = stat()
      guard stat(dir + "/" + name, &st) == 0 else { return false }
      h.update("\(n) \(name) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec) \(st.st_ino)\n")
      return true
    }
    return complete ? h.finalizeHex() : nil
  }

  /// Calls `body` with each committed run's number, directory and the name of every file its manifest
  /// lists, run by run, until it returns false. Returns false when it did, or when `HEAD` or a manifest
  /// cannot be read or a file line is damaged.
  /// - Complexity: O(runs) manifests read.
  public func forEachCommittedFile(_ body: (_ run: Int, _ directory: String, _ name: String) -> Bool) -> Bool {
    guard let committed = try? head().run else { return false }
    for n in stride(from: 1, through: committed, by: 1) {
      let dir = runPath(n)
      guard let m = FileBytes.read(dir + "/manifest") else { return false }
      for line in String(decoding: m, as: UTF8.self).split(separator: "\n") where line.hasPrefix("file ") {
        let parts = line.split(separator: " ")
        guard parts.count == 4, body(n, dir, String(parts[1])) else { return false }
      }
    }
    return true
  }
}
