// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail timeline: each connection's life, state by state, with the time
 * spent in each drawn to scale.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cgroup.h"
#include "conn.h"
#include "format.h"
#include "json.h"
#include "lifecycle.h"
#include "linebuf.h"
#include "nl.h"
#include "options.h"
#include "pair.h"
#include "reader.h"
#include "snapshot.h"
#include "stats.h"
#include "subcommands.h"
#include "svg.h"
#include "totals.h"

#define TIMELINE_OPTIONS	(TT_OPTS_OUTPUT | TT_OPTS_RECORDS | \
				 TT_OPTS_FOLLOW | TT_OPTS_SVG | TT_OPTS_SNAPSHOT)
/* Lanes beyond which a picture gets a hint to pick fewer. */
#define SVG_MANY_LANES		1000

/* Connections held in memory at most; beyond, the oldest is shown (or
 * dropped, for --last) as it is. Overridable to test eviction.
 */
#ifndef TIMELINE_MAX_TRACKED
#define TIMELINE_MAX_TRACKED	65536
#endif

/* Row layout: "  STATE           +ENTERED      SPENT  BAR". */
#define STATE_COLUMNS		14
#define TIME_COLUMNS		10
#define ROW_PREFIX_COLUMNS	(2 + STATE_COLUMNS + 1 + TIME_COLUMNS + 1 + TIME_COLUMNS + 2)
#define MIN_BAR_COLUMNS		10

static void usage(FILE *out)
{
	fprintf(out,
		"usage: tcptrail timeline [--follow] [filters] [--json] [--no-color]\n"
		"       tcptrail timeline --svg FILE [--scale auto|linear|log] [filters]\n\n"
		"Each connection's life: its endpoints, role and owner; the handshake time,\n"
		"time established, who closed first and how it ended (fin, rst, refused,\n"
		"timeout, or still open); its totals (bytes, segments, retransmissions,\n"
		"RTT); then every state it went through, TIME_WAIT included, with when it\n"
		"entered it and how long it stayed, drawn to scale, and how TIME_WAIT\n"
		"ended. With --follow, each connection is shown when it is over: after its\n"
		"TIME_WAIT, if it had one. --state S: connections that went through S;\n"
		"--last N: the last N connections. --svg FILE draws them as a picture\n"
		"instead, one lane per connection (FILE - : standard output).\n");
	tt_options_help(out, TIMELINE_OPTIONS);
}

struct timeline {
	const struct tt_options *opts;
	struct json_writer json;
	struct tt_linebuf out;		/* --json: the lines, written per dump */
	struct conn_table table;
	struct svg_picture *svg;	/* --svg: the lanes drawn at the end */
	unsigned int bar_columns;
	const char *bar_cell;
	/* The first dump is over: following, connections show as they close. */
	bool caught_up;
	/* The module cannot see timewait sockets on this kernel. */
	bool timewait_untracked;
	/* What sock_diag said is open was added (snapshot.h). */
	bool snapshot_taken;
	uint64_t snapshot_ns;
};

/* An orderly active close hands over to a timewait socket we cannot see. */
static bool untracked_time_wait(const struct timeline *tl, const struct conn *c)
{
	return tl->timewait_untracked && c->full_closed && !c->first_reset &&
	       (c->closed_from == TCP_FIN_WAIT2 || c->closed_from == TCP_CLOSING);
}

static bool conn_matches(const struct tt_filter *f, const struct conn *c)
{
	return (f->state < 0 || conn_passed_through(c, f->state) ||
		(c->live && c->live_state == f->state)) &&
	       tt_filter_match_endpoints(f, c->family, c->saddr, c->sport,
					 c->daddr, c->dport) &&
	       tt_filter_match_who(f, c);
}

static char *put_string(char *p, const char *s)
{
	return tt_put_json_string(p, s, SIZE_MAX);
}

static char *put_string_or_null(char *p, const char *s)
{
	return s ? put_string(p, s) : TT_PUT_LIT(p, "null");
}

static char *put_bool(char *p, bool v)
{
	return v ? TT_PUT_LIT(p, "true") : TT_PUT_LIT(p, "false");
}

/* Room for a JSON string of s (NULL: null). */
static size_t string_room(const char *s)
{
	return s ? 2 + 6 * strlen(s) : 4;
}

