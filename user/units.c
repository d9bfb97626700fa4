// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include <stdbool.h>
#include <time.h>

#include "linebuf.h"

#include "units.h"

/* Three significant digits: 1.23, 12.3, 123. */
static void format_scaled(double v, const char *unit, char *buf, size_t len)
{
	if (v < 9.995)
		snprintf(buf, len, "%.2f %s", v, unit);
	else if (v < 99.95)
		snprintf(buf, len, "%.1f %s", v, unit);
	else
		snprintf(buf, len, "%.0f %s", v, unit);
}

void tt_format_duration(uint64_t ns, char *buf, size_t len)
{
	uint64_t secs = ns / TT_NSEC_PER_SEC;

	if (ns < TT_NSEC_PER_USEC)
		snprintf(buf, len, "%" PRIu64 " ns", ns);
	else if (ns < 999500ULL)
		format_scaled((double)ns / TT_NSEC_PER_USEC,
			      tt_utf8_output() ? "µs" : "us", buf, len);
	else if (ns < 999500000ULL)
		format_scaled((double)ns / TT_NSEC_PER_MSEC, "ms", buf, len);
	else if (ns < 59995000000ULL)
		format_scaled((double)ns / TT_NSEC_PER_SEC, "s", buf, len);
	else if (secs < 3600)
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", secs / 60, secs % 60);
	else if (secs < 86400)
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m", secs / 3600, secs / 60 % 60);
	else
		snprintf(buf, len, "%" PRIu64 "d%02" PRIu64 "h", secs / 86400, secs / 3600 % 24);
}

void tt_format_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = {
		"KiB", "MiB", "GiB", "TiB", "PiB",
	};
	double v = bytes / 1024.0;
	size_t i = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return;
	}
	while (v >= 1023.5 && i + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		i++;
	}
	format_scaled(v, units[i], buf, len);
}

uint64_t tt_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * TT_NSEC_PER_SEC + ts.tv_nsec;
}

void tt_format_time_of_day(uint64_t mono_ns, char *buf, size_t len)
{
	struct timespec real;
	uint64_t now_real, wall;
	time_t secs;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &real);
	now_real = (uint64_t)real.tv_sec * TT_NSEC_PER_SEC + real.tv_nsec;
	wall = now_real - (tt_monotonic_ns() - mono_ns);
	secs = wall / TT_NSEC_PER_SEC;
	if (!localtime_r(&secs, &tm)) {
		snprintf(buf, len, "%" PRIu64, mono_ns);
		return;
	}
	snprintf(buf, len, "%02d:%02d:%02d.%06u", tm.tm_hour, tm.tm_min,
		 tm.tm_sec, (unsigned int)(wall % TT_NSEC_PER_SEC / TT_NSEC_PER_USEC));
}

/*
 * tt_put_time_of_day(): the offset from CLOCK_MONOTONIC to CLOCK_REALTIME,
 * read once per batch (tt_time_of_day_resync()), and the local time of the
 * minute last shown: localtime_r() once a minute, not once a line.
 */
static struct {
	bool have_offset;
	int64_t offset;		/* realtime - monotonic, ns */
	bool have_minute;
	time_t minute;		/* the first second of the minute in tm */
	struct tm tm;
} tod;

void tt_time_of_day_resync(void)
{
	tod.have_offset = false;
}

static char *put_2digits(char *p, unsigned int v)
{
	*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

char *tt_put_time_of_day(char *p, uint64_t mono_ns)
{
	unsigned int usec, i;
	uint64_t wall;
	time_t secs;

	if (!tod.have_offset) {
		struct timespec real;
		uint64_t now_real;

		clock_gettime(CLOCK_REALTIME, &real);
		now_real = (uint64_t)real.tv_sec * TT_NSEC_PER_SEC + real.tv_nsec;
		tod.offset = (int64_t)(now_real - tt_monotonic_ns());
		tod.have_offset = true;
	}
	wall = mono_ns + (uint64_t)tod.offset;
	secs = wall / TT_NSEC_PER_SEC;
	if (!tod.have_minute || secs < tod.minute || secs - tod.minute >= 60) {
		if (!localtime_r(&secs, &tod.tm)) {
			tod.have_minute = false;
			return tt_put_u64(p, mono_ns);
		}
		tod.minute = secs - tod.tm.tm_sec;
		tod.have_minute = true;
	}
	/* "%02d:%02d:%02d.%06u" */
	p = put_2digits(p, tod.tm.tm_hour);
	*p++ = ':';
	p = put_2digits(p, tod.tm.tm_min);
	*p++ = ':';
	p = put_2digits(p, (unsigned int)(secs - tod.minute));
	*p++ = '.';
	usec = (unsigned int)(wall % TT_NSEC_PER_SEC / TT_NSEC_PER_USEC);
	for (i = 6; i-- > 0; usec /= 10)
		p[i] = (char)('0' + usec % 10);
	return p + 6;
}
