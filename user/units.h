/* SPDX-License-Identifier: GPL-2.0 */
/* Time and sizes, and how they are shown. */
#ifndef TCPTRAIL_UNITS_H
#define TCPTRAIL_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "term.h"

/* Nanoseconds in a microsecond, millisecond, second. */
#define TT_NSEC_PER_USEC	1000ULL
#define TT_NSEC_PER_MSEC	1000000ULL
#define TT_NSEC_PER_SEC		1000000000ULL

/* Room for a formatted duration or time of day. */
#define TT_TIME_LEN		32
/* Room for a formatted byte count. */
#define TT_SIZE_LEN		24

/* A duration in the unit that suits it: "812 ns", "3.41 µs", "12.3 ms", "1.50 s", "2m05s". */
void tt_format_duration(uint64_t ns, char *buf, size_t len);
/* A byte count: "812 B", "12.3 KiB", "1.50 MiB", ... */
void tt_format_bytes(uint64_t bytes, char *buf, size_t len);
/* A CLOCK_MONOTONIC timestamp as local wall-clock time: "14:03:12.123456". */
void tt_format_time_of_day(uint64_t mono_ns, char *buf, size_t len);
/*
 * The same at p (at most TT_TIME_LEN bytes), for lines built by hand: the
 * clocks are read again only after tt_time_of_day_resync() (once a batch).
 */
char *tt_put_time_of_day(char *p, uint64_t mono_ns);
void tt_time_of_day_resync(void);

/* The current CLOCK_MONOTONIC time in nanoseconds. */
uint64_t tt_monotonic_ns(void);

#endif