static char *put_owner(char *p, const struct conn *c,
		       const struct conn_summary *s)
{
	if (c->has_owner) {
		p = TT_PUT_LIT(p, ",\"pid\":");
		p = tt_put_u64(p, c->pid);
		p = TT_PUT_LIT(p, ",\"comm\":");
		p = tt_put_json_string(p, c->comm, sizeof(c->comm));
	} else {
		p = TT_PUT_LIT(p, ",\"pid\":null,\"comm\":null");
	}
	p = TT_PUT_LIT(p, ",\"accepted\":");
	if (s->role == CONN_ROLE_SERVER || c->accepted)
		return put_bool(p, c->accepted);
	return TT_PUT_LIT(p, "null");
}

static char *put_time_wait(const struct timeline *tl, char *p,
			   const struct conn *c, const struct conn_summary *s)
{
	char reason[TT_STATE_NAME_LEN];

	p = TT_PUT_LIT(p, ",\"time_wait\":");
	if (untracked_time_wait(tl, c))
		return TT_PUT_LIT(p, "{\"tracked\":false}");
	if (!s->time_wait)
		return TT_PUT_LIT(p, "null");
	p = TT_PUT_LIT(p, "{\"enter_ns\":");
	p = tt_put_u64_or_null(p, c->tw.entered, c->tw.enter_ns);
	p = TT_PUT_LIT(p, ",\"duration_ns\":");
	p = tt_put_u64_or_null(p, s->has_time_wait_ns, s->time_wait_ns);
	p = TT_PUT_LIT(p, ",\"end\":");
	p = put_string_or_null(p, tt_reason_name(s->time_wait_end, reason));
	*p++ = '}';
	return p;
}

/* Was it open before its first record: that is mid-life, or it has none? */
static bool preexisting(const struct conn *c, const struct conn_summary *s)
{
	return c->unrecorded || s->role == CONN_ROLE_UNKNOWN;
}

/* Since when tcptrail knows it: its first record, or the snapshot. */
static uint64_t known_ns(const struct timeline *tl, const struct conn *c)
{
	return tl->snapshot_ns > c->states[0].enter_ns ?
	       tl->snapshot_ns - c->states[0].enter_ns : 0;
}

static char *put_live(const struct timeline *tl, char *p, const struct conn *c,
		      const struct conn_summary *s)
{
	char state[TT_STATE_NAME_LEN];
	struct tt_totals totals = { 0 };

	p = TT_PUT_LIT(p, ",\"preexisting\":");
	p = put_bool(p, preexisting(c, s));
	p = TT_PUT_LIT(p, ",\"live\":");
	if (!c->live)
		return TT_PUT_LIT(p, "null");
	p = TT_PUT_LIT(p, "{\"state\":");
	p = tt_put_name(p, tt_state_name(c->live_state, state));
	p = TT_PUT_LIT(p, ",\"known_ns\":");
	p = tt_put_u64_or_null(p, !c->unrecorded, known_ns(tl, c));
	p = TT_PUT_LIT(p, ",\"totals\":");
	if (c->has_live_totals) {
		totals.k = c->live_totals;
		*p++ = '{';
		p = tt_put_totals_members(p, &totals);
		*p++ = '}';
	} else {
		p = TT_PUT_LIT(p, "null");
	}
	*p++ = '}';
	return p;
}

/* Why it ended, in the kernel's words, and each direction's life. */
static char *put_why(char *p, const struct conn_summary *s, const char *rst,
		     const char *error)
{
	char state[TT_STATE_NAME_LEN];

	p = TT_PUT_LIT(p, ",\"rst_reason\":");
	p = put_string_or_null(p, rst);
	p = TT_PUT_LIT(p, ",\"reset_state\":");
	p = put_string_or_null(p, s->reset ? tt_state_name(s->reset_state, state) :
				NULL);
	p = TT_PUT_LIT(p, ",\"error\":");
	p = put_string_or_null(p, error);
	p = TT_PUT_LIT(p, ",\"syn_retransmits\":");
	p = tt_put_u64_or_null(p, s->has_syn_retransmits, s->syn_retransmits);
	p = TT_PUT_LIT(p, ",\"directions\":");
	if (!s->has_directions)
		return TT_PUT_LIT(p, "null");
	p = TT_PUT_LIT(p, "{\"out_open_ns\":");
	p = tt_put_u64(p, s->out_open_ns);
	p = TT_PUT_LIT(p, ",\"in_open_ns\":");
	p = tt_put_u64(p, s->in_open_ns);
	p = TT_PUT_LIT(p, ",\"half_closed\":");
	p = put_bool(p, s->half_closed);
	*p++ = '}';
	return p;
}

