#if canImport(Glibc)
  import Glibc
#endif

/// Pages of memory faulted in ahead of a writer, by another thread.
public enum Pages {
  /// `madvise`'s `MADV_POPULATE_WRITE` (Linux 5.14), which Swift's Glibc module does not export.
  static let populateWrite: Int32 = 23

  /// Faults in, writable, the pages wholly inside the `count` bytes at `address` (`MADV_POPULATE_WRITE`),
  /// without touching their contents (which may be uninitialised, or being written by another thread):
  /// the caller's core pays for zeroing the fresh pages a writer is about to fill. Does nothing where the
  /// kernel cannot, nor for memory no longer mapped.
  /// - Complexity: O(pages), in the kernel.
  public static func populate(address: UInt, count: Int) {
    #if canImport(Glibc)
      advise(address: address, count: count, populateWrite)
    #endif
  }

  /// Lets go of the pages wholly inside the `count` bytes at `address` of a read-only mapping of a file
  /// (`MADV_DONTNEED`): they leave the process's memory and stay in the page cache, and a later read faults
  /// them in again. For a mapping read once through, whose pages would otherwise count to the end.
  /// - Complexity: O(pages), in the kernel.
  public static func release(address: UInt, count: Int) {
    #if canImport(Glibc)
      advise(address: address, count: count, MADV_DONTNEED)
    #endif
  }

  /// `madvise(advice)` over the pages wholly inside the `count` bytes at `address`.
  private static func advise(address: UInt, count: Int, _ advice: Int32) {
    #if canImport(Glibc)
      let page = UInt(4096)
      let start = (address + page - 1) & ~(page - 1)
      let end = (address + UInt(max(0, count))) & ~(page - 1)
      guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
      _ = madvise(p, Int(end - start), advice)
    #endif
  }
}
