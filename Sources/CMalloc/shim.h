// glibc's allocator settings (mallopt), which Swift's Glibc module does not include.
#ifndef STOCKLEDGER_CMALLOC_SHIM_H
#define STOCKLEDGER_CMALLOC_SHIM_H
#if defined(__linux__)
#include <malloc.h>
#endif
#endif
