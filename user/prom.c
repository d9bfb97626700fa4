// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus metrics. The module's counters (GET_STATS) are exact and
 * monotonic since it was loaded: they are counters. What only the records
 * tell (transitions per state pair, connections opened and closed, RSTs,
 * TIME_WAIT) is counted over the records of the caller's namespace the
 * ring still holds: those are gauges, since they fall as the ring wraps;
 * tcptrail_ring_complete says when they still are totals since the load.
 * docs/prometheus.md lists them all.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/tcp.h>
#include <string.h>

#include "conn.h"
#include "format.h"
#include "lifecycle.h"
#include "prom.h"
#include "reader.h"


/* The module's counters: metric names and help, by enum tt_stat_counter. */
static const struct {
	const char *name;
	const char *help;
} counters[TT_NR_STAT_COUNTERS] = {
	[TT_STAT_WRITTEN] = { "tcptrail_records_written_total",
	  "Records written since the module was loaded, all network "
	  "namespaces." },
	[TT_STAT_NETNS_WRITTEN] = { "tcptrail_netns_records_written_total",
	  "Records of this network namespace written since the module was "
	  "loaded." },
	[TT_STAT_OVERWRITTEN] = { "tcptrail_records_overwritten_total",
	  "Records lost to the ring wrapping, all network namespaces." },
	[TT_STAT_HISTORY_DROPPED] = { "tcptrail_records_history_dropped_total",
	  "Records dropped by ring resizes." },
	[TT_STAT_NOT_RECORDED] = { "tcptrail_transitions_not_recorded_total",
	  "Transitions not recorded: recording was off or the ring was being "
	  "resized." },
	[TT_STAT_FILTERED] = { "tcptrail_transitions_filtered_total",
	  "Transitions the module's family and port filters skipped." },
};

/* What the records of this namespace in the ring tell. */
struct ring_window {
	struct conn_table table;
	uint64_t records;
	bool seen_any;
	uint64_t first_netns_seq;
	uint64_t oldest_ns;
	uint64_t missed;
	uint64_t rst_sent, rst_received;
};

/* The totals over the connections of the window. */
struct ring_counts {
	uint64_t pairs[TCPTRAIL_NR_STATES][TCPTRAIL_NR_STATES];
	uint64_t opened_connect, opened_accept;
	uint64_t closed[CONN_NR_ENDS];
	uint64_t time_wait;
};

static int on_record(void *ctx, const struct tcptrail_record *rec)
{
	struct ring_window *w = ctx;
	struct conn *c;

	if (!w->seen_any) {
		w->seen_any = true;
		w->first_netns_seq = rec->netns_seq;
		w->oldest_ns = rec->ts_ns;
	}
	w->records++;
	if (rec->kind == TCPTRAIL_KIND_RESET) {
		if (rec->reason == TCPTRAIL_REASON_RST_SENT)
			w->rst_sent++;
		else if (rec->reason == TCPTRAIL_REASON_RST_RECEIVED)
			w->rst_received++;
	}
	if (conn_table_add(&w->table, rec, &c)) {
		fprintf(stderr, "tcptrail: out of memory\n");
		return -ENOMEM;
	}
	return 0;
}

static int on_missed(void *ctx, uint64_t n)
{
	struct ring_window *w = ctx;

	w->missed += n;
	return 0;
}

static int on_caught_up(void *ctx)
{
	(void)ctx;
	return 0;
}

static void count_pair(struct ring_counts *n, unsigned int from,
		       unsigned int to)
{
	/* States tcptrail has no name for are left out. */
	if (from < TCPTRAIL_NR_STATES && to < TCPTRAIL_NR_STATES)
		n->pairs[from][to]++;
}

/* Each connection's transitions as its timeline tells them: the full
 * socket's, then its timewait socket's, the hand-over not being one.
 */
static void count_conn(struct ring_counts *n, const struct conn *c)
{
	struct conn_summary s;
	size_t i;

	for (i = 0; i < c->nr_states; i++)
		count_pair(n, i ? c->states[i - 1].state : c->first_old_state,
			   c->states[i].state);
	conn_summarize(c, &s);
	if (s.role == CONN_ROLE_CLIENT)
		n->opened_connect++;
	if (c->accepted)
		n->opened_accept++;
	if (s.end != CONN_END_OPEN && s.role != CONN_ROLE_LISTENER)
		n->closed[s.end]++;
	if (c->tw.entered && !c->tw.not_created && !c->tw.exited)
		n->time_wait++;
}

