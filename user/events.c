// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail events: one line per record: a TCP state transition, a TIME_WAIT
 * step, a RST, an accept, a connection's totals.
 */
#include <inttypes.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "conn.h"
#include "event_lines.h"
#include "format.h"
#include "json.h"
#include "lifecycle.h"
#include "nl.h"
#include "options.h"
#include "reader.h"
#include "stats.h"
#include "subcommands.h"
#include "totals.h"

#define EVENTS_OPTIONS	(TT_OPTS_OUTPUT | TT_OPTS_RECORDS | TT_OPTS_FOLLOW)

/* Connections tracked for their owners and endpoints; beyond, the oldest
 * is forgotten.
 */
#define EVENTS_MAX_TRACKED	65536

static void usage(FILE *out)
{
	fprintf(out,
		"usage: tcptrail events [--follow] [filters] [--json] [--no-color]\n\n"
		"One line per record, oldest first: time of day, local and remote\n"
		"endpoint, what happened (OLD -> NEW state; TIME_WAIT and how it ended;\n"
		"RST sent or received; accept; the connection's totals at close), the\n"
		"process (pid/comm; for records made in softirq, outside any process,\n"
		"the connection's owner if known) and the connection id.\n");
	tt_options_help(out, EVENTS_OPTIONS);
}

/* A record, with what its connection told about it when it was read. */
struct event {
	struct tcptrail_record rec;
	bool has_owner;
	uint32_t owner_pid;
	char owner_comm[16];
	bool handover;		/* a full socket's CLOSE: to its timewait one */
	uint64_t cgroup;	/* the record's, or its connection's */
	/* The endpoints: the record's, or for TOTALS the connection's. */
	bool has_addrs;
	uint16_t family, sport, dport;
	uint8_t saddr[16], daddr[16];
	struct tt_totals totals;	/* TOTALS */
};

struct events_output {
	const struct tt_options *opts;
	struct json_writer json;
	struct conn_table table;
	/* --last N: the newest N matching records of the first dump. */
	struct event *held;
	size_t held_cap, held_len, held_next;
	bool holding;
};

static void set_endpoints(struct event *ev, uint16_t family, uint16_t sport,
			  uint16_t dport, const uint8_t *saddr,
			  const uint8_t *daddr)
{
	ev->family = family;
	ev->sport = sport;
	ev->dport = dport;
	ev->has_addrs = saddr && daddr;
	if (!ev->has_addrs)
		return;
	memcpy(ev->saddr, saddr, sizeof(ev->saddr));
	memcpy(ev->daddr, daddr, sizeof(ev->daddr));
}

static void make_event(struct event *ev, const struct tcptrail_record *rec,
		       const struct conn *c)
{
	memset(ev, 0, sizeof(*ev));
	ev->rec = *rec;
	/* TOTALS records carry no addresses: the connection's. */
	if (rec->kind != TCPTRAIL_KIND_TOTALS)
		set_endpoints(ev, rec->family, rec->sport, rec->dport,
			      rec->saddr, rec->daddr);
	else if (c && c->has_endpoints)
		set_endpoints(ev, c->family, c->sport, c->dport, c->saddr,
			      c->daddr);
	else
		set_endpoints(ev, rec->family, rec->sport, rec->dport, NULL,
			      NULL);
	if (rec->kind == TCPTRAIL_KIND_TOTALS)
		ev->totals.k = rec->totals;
	ev->cgroup = rec->cgroup;
	if (!c)
		return;
	/* The timewait socket's records carry none: the connection's. */
	if (!ev->cgroup)
		ev->cgroup = c->cgroup;
	if (c->has_owner) {
		ev->has_owner = true;
		ev->owner_pid = c->pid;
		memcpy(ev->owner_comm, c->comm, sizeof(ev->owner_comm));
	}
	ev->handover = rec->kind == TCPTRAIL_KIND_STATE &&
		       rec->new_state == TCP_CLOSE &&
		       c->phase == CONN_TIME_WAIT;
	if (rec->kind == TCPTRAIL_KIND_TOTALS)
		conn_totals(c, &ev->totals);
}

static bool event_matches(const struct tt_filter *f, const struct event *ev)
{
	const struct tcptrail_record *rec = &ev->rec;
	static const uint8_t none[16];

	return tt_filter_match_time(f, rec->ts_ns) &&
	       (tt_filter_match_state(f, rec->old_state) ||
		tt_filter_match_state(f, rec->new_state)) &&
	       tt_filter_match_endpoints(f, ev->family,
					 ev->has_addrs ? ev->saddr : none,
					 ev->sport,
					 ev->has_addrs ? ev->daddr : none,
					 ev->dport);
}

