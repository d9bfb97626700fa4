// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <langinfo.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/tcptrail.h>
#include <tcptrail/names.h>

#include "format.h"
#include "json.h"


static const char *const state_names[TCPTRAIL_NR_STATES] = {
	TCPTRAIL_STATE_NAMES(TCPTRAIL_NAME_ENTRY)
};

const char *tt_state_name(unsigned int state, char buf[TT_STATE_NAME_LEN])
{
	if (state < TCPTRAIL_NR_STATES && state_names[state])
		return state_names[state];
	snprintf(buf, TT_STATE_NAME_LEN, "STATE_%u", state);
	return buf;
}

int tt_state_parse(const char *s)
{
	unsigned long state;
	char *end;

	if (strncasecmp(s, "TCP_", 4) == 0)
		s += 4;
	for (state = 0; state < TCPTRAIL_NR_STATES; state++)
		if (state_names[state] && strcasecmp(s, state_names[state]) == 0)
			return state;
	if (strncasecmp(s, "STATE_", 6) == 0)
		s += 6;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	state = strtoul(s, &end, 10);
	if (errno || *end || state > 255)
		return -EINVAL;
	return state;
}

#define NAME_OF(names, n) \
	((n) < sizeof(names) / sizeof((names)[0]) ? (names)[n] : NULL)

const char *tt_kind_name(unsigned int kind, char buf[TT_STATE_NAME_LEN])
{
	static const char *const names[] = {
		TCPTRAIL_KIND_NAMES(TCPTRAIL_NAME_ENTRY)
	};
	const char *name = NAME_OF(names, kind);

	if (name)
		return name;
	snprintf(buf, TT_STATE_NAME_LEN, "kind_%u", kind);
	return buf;
}

const char *tt_reason_name(unsigned int reason, char buf[TT_STATE_NAME_LEN])
{
	static const char *const names[] = {
		TCPTRAIL_REASON_NAMES(TCPTRAIL_NAME_ENTRY)
	};
	const char *name = NAME_OF(names, reason);

	/* NONE: no reason to show. */
	if (reason == TCPTRAIL_REASON_NONE)
		return NULL;
	if (name)
		return name;
	snprintf(buf, TT_STATE_NAME_LEN, "reason_%u", reason);
	return buf;
}

const char *tt_family_name(unsigned int family, char buf[TT_STATE_NAME_LEN])
{
	if (family == AF_INET)
		return "ipv4";
	if (family == AF_INET6)
		return "ipv6";
	snprintf(buf, TT_STATE_NAME_LEN, "af%u", family);
	return buf;
}

/* Dotted quad by hand: glibc's inet_ntop() goes through sprintf(). */
static void format_ipv4(const uint8_t *addr, char buf[INET_ADDRSTRLEN])
{
	char *p = buf;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned int b = addr[i];

		if (i)
			*p++ = '.';
		if (b >= 100)
			*p++ = '0' + b / 100;
		if (b >= 10)
			*p++ = '0' + b / 10 % 10;
		*p++ = '0' + b % 10;
	}
	*p = '\0';
}

void tt_format_addr(unsigned int family, const uint8_t *addr, char *buf, size_t len)
{
	if (family != AF_INET6 && len >= INET_ADDRSTRLEN)
		format_ipv4(addr, buf);
	else if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, buf, len))
		snprintf(buf, len, "?");
}

void tt_format_endpoint(unsigned int family, const uint8_t *addr, uint16_t port,
			char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	tt_format_addr(family, addr, a, sizeof(a));
	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
}

static void json_addr(struct json_writer *w, unsigned int family,
		      const uint8_t *a, char buf[INET6_ADDRSTRLEN])
{
	if (!a) {
		json_null(w);
		return;
	}
	tt_format_addr(family, a, buf, INET6_ADDRSTRLEN);
	json_string(w, buf);
}

