// What the C library and compiler offer that Swift's Glibc module does not: the allocator's settings
// (mallopt), a prefetch hint, and a thread's scheduling priority (it has neither gettid nor a usable syscall).
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

/// Asks the CPU to bring the cache line at `p` in for reading, without waiting for it (a hint: any address,
/// mapped or not, is allowed).
static inline void stockledger_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }
#endif