/* Non-empty text, or NULL. */
static const char *text_or_null(const char *s)
{
	return s && *s ? s : NULL;
}

/* Fixed text of a line with numbers and short names, but the states. */
#define JSON_LINE_ROOM		2048
#define JSON_STATE_ROOM		96

/*
 * A connection's line of timeline --json (docs/json.md), built by hand in
 * one go: the same bytes json_writer would write, member by member.
 */
static int print_json(struct timeline *tl, const struct conn *c,
		      const struct conn_summary *s)
{
	const struct tt_cgroup *cg = tt_cgroup_of(c->cgroup);
	const char *cgroup = text_or_null(cg->path);
	const char *unit = text_or_null(cg->workload.unit);
	const char *container = text_or_null(cg->workload.container);
	const char *pod = text_or_null(cg->workload.pod_uid);
	const char *rst = s->reset ? tt_rst_reason_name(s->reset_detail) : NULL;
	const char *error = s->error ? strerrorname_np(s->error) : NULL;
	char name[TT_STATE_NAME_LEN];
	struct tt_totals totals;
	size_t i;
	char *p;

	p = tt_linebuf_room(&tl->out, JSON_LINE_ROOM +
			    c->nr_states * JSON_STATE_ROOM +
			    string_room(cgroup) + string_room(unit) +
			    string_room(container) + string_room(pod) +
			    string_room(rst) + string_room(error));
	if (!p) {
		fprintf(stderr, "tcptrail: out of memory\n");
		return -ENOMEM;
	}
	p = TT_PUT_LIT(p, "{\"conn\":");
	p = tt_put_u64(p, c->id);
	p = TT_PUT_LIT(p, ",\"netns\":");
	p = tt_put_u64(p, c->netns);
	p = TT_PUT_LIT(p, ",\"family\":");
	p = tt_put_name(p, tt_family_name(c->family, name));
	p = TT_PUT_LIT(p, ",\"saddr\":\"");
	p = tt_put_addr(p, c->family, c->saddr);
	p = TT_PUT_LIT(p, "\",\"sport\":");
	p = tt_put_u64(p, c->sport);
	p = TT_PUT_LIT(p, ",\"daddr\":\"");
	p = tt_put_addr(p, c->family, c->daddr);
	p = TT_PUT_LIT(p, "\",\"dport\":");
	p = tt_put_u64(p, c->dport);
	p = TT_PUT_LIT(p, ",\"role\":");
	p = tt_put_name(p, conn_role_name(s->role));
	p = TT_PUT_LIT(p, ",\"peer\":");
	p = tt_put_u64_or_null(p, c->peer != 0, c->peer);
	p = put_owner(p, c, s);
	p = TT_PUT_LIT(p, ",\"cgroup_id\":");
	p = tt_put_u64_or_null(p, c->cgroup, c->cgroup);
	p = TT_PUT_LIT(p, ",\"cgroup\":");
	p = put_string_or_null(p, cgroup);
	p = TT_PUT_LIT(p, ",\"unit\":");
	p = put_string_or_null(p, unit);
	p = TT_PUT_LIT(p, ",\"container\":");
	p = put_string_or_null(p, container);
	p = TT_PUT_LIT(p, ",\"pod_uid\":");
	p = put_string_or_null(p, pod);
	p = TT_PUT_LIT(p, ",\"handshake_ns\":");
	p = tt_put_u64_or_null(p, s->has_handshake, s->handshake_ns);
	p = TT_PUT_LIT(p, ",\"established_ns\":");
	p = tt_put_u64_or_null(p, s->has_established, s->established_ns);
	p = TT_PUT_LIT(p, ",\"closed_first\":");
	p = put_string_or_null(p, conn_closer_name(s->closer));
	p = TT_PUT_LIT(p, ",\"end\":");
	p = tt_put_name(p, conn_end_name(s->end));
	p = TT_PUT_LIT(p, ",\"reset\":");
	p = put_string_or_null(p, conn_reset_direction(s->reset));
	p = put_why(p, s, rst, error);
	p = TT_PUT_LIT(p, ",\"complete\":");
	p = put_bool(p, conn_complete(c));
	p = put_live(tl, p, c, s);
	p = put_time_wait(tl, p, c, s);
	p = TT_PUT_LIT(p, ",\"totals\":");
	if (conn_totals(c, &totals)) {
		*p++ = '{';
		p = tt_put_totals_members(p, &totals);
		*p++ = '}';
	} else {
		p = TT_PUT_LIT(p, "null");
	}
	p = TT_PUT_LIT(p, ",\"states\":[");
	for (i = 0; i < c->nr_states; i++) {
		if (i)
			*p++ = ',';
		p = TT_PUT_LIT(p, "{\"state\":");
		p = tt_put_name(p, tt_state_name(c->states[i].state, name));
		p = TT_PUT_LIT(p, ",\"enter_ns\":");
		p = tt_put_u64(p, c->states[i].enter_ns);
		p = TT_PUT_LIT(p, ",\"duration_ns\":");
		if (i + 1 < c->nr_states)
			p = tt_put_u64(p, c->states[i + 1].enter_ns -
					  c->states[i].enter_ns);
		else
			p = TT_PUT_LIT(p, "null");
		*p++ = '}';
	}
	p = TT_PUT_LIT(p, "]}\n");
	tt_linebuf_commit(&tl->out, p);
	return tt_linebuf_batch(&tl->out);
}