void tt_json_endpoints(struct json_writer *w, unsigned int family,
		       const uint8_t *saddr, uint16_t sport,
		       const uint8_t *daddr, uint16_t dport)
{
	char name[TT_STATE_NAME_LEN], addr[INET6_ADDRSTRLEN];

	json_kv_string(w, "family", tt_family_name(family, name));
	json_key(w, "saddr");
	json_addr(w, family, saddr, addr);
	json_kv_u64(w, "sport", sport);
	json_key(w, "daddr");
	json_addr(w, family, daddr, addr);
	json_kv_u64(w, "dport", dport);
}

bool tt_utf8_output(void)
{
	const char *codeset = nl_langinfo(CODESET);

	return codeset && strcasecmp(codeset, "UTF-8") == 0;
}

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

void tt_format_comm(const char *comm, size_t max, char buf[TT_COMM_LEN])
{
	size_t n = strnlen(comm, max), i;

	if (n > TT_COMM_LEN - 1)
		n = TT_COMM_LEN - 1;
	for (i = 0; i < n; i++)
		buf[i] = isprint((unsigned char)comm[i]) ? comm[i] : '?';
	buf[n] = '\0';
}

int tt_text_columns(const char *s)
{
	int columns = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			columns++;
	return columns;
}

void tt_print_padded(FILE *out, const char *s, int width)
{
	bool left = width < 0;
	int pad = (left ? -width : width) - tt_text_columns(s);

	if (left)
		fputs(s, out);
	while (pad-- > 0)
		fputc(' ', out);
	if (!left)
		fputs(s, out);
}

const char *tt_color(bool on, enum tt_color c)
{
	static const char *const codes[] = {
		[TT_COLOR_RESET]	= "\033[0m",
		[TT_COLOR_DIM]		= "\033[2m",
		[TT_COLOR_BOLD]		= "\033[1m",
		[TT_COLOR_RED]		= "\033[31m",
		[TT_COLOR_GREEN]	= "\033[32m",
		[TT_COLOR_YELLOW]	= "\033[33m",
		[TT_COLOR_BLUE]		= "\033[34m",
		[TT_COLOR_MAGENTA]	= "\033[35m",
		[TT_COLOR_CYAN]		= "\033[36m",
	};

	return on ? codes[c] : "";
}

enum tt_color tt_state_color(unsigned int state)
{
	switch (state) {
	case TCP_ESTABLISHED:
		return TT_COLOR_GREEN;
	case TCP_SYN_SENT:
	case TCP_SYN_RECV:
	case TCPTRAIL_TCP_NEW_SYN_RECV:
		return TT_COLOR_YELLOW;
	case TCP_LISTEN:
		return TT_COLOR_BLUE;
	case TCP_CLOSE:
		return TT_COLOR_RED;
	default:
		return TT_COLOR_MAGENTA;
	}
}

bool tt_color_wanted(bool no_color_flag)
{
	const char *no_color = getenv("NO_COLOR");

	if (no_color_flag || (no_color && *no_color))
		return false;
	return isatty(STDOUT_FILENO);
}

unsigned int tt_terminal_columns(void)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;

	if (!isatty(STDOUT_FILENO))
		return 80;
	if (env) {
		char *end;
		unsigned long cols = strtoul(env, &end, 10);

		if (end != env && !*end && cols >= 20 && cols <= 1000)
			return cols;
	}
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

int tt_output_status(FILE *out)
{
	int err;

	if (!ferror(out))
		return 0;
	err = errno ? -errno : -EIO;
	if (err != -EPIPE)
		fprintf(stderr, "tcptrail: cannot write the output: %s\n", strerror(-err));
	return err;
}

int tt_json_missed(bool json, struct json_writer *w, uint64_t n)
{
	if (!json)
		return 0;
	json_missed_line(w, n);
	return tt_output_status(w->out);
}

int tt_flush(FILE *out)
{
	if (!ferror(out)) {
		errno = 0;
		fflush(out);
	}
	return tt_output_status(out);
}
