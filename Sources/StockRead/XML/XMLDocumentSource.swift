import CLibXML2

#if canImport(Glibc)
  import Glibc
#endif

/// A document libxml2 reads through callbacks (`xmlReaderForIO`) from pieces: bytes given, and ranges of a
/// file read with `pread` as the parser asks for them. A half of a voucher file is read this way as a
/// document of its own (``XMLVoucherReader/read(path:name:schema:splitFrom:)``), without a copy of it.
final class DocumentSource: @unchecked Sendable {
  enum Segment {
    case bytes([UInt8])
    /// A range of the file's bytes.
    case file(Range<Int>)
  }

  private let segments: [Segment]
  private let fd: Int32
  /// The segment being read, and how far into it.
  private var index = 0
  private var offset = 0
  /// Whether the file could not be opened, or gave fewer bytes than its range (it shrank).
  private(set) var failed = false

  init(path: String, segments: [Segment]) {
    fd = open(path, O_RDONLY | O_CLOEXEC)
    self.segments = segments
  }

  deinit { if fd >= 0 { close(fd) } }

  /// Fills `buffer` with up to `count` of the next bytes: how many, 0 at the end, -1 on a read error.
  func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int32 {
    while index < segments.count {
      switch segments[index] {
      case .bytes(let b) where offset < b.count:
        let n = min(count, b.count - offset)
        b.withUnsafeBytes { _ = memcpy(buffer, $0.baseAddress! + offset, n) }
        offset += n
        return Int32(n)
      case .file(let r) where offset < r.count:
        let n = pread(fd, buffer, min(count, r.count - offset), off_t(r.lowerBound + offset))
        guard n > 0 else {
          failed = true
          return -1
        }
        offset += n
        return Int32(n)
      default:
        index += 1
        offset = 0
      }
    }
    return 0
  }

  /// A reader of the document (nil when the file cannot be opened). The source must outlive it.
  func reader(options: Int32) -> xmlTextReaderPtr? {
    guard fd >= 0 else {
      failed = true
      return nil
    }
    return xmlReaderForIO(
      { context, buffer, count in
        guard let context, let buffer else { return -1 }
        return Unmanaged<DocumentSource>.fromOpaque(context).takeUnretainedValue().read(into: buffer, count: Int(count))
      }, { _ in 0 }, Unmanaged.passUnretained(self).toOpaque(), nil, nil, options)
  }
}
