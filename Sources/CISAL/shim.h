#ifndef CISAL_SHIM_H
#define CISAL_SHIM_H
// ISA-L's inflate and CRC-32: an optional, faster backend of InflateStream and of the zip
// member checksum (see Package.swift).
#include <isa-l/igzip_lib.h>
#include <isa-l/crc.h>
// Its version macros (ISA-L exports no version function).
#include <isa-l.h>
#endif