static void header(FILE *out, const char *name, const char *type,
		   const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void sample(FILE *out, const char *name, const char *labels,
		   uint64_t v)
{
	fprintf(out, "%s%s%s%s %" PRIu64 "\n", name, labels ? "{" : "",
		labels ? labels : "", labels ? "}" : "", v);
}

/* A metric of one sample. */
static void metric(FILE *out, const char *name, const char *type,
		   const char *help, uint64_t v)
{
	header(out, name, type, help);
	sample(out, name, NULL, v);
}

/* The states full sockets enter, shown even before they have: not
 * TIME_WAIT (the timewait socket's), NEW_SYN_RECV nor BOUND_INACTIVE.
 */
static bool always_counted(unsigned int state)
{
	return state >= TCP_ESTABLISHED && state <= TCP_CLOSING &&
	       state != TCP_TIME_WAIT;
}

/* Label values are state names and fixed words: nothing to escape. */
static void print_module(FILE *out, const struct tt_stats *st)
{
	char name[TT_STATE_NAME_LEN], labels[64];
	unsigned int state;
	size_t i;

	metric(out, "tcptrail_ring_size_records", "gauge",
	       "Records the ring holds.", st->ring_size);
	metric(out, "tcptrail_ring_size_bytes", "gauge",
	       "Memory of the ring's records, bytes.",
	       (uint64_t)st->ring_size * st->record_size);
	for (i = 0; i < TT_NR_STAT_COUNTERS; i++)
		metric(out, counters[i].name, "counter", counters[i].help,
		       st->counter[i]);

	header(out, "tcptrail_state_transitions_total", "counter",
	       "Transitions of full sockets into each state in this network "
	       "namespace since the module was loaded (exact; the timewait "
	       "socket's TIME_WAIT is not one: see "
	       "tcptrail_ring_transitions).");
	for (state = 1; state < TCPTRAIL_NR_STATES; state++) {
		if (!st->has_state[state] && !always_counted(state))
			continue;
		snprintf(labels, sizeof(labels), "to=\"%s\"",
			 tt_state_name(state, name));
		sample(out, "tcptrail_state_transitions_total", labels,
		       st->state_count[state]);
	}
}

static void print_window(FILE *out, const struct tt_stats *st,
			 const struct ring_window *w)
{
	bool complete = !w->missed &&
			(w->seen_any ? w->first_netns_seq == 1 :
			 !st->counter[TT_STAT_NETNS_WRITTEN]);

	metric(out, "tcptrail_ring_netns_records", "gauge",
	       "Records of this network namespace in the ring: the window the "
	       "tcptrail_ring_* gauges count over.", w->records);
	metric(out, "tcptrail_ring_complete", "gauge",
	       "1 if the ring still holds every record of this network "
	       "namespace since the module was loaded (the tcptrail_ring_* "
	       "gauges are then totals since the load), 0 if some were lost.",
	       complete);
	/* No record, no age: and no family without a sample. */
	if (w->seen_any) {
		uint64_t now = tt_monotonic_ns();

		header(out, "tcptrail_ring_oldest_age_seconds", "gauge",
		       "Age of the oldest record of this network namespace "
		       "in the ring.");
		fprintf(out, "tcptrail_ring_oldest_age_seconds %.3f\n",
			now > w->oldest_ns ?
			(double)(now - w->oldest_ns) / TT_NSEC_PER_SEC : 0.0);
	}
}

static void print_counts(FILE *out, const struct ring_window *w,
			 const struct ring_counts *n)
{
	char from[TT_STATE_NAME_LEN], to[TT_STATE_NAME_LEN], labels[96];
	unsigned int i, j;
	int end;

	header(out, "tcptrail_ring_transitions", "gauge",
	       "State transitions per state pair among the connections of the "
	       "records of this network namespace in the ring, TIME_WAIT "
	       "included (falls as the ring wraps).");
	for (i = 0; i < TCPTRAIL_NR_STATES; i++) {
		for (j = 0; j < TCPTRAIL_NR_STATES; j++) {
			if (!n->pairs[i][j])
				continue;
			snprintf(labels, sizeof(labels),
				 "from=\"%s\",to=\"%s\"",
				 tt_state_name(i, from), tt_state_name(j, to));
			sample(out, "tcptrail_ring_transitions", labels,
			       n->pairs[i][j]);
		}
	}
	header(out, "tcptrail_ring_connections_opened", "gauge",
	       "Connections opened among the records of this network "
	       "namespace in the ring: by connect() (CLOSE -> SYN_SENT) or "
	       "handed out by accept().");
	sample(out, "tcptrail_ring_connections_opened", "how=\"connect\"",
	       n->opened_connect);
	sample(out, "tcptrail_ring_connections_opened", "how=\"accept\"",
	       n->opened_accept);
	header(out, "tcptrail_ring_connections_closed", "gauge",
	       "Connections (not listeners) whose full socket closed, among "
	       "the records of this network namespace in the ring, by how "
	       "they ended.");
	for (end = CONN_END_FIN; end < CONN_NR_ENDS; end++) {
		snprintf(labels, sizeof(labels), "end=\"%s\"",
			 conn_end_name(end));
		sample(out, "tcptrail_ring_connections_closed", labels,
		       n->closed[end]);
	}
	header(out, "tcptrail_ring_resets", "gauge",
	       "RSTs sent and received among the records of this network "
	       "namespace in the ring.");
	sample(out, "tcptrail_ring_resets", "direction=\"sent\"", w->rst_sent);
	sample(out, "tcptrail_ring_resets", "direction=\"received\"",
	       w->rst_received);
	metric(out, "tcptrail_time_wait_connections", "gauge",
	       "Connections in TIME_WAIT (or its FIN_WAIT2 substate) now: "
	       "their timewait socket's entry is in the ring, its end is "
	       "not yet.",
	       n->time_wait);
}

void tt_prom_header(FILE *out, const char *name, const char *type,
		    const char *help)
{
	header(out, name, type, help);
}

void tt_prom_print_module(FILE *out, const struct tt_stats *st)
{
	print_module(out, st);
}

int tt_prom_print(struct tt_nl *nl, const struct tt_stats *st, FILE *out)
{
	struct ring_window w = { 0 };
	const struct tt_record_sink sink = {
		.record = on_record,
		.missed = on_missed,
		.caught_up = on_caught_up,
		.ctx = &w,
	};
	struct ring_counts n;
	const struct conn *c;
	int err;

	if (conn_table_init(&w.table, CONN_TABLE_HASH_BITS)) {
		fprintf(stderr, "tcptrail: out of memory\n");
		return -ENOMEM;
	}
	err = tt_read_records(nl, false, false, &sink);
	if (!err) {
		memset(&n, 0, sizeof(n));
		for (c = w.table.oldest; c; c = c->newer)
			count_conn(&n, c);
		print_module(out, st);
		print_window(out, st, &w);
		print_counts(out, &w, &n);
		err = tt_output_status(out);
	}
	conn_table_free(&w.table);
	return err;
}
