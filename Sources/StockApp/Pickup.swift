import Foundation
import StockCore
import StockRead

#if canImport(Glibc)
  import Glibc
#endif

/// A file listed in the inbox for this run: where it is, and the size and modification time it had then.
struct InboxFile {
  var name: String
  var path: String
  var size: Int
  var mtime: timespec

  /// Whether the file is read as XML (its name ends `.xml`); else as CSV (the inbox takes nothing else).
  var isXML: Bool { Pickup.isXML(name) }

  /// True when the file still has the size and modification time it had when it was listed.
  var isUnchanged: Bool {
    var st = stat()
    return lstat(path, &st) == 0 && Int(st.st_size) == size && st.st_mtim.tv_sec == mtime.tv_sec && st.st_mtim.tv_nsec == mtime.tv_nsec
  }
}

/// A file taken from the inbox: where it is, the SHA-256 of the bytes read, and the size and modification
/// time it had when it was listed, so a change while it is processed can be noticed.
struct PickedFile {
  var name: String
  var path: String
  var sha256: String
  var size: Int
  var mtime: timespec

  /// Whether the file is read as XML (``InboxFile/isXML``).
  var isXML: Bool { Pickup.isXML(name) }

  /// True when the file still has the size and modification time it had when it was listed.
  var isUnchanged: Bool { InboxFile(name: name, path: path, size: size, mtime: mtime).isUnchanged }
}

extension PickedFile {
  /// A listed file, hashed.
  init(_ f: InboxFile, sha256: String) { self.init(name: f.name, path: f.path, sha256: sha256, size: f.size, mtime: f.mtime) }
}

/// Lists the inbox as SPEC §5.1 says: regular `*.csv` / `*.xml` files in name order; hidden, `*.part`,
/// `*.tmp`, `*~`, symlinks and non-regular files skipped; files younger than `minAge` are left for the
/// next run. Files are hashed as they are read (``load(_:)``), not here: a file read twice, once to hash
/// it and once to parse it, cost its hashing on one core while the other idled.
enum Pickup {
  /// Whether a file of this name is read as XML: its name ends `.xml`, in any case.
  static func isXML(_ name: String) -> Bool { name.lowercased().hasSuffix(".xml") }

  static func scan(inbox: String, minAge: Double, now: Date = Date()) -> (files: [InboxFile], leftInInbox: [String]) {
    var listed: [InboxFile] = []
    var left: [String] = []
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: inbox) else { return ([], []) }
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
      listed.append(InboxFile(name: name, path: path, size: Int(st.st_size), mtime: st.st_mtim))
    }
    return (listed, left)
  }

  /// A listed file read, with its bytes when it is CSV (read once, hashed on the other core as it
  /// arrives, the hash finished while the caller parses them: ``Loaded/file`` waits for it); an XML file
  /// hashed, then streamed by its reader. Or why it is left in the inbox.
  static func load(_ f: InboxFile) -> Result<Loaded, LeftInInbox> {
    let csv = !f.isXML
    var bytes: InboxBytes?
    let digest: FileDigest, count: Int
    if csv, let mapped = FileBytes.mapStartingHash(f.path) {
      (bytes, digest, count) = (.mapped(mapped.file), mapped.digest, mapped.file.buffer.count)
    } else if csv, let read = FileBytes.readStartingHash(f.path) {
      (bytes, digest, count) = (.read(read.bytes), read.digest, read.bytes.count)
    } else if !csv, let hashed = FileBytes.sha256(f.path) {
      (digest, count) = (FileDigest(sha256: hashed.sha256), hashed.bytes)
    } else {
      return .failure(LeftInInbox(note: "\(f.name): cannot be read (\(String(cString: strerror(errno)))); left in the inbox"))
    }
    guard count == f.size, f.isUnchanged else {
      return .failure(LeftInInbox(note: "\(f.name): changed while it was read (still being written?); left for the next run"))
    }
    return .success(Loaded(listed: f, bytes: bytes, digest: digest))
  }

  /// A file read from the inbox: its bytes (CSV) and the SHA-256 of exactly those.
  struct Loaded {
    let listed: InboxFile
    /// The bytes of a CSV file (nil for XML, which its reader streams).
    var bytes: InboxBytes?
    let digest: FileDigest
    /// The file as picked, with its hash (waited for: the caller reads the bytes first).
    var file: PickedFile { PickedFile(listed, sha256: digest.sha256) }
  }

  /// A CSV file's bytes as loaded: mapped where they lie (``MappedFile``), or read into an array where
  /// the file system does not map files.
  enum InboxBytes: Sendable {
    case mapped(MappedFile)
    case read([UInt8])

    var count: Int {
      switch self {
      case .mapped(let m): m.buffer.count
      case .read(let a): a.count
      }
    }

    /// Reads the bytes in place.
    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
      switch self {
      case .mapped(let m): body(m.buffer)
      case .read(let a): a.withUnsafeBufferPointer(body)
      }
    }

    /// Whether the file shrank while it was mapped (``MappedFile/wasCut``): what was read is not the file.
    var wasCut: Bool {
      if case .mapped(let m) = self { return m.wasCut }
      return false
    }
  }

  /// A file not taken this run, and the note that says why.
  struct LeftInInbox: Error {
    var note: String
  }
}
