import Dispatch
import Foundation
import StockCore

#if canImport(Glibc)
  import Glibc
#endif

/// Writes the blocks of one file on a thread of its own, one block at a time, while the caller fills the
/// next (``StreamedFile``): the caller's thread does not wait for the device (a direct write of a 4 MiB
/// block waits ~3 ms for it) nor copy into the page cache (2–4 ms of the kernel's CPU per megabyte on this
/// project's VM); the wait moves to where the caller needs its block back, usually long done by then.
///
/// The thread is started with the first block and stopped by ``stop()``, which the owner must call (the
/// thread holds the writer until then). Given `syncEvery`, a second thread syncs the file's data as it
/// is written (``Syncer``), also stopped by ``stop()``. One job at a time: ``submit(_:)`` only after ``wait()``.
/// A dedicated thread rather than a dispatch queue: the global queues' two workers may be busy with
/// ``Parallel`` work, and a block waiting behind it would stall the file's writer.
final class BlockWriter: @unchecked Sendable {
  /// A block to write at `offset`, and what came of it.
  struct Job {
    var block: UnsafeRawPointer
    var count: Int
    var offset: Int
    /// The file's hash so far, when it is hashed: updated with the block before it is written (in file
    /// order, as the owner holds no other bytes back) and handed back.
    var hasher: SHA256?
    /// For tests: the write fails as a file system that refuses direct I/O would make it fail.
    var refuse = false
    /// The `errno` of a write that failed, 0 if none.
    var error: Int32 = 0
    /// Whether the write failed with `EINVAL` before any byte was written: direct I/O refused; the owner
    /// writes the block again through the page cache.
    var refused = false
    /// The bytes written.
    var written = 0
    /// Whether the write is timed (a direct one, for ``DeviceSpeed``).
    var timed = false
  }

  private let fd: Int32
  /// Bytes written after which the file's data is synced (`fdatasync`) on a thread of its own while the
  /// writing goes on (``Syncer``); nil: never, the owner syncs the file once at its end.
  private let syncEvery: Int?
  /// Where the timed writes are timed (by the writer's thread, around each).
  private let device: DeviceSpeed?
  /// Bytes written since the last sync was asked for, and the thread that syncs: the writer's thread's own.
  private var unsynced = 0
  private var syncer: Syncer?
  /// Set by the owner before `start` is signalled, read and updated by the thread before it signals
  /// `done`, read by the owner after waiting for `done`: the semaphores order every access.
  private var job: Job?
  private var stopping = false
  private var started = false
  private var busy = false
  private let start = DispatchSemaphore(value: 0)
  private let done = DispatchSemaphore(value: 0)

  /// - Parameters:
  ///   - syncEvery: bytes after which the data written so far is synced beside the writing (a file the
  ///     owner fsyncs at its end, which then has little left to flush); nil: never.
  ///   - device: where the jobs that are timed are timed.
  init(fd: Int32, syncEvery: Int? = nil, device: DeviceSpeed? = nil) {
    self.fd = fd
    self.syncEvery = syncEvery
    self.device = device
  }

  /// Starts writing `job` on the writer's thread.
  func submit(_ job: Job) {
    precondition(!busy, "a block writer takes one job at a time")
    if !started {
      started = true
      let thread = Thread { [self] in self.serve() }
      thread.stackSize = 1 << 20
      thread.start()
    }
    self.job = job
    busy = true
    start.signal()
  }

  /// Waits for the job submitted last and gives it back with its outcome; nil when none is out.
  func wait() -> Job? {
    guard busy else { return nil }
    done.wait()
    busy = false
    defer { job = nil }
    return job
  }

  /// Waits for the job out, if any, and ends the thread (and the syncing thread, after its sync).
  func stop() {
    _ = wait()
    guard started else { return }
    stopping = true
    start.signal()
    done.wait()
    started = false
    if let s = syncer {
      s.stop()
      syncs += s.count
      if syncError == 0 { syncError = s.error }
    }
    syncer = nil
  }

  /// How many syncs beside the writing were made (for tests; after ``stop()``).
  private(set) var syncs = 0
  /// The `errno` of the first sync beside the writing that failed, 0 if none (after ``stop()``). The owner
  /// must report it: Linux reports a writeback error to each open file once, so the owner's own fsync of
  /// the file would not see it again.
  private(set) var syncError: Int32 = 0

  private func serve() {
    while true {
      start.wait()
      if stopping {
        done.signal()
        return
      }
      if var j = job {
        BlockWriter.run(&j, fd: fd, timedBy: j.timed ? device : nil)
        job = j
        if let every = syncEvery, j.error == 0, !j.refused {
          unsynced += j.written
          if unsynced >= every {
            unsynced = 0
            let s = syncer ?? Syncer(fd: fd)
            syncer = s
            s.request()
          }
        }
      }
      done.signal()
    }
  }

  /// Hashes and writes the job's block with `pwrite` until done; records the outcome. The writing (not
  /// the hashing) is timed by `device`, if given.
  static func run(_ job: inout Job, fd: Int32, timedBy device: DeviceSpeed? = nil) {
    job.hasher?.update(UnsafeRawBufferPointer(start: job.block, count: job.count))
    device?.started()
    defer { device?.finished(bytes: job.error == 0 && !job.refused ? job.written : 0) }
    while job.written < job.count {
      let n = job.refuse ? -1 : pwrite(fd, job.block + job.written, job.count - job.written, off_t(job.offset + job.written))
      let code = job.refuse ? EINVAL : errno
      if n < 0 && code == EINTR { continue }
      if n < 0 && code == EINVAL && job.written == 0 {
        job.refused = true
        return
      }
      if n <= 0 {
        job.error = n < 0 ? code : EIO
        return
      }
      job.written += n
    }
  }
}

/// Syncs a file's data (`fdatasync`) on a thread of its own while its writer goes on: on a VM whose disk
/// keeps writes in the host's cache, the fsync at a file's end flushes everything written since the last
/// one (60–90 ms for a 100k run's two ledger files, on its last stretch), and flushed as it goes, the file
/// has almost nothing left then. Asked again while a sync runs, it syncs once more after it, however often
/// it was asked.
final class Syncer: @unchecked Sendable {
  private let fd: Int32
  private let lock = NSLock()
  /// Under `lock`.
  private var asked = false
  private var stopping = false
  private(set) var count = 0
  /// The `errno` of the first sync that failed, 0 if none (read after ``stop()``).
  private(set) var error: Int32 = 0
  private let wake = DispatchSemaphore(value: 0)
  private let ended = DispatchSemaphore(value: 0)

  init(fd: Int32) {
    self.fd = fd
    let thread = Thread { [self] in self.serve() }
    thread.stackSize = 1 << 18
    thread.start()
  }

  /// Asks for a sync of what is written so far; does not wait.
  func request() {
    lock.lock()
    let wasAsked = asked
    asked = true
    lock.unlock()
    if !wasAsked { wake.signal() }
  }

  /// Waits for the sync under way and the one asked for, if any, and ends the thread.
  func stop() {
    lock.lock()
    stopping = true
    lock.unlock()
    wake.signal()
    ended.wait()
  }

  private func serve() {
    while true {
      wake.wait()
      lock.lock()
      let (go, stop) = (asked, stopping)
      asked = false
      lock.unlock()
      if go {
        if fdatasync(fd) != 0 && error == 0 { error = errno }
        count += 1
      }
      if stop { break }
    }
    ended.signal()
  }
}
