/*
 * Numbers as reports write them, for people: counts with thousands
 * separators, byte sizes in binary units. The buffer is the caller's.
 */
#ifndef DT_FMT_H
#define DT_FMT_H

#include <stdint.h>

/* 1234567 -> "1,234,567"; returns buf. */
const char *fmt_count(uint64_t v, char buf[32]);
/* 1536 -> "1.5 KiB"; returns buf. */
const char *fmt_bytes(uint64_t v, char buf[32]);
/* A yyyymmdd date as "YYYY-MM-DD", or "-" for 0; returns out. */
const char *fmt_ymd(int ymd, char out[16]);

#endif
