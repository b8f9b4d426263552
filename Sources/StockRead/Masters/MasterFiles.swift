import Foundation
import StockCore

/// The master data folder's files as one run reads them: every regular file's name and bytes, read once,
/// so that the masters (``MasterReader/read(_:)``), the digest the head snapshot keeps (``digest``) and the
/// record digests (``MasterRecords``) all describe the same bytes, whatever changes in the folder meanwhile.
public struct MasterFiles: Sendable {
  /// The folder, for messages.
  public let directory: String
  /// Whether the folder exists.
  public let exists: Bool
  /// File name → bytes, for every regular file of the folder.
  public let bytes: [String: [UInt8]]

  /// Reads every regular file of `directory` (master data is small: a few hundred kilobytes for 5,000
  /// items).
  /// - Complexity: O(bytes of the folder's files).
  public static func read(directory: String) -> MasterFiles {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue
    var bytes: [String: [UInt8]] = [:]
    for name in (exists ? (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] : []) {
      if let b = FileBytes.read(directory + "/" + name) { bytes[name] = b }
    }
    return MasterFiles(directory: directory, exists: exists, bytes: bytes)
  }

  public init(directory: String, exists: Bool = true, bytes: [String: [UInt8]]) {
    self.directory = directory
    self.exists = exists
    self.bytes = bytes
  }

  /// SHA-256 (hex) over every file's name, size and content, in name order: equal digests, equal files.
  /// - Complexity: O(bytes of the files).
  public var digest: String {
    var h = SHA256()
    for name in bytes.keys.sorted() {
      let b = bytes[name] ?? []
      h.update(Array("\(name)\u{0}\(b.count)\u{0}".utf8))
      h.update(b)
    }
    return h.finalizeHex()
  }
}
