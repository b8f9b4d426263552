// glibc's allocator settings (mallopt), which Swift's Glibc module does not include, a prefetch hint, and a
// thread's scheduling priority (Swift's Glibc module has neither gettid nor a usable syscall).
#ifndef STOCKLEDGER_CMALLOC_SHIM_H
#define STOCKLEDGER_CMALLOC_SHIM_H
#if defined(__linux__)
#include <malloc.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
/// Sets the calling thread's nice value (on Linux a priority is per thread; raising it needs no privilege).
/// Returns 0, or -1 with errno set.
static inline int stockledger_nice_this_thread(int nice) { return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice); }
#endif

/// Asks the CPU to bring the cache line at `p` in for reading, without waiting for it (a hint: any address,
/// mapped or not, is allowed).
static inline void stockledger_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }
#endif
