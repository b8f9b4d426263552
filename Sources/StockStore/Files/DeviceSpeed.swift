import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// How fast the device takes the process's direct writes, from the writes themselves: whether the files
/// nobody fsyncs are better through the page cache (``StreamedFile``'s `cachingWhenBehind`).
///
/// The device's busy time is kept: the time during which at least one direct write of the process was
/// under way (its writer's `pwrite` calls, timed by the monotonic clock; nothing of it reaches a file),
/// overlapping writes counted once. The device is slow once at least ``minimumBytes`` were written
/// directly and it was busy ``slowNanosPerMiB`` or more per mebibyte of them: what the page cache would
/// cost the kernel in copying. Then waiting for the device costs the run more than the cache would, and
/// the head reports' bytes take the device from the ledger's files, whose fsyncs the run waits for at its
/// end.
///
/// All the files, because a device is as slow as their sum: on a disk capped at 150 MB/s (a cloud volume's
/// cap, or a throttled one) each file's writes mostly went at once and a few waited 45–195 ms for the cap,
/// so no one file fell behind its maker, yet the commit's fsyncs waited for the head reports' bytes
/// (127–134 ms against 66–74 ms with the head reports through the cache). Busy time, not the writes' times
/// added up: four files written at once on a disk writing 1.5 GB/s each wait for the others' blocks too,
/// and their times added up came near 3 ms per MiB where the device took 0.7. Not the slowest writes: on a
/// machine whose two cores are busy, a writer waiting for a core on its way back from the device made
/// single writes look slow (up to 5.75 ms per MiB).
///
/// A cap that lets its first tens of megabytes through at the disk's speed (the kernel's blk-throttle let
/// 28–42 MiB through at 150 MB/s) is seen only once it holds writes back: a 100k run under it took 0.34 s,
/// against 0.26 s with the rule before this one, which sent the head reports through the cache from the
/// start on any disk (and cost a second of kernel CPU at a million vouchers on a fast one).
public final class DeviceSpeed: @unchecked Sendable {
  /// The process's device (a run's files are in one books directory).
  static let shared = DeviceSpeed()
  /// Bytes written directly before the device is judged.
  static let minimumBytes: UInt64 = 8 << 20
  /// Busy time per mebibyte from which the device is slow: 3 ms (333 MiB/s), about what the page cache
  /// cost the kernel per MiB on this project's machines (copying into fresh pages: a second of CPU for the
  /// 380 MB a million-voucher run put through the cache).
  static let slowNanosPerMiB: UInt64 = 3_000_000

  private let clock: @Sendable () -> UInt64
  private let lock = NSLock()
  /// Under `lock`: writes under way, since when the device has been busy with them, the busy time of
  /// the stretches before, and the bytes written.
  private var underWay = 0
  private var busySince: UInt64 = 0
  private var busy: UInt64 = 0
  private var bytes: UInt64 = 0

  /// - Parameter clock: nanoseconds on a monotonic clock (tests give their own).
  init(clock: @escaping @Sendable () -> UInt64 = DeviceSpeed.now) {
    self.clock = clock
  }

  /// A direct write starts: the device is busy from now, if it was not.
  /// - Complexity: O(1), under a lock.
  func started() {
    lock.lock()
    if underWay == 0 { busySince = clock() }
    underWay += 1
    lock.unlock()
  }

  /// A direct write that ``started()`` is done, `count` bytes written (0 when it failed).
  /// - Complexity: O(1), under a lock.
  func finished(bytes count: Int) {
    lock.lock()
    underWay -= 1
    if underWay == 0 { busy &+= clock() &- busySince }
    bytes &+= UInt64(max(count, 0))
    lock.unlock()
  }

  /// Whether at least ``minimumBytes`` were written and the device was busy ``slowNanosPerMiB`` or more
  /// per MiB of them (the stretch under way counted to now).
  var isSlow: Bool {
    let (b, t) = recorded
    return b >= DeviceSpeed.minimumBytes && t >= (b &* DeviceSpeed.slowNanosPerMiB) >> 20
  }

  /// For `STOCKLEDGER_TIMINGS`: the process's direct writes, the device's busy time per MiB of them, and
  /// whether it is judged slow.
  public static var timing: String {
    let (b, t) = shared.recorded
    let perMiB = b == 0 ? 0 : Double(t) / 1e6 / (Double(b) / 1_048_576)
    return "device: \(b >> 20) MiB written directly, busy \(t / 1_000_000) ms (\((perMiB * 100).rounded() / 100) ms per MiB, \(shared.isSlow ? "slow" : "not slow"))"
  }

  /// The bytes written and the device's busy nanoseconds so far (the stretch under way counted to now).
  var recorded: (bytes: UInt64, busy: UInt64) {
    lock.lock()
    defer { lock.unlock() }
    return (bytes, underWay > 0 ? busy &+ (clock() &- busySince) : busy)
  }

  /// Nanoseconds on the monotonic clock (for timing writes only).
  @Sendable static func now() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
  }
}
