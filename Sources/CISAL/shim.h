#ifndef CISAL_SHIM_H
#define CISAL_SHIM_H
// ISA-L's inflate: an optional, faster backend of InflateStream (see Package.swift).
#include <isa-l/igzip_lib.h>
#endif
