// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

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