/*
 * The process a record names: the task it ran in, or in softirq the
 * connection's owner (has_pid false: unknown). TOTALS records carry no
 * comm: the owner's, if the task is the owner (comm NULL: unknown).
 */
static void event_process(const struct event *ev, bool *has_pid,
			  uint32_t *pid, const char **comm)
{
	const struct tcptrail_record *rec = &ev->rec;

	*has_pid = true;
	*pid = rec->tgid;
	*comm = rec->comm;
	if (rec->flags & TCPTRAIL_F_SOFTIRQ) {
		*has_pid = ev->has_owner;
		*pid = ev->owner_pid;
		*comm = ev->has_owner ? ev->owner_comm : NULL;
	} else if (rec->kind == TCPTRAIL_KIND_TOTALS) {
		*comm = ev->has_owner && ev->owner_pid == rec->tgid ?
			ev->owner_comm : NULL;
	}
}

static void json_kv_comm(struct json_writer *w, const char *key,
			 const char *comm, size_t max)
{
	json_key(w, key);
	if (comm)
		json_string_n(w, comm, max);
	else
		json_null(w);
}

static void print_json(struct events_output *out, const struct event *ev)
{
	const struct tcptrail_record *rec = &ev->rec;
	struct json_writer *w = &out->json;
	char name[TT_STATE_NAME_LEN];
	const char *comm;
	uint32_t pid;
	bool has_pid;

	event_process(ev, &has_pid, &pid, &comm);
	json_object_begin(w);
	json_kv_u64(w, "seq", rec->seq);
	json_kv_u64(w, "ts_ns", rec->ts_ns);
	json_kv_u64(w, "netns", rec->netns);
	tt_json_endpoints(w, ev->family, ev->has_addrs ? ev->saddr : NULL,
			  ev->sport, ev->has_addrs ? ev->daddr : NULL,
			  ev->dport);
	json_kv_string(w, "old", tt_state_name(rec->old_state, name));
	json_kv_string(w, "new", tt_state_name(rec->new_state, name));
	json_kv_u64_or_null(w, "pid", has_pid, pid);
	json_kv_comm(w, "comm", comm, sizeof(rec->comm));
	json_kv_u64(w, "conn", rec->conn);
	json_kv_string(w, "ctx", rec->flags & TCPTRAIL_F_SOFTIRQ ? "softirq" : "task");
	json_kv_string(w, "kind", tt_kind_name(rec->kind, name));
	json_kv_string_or_null(w, "reason", tt_reason_name(rec->reason, name));
	json_kv_string_or_null(w, "rst_reason",
			       rec->kind == TCPTRAIL_KIND_RESET ?
			       tt_rst_reason_name(rec->detail) : NULL);
	json_kv_string_or_null(w, "error",
			       rec->kind == TCPTRAIL_KIND_STATE && rec->detail ?
			       strerrorname_np(rec->detail) : NULL);
	tt_cgroup_json(w, ev->cgroup);
	json_kv_u64_or_null(w, "owner_pid", ev->has_owner, ev->owner_pid);
	json_kv_comm(w, "owner_comm", ev->has_owner ? ev->owner_comm : NULL,
		     sizeof(ev->owner_comm));
	if (rec->kind == TCPTRAIL_KIND_TOTALS)
		tt_totals_json(w, &ev->totals);
	json_object_end(w);
}

static void print_endpoint(const struct event *ev, const uint8_t *addr,
			   uint16_t port)
{
	if (ev->has_addrs) {
		char s[TT_ENDPOINT_LEN];

		tt_format_endpoint(ev->family, addr, port, s, sizeof(s));
		printf(" %s", s);
	} else {
		printf(" ?:%u", port);
	}
}

/* "OLD -> NEW", coloured, and a note in parentheses. */
static void print_transition(const struct events_output *out,
			     const struct tcptrail_record *rec,
			     const char *note)
{
	char old_name[TT_STATE_NAME_LEN], new_name[TT_STATE_NAME_LEN];
	bool color = out->opts->color;
	const char *reset = tt_color(color, TT_COLOR_RESET);

	printf(" %s%s%s -> %s%s%s",
	       tt_color(color, tt_state_color(rec->old_state)),
	       tt_state_name(rec->old_state, old_name), reset,
	       tt_color(color, tt_state_color(rec->new_state)),
	       tt_state_name(rec->new_state, new_name), reset);
	if (note)
		printf(" (%s)", note);
}