static void print_header(const struct timeline *tl, const struct conn *c,
			 const struct conn_summary *s)
{
	char local[TT_ENDPOINT_LEN], remote[TT_ENDPOINT_LEN], cgroup[512];
	bool color = tl->opts->color;
	const char *bold = tt_color(color, TT_COLOR_BOLD);
	const char *dim = tt_color(color, TT_COLOR_DIM);
	const char *reset = tt_color(color, TT_COLOR_RESET);

	tt_format_endpoint(c->family, c->saddr, c->sport, local, sizeof(local));
	tt_format_endpoint(c->family, c->daddr, c->dport, remote, sizeof(remote));
	printf("%s%s%s %s", bold, conn_role_name(s->role), reset, local);
	/* The arrow points from the side that opened the connection; a
	 * listener has no remote side.
	 */
	if (s->role == CONN_ROLE_SERVER)
		printf(" <- %s", remote);
	else if (s->role != CONN_ROLE_LISTENER && c->dport)
		printf(" -> %s", remote);
	if (c->has_owner) {
		char comm[TT_COMM_LEN];

		tt_format_comm(c->comm, sizeof(c->comm), comm);
		printf("  %s%s[%" PRIu32 "]%s", bold, comm, c->pid, reset);
	} else if (s->role == CONN_ROLE_SERVER) {
		printf("  %s(not accepted)%s", dim, reset);
	}
	tt_cgroup_label(c->cgroup, cgroup, sizeof(cgroup));
	printf("  %s", cgroup);
	printf("  %sconn %" PRIu64, dim, c->id);
	if (tl->opts->all_netns)
		printf(" netns %" PRIu32, c->netns);
	printf("%s\n", reset);
	if (c->peer) {
		printf("  %s", dim);
		pair_print(stdout, c, s->role);
		printf("%s\n", reset);
	}
}

static void print_annotations(const struct timeline *tl, const struct conn_summary *s)
{
	bool color = tl->opts->color;
	char opening[256], end[160];
	enum tt_color end_color;

	switch (s->end) {
	case CONN_END_FIN:	end_color = TT_COLOR_GREEN; break;
	case CONN_END_OPEN:	end_color = TT_COLOR_CYAN; break;
	default:		end_color = TT_COLOR_RED; break;
	}
	conn_story_opening(s, true, ", ", tt_format_duration, opening,
			   sizeof(opening));
	conn_end_describe(s, end, sizeof(end));
	printf("  %s%send: %s%s%s", opening, opening[0] ? ", " : "",
	       tt_color(color, end_color), end,
	       tt_color(color, TT_COLOR_RESET));
	printf("\n");
	if (s->half_closed) {
		char out[TT_TIME_LEN], in[TT_TIME_LEN];

		tt_format_duration(s->out_open_ns, out, sizeof(out));
		tt_format_duration(s->in_open_ns, in, sizeof(in));
		printf("  half-close: out open %s, in open %s (%s)\n", out, in,
		       s->out_open_ns < s->in_open_ns ?
		       "we closed first, the peer kept sending" :
		       "the peer closed first, we kept sending");
	}
}

