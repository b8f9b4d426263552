import Foundation
import StockCore

#if canImport(Glibc)
  import Glibc
#endif

/// A file taken from the inbox: where it is, its SHA-256, and the size and modification time it had, so a
/// change while it is processed can be noticed.
struct PickedFile {
  var name: String
  var path: String
  var sha256: String
  var size: Int
  var mtime: timespec

  /// True when the file still has the size and modification time it had when it was hashed.
  var isUnchanged: Bool {
    var st = stat()
    return lstat(path, &st) == 0 && Int(st.st_size) == size && st.st_mtim.tv_sec == mtime.tv_sec && st.st_mtim.tv_nsec == mtime.tv_nsec
  }
}

/// Lists the inbox as SPEC §5.1 says: regular `*.csv` / `*.xml` files in name order; hidden, `*.part`,
/// `*.tmp`, `*~`, symlinks and non-regular files skipped; files younger than `minAge` or changing while
/// read are left for the next run. Hashing streams the file in 1 MiB chunks.
enum Pickup {
  static func scan(inbox: String, minAge: Double, now: Date = Date()) -> (files: [PickedFile], leftInInbox: [String]) {
    var picked: [PickedFile] = []
    var left: [String] = []
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: inbox) else { return ([], []) }
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    for name in names.sorted(by: { $0.precedesInByteOrder($1) }) {
      if name.hasPrefix(".") || name.hasSuffix(".part") || name.hasSuffix(".tmp") || name.hasSuffix("~") { continue }
      let lower = name.lowercased()
      guard lower.hasSuffix(".csv") || lower.hasSuffix(".xml") else { continue }
      let path = inbox + "/" + name
      var st = stat()
      guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
      let mtime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
      if minAge > 0 && now.timeIntervalSince1970 - mtime < minAge {
        left.append("\(name): younger than --min-age \(Int(minAge)) s; left for the next run")
        continue
      }
      let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
      guard fd >= 0 else {
        left.append("\(name): cannot be read (\(String(cString: strerror(errno)))); left in the inbox")
        continue
      }
      var h = SHA256()
      var total = 0
      var failed = false
      while true {
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n < 0 { failed = true; break }
        if n == 0 { break }
        total += n
        buffer.withUnsafeBytes { h.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
      }
      close(fd)
      let file = PickedFile(name: name, path: path, sha256: h.finalizeHex(), size: Int(st.st_size), mtime: st.st_mtim)
      if failed {
        left.append("\(name): read error; left in the inbox")
      } else if total != file.size || !file.isUnchanged {
        left.append("\(name): changed while it was read (still being written?); left for the next run")
      } else {
        picked.append(file)
      }
    }
    return (picked, left)
  }
}
