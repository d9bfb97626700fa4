// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail events: one line per record: a TCP state transition, a TIME_WAIT
 * step, a RST, an accept, a connection's totals.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "conn.h"
#include "event_lines.h"
#include "format.h"
#include "json.h"
#include "lifecycle.h"
#include "linebuf.h"
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

/* A name's JSON ("ESTABLISHED"), kept by its value. */
struct json_name {
	uint8_t len;			/* 0: not made yet */
	char s[TT_STATE_NAME_LEN + 2];
};

struct events_output {
	const struct tt_options *opts;
	struct json_writer json;
	struct tt_linebuf out;		/* the lines, written per batch */
	struct tt_u64_memo netns, pid, owner_pid;	/* repeated numbers */
	struct tt_u64_lead_memo ts;			/* ... and digits */
	struct tt_u64_memo seq;				/* counted up */
	struct tt_u64_cache ids;		/* ports and conns */
	struct tt_json_memo comm, owner_comm;		/* repeated names */
	/* The JSON of the names of states, kinds and reasons, made once. */
	struct json_name states[TCPTRAIL_NR_STATES], kinds[8], reasons[16];
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
	/* Not the record, copied next, nor the endpoints, set below (the
	 * addresses only where known: has_addrs says).
	 */
	memset(&ev->has_owner, 0, offsetof(struct event, has_addrs) -
				  offsetof(struct event, has_owner));
	memset(&ev->totals, 0, sizeof(ev->totals));
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

/*
 * Room for a JSON string of s (NULL: null): a bound, without measuring a
 * string of at most max bytes.
 */
static size_t json_room(const char *s, size_t max)
{
	if (!s)
		return 4;
	return 2 + 6 * (max == SIZE_MAX ? strlen(s) : max);
}

static char *put_json_string_or_null(char *p, const char *s, size_t max)
{
	return s ? tt_put_json_string(p, s, max) : TT_PUT_LIT(p, "null");
}

static char *put_json_addr(char *p, const struct event *ev, const uint8_t *a)
{
	if (!ev->has_addrs)
		return TT_PUT_LIT(p, "null");
	*p++ = '"';
	p = tt_put_addr(p, ev->family, a);
	*p++ = '"';
	return p;
}

/* name (NULL: null), for value v: from table[v] once made. */
static char *put_name_kept(char *p, struct json_name *table, size_t n,
			   unsigned int v, const char *name)
{
	struct json_name *kept;

	if (!name)
		return TT_PUT_LIT(p, "null");
	if (v >= n)
		return tt_put_name(p, name);
	kept = &table[v];
	if (!kept->len)
		kept->len = (uint8_t)(tt_put_name(kept->s, name) - kept->s);
	memcpy(p, kept->s, sizeof(kept->s));
	return p + kept->len;
}

#define PUT_NAME_KEPT(p, table, v, name) \
	put_name_kept(p, table, sizeof(table) / sizeof(table[0]), v, name)

/* Non-empty text, or null. */
static const char *text_or_null(const char *s)
{
	return s && *s ? s : NULL;
}

/* Fixed text of a line, numbers, addresses and short names included. */
#define JSON_LINE_ROOM	1024

/*
 * The line of events --json (docs/json.md), built by hand in one go: the
 * same bytes json_writer would write, field by field.
 */
static int put_json(struct events_output *out, const struct event *ev)
{
	struct tt_linebuf *b = &out->out;
	const struct tcptrail_record *rec = &ev->rec;
	const struct tt_cgroup *cg = tt_cgroup_of(ev->cgroup);
	const char *cgroup = text_or_null(cg->path);
	const char *unit = text_or_null(cg->workload.unit);
	const char *container = text_or_null(cg->workload.container);
	const char *pod = text_or_null(cg->workload.pod_uid);
	const char *rst = rec->kind == TCPTRAIL_KIND_RESET ?
			  tt_rst_reason_name(rec->detail) : NULL;
	const char *error = rec->kind == TCPTRAIL_KIND_STATE && rec->detail ?
			    strerrorname_np(rec->detail) : NULL;
	char name[TT_STATE_NAME_LEN];
	const char *comm, *reason;
	uint32_t pid;
	bool has_pid;
	char *p;

	event_process(ev, &has_pid, &pid, &comm);
	p = tt_linebuf_room(b, JSON_LINE_ROOM +
			    json_room(comm, sizeof(rec->comm)) +
			    json_room(ev->owner_comm, sizeof(ev->owner_comm)) +
			    json_room(rst, SIZE_MAX) + json_room(error, SIZE_MAX) +
			    json_room(cgroup, SIZE_MAX) + json_room(unit, SIZE_MAX) +
			    json_room(container, SIZE_MAX) + json_room(pod, SIZE_MAX));
	if (!p) {
		fprintf(stderr, "tcptrail: out of memory\n");
		return -ENOMEM;
	}
	p = TT_PUT_LIT(p, "{\"seq\":");
	p = tt_put_u64_counted(p, &out->seq, rec->seq);
	p = TT_PUT_LIT(p, ",\"ts_ns\":");
	p = tt_put_u64_lead_memo(p, &out->ts, rec->ts_ns);
	p = TT_PUT_LIT(p, ",\"netns\":");
	p = tt_put_u64_memo(p, &out->netns, rec->netns);
	p = TT_PUT_LIT(p, ",\"family\":");
	p = tt_put_name(p, tt_family_name(ev->family, name));
	p = TT_PUT_LIT(p, ",\"saddr\":");
	p = put_json_addr(p, ev, ev->saddr);
	p = TT_PUT_LIT(p, ",\"sport\":");
	p = tt_put_u64_cached(p, &out->ids, ev->sport);
	p = TT_PUT_LIT(p, ",\"daddr\":");
	p = put_json_addr(p, ev, ev->daddr);
	p = TT_PUT_LIT(p, ",\"dport\":");
	p = tt_put_u64_cached(p, &out->ids, ev->dport);
	p = TT_PUT_LIT(p, ",\"old\":");
	p = PUT_NAME_KEPT(p, out->states, rec->old_state,
			  tt_state_name(rec->old_state, name));
	p = TT_PUT_LIT(p, ",\"new\":");
	p = PUT_NAME_KEPT(p, out->states, rec->new_state,
			  tt_state_name(rec->new_state, name));
	p = TT_PUT_LIT(p, ",\"pid\":");
	if (has_pid)
		p = tt_put_u64_memo(p, &out->pid, pid);
	else
		p = TT_PUT_LIT(p, "null");
	p = TT_PUT_LIT(p, ",\"comm\":");
	p = comm ? tt_put_json_string_memo(p, &out->comm, comm, sizeof(rec->comm)) :
		   TT_PUT_LIT(p, "null");
	p = TT_PUT_LIT(p, ",\"conn\":");
	p = tt_put_u64_cached(p, &out->ids, rec->conn);
	if (rec->flags & TCPTRAIL_F_SOFTIRQ)
		p = TT_PUT_LIT(p, ",\"ctx\":\"softirq\",\"kind\":");
	else
		p = TT_PUT_LIT(p, ",\"ctx\":\"task\",\"kind\":");
	p = PUT_NAME_KEPT(p, out->kinds, rec->kind, tt_kind_name(rec->kind, name));
	p = TT_PUT_LIT(p, ",\"reason\":");
	reason = tt_reason_name(rec->reason, name);
	p = PUT_NAME_KEPT(p, out->reasons, rec->reason, reason);
	p = TT_PUT_LIT(p, ",\"rst_reason\":");
	p = put_json_string_or_null(p, rst, SIZE_MAX);
	p = TT_PUT_LIT(p, ",\"error\":");
	p = put_json_string_or_null(p, error, SIZE_MAX);
	p = TT_PUT_LIT(p, ",\"cgroup_id\":");
	p = tt_put_u64_or_null(p, ev->cgroup, ev->cgroup);
	p = TT_PUT_LIT(p, ",\"cgroup\":");
	p = put_json_string_or_null(p, cgroup, SIZE_MAX);
	p = TT_PUT_LIT(p, ",\"unit\":");
	p = put_json_string_or_null(p, unit, SIZE_MAX);
	p = TT_PUT_LIT(p, ",\"container\":");
	p = put_json_string_or_null(p, container, SIZE_MAX);
	p = TT_PUT_LIT(p, ",\"pod_uid\":");
	p = put_json_string_or_null(p, pod, SIZE_MAX);
	p = TT_PUT_LIT(p, ",\"owner_pid\":");
	if (ev->has_owner)
		p = tt_put_u64_memo(p, &out->owner_pid, ev->owner_pid);
	else
		p = TT_PUT_LIT(p, "null");
	p = TT_PUT_LIT(p, ",\"owner_comm\":");
	p = ev->has_owner ? tt_put_json_string_memo(p, &out->owner_comm,
						    ev->owner_comm,
						    sizeof(ev->owner_comm)) :
			    TT_PUT_LIT(p, "null");
	if (rec->kind == TCPTRAIL_KIND_TOTALS) {
		const struct tt_totals *t = &ev->totals;

		*p++ = ',';
		p = tt_put_totals_members(p, t);
	}
	p = TT_PUT_LIT(p, "}\n");
	tt_linebuf_commit(b, p);
	return 0;
}

/* Colour codes: none, or a few bytes each. */
static char *put_color(char *p, bool color, enum tt_color c)
{
	return color ? tt_put_str(p, tt_color(true, c)) : p;
}

static char *put_endpoint(char *p, const struct event *ev, const uint8_t *addr,
			  uint16_t port)
{
	*p++ = ' ';
	if (ev->has_addrs)
		return tt_put_endpoint(p, ev->family, addr, port);
	p = TT_PUT_LIT(p, "?:");
	return tt_put_u64(p, port);
}

/* "OLD -> NEW", coloured, and a note in parentheses. */
static char *put_transition(char *p, bool color,
			    const struct tcptrail_record *rec, const char *note)
{
	char name[TT_STATE_NAME_LEN];

	*p++ = ' ';
	p = put_color(p, color, tt_state_color(rec->old_state));
	p = tt_put_str(p, tt_state_name(rec->old_state, name));
	p = put_color(p, color, TT_COLOR_RESET);
	p = TT_PUT_LIT(p, " -> ");
	p = put_color(p, color, tt_state_color(rec->new_state));
	p = tt_put_str(p, tt_state_name(rec->new_state, name));
	p = put_color(p, color, TT_COLOR_RESET);
	if (note) {
		p = TT_PUT_LIT(p, " (");
		p = tt_put_str(p, note);
		*p++ = ')';
	}
	return p;
}

/* What happened: the state change, RST, accept, or totals. */
static char *put_what(char *p, bool color, const struct event *ev)
{
	const struct tcptrail_record *rec = &ev->rec;
	char name[TT_STATE_NAME_LEN], line[256];
	const char *reason;

	switch (rec->kind) {
	case TCPTRAIL_KIND_STATE:
		return put_transition(p, color, rec,
				      ev->handover ? "to timewait" :
				      rec->detail ? strerrorname_np(rec->detail) :
				      NULL);
	case TCPTRAIL_KIND_TIMEWAIT:
		reason = tt_reason_name(rec->reason, name);
		return put_transition(p, color, rec, reason ? reason : "timewait");
	case TCPTRAIL_KIND_RESET:
		reason = tt_rst_reason_name(rec->detail);
		*p++ = ' ';
		p = put_color(p, color, TT_COLOR_RED);
		if (rec->reason == TCPTRAIL_REASON_RST_SENT)
			p = TT_PUT_LIT(p, "RST sent");
		else
			p = TT_PUT_LIT(p, "RST received");
		p = put_color(p, color, TT_COLOR_RESET);
		p = TT_PUT_LIT(p, " in ");
		p = tt_put_str(p, tt_state_name(rec->old_state, name));
		if (reason) {
			p = TT_PUT_LIT(p, " (");
			p = tt_put_str(p, reason);
			*p++ = ')';
		}
		return p;
	case TCPTRAIL_KIND_ACCEPT:
		return TT_PUT_LIT(p, " accept by");
	case TCPTRAIL_KIND_TOTALS:
		tt_totals_format(&ev->totals, line, sizeof(line));
		p = TT_PUT_LIT(p, " totals: ");
		return tt_put_str(p, line);
	default:
		*p++ = ' ';
		p = tt_put_str(p, tt_kind_name(rec->kind, name));
		return put_transition(p, color, rec, NULL);
	}
}

/* Room for a text line: all but the RST reason's and the note's names. */
#define TEXT_LINE_ROOM	1024

static int put_human(struct events_output *out, const struct event *ev)
{
	const struct tcptrail_record *rec = &ev->rec;
	const char *rst = rec->kind == TCPTRAIL_KIND_RESET ?
			  tt_rst_reason_name(rec->detail) : NULL;
	bool color = out->opts->color;
	const char *raw_comm;
	uint32_t pid;
	bool has_pid;
	char *p;

	p = tt_linebuf_room(&out->out, TEXT_LINE_ROOM + (rst ? strlen(rst) : 0));
	if (!p) {
		fprintf(stderr, "tcptrail: out of memory\n");
		return -ENOMEM;
	}
	p = put_color(p, color, TT_COLOR_DIM);
	p = tt_put_time_of_day(p, rec->ts_ns);
	p = put_color(p, color, TT_COLOR_RESET);
	p = put_endpoint(p, ev, ev->saddr, ev->sport);
	p = put_endpoint(p, ev, ev->daddr, ev->dport);
	p = put_what(p, color, ev);

	event_process(ev, &has_pid, &pid, &raw_comm);
	if (has_pid) {
		*p++ = ' ';
		p = tt_put_u64(p, pid);
		*p++ = '/';
		if (raw_comm) {
			char comm[TT_COMM_LEN];

			tt_format_comm(raw_comm, sizeof(rec->comm), comm);
			p = tt_put_str(p, comm);
		} else {
			*p++ = '-';
		}
	} else {
		p = TT_PUT_LIT(p, " -");
	}
	if (rec->flags & TCPTRAIL_F_SOFTIRQ)
		p = TT_PUT_LIT(p, " (softirq)");
	*p++ = ' ';
	p = put_color(p, color, TT_COLOR_DIM);
	p = TT_PUT_LIT(p, "conn ");
	p = tt_put_u64(p, rec->conn);
	if (out->opts->all_netns) {
		p = TT_PUT_LIT(p, " netns ");
		p = tt_put_u64(p, rec->netns);
	}
	p = put_color(p, color, TT_COLOR_RESET);
	*p++ = '\n';
	tt_linebuf_commit(&out->out, p);
	return 0;
}

static int print_event(struct events_output *out, const struct event *ev)
{
	int err = out->opts->json ? put_json(out, ev) :
		  put_human(out, ev);

	return err ? err : tt_linebuf_batch(&out->out);
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
	struct conn alone;

	if (c)
		return tt_filter_match_who(f, c);
	/* A whole struct conn, zeroed, only where there is no connection. */
	alone = (struct conn){ .netns = rec->netns, .cgroup = rec->cgroup };
	return tt_filter_match_who(f, &alone);
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

	return out->opts->json ? tt_put_missed_line(&out->out, n) : 0;
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
	/* The dump's lines, at once. */
	tt_time_of_day_resync();
	return tt_linebuf_flush(&out->out);
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
	tt_linebuf_init(&out.out, STDOUT_FILENO);
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
	tt_linebuf_free(&out.out);
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
	tt_linebuf_init(&el->out.out, -1);	/* only a buffer here */
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
	tt_linebuf_free(&el->out.out);
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
	err = put_json(&el->out, &ev);
	if (err)
		return err;
	fwrite(el->out.out.buf, 1, el->out.out.len, out);
	el->out.out.len = 0;
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
