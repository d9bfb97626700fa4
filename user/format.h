/* SPDX-License-Identifier: GPL-2.0 */
/* How tcptrail shows things to humans (and names them in JSON). */
#ifndef TCPTRAIL_FORMAT_H
#define TCPTRAIL_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <tcptrail/names.h>

/* Nanoseconds in a microsecond, millisecond, second. */
#define TT_NSEC_PER_USEC	1000ULL
#define TT_NSEC_PER_MSEC	1000000ULL
#define TT_NSEC_PER_SEC		1000000000ULL

/* Room for any state name, including "STATE_255". */
#define TT_STATE_NAME_LEN	16
/* Room for "[<IPv6 address>]:<port>". */
#define TT_ENDPOINT_LEN		(46 + 8)
/* Room for a formatted duration or time of day. */
#define TT_TIME_LEN		32
/* Room for a formatted byte count. */
#define TT_SIZE_LEN		24
/* Room for a sanitised comm: 15 bytes + NUL. */
#define TT_COMM_LEN		17

/* The state as the kernel spells it without TCP_, or "STATE_<n>". */
const char *tt_state_name(unsigned int state, char buf[TT_STATE_NAME_LEN]);
/* A state name (any case, "TCP_" prefix optional) or number: state, or -EINVAL. */
int tt_state_parse(const char *s);

/* tcptrail_record.kind: "state", "timewait", "reset", "accept", "totals"
 * (or "kind_<n>"); JSON's spelling too.
 */
const char *tt_kind_name(unsigned int kind, char buf[TT_STATE_NAME_LEN]);
/* tcptrail_record.reason: "expired", "reused", "connect-reuse", ...,
 * NULL for none (or "reason_<n>"); JSON's spelling too.
 */
const char *tt_reason_name(unsigned int reason, char buf[TT_STATE_NAME_LEN]);

/* "ipv4", "ipv6" (or "af<n>"): JSON's spelling too. */
const char *tt_family_name(unsigned int family, char buf[TT_STATE_NAME_LEN]);

void tt_format_addr(unsigned int family, const uint8_t *addr, char *buf, size_t len);
/* "1.2.3.4:80", "[2001:db8::1]:80". */
void tt_format_endpoint(unsigned int family, const uint8_t *addr, uint16_t port,
			char *buf, size_t len);

/* A duration in the unit that suits it: "812 ns", "3.41 µs", "12.3 ms", "1.50 s", "2m05s". */
void tt_format_duration(uint64_t ns, char *buf, size_t len);
/* A byte count: "812 B", "12.3 KiB", "1.50 MiB", ... */
void tt_format_bytes(uint64_t bytes, char *buf, size_t len);
/* A CLOCK_MONOTONIC timestamp as local wall-clock time: "14:03:12.123456". */
void tt_format_time_of_day(uint64_t mono_ns, char *buf, size_t len);

/* comm without its control characters, NUL-terminated. */
void tt_format_comm(const char *comm, size_t max, char buf[TT_COMM_LEN]);

struct json_writer;
/* "family", "saddr", "sport", "daddr", "dport" keys, as in every JSON
 * record; NULL addresses (unknown) are null.
 */
void tt_json_endpoints(struct json_writer *w, unsigned int family,
		       const uint8_t *saddr, uint16_t sport,
		       const uint8_t *daddr, uint16_t dport);

/* The current CLOCK_MONOTONIC time in nanoseconds. */
uint64_t tt_monotonic_ns(void);

/* True if the locale can show "µ" and block characters. */
bool tt_utf8_output(void);

/* Columns s takes (characters, not bytes). */
int tt_text_columns(const char *s);

/* s padded with spaces to width columns (counting characters, not bytes):
 * right-aligned, or left-aligned for a negative width.
 */
void tt_print_padded(FILE *out, const char *s, int width);

/* Terminal colours; every function returns "" when colour is off. */
enum tt_color {
	TT_COLOR_RESET,
	TT_COLOR_DIM,
	TT_COLOR_BOLD,
	TT_COLOR_RED,
	TT_COLOR_GREEN,
	TT_COLOR_YELLOW,
	TT_COLOR_BLUE,
	TT_COLOR_MAGENTA,
	TT_COLOR_CYAN,
};
const char *tt_color(bool on, enum tt_color c);
/* The colour a state is shown in. */
enum tt_color tt_state_color(unsigned int state);
/* Colour for stdout: a terminal, and neither --no-color nor $NO_COLOR. */
bool tt_color_wanted(bool no_color_flag);

/* Columns of the terminal on stdout ($COLUMNS, TIOCGWINSZ), else 80. */
unsigned int tt_terminal_columns(void);

/*
 * 0, or -errno once a write to out failed (-EPIPE: the reader went away,
 * said nowhere; other errors are explained on stderr). Call right after
 * writing, while errno is still the write's.
 */
int tt_output_status(FILE *out);

struct json_writer;
/* A reader's losses as a {"missed": N} line when @json; 0 or -errno. */
int tt_json_missed(bool json, struct json_writer *w, uint64_t n);
/* fflush(out), then tt_output_status(). */
int tt_flush(FILE *out);

#endif
