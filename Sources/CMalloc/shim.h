// glibc's allocator settings (mallopt), which Swift's Glibc module does not include, and a prefetch hint.
#ifndef STOCKLEDGER_CMALLOC_SHIM_H
#define STOCKLEDGER_CMALLOC_SHIM_H
#if defined(__linux__)
#include <malloc.h>
#endif

/// Asks the CPU to bring the cache line at `p` in for reading, without waiting for it (a hint: any address,
/// mapped or not, is allowed).
static inline void stockledger_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }
#endif