/* What happened: the state change, RST, accept, or totals. */
static void print_what(const struct events_output *out, const struct event *ev)
{
	const struct tcptrail_record *rec = &ev->rec;
	char name[TT_STATE_NAME_LEN], line[256];
	bool color = out->opts->color;
	const char *reason;
	bool sent;

	switch (rec->kind) {
	case TCPTRAIL_KIND_STATE:
		print_transition(out, rec, ev->handover ? "to timewait" :
				 rec->detail ? strerrorname_np(rec->detail) :
				 NULL);
		break;
	case TCPTRAIL_KIND_TIMEWAIT:
		reason = tt_reason_name(rec->reason, name);
		print_transition(out, rec, reason ? reason : "timewait");
		break;
	case TCPTRAIL_KIND_RESET:
		sent = rec->reason == TCPTRAIL_REASON_RST_SENT;
		reason = tt_rst_reason_name(rec->detail);
		printf(" %sRST %s%s in %s", tt_color(color, TT_COLOR_RED),
		       sent ? "sent" : "received",
		       tt_color(color, TT_COLOR_RESET),
		       tt_state_name(rec->old_state, name));
		if (reason)
			printf(" (%s)", reason);
		break;
	case TCPTRAIL_KIND_ACCEPT:
		printf(" accept by");
		break;
	case TCPTRAIL_KIND_TOTALS:
		tt_totals_format(&ev->totals, line, sizeof(line));
		printf(" totals: %s", line);
		break;
	default:
		printf(" %s", tt_kind_name(rec->kind, name));
		print_transition(out, rec, NULL);
		break;
	}
}

static void print_human(const struct events_output *out, const struct event *ev)
{
	const struct tcptrail_record *rec = &ev->rec;
	bool color = out->opts->color;
	const char *dim = tt_color(color, TT_COLOR_DIM);
	const char *reset = tt_color(color, TT_COLOR_RESET);
	char when[TT_TIME_LEN], comm[TT_COMM_LEN];
	const char *raw_comm;
	uint32_t pid;
	bool has_pid;

	tt_format_time_of_day(rec->ts_ns, when, sizeof(when));
	printf("%s%s%s", dim, when, reset);
	print_endpoint(ev, ev->saddr, ev->sport);
	print_endpoint(ev, ev->daddr, ev->dport);
	print_what(out, ev);

	event_process(ev, &has_pid, &pid, &raw_comm);
	if (raw_comm)
		tt_format_comm(raw_comm, sizeof(rec->comm), comm);
	else
		snprintf(comm, sizeof(comm), "-");
	if (has_pid)
		printf(" %" PRIu32 "/%s", pid, comm);
	else
		printf(" -");
	if (rec->flags & TCPTRAIL_F_SOFTIRQ)
		printf(" (softirq)");
	printf(" %sconn %" PRIu64, dim, (uint64_t)rec->conn);
	if (out->opts->all_netns)
		printf(" netns %" PRIu32, rec->netns);
	printf("%s\n", reset);
}

static int print_event(struct events_output *out, const struct event *ev)
{
	if (out->opts->json)
		print_json(out, ev);
	else
		print_human(out, ev);
	return tt_output_status(stdout);
}

/* Forget connections that are over, and the oldest beyond the bound. */
static void prune(struct conn_table *t, bool over_too)
{
	struct conn *c, *next;

	for (c = t->oldest; c && over_too; c = next) {
		next = c->newer;
		if (c->phase == CONN_DONE)
			conn_table_remove(t, c);
	}
	while (t->count > EVENTS_MAX_TRACKED)
		conn_table_remove(t, t->oldest);
}

/*
 * --pid, --cgroup, --netns, ...: by the record's connection (a server's
 * owner is known from its accept on), or the record alone.
 */
static bool who_matches(const struct tt_filter *f,
			const struct tcptrail_record *rec, const struct conn *c)
{
	struct conn alone = { .netns = rec->netns, .cgroup = rec->cgroup };

	return tt_filter_match_who(f, c ? c : &alone);
}

static int on_record(void *ctx, const struct tcptrail_record *rec)
{
	struct events_output *out = ctx;
	struct conn *c;
	struct event ev;
	bool matches;
	int err;

	err = conn_table_add(&out->table, rec, &c);
	if (err) {
		fprintf(stderr, "tcptrail: out of memory\n");
		return err;
	}
	make_event(&ev, rec, c);
	matches = event_matches(&out->opts->filter, &ev) &&
		  who_matches(&out->opts->filter, rec, c);
	prune(&out->table, false);
	if (!matches)
		return 0;
	if (!out->holding)
		return print_event(out, &ev);
	out->held[out->held_next] = ev;
	out->held_next = (out->held_next + 1) % out->held_cap;
	if (out->held_len < out->held_cap)
		out->held_len++;
	return 0;
}