static void print_totals(const struct conn *c)
{
	struct tt_totals totals = { 0 };
	char line[256];

	if (conn_totals(c, &totals)) {
		tt_totals_format(&totals, line, sizeof(line));
		printf("  %s\n", line);
	} else if (c->has_live_totals) {
		totals.k = c->live_totals;
		tt_totals_format(&totals, line, sizeof(line));
		printf("  now: %s\n", line);
	}
}

/* Open before recording began; what sock_diag says of it now. */
static void print_live(const struct timeline *tl, const struct conn *c,
		       const struct conn_summary *s)
{
	char state[TT_STATE_NAME_LEN];

	if (preexisting(c, s))
		printf("  already open when recording began%s\n",
		       c->unrecorded ? ": no records of it yet" : "");
	if (!c->live)
		return;
	printf("  open now: %s", tt_state_name(c->live_state, state));
	if (!c->unrecorded) {
		char t[TT_TIME_LEN];

		tt_format_duration(known_ns(tl, c), t, sizeof(t));
		printf(", known for %s", t);
	}
	printf("\n");
}

/* Cells of a bar for duration out of total; anything at all shows. */
static unsigned int bar_cells(uint64_t duration, uint64_t total, unsigned int columns)
{
	unsigned int cells;

	if (!total || !duration)
		return 0;
	cells = (unsigned int)(((double)duration * columns) / total + 0.5);
	return cells ? cells : 1;
}

/* "  STATE  +ENTERED", the first columns of a row. */
static void print_row_start(const struct timeline *tl, unsigned int state,
			    uint64_t enter_ns, uint64_t first_ns)
{
	bool color = tl->opts->color;
	char name[TT_STATE_NAME_LEN], when[TT_TIME_LEN + 1];

	printf("  %s", tt_color(color, tt_state_color(state)));
	tt_print_padded(stdout, tt_state_name(state, name), -STATE_COLUMNS);
	printf("%s ", tt_color(color, TT_COLOR_RESET));
	if (enter_ns == first_ns) {
		snprintf(when, sizeof(when), "0");
	} else {
		char t[TT_TIME_LEN];

		tt_format_duration(enter_ns - first_ns, t, sizeof(t));
		snprintf(when, sizeof(when), "+%s", t);
	}
	tt_print_padded(stdout, when, TIME_COLUMNS);
}

/* What the last state's row says instead of a duration. */
static void print_last_note(const struct timeline *tl, const struct conn *c,
			    const struct conn_state *st)
{
	char reason[TT_STATE_NAME_LEN];
	const char *name = tt_reason_name(st->reason, reason);

	if (c->unrecorded && c->nr_states == 1)
		printf("  (as of now)");
	else if (untracked_time_wait(tl, c))
		printf("  (TIME_WAIT not tracked on this kernel)");
	else if (name)
		printf("  (%s)", name);
	else if (c->phase == CONN_TIME_WAIT && st->state == TCP_TIME_WAIT)
		printf("  still in TIME_WAIT");
	else if (c->phase == CONN_TIME_WAIT)
		printf("  (timewait socket)");
}

static void print_rows(const struct timeline *tl, const struct conn *c)
{
	uint64_t first = c->states[0].enter_ns;
	uint64_t total = c->states[c->nr_states - 1].enter_ns - first;
	bool color = tl->opts->color;
	char t[TT_TIME_LEN];
	size_t i;

	for (i = 0; i < c->nr_states; i++) {
		const struct conn_state *st = &c->states[i];
		const char *state_color = tt_color(color, tt_state_color(st->state));
		bool last = i + 1 == c->nr_states;
		unsigned int cells;
		uint64_t spent;

		/* The TIME_WAIT that should have come before the close. */
		if (last && c->tw.not_created && st->state == TCP_CLOSE) {
			print_row_start(tl, TCP_TIME_WAIT, c->tw.enter_ns,
					first);
			printf("  (not-created)\n");
		}
		print_row_start(tl, st->state, st->enter_ns, first);
		if (last) {
			print_last_note(tl, c, st);
			printf("\n");
			continue;
		}
		spent = c->states[i + 1].enter_ns - st->enter_ns;
		tt_format_duration(spent, t, sizeof(t));
		printf(" ");
		tt_print_padded(stdout, t, TIME_COLUMNS);
		cells = bar_cells(spent, total, tl->bar_columns);
		if (cells) {
			printf("  %s", state_color);
			while (cells--)
				fputs(tl->bar_cell, stdout);
			fputs(tt_color(color, TT_COLOR_RESET), stdout);
		}
		printf("\n");
	}
}

