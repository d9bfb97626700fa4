// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filter.h"
#include "format.h"
#include "metrics.h"
#include "prom.h"


/* Bucket bounds, seconds. A handshake is an RTT or two: 100 µs (loopback)
 * to seconds (SYN retransmitted: 1 s, 3 s).
 */
static const double handshake_bounds[] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};
/* A connection lives from a millisecond (a health check) to days. */
static const double lifetime_bounds[] = {
	0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400,
};
/* Linux keeps TIME_WAIT 60 s (TCP_TIMEWAIT_LEN): what ends it sooner
 * (reuse, RST, ss -K) or later (a slow timer) is what the buckets tell.
 */
static const double time_wait_bounds[] = {
	0.001, 0.1, 1, 10, 30, 59, 60, 61, 65, 90, 120,
};

struct histogram_kind {
	const char *name;
	const char *help;
	const double *bounds;
	size_t nr_bounds;
};

#define BOUNDS(b)	(b), sizeof(b) / sizeof((b)[0])

static const struct histogram_kind handshake = {
	"tcptrail_handshake_duration_seconds",
	"Time from SYN_SENT (client) or SYN_RECV (server) to ESTABLISHED.",
	BOUNDS(handshake_bounds),
};
static const struct histogram_kind lifetime = {
	"tcptrail_connection_lifetime_seconds",
	"Time from a connection's first state (SYN_SENT, SYN_RECV) to its "
	"full socket's close (TIME_WAIT not included).",
	BOUNDS(lifetime_bounds),
};
static const struct histogram_kind time_wait = {
	"tcptrail_time_wait_duration_seconds",
	"Time a connection spent in TIME_WAIT (or its FIN_WAIT2 substate), "
	"entry to end, whatever ended it.",
	BOUNDS(time_wait_bounds),
};

static const char *const role_names[] = { "client", "server" };

int tt_metrics_init(struct tt_metrics *m, const char *ports)
{
	char *list, *tok, *save = NULL;
	int err = 0;

	memset(m, 0, sizeof(*m));
	m->started_unix = time(NULL);
	if (!ports)
		return 0;
	list = strdup(ports);
	if (!list)
		return -ENOMEM;
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (m->nr_ports == TT_METRICS_MAX_PORTS) {
			fprintf(stderr, "tcptrail record: --metrics-ports takes "
				"at most %d ports (each multiplies the series "
				"node_exporter serves)\n", TT_METRICS_MAX_PORTS);
			err = -EINVAL;
			break;
		}
		if (tt_parse_port(tok, &m->ports[m->nr_ports])) {
			fprintf(stderr, "tcptrail record: bad port '%s' in "
				"--metrics-ports (a list such as 80,443)\n", tok);
			err = -EINVAL;
			break;
		}
		m->nr_ports++;
	}
	free(list);
	return err;
}

/* The port slot of a connection: its local port if listed, else its
 * remote port if listed, else "other" (the last).
 */
static unsigned int slot_of(const struct tt_metrics *m, uint16_t sport,
			    uint16_t dport)
{
	unsigned int i;

	for (i = 0; i < m->nr_ports; i++)
		if (m->ports[i] == sport)
			return i;
	for (i = 0; i < m->nr_ports; i++)
		if (m->ports[i] == dport)
			return i;
	return m->nr_ports;
}

static void observe(struct tt_histogram *h, const struct histogram_kind *k,
		    uint64_t ns)
{
	double s = (double)ns / TT_NSEC_PER_SEC;
	size_t i;

	h->count++;
	h->sum += s;
	for (i = 0; i < k->nr_bounds; i++) {
		if (s <= k->bounds[i]) {
			h->le[i]++;
			break;
		}
	}
}

static bool starts_known(const struct conn_summary *s)
{
	return s->role == CONN_ROLE_CLIENT || s->role == CONN_ROLE_SERVER;
}

static void on_state(struct tt_slot_metrics *sm,
		     const struct tcptrail_record *rec, const struct conn *c)
{
	struct conn_summary s;

	if (rec->new_state != TCP_ESTABLISHED &&
	    (rec->new_state != TCP_CLOSE || rec->old_state == TCP_CLOSE))
		return;
	conn_summarize(c, &s);
	if (!starts_known(&s))
		return;
	if (rec->new_state == TCP_ESTABLISHED) {
		if (s.has_handshake)
			observe(&sm->handshake[s.role == CONN_ROLE_SERVER],
				&handshake, s.handshake_ns);
		return;
	}
	/* The full socket's close (or its hand-over to a timewait one). */
	if (s.end != CONN_END_OPEN && s.end < CONN_NR_ENDS)
		sm->closed[s.end]++;
	if (c->nr_states && rec->ts_ns >= c->states[0].enter_ns)
		observe(&sm->lifetime, &lifetime,
			rec->ts_ns - c->states[0].enter_ns);
}

