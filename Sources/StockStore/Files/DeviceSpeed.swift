import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// How fast the device takes the process's direct writes, from the writes themselves: whether the files
/// nobody fsyncs are better through the page cache (``StreamedFile``'s `cachingWhenBehind`).
///
/// Every direct write's time is added up (its writer's monotonic clock around its `pwrite` calls; nothing
/// of it reaches a file), and the device is slow once the writes so far, at least ``minimumBytes`` of
/// them, took ``slowNanosPerMiB`` or more per mebibyte: what the page cache would cost the kernel in
/// copying. Then waiting for the device costs the run more than the cache would, and the head reports'
/// bytes take the device from the ledger's files, whose fsyncs the run waits for at its end.
///
/// All the files, added up, because a device is as slow as their sum: on a disk limited to 150 MB/s (a
/// cloud volume's cap, or a throttled one) each file's writes mostly went at once and a few waited 45–195
/// ms for the cap, so no one file fell behind its maker, yet the 100k run's writes took 6.7 ms per MiB in
/// all, and the commit's fsyncs waited for the head reports' bytes (127–134 ms against 66–74 ms with the
/// head reports through the cache). Not the slowest writes: on a disk writing 1.5–2 GB/s whose machine's
/// two cores were busy, a writer waiting for a core on its way back from the device made single writes
/// look slow (up to 5.75 ms per MiB), and the total stayed under 1.8 ms per MiB.
final class DeviceSpeed: Sendable {
  /// The process's device (a run's files are in one books directory).
  static let shared = DeviceSpeed()
  /// Bytes written directly before the device is judged.
  static let minimumBytes: UInt64 = 8 << 20
  /// Time per mebibyte from which the device is slow: 3 ms, about what the page cache cost the kernel
  /// per MiB on this project's machines (copying into fresh pages: a second of CPU for the 380 MB a
  /// million-voucher run put through the cache).
  static let slowNanosPerMiB: UInt64 = 3_000_000

  private let bytes = Atomic<UInt64>(0)
  private let nanos = Atomic<UInt64>(0)

  init() {}

  /// Adds a direct write of `count` bytes that took `time` nanoseconds.
  /// - Complexity: O(1), two atomic additions.
  func record(bytes count: Int, nanos time: UInt64) {
    bytes.add(UInt64(count), ordering: .relaxed)
    nanos.add(time, ordering: .relaxed)
  }

  /// Whether the direct writes so far, at least ``minimumBytes`` of them, took ``slowNanosPerMiB`` or more
  /// per MiB. A hint: read without ordering while writers add to it.
  var isSlow: Bool {
    let b = bytes.load(ordering: .relaxed)
    return b >= DeviceSpeed.minimumBytes && nanos.load(ordering: .relaxed) >= (b &* DeviceSpeed.slowNanosPerMiB) >> 20
  }

  /// The bytes and nanoseconds added up so far (for tests).
  var recorded: (bytes: UInt64, nanos: UInt64) { (bytes.load(ordering: .relaxed), nanos.load(ordering: .relaxed)) }

  /// Nanoseconds on the monotonic clock (for timing writes only).
  static func now() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
  }
}
