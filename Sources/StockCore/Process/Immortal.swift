/// Objects a run keeps to its end, made immortal: the Swift runtime then neither counts their references
/// nor frees them, so a copy of one (a voucher handed to the engine, the masters to a call) is a read of its
/// header instead of an atomic write to it.
///
/// An atomic increment or decrement is the dearest instruction a voucher's path has on this machine (the
/// lock of `lock cmpxchg` was three quarters of the samples of `swift_retain` and `swift_release`, which were
/// a sixth of the posting core's); a 100k run made about six million of them, most on the vouchers the run
/// holds and on its masters (BENCHMARKS.md, "Run-long objects made immortal").
///
/// Only for what lives to the end of the process anyway: the vouchers a run's shelf holds as values (at
/// most ``VoucherShelf/holding``: those past the budget are encoded and freed) and the master data. Their
/// memory is the process's until it exits: an immortal object is never deinitialized. Mutating an immortal
/// object's value through copy-on-write copies it first (it is never known to be uniquely referenced), as
/// for any shared value, so the semantics of value types holding one do not change.
///
/// Uses the runtime's own `_swift_stdlib_immortalize`, which marks the reference count word immortal by
/// or-ing its flags into it. The runtime's release takes the immortal path only while the word stays
/// negative after a decrement, so the word needs a strong count above zero when it is marked: the object is
/// retained twice first (an object marked with a count of zero became mortal again at its first release, with
/// a count that never reaches zero: leaked, and counted atomically as before).
public enum Immortal {
  /// Makes `object` immortal: never freed, its references no longer counted.
  /// - Complexity: O(1), three atomic operations on the object's header.
  @inlinable public static func make(_ object: AnyObject) { make(at: Unmanaged.passUnretained(object).toOpaque()) }

  /// Makes the object at `address` immortal (an address of a live Swift object, read where a reference
  /// lies without retaining it).
  /// - Complexity: O(1), three atomic operations on the object's header.
  @inlinable public static func make(at address: UnsafeMutableRawPointer) {
    _ = Unmanaged<AnyObject>.fromOpaque(address).retain().retain()
    _stockledgerImmortalize(address)
  }

  /// Whether `object` is immortal: its reference count word negative and its low half all ones, as the
  /// runtime tells an immortal object (for tests).
  public static func isImmortal(_ object: AnyObject) -> Bool {
    let word = Unmanaged.passUnretained(object).toOpaque().load(fromByteOffset: MemoryLayout<UInt>.size, as: UInt64.self)
    return word >> 63 == 1 && word & 0xFFFF_FFFF == 0xFFFF_FFFF
  }
}

/// The runtime's entry (exported by the standard library for its own immortal objects).
@usableFromInline @_silgen_name("_swift_stdlib_immortalize")
func _stockledgerImmortalize(_ object: UnsafeMutableRawPointer)