static void on_time_wait(struct tt_slot_metrics *sm,
			 const struct tcptrail_record *rec,
			 const struct conn *c)
{
	const struct conn_time_wait *tw = &c->tw;

	if (rec->new_state == TCP_CLOSE) {
		sm->time_wait_ended[rec->reason]++;
		/* Its entry was read too: it counted in time_wait_now. */
		if (tw->entered && !tw->not_created) {
			if (sm->time_wait_now > 0)
				sm->time_wait_now--;
			if (tw->exit_ns >= tw->enter_ns)
				observe(&sm->time_wait, &time_wait,
					tw->exit_ns - tw->enter_ns);
		}
		return;
	}
	if (tw->entered && tw->enter_ns == rec->ts_ns) {
		if (tw->not_created)
			sm->time_wait_ended[rec->reason]++;
		else
			sm->time_wait_now++;
	}
}

void tt_metrics_record(struct tt_metrics *m, const struct tcptrail_record *rec,
		       const struct conn *c)
{
	struct tt_slot_metrics *sm;

	m->records++;
	if (!c)
		return;
	sm = &m->slot[slot_of(m, c->sport, c->dport)];
	if (rec->kind == TCPTRAIL_KIND_STATE)
		on_state(sm, rec, c);
	else if (rec->kind == TCPTRAIL_KIND_TIMEWAIT)
		on_time_wait(sm, rec, c);
}

/* The labels of slot i, with extra (label="value", or NULL) first. */
static void slot_labels(const struct tt_metrics *m, unsigned int i,
			const char *extra, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s", extra ? extra : "");

	if (!m->nr_ports || n < 0 || (size_t)n >= len)
		return;
	if (i < m->nr_ports)
		snprintf(buf + n, len - n, "%sport=\"%u\"", n ? "," : "",
			 m->ports[i]);
	else
		snprintf(buf + n, len - n, "%sport=\"other\"", n ? "," : "");
}

/* name_suffix{labels[,le="bound"]} value */
static void series(FILE *out, const char *name, const char *suffix,
		   const char *labels, const char *le, const char *value)
{
	bool any = *labels || le;

	fprintf(out, "%s%s%s%s%s%s%s%s%s %s\n", name, suffix, any ? "{" : "",
		labels, *labels && le ? "," : "", le ? "le=\"" : "",
		le ? le : "", le ? "\"" : "", any ? "}" : "", value);
}

static void print_histogram(FILE *out, const struct histogram_kind *k,
			    const struct tt_histogram *h, const char *labels)
{
	char le[32], value[32];
	uint64_t cumulative = 0;
	size_t i;

	for (i = 0; i < k->nr_bounds; i++) {
		cumulative += h->le[i];
		snprintf(le, sizeof(le), "%g", k->bounds[i]);
		snprintf(value, sizeof(value), "%" PRIu64, cumulative);
		series(out, k->name, "_bucket", labels, le, value);
	}
	snprintf(value, sizeof(value), "%" PRIu64, h->count);
	series(out, k->name, "_bucket", labels, "+Inf", value);
	snprintf(value, sizeof(value), "%.9g", h->sum);
	series(out, k->name, "_sum", labels, NULL, value);
	snprintf(value, sizeof(value), "%" PRIu64, h->count);
	series(out, k->name, "_count", labels, NULL, value);
}

static unsigned int nr_slots(const struct tt_metrics *m)
{
	return m->nr_ports ? m->nr_ports + 1 : 1;
}