static int on_missed(void *ctx, uint64_t n)
{
	struct events_output *out = ctx;

	return tt_json_missed(out->opts->json, &out->json, n);
}

static int on_caught_up(void *ctx)
{
	struct events_output *out = ctx;

	if (out->holding) {
		size_t oldest, i;

		oldest = (out->held_next + out->held_cap - out->held_len) % out->held_cap;
		for (i = 0; i < out->held_len; i++) {
			size_t slot = (oldest + i) % out->held_cap;
			int err = print_event(out, &out->held[slot]);

			if (err)
				return err;
		}
		free(out->held);
		out->held = NULL;
		out->holding = false;
	}
	conn_table_dump_ended(&out->table);
	prune(&out->table, true);
	return tt_flush(stdout);
}

int cmd_events(int argc, char **argv)
{
	struct events_output out = { 0 };
	struct tt_options opts;
	struct tt_nl nl;
	int ret, err;

	ret = tt_options_parse(argc, argv, EVENTS_OPTIONS, usage, &opts);
	if (ret != TT_OPTIONS_CONTINUE)
		return ret;
	if (opts.nr_operands)
		return tt_usage_error(argv[0], usage, "unexpected argument '%s'",
				      opts.operands[0]);

	out.opts = &opts;
	json_init(&out.json, stdout);
	if (opts.filter.last) {
		/* No dump holds more than the ring does. */
		out.held_cap = opts.filter.last < TCPTRAIL_RING_MAX ?
			       opts.filter.last : TCPTRAIL_RING_MAX;
		out.held = calloc(out.held_cap, sizeof(*out.held));
		if (!out.held) {
			fprintf(stderr, "tcptrail: out of memory\n");
			return TT_EXIT_FAILURE;
		}
		out.holding = true;
	}
	if (conn_table_init(&out.table, CONN_TABLE_HASH_BITS)) {
		free(out.held);
		fprintf(stderr, "tcptrail: out of memory\n");
		return TT_EXIT_FAILURE;
	}
	err = tt_nl_open(&nl);
	if (!err) {
		const struct tt_record_sink sink = {
			.record = on_record,
			.missed = on_missed,
			.caught_up = on_caught_up,
			.ctx = &out,
		};
		struct tt_stats st;

		/* For the kernel's names of RST reasons; the read says why
		 * it fails, if it does.
		 */
		tt_stats_fetch(&nl, &st);
		err = tt_read_records(&nl, opts.all_netns, opts.follow, &sink);
		tt_nl_close(&nl);
	}
	conn_table_free(&out.table);
	free(out.held);
	return tt_exit_status(err);
}

/* tcptrail record's lines (event_lines.h): events --json, record by record. */
struct tt_event_lines {
	struct events_output out;
	struct tt_options opts;
};

struct tt_event_lines *tt_event_lines_new(void)
{
	struct tt_event_lines *el = calloc(1, sizeof(*el));

	if (!el)
		return NULL;
	tt_filter_init(&el->opts.filter);
	el->opts.json = true;
	el->out.opts = &el->opts;
	json_init(&el->out.json, stdout);
	if (conn_table_init(&el->out.table, CONN_TABLE_HASH_BITS)) {
		free(el);
		return NULL;
	}
	return el;
}

void tt_event_lines_free(struct tt_event_lines *el)
{
	if (!el)
		return;
	conn_table_free(&el->out.table);
	free(el);
}

int tt_event_lines_record(struct tt_event_lines *el,
			  const struct tcptrail_record *rec, FILE *out,
			  const struct conn **cp)
{
	struct conn *c;
	struct event ev;
	int err;

	prune(&el->out.table, false);
	err = conn_table_add(&el->out.table, rec, &c);
	if (err)
		return err;
	make_event(&ev, rec, c);
	el->out.json.out = out;
	print_json(&el->out, &ev);
	*cp = c;
	return 0;
}

void tt_event_lines_missed(struct tt_event_lines *el, uint64_t n, FILE *out)
{
	el->out.json.out = out;
	json_missed_line(&el->out.json, n);
}

void tt_event_lines_dump_ended(struct tt_event_lines *el)
{
	conn_table_dump_ended(&el->out.table);
	prune(&el->out.table, true);
}
