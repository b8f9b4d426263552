import Foundation

/// A new empty directory under the system's temporary directory, named `prefix-UUID`.
func temporaryDirectory(_ prefix: String) -> String {
  let d = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
  try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
  return d
}