static void print_histograms(FILE *out, const struct tt_metrics *m)
{
	char extra[32], labels[96];
	unsigned int i, r;

	tt_prom_header(out, handshake.name, "histogram", handshake.help);
	for (r = 0; r < 2; r++) {
		snprintf(extra, sizeof(extra), "role=\"%s\"", role_names[r]);
		for (i = 0; i < nr_slots(m); i++) {
			slot_labels(m, i, extra, labels, sizeof(labels));
			print_histogram(out, &handshake,
					&m->slot[i].handshake[r], labels);
		}
	}
	tt_prom_header(out, lifetime.name, "histogram", lifetime.help);
	for (i = 0; i < nr_slots(m); i++) {
		slot_labels(m, i, NULL, labels, sizeof(labels));
		print_histogram(out, &lifetime, &m->slot[i].lifetime, labels);
	}
	tt_prom_header(out, time_wait.name, "histogram", time_wait.help);
	for (i = 0; i < nr_slots(m); i++) {
		slot_labels(m, i, NULL, labels, sizeof(labels));
		print_histogram(out, &time_wait, &m->slot[i].time_wait, labels);
	}
}

/* Every end reason the tool knows, even at 0, so that rate() has a series. */
static void print_ends(FILE *out, const struct tt_metrics *m)
{
	char extra[48], labels[96], value[32], name[TT_STATE_NAME_LEN];
	unsigned int i, r;
	int end;

	tt_prom_header(out, "tcptrail_connections_closed_total", "counter",
		       "Connections (not listeners) whose full socket closed, "
		       "by how they ended, since tcptrail record started.");
	for (end = CONN_END_FIN; end < CONN_NR_ENDS; end++) {
		snprintf(extra, sizeof(extra), "end=\"%s\"", conn_end_name(end));
		for (i = 0; i < nr_slots(m); i++) {
			slot_labels(m, i, extra, labels, sizeof(labels));
			snprintf(value, sizeof(value), "%" PRIu64,
				 m->slot[i].closed[end]);
			series(out, "tcptrail_connections_closed", "_total",
			       labels, NULL, value);
		}
	}
	tt_prom_header(out, "tcptrail_time_wait_ended_total", "counter",
		       "TIME_WAIT periods that ended, by reason (expired, "
		       "reused, rst-received, ...; not-created: the "
		       "tcp_max_tw_buckets limit), since tcptrail record "
		       "started.");
	for (r = 0; r < TT_NR_REASONS; r++) {
		bool any = r == TCPTRAIL_REASON_EXPIRED;
		const char *reason;

		for (i = 0; i < nr_slots(m); i++)
			any |= m->slot[i].time_wait_ended[r] != 0;
		reason = tt_reason_name(r, name);
		if (!any || !reason)
			continue;
		snprintf(extra, sizeof(extra), "reason=\"%s\"", reason);
		for (i = 0; i < nr_slots(m); i++) {
			slot_labels(m, i, extra, labels, sizeof(labels));
			snprintf(value, sizeof(value), "%" PRIu64,
				 m->slot[i].time_wait_ended[r]);
			series(out, "tcptrail_time_wait_ended", "_total",
			       labels, NULL, value);
		}
	}
	tt_prom_header(out, "tcptrail_time_wait_sockets", "gauge",
		       "Connections in TIME_WAIT (or its FIN_WAIT2 substate) "
		       "now, as the records read so far tell.");
	for (i = 0; i < nr_slots(m); i++) {
		slot_labels(m, i, NULL, labels, sizeof(labels));
		snprintf(value, sizeof(value), "%" PRId64,
			 m->slot[i].time_wait_now);
		series(out, "tcptrail_time_wait_sockets", "", labels, NULL,
		       value);
	}
}

static void counter(FILE *out, const char *name, const char *help,
		    uint64_t v)
{
	tt_prom_header(out, name, "counter", help);
	fprintf(out, "%s %" PRIu64 "\n", name, v);
}

void tt_metrics_print(FILE *out, const struct tt_metrics *m)
{
	print_histograms(out, m);
	print_ends(out, m);
	counter(out, "tcptrail_record_records_total",
		"Records tcptrail record read from the ring.", m->records);
	counter(out, "tcptrail_record_missed_records_total",
		"Records overwritten in the ring before tcptrail record "
		"could read them: its own losses.", m->missed);
	counter(out, "tcptrail_record_write_errors_total",
		"Records (and loss notes) its output (file or journal) did "
		"not take.", m->write_errors);
	counter(out, "tcptrail_record_rotations_total",
		"Times the output file was rotated for its size.",
		m->rotations);
	tt_prom_header(out, "tcptrail_record_start_time_seconds", "gauge",
		       "When tcptrail record started, seconds since the epoch.");
	fprintf(out, "tcptrail_record_start_time_seconds %" PRIu64 "\n",
		m->started_unix);
}
