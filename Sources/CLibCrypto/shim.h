// OpenSSL's libcrypto for Swift (the GRDB systemLibrary pattern). Needs libssl-dev (pkg-config libcrypto).
// Only SHA-256 is used: libcrypto picks the CPU's SHA extensions or AVX2 code at run time, about 1.4 GB/s
// on the project's machine against 250 MB/s for the portable Swift code it replaced (BENCHMARKS.md).
#ifndef STOCKLEDGER_CLIBCRYPTO_SHIM_H
#define STOCKLEDGER_CLIBCRYPTO_SHIM_H
// The SHA256_* functions are deprecated in OpenSSL 3 in favour of EVP, whose context is a heap object; the
// plain context struct gives Swift a value type that copies like the digest state it is. They remain in 3.x.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
#include <stddef.h>

static inline void csha256_init(SHA256_CTX *c) { SHA256_Init(c); }
static inline void csha256_update(SHA256_CTX *c, const void *p, size_t n) { SHA256_Update(c, p, n); }
static inline void csha256_final(SHA256_CTX *c, unsigned char out[32]) { SHA256_Final(out, c); }
#endif
