/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser for /proc/net/tcptrail/{events,stats}, shared by the tcptrail
 * selftests. Parsing is strict: any line that does not match the documented
 * format makes the whole read fail, with the offending line in ev->err.
 */
#ifndef TCPTRAIL_SELFTEST_EVENTS_H
#define TCPTRAIL_SELFTEST_EVENTS_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/tcptrail.h>
#include <tcptrail/names.h>

#define TT_EVENTS_PATH	"/proc/net/tcptrail/events"
#define TT_STATS_PATH	"/proc/net/tcptrail/stats"
#define TT_EVENTS_HEADER \
	"SEQ TIME NETNS CONN FAMILY SADDR SPORT DADDR DPORT OLD NEW TGID PID CTX COMM EVENT CGROUP"

#define TT_NSTATES	TCPTRAIL_NR_STATES	/* tcptrail/names.h */

struct tt_rec {
	uint64_t seq;
	uint64_t ts_ns;		/* TIME, converted to nanoseconds */
	uint64_t netns;
	uint64_t conn;
	char family[8];		/* "ipv4" or "ipv6" */
	char saddr[INET6_ADDRSTRLEN];
	int sport;
	char daddr[INET6_ADDRSTRLEN];
	int dport;
	int old_state;		/* TCP_* numbers, see tt_state_name() */
	int new_state;
	long tgid;
	long pid;
	int softirq;		/* CTX: 0 "task", 1 "softirq" */
	char comm[32];		/* unescaped; "-" for TOTALS */
	int kind;		/* TCPTRAIL_KIND_*, from EVENT */
	int reason;		/* TCPTRAIL_REASON_*, from EVENT */
	struct tcptrail_totals totals;	/* TOTALS only */
	uint64_t cgroup;	/* CGROUP: the socket's cgroup id, 0 unknown */
	uint64_t lost_before;	/* N of a "# N records overwritten" just before */
};

struct tt_events {
	struct tt_rec *r;
	size_t n;
	uint64_t lost_total;	/* sum of all "# N records overwritten" lines */
	size_t lost_lines;
	uint64_t trailing_lost;	/* an overwritten line after the last record */
	char err[256];
};

struct tt_stats {
	uint64_t ring_size;
	uint64_t record_size;
	uint64_t written;
	uint64_t overwritten;
	uint64_t netns_written;
	uint64_t state[TT_NSTATES];	/* transitions INTO each state */
	int have_state[TT_NSTATES];
	int have;			/* bitmask of the 5 scalar fields seen */
	int nfeatures;			/* "feature NAME on|off [WHY]" lines */
	struct {
		char name[32];
		int on;
	} feature[16];
	char err[256];
};

/* Whether the stats say feature @name is on (-1: not listed). */
int tt_stats_feature_on(const struct tt_stats *st, const char *name);

/* "ESTABLISHED" ... for 1..13, NULL otherwise; and the reverse (-1). */
const char *tt_state_name(int state);
int tt_state_num(const char *name);

/* Parse a complete events text (header included). 0 or -1 (see ev->err). */
int tt_events_parse(const char *text, struct tt_events *ev);
/* Read the whole of an open events fd / of TT_EVENTS_PATH and parse it. */
int tt_events_read_fd(int fd, struct tt_events *ev);
int tt_events_read(struct tt_events *ev);
void tt_events_free(struct tt_events *ev);
/* Forget the records with seq <= @seq (and the overwritten counts before them). */
void tt_events_drop_upto(struct tt_events *ev, uint64_t seq);

/*
 * The STATE records (kind TCPTRAIL_KIND_STATE, EVENT "state") are the
 * tracepoint's transitions; tt_conn_recs(), tt_find() and tt_conn_str() look
 * at those only. The _kind variants take any kind (-1: every kind).
 */
/* STATE records of one connection, in file order; returns how many (<= max). */
size_t tt_conn_recs(const struct tt_events *ev, uint64_t conn,
		    const struct tt_rec **out, size_t max);
size_t tt_conn_recs_kind(const struct tt_events *ev, uint64_t conn, int kind,
			 const struct tt_rec **out, size_t max);
/* First STATE record of @conn with that transition, or NULL. */
const struct tt_rec *tt_find(const struct tt_events *ev, uint64_t conn,
			     int old_state, int new_state);
/* First record of @conn (0: any) of @kind and @reason (-1: any), or NULL. */
const struct tt_rec *tt_find_kind(const struct tt_events *ev, uint64_t conn,
				  int kind, int reason);
/* Records of @kind (-1: all) and @reason (-1: any) of @conn (0: any conn). */
size_t tt_count(const struct tt_events *ev, uint64_t conn, int kind, int reason);
/* "OLD>NEW OLD>NEW ..." of @conn's STATE records, for diagnostics. */
const char *tt_conn_str(const struct tt_events *ev, uint64_t conn,
			char *buf, size_t len);
/* Every record of @conn: "OLD>NEW/EVENT ...", for diagnostics. */
const char *tt_conn_str_all(const struct tt_events *ev, uint64_t conn,
			    char *buf, size_t len);
/* The EVENT token of a record, as the module prints it (no totals values). */
const char *tt_event_name(const struct tt_rec *r, char *buf, size_t len);
const char *tt_reason_name(int reason);

int tt_stats_parse(const char *text, struct tt_stats *st);
int tt_stats_read(struct tt_stats *st);

/* Read a whole file (or an fd to EOF) into a malloc()ed NUL-terminated buffer. */
char *tt_read_all_fd(int fd);
char *tt_read_file(const char *path);

uint64_t tt_now_ns(void);	/* CLOCK_MONOTONIC */
void tt_sleep_ms(unsigned int ms);

#endif
