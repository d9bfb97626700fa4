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

#include "cgroup.h"
#include "conn.h"
#include "format.h"
#include "json.h"
#include "lifecycle.h"
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

static void print_json_owner(struct json_writer *w, const struct conn *c,
			     const struct conn_summary *s)
{
	if (c->has_owner) {
		json_kv_u64(w, "pid", c->pid);
		json_key(w, "comm");
		json_string_n(w, c->comm, sizeof(c->comm));
	} else {
		json_kv_null(w, "pid");
		json_kv_null(w, "comm");
	}
	if (s->role == CONN_ROLE_SERVER || c->accepted)
		json_kv_bool(w, "accepted", c->accepted);
	else
		json_kv_null(w, "accepted");
}

static void print_json_time_wait(const struct timeline *tl,
				 struct json_writer *w, const struct conn *c,
				 const struct conn_summary *s)
{
	char reason[TT_STATE_NAME_LEN];

	json_key(w, "time_wait");
	if (untracked_time_wait(tl, c)) {
		json_object_begin(w);
		json_kv_bool(w, "tracked", false);
		json_object_end(w);
		return;
	}
	if (!s->time_wait) {
		json_null(w);
		return;
	}
	json_object_begin(w);
	json_kv_u64_or_null(w, "enter_ns", c->tw.entered, c->tw.enter_ns);
	json_kv_u64_or_null(w, "duration_ns", s->has_time_wait_ns,
			    s->time_wait_ns);
	json_kv_string_or_null(w, "end",
			       tt_reason_name(s->time_wait_end, reason));
	json_object_end(w);
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

static void print_json_live(const struct timeline *tl, struct json_writer *w,
			    const struct conn *c, const struct conn_summary *s)
{
	char state[TT_STATE_NAME_LEN];
	struct tt_totals totals = { 0 };

	json_kv_bool(w, "preexisting", preexisting(c, s));
	json_key(w, "live");
	if (!c->live) {
		json_null(w);
		return;
	}
	json_object_begin(w);
	json_kv_string(w, "state", tt_state_name(c->live_state, state));
	json_kv_u64_or_null(w, "known_ns", !c->unrecorded, known_ns(tl, c));
	json_key(w, "totals");
	if (c->has_live_totals) {
		totals.k = c->live_totals;
		json_object_begin(w);
		tt_totals_json(w, &totals);
		json_object_end(w);
	} else {
		json_null(w);
	}
	json_object_end(w);
}

/* Why it ended, in the kernel's words, and each direction's life. */
static void print_json_why(struct json_writer *w, const struct conn_summary *s)
{
	char state[TT_STATE_NAME_LEN];

	json_kv_string_or_null(w, "rst_reason",
			       s->reset ? tt_rst_reason_name(s->reset_detail) : NULL);
	json_kv_string_or_null(w, "reset_state",
			       s->reset ? tt_state_name(s->reset_state, state) : NULL);
	json_kv_string_or_null(w, "error",
			       s->error ? strerrorname_np(s->error) : NULL);
	json_kv_u64_or_null(w, "syn_retransmits", s->has_syn_retransmits,
			    s->syn_retransmits);
	json_key(w, "directions");
	if (!s->has_directions) {
		json_null(w);
		return;
	}
	json_object_begin(w);
	json_kv_u64(w, "out_open_ns", s->out_open_ns);
	json_kv_u64(w, "in_open_ns", s->in_open_ns);
	json_kv_bool(w, "half_closed", s->half_closed);
	json_object_end(w);
}

static void print_json(struct timeline *tl, const struct conn *c,
		       const struct conn_summary *s)
{
	struct json_writer *w = &tl->json;
	char name[TT_STATE_NAME_LEN];
	struct tt_totals totals;
	size_t i;

	json_object_begin(w);
	json_kv_u64(w, "conn", c->id);
	json_kv_u64(w, "netns", c->netns);
	tt_json_endpoints(w, c->family, c->saddr, c->sport, c->daddr, c->dport);
	json_kv_string(w, "role", conn_role_name(s->role));
	json_kv_u64_or_null(w, "peer", c->peer != 0, c->peer);
	print_json_owner(w, c, s);
	tt_cgroup_json(w, c->cgroup);
	json_kv_u64_or_null(w, "handshake_ns", s->has_handshake,
			    s->handshake_ns);
	json_kv_u64_or_null(w, "established_ns", s->has_established,
			    s->established_ns);
	json_kv_string_or_null(w, "closed_first", conn_closer_name(s->closer));
	json_kv_string(w, "end", conn_end_name(s->end));
	json_kv_string_or_null(w, "reset", conn_reset_direction(s->reset));
	print_json_why(w, s);
	json_kv_bool(w, "complete", conn_complete(c));
	print_json_live(tl, w, c, s);
	print_json_time_wait(tl, w, c, s);
	json_key(w, "totals");
	if (conn_totals(c, &totals)) {
		json_object_begin(w);
		tt_totals_json(w, &totals);
		json_object_end(w);
	} else {
		json_null(w);
	}
	json_key(w, "states");
	json_array_begin(w);
	for (i = 0; i < c->nr_states; i++) {
		json_object_begin(w);
		json_kv_string(w, "state", tt_state_name(c->states[i].state, name));
		json_kv_u64(w, "enter_ns", c->states[i].enter_ns);
		if (i + 1 < c->nr_states)
			json_kv_u64(w, "duration_ns",
				    c->states[i + 1].enter_ns - c->states[i].enter_ns);
		else
			json_kv_null(w, "duration_ns");
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
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
		print_json(tl, c, &s);
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

	return tt_json_missed(tl->opts->json, &tl->json, n);
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
	return tt_exit_status(err);
}