static int print_conn(struct timeline *tl, const struct conn *c)
{
	struct conn_summary s;

	if (!conn_matches(&tl->opts->filter, c))
		return 0;
	if (tl->svg) {
		if (!svg_add(tl->svg, c))
			return 0;
		fprintf(stderr, "tcptrail: out of memory\n");
		return -ENOMEM;
	}
	conn_summarize(c, &s);
	if (tl->opts->json) {
		return print_json(tl, c, &s);
	} else {
		print_header(tl, c, &s);
		print_annotations(tl, &s);
		print_live(tl, c, &s);
		print_totals(c);
		print_rows(tl, c);
		printf("\n");
	}
	return tt_output_status(stdout);
}

/*
 * --last N applies to what the first dump found: until then, nothing is
 * shown early (the oldest connection evicted is not among the last N).
 */
static bool holding_for_last(const struct timeline *tl)
{
	return tl->opts->filter.last && !tl->caught_up;
}

/*
 * Show, then drop, the connections on the table: all of them, or only the
 * ones that are over (their totals in, their TIME_WAIT ended). With
 * --last N before the first catch-up, only the newest N of those that
 * match are shown.
 */
static int flush_table(struct timeline *tl, bool only_done)
{
	struct conn_table *t = &tl->table;
	const struct tt_filter *f = &tl->opts->filter;
	struct conn *c, *next, *first_shown = t->oldest;
	bool showing = false;
	int err = pair_table(t);

	if (err) {
		fprintf(stderr, "tcptrail: out of memory\n");
		return err;
	}
	if (holding_for_last(tl)) {
		uint64_t n = 0;

		for (c = t->newest; c; c = c->older) {
			if ((only_done && c->phase != CONN_DONE) ||
			    !conn_matches(f, c))
				continue;
			first_shown = c;
			if (++n == f->last)
				break;
		}
	}
	for (c = t->oldest; c; c = next) {
		next = c->newer;
		if (c == first_shown)
			showing = true;
		if (only_done && c->phase != CONN_DONE)
			continue;
		if (showing && !err)
			err = print_conn(tl, c);
		conn_table_remove(t, c);
	}
	return err;
}

/* Keep the table bounded: the oldest connection goes, shown as it is. */
static int evict(struct timeline *tl)
{
	struct conn_table *t = &tl->table;
	int err = 0;

	while (t->count > TIMELINE_MAX_TRACKED && !err) {
		if (!holding_for_last(tl))
			err = print_conn(tl, t->oldest);
		conn_table_remove(t, t->oldest);
	}
	return err;
}

static int on_record(void *ctx, const struct tcptrail_record *rec)
{
	struct timeline *tl = ctx;
	struct conn *c;
	int err;

	if (!tt_filter_match_time(&tl->opts->filter, rec->ts_ns))
		return 0;
	err = conn_table_add(&tl->table, rec, &c);
	if (err) {
		fprintf(stderr, "tcptrail: out of memory\n");
		return err;
	}
	/* A connection is shown once the dump that closed it is over: the
	 * records that follow its close (a RST sent) are in by then.
	 */
	return evict(tl);
}

static int on_missed(void *ctx, uint64_t n)
{
	struct timeline *tl = ctx;

	return tl->opts->json ? tt_put_missed_line(&tl->out, n) : 0;
}

static int on_caught_up(void *ctx)
{
	struct timeline *tl = ctx;
	int err = 0;

	/* Once, when the ring has been read: what is open now. */
	if (!tl->snapshot_taken && !tl->opts->no_snapshot) {
		tl->snapshot_taken = true;
		tl->snapshot_ns = tt_monotonic_ns();
		err = tt_snapshot_take(&tl->table, tl->snapshot_ns);
		if (err == -ENOMEM)
			return err;
		err = 0;	/* said on stderr; the records are still good */
	}
	/* Without --follow: everything, finished or not. Following: what
	 * is over, after each dump.
	 */
	conn_table_dump_ended(&tl->table);
	err = flush_table(tl, tl->opts->follow);
	tl->caught_up = true;
	if (!err)
		err = tt_linebuf_flush(&tl->out);
	if (!err)
		err = tt_flush(stdout);
	return err;
}

