// libxml2 for Swift (the GRDB systemLibrary pattern). Needs libxml2-dev (pkg-config libxml-2.0).
#ifndef STOCKLEDGER_CLIBXML2_SHIM_H
#define STOCKLEDGER_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU; its headers would then pull in ICU's, which clash with the ICU copy inside
// swift-corelibs-foundation when a Swift module imports both. We use no ICU-dependent libxml2 API (only
// pointers to encoding handlers), so the ICU parts of the headers are left out.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>

// xmlFree is a C global variable, which Swift 6 rejects as not concurrency-safe.
static inline void cxml_free(void *p) { xmlFree(p); }
#endif
