import Foundation
import StockCore

#if canImport(Glibc)
  import Glibc
#endif

/// A file taken from the inbox: its bytes as read and their SHA-256.
struct PickedFile {
  var name: String
  var path: String
  var bytes: [UInt8]
  var sha256: String
}

/// Lists the inbox as SPEC §5.1 says: regular `*.csv` / `*.xml` files in name order; hidden, `*.part`,
/// `*.tmp`, `*~`, symlinks and non-regular files skipped; files younger than `minAge` or changing while
/// read are left for the next run.
enum Pickup {
  static func scan(inbox: String, minAge: Double, now: Date = Date()) -> (files: [PickedFile], leftInInbox: [String]) {
    var picked: [PickedFile] = []
    var left: [String] = []
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: inbox) else { return ([], []) }
    for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
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
      guard let data = FileManager.default.contents(atPath: path) else {
        left.append("\(name): cannot be read; left in the inbox")
        continue
      }
      var st2 = stat()
      guard lstat(path, &st2) == 0, st2.st_size == st.st_size, st2.st_mtim.tv_sec == st.st_mtim.tv_sec,
        st2.st_mtim.tv_nsec == st.st_mtim.tv_nsec, Int(st.st_size) == data.count
      else {
        left.append("\(name): changed while it was read (still being written?); left for the next run")
        continue
      }
      let bytes = [UInt8](data)
      var h = SHA256()
      bytes.withUnsafeBytes { h.update($0) }
      picked.append(PickedFile(name: name, path: path, bytes: bytes, sha256: h.finalizeHex()))
    }
    return (picked, left)
  }
}