/* --svg FILE: the picture, once everything has been read. */
static int write_svg(const struct timeline *tl)
{
	const char *path = tl->opts->svg;
	bool to_stdout = strcmp(path, "-") == 0;
	FILE *out = to_stdout ? stdout : fopen(path, "w");
	int err;

	if (!out) {
		err = -errno;
		fprintf(stderr, "tcptrail: cannot write %s: %s\n", path,
			strerror(errno));
		return err;
	}
	if (svg_lanes(tl->svg) > SVG_MANY_LANES)
		fprintf(stderr, "tcptrail: %zu connections make a tall "
			"picture; --last N, --since DUR or --port P pick "
			"fewer\n", svg_lanes(tl->svg));
	err = svg_write(tl->svg, out);
	if (!err)
		err = tt_flush(out);
	if (!to_stdout && fclose(out) && !err) {
		err = -errno;
		fprintf(stderr, "tcptrail: cannot write %s: %s\n", path,
			strerror(errno));
	}
	return err;
}

/* --svg and --scale: a picture of what the ring holds, nothing else. */
static int check_svg_options(char *cmd, const struct tt_options *opts,
			     enum svg_scale *scale)
{
	*scale = SVG_SCALE_AUTO;
	if (!opts->svg)
		return opts->scale ?
		       tt_usage_error(cmd, usage, "--scale needs --svg FILE") :
		       TT_OPTIONS_CONTINUE;
	if (opts->json || opts->follow)
		return tt_usage_error(cmd, usage, "--svg takes neither --json "
				      "nor --follow");
	if (opts->scale && svg_parse_scale(opts->scale, scale))
		return tt_usage_error(cmd, usage, "bad value '%s' for --scale",
				      opts->scale);
	return TT_OPTIONS_CONTINUE;
}

int cmd_timeline(int argc, char **argv)
{
	struct timeline tl = { 0 };
	struct tt_options opts;
	enum svg_scale scale;
	unsigned int columns;
	struct tt_nl nl;
	int ret, err;

	ret = tt_options_parse(argc, argv, TIMELINE_OPTIONS, usage, &opts);
	if (ret != TT_OPTIONS_CONTINUE)
		return ret;
	if (opts.nr_operands)
		return tt_usage_error(argv[0], usage, "unexpected argument '%s'",
				      opts.operands[0]);
	ret = check_svg_options(argv[0], &opts, &scale);
	if (ret != TT_OPTIONS_CONTINUE)
		return ret;

	tl.opts = &opts;
	json_init(&tl.json, stdout);
	tt_linebuf_init(&tl.out, STDOUT_FILENO);
	columns = tt_terminal_columns();
	/* One column spare: a line that fills the last one wraps on some terminals. */
	tl.bar_columns = columns > ROW_PREFIX_COLUMNS + MIN_BAR_COLUMNS ?
			 columns - ROW_PREFIX_COLUMNS - 1 : MIN_BAR_COLUMNS;
	tl.bar_cell = tt_utf8_output() ? "\u2588" : "#";
	if (opts.svg)
		tl.svg = svg_new(scale, opts.all_netns);
	if ((opts.svg && !tl.svg) ||
	    conn_table_init(&tl.table, CONN_TABLE_HASH_BITS)) {
		fprintf(stderr, "tcptrail: out of memory\n");
		svg_free(tl.svg);
		return TT_EXIT_FAILURE;
	}
	err = tt_nl_open(&nl);
	if (!err) {
		const struct tt_record_sink sink = {
			.record = on_record,
			.missed = on_missed,
			.caught_up = on_caught_up,
			.ctx = &tl,
		};
		struct tt_stats st;

		err = tt_stats_read(&nl, &st);
		tl.timewait_untracked = !err &&
			tt_stats_feature_off(&st, TCPTRAIL_FEATURE_TIMEWAIT);
		if (!err)
			err = tt_read_records(&nl, opts.all_netns, opts.follow,
					      &sink);
		tt_nl_close(&nl);
	}
	if (!err && tl.svg)
		err = write_svg(&tl);
	svg_free(tl.svg);
	conn_table_free(&tl.table);
	tt_linebuf_free(&tl.out);
	return tt_exit_status(err);
}
