// What the C library and compiler offer that Swift's Glibc module does not: the allocator's settings
// (mallopt), a search for bytes in bytes (memmem), a prefetch hint, a 128-by-64-bit division in one
// instruction, a thread's scheduling priority (it has neither gettid nor a usable syscall), and atomic
// operations on plain words.
#ifndef STOCKLEDGER_CSYSTEM_SHIM_H
#define STOCKLEDGER_CSYSTEM_SHIM_H
#if defined(__linux__)
#include <malloc.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
/// The calling thread's nice value (on Linux a priority is per thread).
static inline int stockledger_thread_nice(void) { return getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid)); }
/// Lowers the calling thread's priority by `by` from where it is (a process started under `nice` keeps
/// its offset; lowering needs no privilege). Returns 0, or -1 with errno set.
static inline int stockledger_lower_this_thread(int by) {
  return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), stockledger_thread_nice() + by);
}
#endif

#include <stddef.h>
/// The first place of `needle` in `haystack`, or NULL (the C library's `memmem`, a GNU and BSD extension
/// that Swift's Glibc module leaves out).
extern void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen);

#include <stdint.h>
/// `(high · 2⁶⁴ + low) ÷ divisor`, and its remainder in `*remainder`: one `divq` on x86-64, where a
/// 128-bit division in Swift is a call into the compiler's runtime library that divides in steps (the quotient
/// and the remainder were two such calls). Precondition: `high < divisor` (the quotient fits in 64 bits).
static inline uint64_t stockledger_divide_wide(uint64_t high, uint64_t low, uint64_t divisor, uint64_t *remainder) {
#if defined(__x86_64__)
  uint64_t quotient, rest;
  __asm__("divq %[d]" : "=a"(quotient), "=d"(rest) : [d] "rm"(divisor), "a"(low), "d"(high) : "cc");
  *remainder = rest;
  return quotient;
#else
  unsigned __int128 n = ((unsigned __int128)high << 64) | low;
  *remainder = (uint64_t)(n % divisor);
  return (uint64_t)(n / divisor);
#endif
}

/// A word read with acquire ordering, and a word's compare-and-swap with acquire-release ordering (1 when it
/// swapped): for a table of words in memory `calloc` zeroed, which needs no pass to initialise Swift atomics
/// and whose pages are touched only where slots are used (``InternedName``).
static inline uintptr_t stockledger_load_acquire(const uintptr_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline int stockledger_compare_and_swap(uintptr_t *p, uintptr_t expected, uintptr_t desired) {
  return __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/// Asks the CPU to bring the cache line at `p` in for reading, without waiting for it (a hint: any address,
/// mapped or not, is allowed).
static inline void stockledger_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }
#endif
