extension Substring {
  /// Calls `body` with the text's UTF-8 bytes: in place when they are contiguous (always, for text read
  /// from files), else a copy. The parsers of numbers, dates and times read fields through it.
  @inlinable public func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let r = utf8.withContiguousStorageIfAvailable(body) { return r }
    return Array(utf8).withUnsafeBufferPointer(body)
  }
}
