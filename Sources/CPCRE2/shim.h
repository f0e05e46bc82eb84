#ifndef CPCRE2_SHIM_H
#define CPCRE2_SHIM_H
// pcre2.h refuses to compile unless the code unit width is chosen first, and Swift's
// Clang importer does not see cSettings defines: the header must carry it.
#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

// Cast macros Swift cannot import.
static inline size_t cpcre2_unset(void) { return PCRE2_UNSET; }
#endif
