// SPDX-License-Identifier: GPL-2.0
/*
 * Which segments a connection's state changes imply, and how the two ends'
 * implications meet as arrows.
 */
#include <errno.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "grow.h"
#include "ladder.h"
#include "totals.h"

/* What one side's records imply: one end of a segment, or a row of its own. */
enum end_kind {
	END_SEND,
	END_RECEIVE,
	END_STATE,	/* a state change without a segment */
	END_RETRANS,	/* the SYN sent again */
};

struct end {
	enum end_kind kind;
	enum ladder_segment segment;
	/* When: the segment's time if has_time, else the time of the
	 * record that implies it (a bound), for the order only.
	 */
	bool has_time;
	uint64_t ns;
	uint8_t states[LADDER_MAX_ROW_STATES];
	unsigned int nr_states;
	uint8_t reason;
	uint64_t count;
	enum explain_id explain;
	unsigned int order;
	bool matched;
};

struct ends {
	struct end *v;
	size_t nr, cap;
	unsigned int side;
};

/* Orders of the right side's ends come after all of the left's. */
#define RIGHT_ORDER_BASE	(1U << 20)

static struct end *add_end(struct ends *e, enum end_kind kind,
			   enum ladder_segment segment, bool has_time,
			   uint64_t ns, enum explain_id explain)
{
	struct end *end;

	end = tt_grow(e->v, &e->cap, e->nr, sizeof(*end), 16);
	if (!end)
		return NULL;
	e->v = end;
	end = &e->v[e->nr];
	memset(end, 0, sizeof(*end));
	end->kind = kind;
	end->segment = segment;
	end->has_time = has_time;
	end->ns = ns;
	end->explain = explain;
	end->order = (e->side ? RIGHT_ORDER_BASE : 0) + (unsigned int)e->nr;
	e->nr++;
	return end;
}

static void label(struct end *end, uint8_t state)
{
	if (end && end->nr_states < LADDER_MAX_ROW_STATES)
		end->states[end->nr_states++] = state;
}

/* The RST of the full socket: sent as it closes (the record follows the
 * segment out, in CLOSE), or received.
 */
static struct end *add_reset(struct ends *e, const struct conn *c,
			     uint64_t close_ns)
{
	bool sent = c->first_reset == TCPTRAIL_REASON_RST_SENT;
	uint64_t ns = c->first_reset_ns;

	if (sent && c->first_reset_state == TCP_CLOSE && close_ns < ns)
		ns = close_ns;
	if (!sent && c->reset_in_syn_sent)
		return add_end(e, END_RECEIVE, LADDER_RST, true, ns,
			       EXPLAIN_REFUSED);
	return add_end(e, sent ? END_SEND : END_RECEIVE, LADDER_RST, true, ns,
		       sent ? EXPLAIN_RESET_SENT : EXPLAIN_RESET_RECEIVED);
}

static enum explain_id time_wait_end_explain(uint8_t reason)
{
	switch (reason) {
	case TCPTRAIL_REASON_EXPIRED:		return EXPLAIN_TW_EXPIRED;
	case TCPTRAIL_REASON_REUSED:		return EXPLAIN_TW_REUSED;
	case TCPTRAIL_REASON_CONNECT_REUSE:	return EXPLAIN_TW_CONNECT_REUSE;
	case TCPTRAIL_REASON_RST_RECEIVED:
	case TCPTRAIL_REASON_RST_SENT:		return EXPLAIN_TW_RST;
	case TCPTRAIL_REASON_ABORTED:		return EXPLAIN_TW_ABORTED;
	default:				return EXPLAIN_TW_OTHER;
	}
}

/* The timewait socket's end: a new SYN or a RST, or no segment. */
static int add_time_wait_end(struct ends *e, const struct conn_state *st)
{
	enum explain_id explain = time_wait_end_explain(st->reason);
	struct end *end;

	switch (st->reason) {
	case TCPTRAIL_REASON_REUSED:
		end = add_end(e, END_RECEIVE, LADDER_SYN, true, st->enter_ns,
			      explain);
		break;
	case TCPTRAIL_REASON_RST_RECEIVED:
		end = add_end(e, END_RECEIVE, LADDER_RST, true, st->enter_ns,
			      explain);
		break;
	case TCPTRAIL_REASON_RST_SENT:
		end = add_end(e, END_SEND, LADDER_RST, true, st->enter_ns,
			      explain);
		break;
	default:
		end = add_end(e, END_STATE, 0, true, st->enter_ns, explain);
		break;
	}
	if (!end)
		return -ENOMEM;
	label(end, TCP_CLOSE);
	end->reason = st->reason;
	return 0;
}

/* The full socket closed, from state from: the end of the connection, or
 * (the timewait socket's CLOSE aside) its abort.
 */
static int add_close(struct ends *e, const struct conn *c, unsigned int from,
		     uint64_t ns, bool *reset_done)
{
	enum explain_id explain = EXPLAIN_CLOSED;
	struct end *end;

	if (from == TCP_LAST_ACK && !c->first_reset) {
		end = add_end(e, END_RECEIVE, LADDER_ACK, true, ns,
			      EXPLAIN_LAST_ACK);
		label(end, TCP_CLOSE);
		return end ? 0 : -ENOMEM;
	}
	if (c->first_reset && !*reset_done) {
		*reset_done = true;
		if (!add_reset(e, c, ns))
			return -ENOMEM;
		explain = EXPLAIN_CLOSED_BY_RESET;
	} else if (from == TCP_SYN_SENT) {
		if (c->has_totals && c->totals.total_retrans) {
			end = add_end(e, END_RETRANS, LADDER_SYN, false, ns,
				      EXPLAIN_SYN_RETRANSMITTED);
			if (!end)
				return -ENOMEM;
			end->count = c->totals.total_retrans;
		}
		explain = EXPLAIN_SYN_TIMEOUT;
	} else if (c->tw.not_created) {
		explain = EXPLAIN_TW_NOT_CREATED;
	}
	end = add_end(e, END_STATE, 0, true, ns, explain);
	label(end, TCP_CLOSE);
	return end ? 0 : -ENOMEM;
}

/* The ends one state change implies. */
static int add_transition(struct ends *e, const struct conn *c, size_t i,
			  unsigned int from, struct end **child_ack,
			  bool *reset_done)
{
	const struct conn_state *st = &c->states[i];
	unsigned int to = st->state;
	uint64_t t = st->enter_ns;
	struct end *a = NULL, *b = NULL;

	/* close() after shutdown() sets FIN_WAIT1 again: nothing happens. */
	if (to == from)
		return 0;
	if (to == TCP_CLOSE && i + 1 == c->nr_states && c->tw.exited &&
	    t == c->tw.exit_ns)
		return add_time_wait_end(e, st);
	if (to == TCP_CLOSE)
		return add_close(e, c, from, t, reset_done);

	switch (from * 16 + to) {
	case TCP_CLOSE * 16 + TCP_SYN_SENT:
		a = add_end(e, END_SEND, LADDER_SYN, true, t, EXPLAIN_SYN);
		label(a, to);
		return a ? 0 : -ENOMEM;
	case TCP_SYN_SENT * 16 + TCP_ESTABLISHED:
	case TCP_SYN_RECV * 16 + TCP_ESTABLISHED:
		if (from == TCP_SYN_RECV && *child_ack) {
			/* A listener's child is born from the ACK. */
			label(*child_ack, to);
			*child_ack = NULL;
			return 0;
		}
		a = add_end(e, END_RECEIVE, LADDER_SYN_ACK, true, t,
			    EXPLAIN_SYN_ACK);
		label(a, to);
		if (from == TCP_SYN_SENT)
			b = add_end(e, END_SEND, LADDER_ACK, true, t,
				    EXPLAIN_HANDSHAKE_ACK);
		return a && (from != TCP_SYN_SENT || b) ? 0 : -ENOMEM;
	case TCP_SYN_SENT * 16 + TCP_SYN_RECV:
		a = add_end(e, END_RECEIVE, LADDER_SYN, true, t,
			    EXPLAIN_SYN_CROSSED);
		label(a, to);
		b = add_end(e, END_SEND, LADDER_SYN_ACK, true, t,
			    EXPLAIN_SYN_ACK);
		return a && b ? 0 : -ENOMEM;
	case TCP_LISTEN * 16 + TCP_SYN_RECV:
		/* The SYN and SYN+ACK went by the listener's request
		 * socket, which no record shows: no times.
		 */
		if (!add_end(e, END_RECEIVE, LADDER_SYN, false, t, EXPLAIN_SYN) ||
		    !add_end(e, END_SEND, LADDER_SYN_ACK, false, t,
			     EXPLAIN_SYN_ACK))
			return -ENOMEM;
		a = add_end(e, END_RECEIVE, LADDER_ACK, true, t,
			    EXPLAIN_HANDSHAKE_ACK);
		label(a, to);
		*child_ack = a;
		return a ? 0 : -ENOMEM;
	case TCP_ESTABLISHED * 16 + TCP_FIN_WAIT1:
	case TCP_SYN_RECV * 16 + TCP_FIN_WAIT1:
		a = add_end(e, END_SEND, LADDER_FIN, true, t, EXPLAIN_FIN_FIRST);
		break;
	case TCP_FIN_WAIT1 * 16 + TCP_FIN_WAIT2:
		a = add_end(e, END_RECEIVE, LADDER_ACK, true, t,
			    EXPLAIN_FIN_ACKED);
		break;
	case TCP_FIN_WAIT1 * 16 + TCP_CLOSING:
		a = add_end(e, END_RECEIVE, LADDER_FIN, true, t,
			    EXPLAIN_FIN_CROSSED);
		label(a, to);
		b = add_end(e, END_SEND, LADDER_ACK, true, t,
			    EXPLAIN_CLOSING_ACKED);
		return a && b ? 0 : -ENOMEM;
	case TCP_CLOSING * 16 + TCP_TIME_WAIT:
		a = add_end(e, END_RECEIVE, LADDER_ACK, true, t,
			    EXPLAIN_CLOSING_ACKED);
		break;
	case TCP_FIN_WAIT1 * 16 + TCP_TIME_WAIT:
	case TCP_FIN_WAIT2 * 16 + TCP_TIME_WAIT:
		a = add_end(e, END_RECEIVE, LADDER_FIN, true, t,
			    EXPLAIN_FIN_SECOND);
		label(a, to);
		b = add_end(e, END_SEND, LADDER_ACK, true, t, EXPLAIN_LAST_ACK);
		return a && b ? 0 : -ENOMEM;
	case TCP_ESTABLISHED * 16 + TCP_CLOSE_WAIT:
	case TCP_SYN_RECV * 16 + TCP_CLOSE_WAIT:
		a = add_end(e, END_RECEIVE, LADDER_FIN, true, t,
			    EXPLAIN_FIN_FIRST);
		label(a, to);
		/* Its ACK may wait (delayed ACK) or ride on our FIN. */
		b = add_end(e, END_SEND, LADDER_ACK, false, t,
			    EXPLAIN_FIN_ACKED);
		return a && b ? 0 : -ENOMEM;
	case TCP_CLOSE_WAIT * 16 + TCP_LAST_ACK:
		a = add_end(e, END_SEND, LADDER_FIN, true, t, EXPLAIN_FIN_SECOND);
		break;
	default:
		a = add_end(e, END_STATE, 0, true, t, EXPLAIN_NONE);
		break;
	}
	label(a, to);
	return a ? 0 : -ENOMEM;
}

static int add_side(struct ends *e, const struct conn *c)
{
	struct end *child_ack = NULL;
	bool reset_done = false;
	unsigned int from = c->first_old_state;
	size_t i;

	for (i = 0; i < c->nr_states; i++) {
		int err = add_transition(e, c, i, from, &child_ack, &reset_done);
		if (err)
			return err;
		from = c->states[i].state;
	}
	/* A RST without a close (yet). */
	if (c->first_reset && !reset_done && !add_reset(e, c, UINT64_MAX))
		return -ENOMEM;
	return 0;
}

static struct ladder_row *new_row(struct ladder *l)
{
	struct ladder_row *r;

	r = tt_grow(l->rows, &l->rows_cap, l->nr_rows, sizeof(*r), 16);
	if (!r)
		return NULL;
	l->rows = r;
	r = &l->rows[l->nr_rows++];
	memset(r, 0, sizeof(*r));
	r->sort_ns = UINT64_MAX;
	r->order = UINT32_MAX;
	return r;
}

static void put_end(struct ladder_row *r, unsigned int side,
		    const struct end *end)
{
	struct ladder_side_row *s = &r->side[side];

	s->has_time = end->has_time;
	s->ns = end->ns;
	memcpy(s->states, end->states, sizeof(s->states));
	s->nr_states = end->nr_states;
	s->reason = end->reason;
	s->order = end->order;
	if (end->ns < r->sort_ns ||
	    (end->ns == r->sort_ns && end->order < r->order)) {
		r->sort_ns = end->ns;
		r->order = end->order;
	}
}

/* The first end on the other side that receives what end sends. */
static struct end *receiver_of(struct ends *other, const struct end *end)
{
	size_t i;

	for (i = 0; i < other->nr; i++) {
		struct end *o = &other->v[i];

		if (!o->matched && o->kind == END_RECEIVE &&
		    o->segment == end->segment)
			return o;
	}
	return NULL;
}

static int add_rows(struct ladder *l, struct ends *sides)
{
	unsigned int s;
	size_t i;

	/* Segments both ends' records imply. */
	for (s = 0; s < LADDER_SIDES; s++) {
		for (i = 0; i < sides[s].nr; i++) {
			struct end *end = &sides[s].v[i], *to;
			struct ladder_row *r;

			if (end->kind != END_SEND)
				continue;
			to = receiver_of(&sides[!s], end);
			if (!to)
				continue;
			r = new_row(l);
			if (!r)
				return -ENOMEM;
			r->kind = LADDER_ROW_ARROW;
			r->segment = end->segment;
			r->from = s;
			/* What the arrival did; for a RST, why it was sent. */
			r->explain = end->explain == EXPLAIN_RESET_SENT ?
				     end->explain : to->explain;
			put_end(r, s, end);
			put_end(r, !s, to);
			end->matched = to->matched = true;
		}
	}
	/* The rest: one end's own. */
	for (s = 0; s < LADDER_SIDES; s++) {
		for (i = 0; i < sides[s].nr; i++) {
			struct end *end = &sides[s].v[i];
			struct ladder_row *r;

			if (end->matched)
				continue;
			r = new_row(l);
			if (!r)
				return -ENOMEM;
			put_end(r, s, end);
			r->explain = end->explain;
			r->about = s;
			switch (end->kind) {
			case END_SEND:
			case END_RECEIVE:
				r->kind = LADDER_ROW_ARROW;
				r->segment = end->segment;
				r->from = end->kind == END_SEND ? s : !s;
				r->inferred = true;
				break;
			case END_STATE:
				r->kind = LADDER_ROW_STATE;
				break;
			case END_RETRANS:
				r->kind = LADDER_ROW_RETRANS;
				r->count = end->count;
				break;
			}
		}
	}
	return 0;
}

static int compare_rows(const void *a, const void *b)
{
	const struct ladder_row *x = a, *y = b;

	if (x->sort_ns != y->sort_ns)
		return x->sort_ns < y->sort_ns ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * The ACK of the first FIN and the second FIN are one segment when the
 * ACK arrived only after that FIN was sent: the kernel delayed its ACK and
 * the FIN carried it. The FIN's row takes the states the ACK caused.
 */
static void merge_fin_acks(struct ladder *l)
{
	size_t i, j;

	for (i = 0; i < l->nr_rows; i++) {
		struct ladder_row *ack = &l->rows[i];
		unsigned int from = ack->from, to = !from;

		if (ack->kind != LADDER_ROW_ARROW || ack->segment != LADDER_ACK ||
		    ack->explain != EXPLAIN_FIN_ACKED || ack->inferred ||
		    ack->side[from].has_time || !ack->side[to].has_time)
			continue;
		for (j = i + 1; j < l->nr_rows; j++) {
			struct ladder_row *fin = &l->rows[j];
			struct ladder_side_row *rx = &fin->side[to];
			unsigned int k, n;

			if (fin->kind != LADDER_ROW_ARROW ||
			    fin->segment != LADDER_FIN || fin->from != from)
				continue;
			if (!fin->side[from].has_time ||
			    ack->side[to].ns < fin->side[from].ns)
				break;
			/* The ACK's states first, then the FIN's. */
			n = ack->side[to].nr_states;
			for (k = rx->nr_states; k-- > 0;)
				if (k + n < LADDER_MAX_ROW_STATES)
					rx->states[k + n] = rx->states[k];
			for (k = 0; k < n; k++)
				rx->states[k] = ack->side[to].states[k];
			rx->nr_states = rx->nr_states + n < LADDER_MAX_ROW_STATES ?
					rx->nr_states + n : LADDER_MAX_ROW_STATES;
			fin->fin_acks_fin = true;
			fin->explain = EXPLAIN_FIN_SECOND_WITH_ACK;
			memmove(ack, ack + 1,
				(l->nr_rows - i - 1) * sizeof(*ack));
			l->nr_rows--;
			i--;
			break;
		}
	}
}

/* Payload each way, from whichever end's totals tell it. */
static void data_bytes(const struct ladder *l, struct ladder_row *r)
{
	unsigned int s;

	for (s = 0; s < LADDER_SIDES; s++) {
		struct tt_totals t;

		if (!l->end[s] || !conn_totals(l->end[s], &t))
			continue;
		if (t.has_data_acked && !r->has_bytes[s]) {
			r->has_bytes[s] = true;
			r->bytes[s] = t.data_acked;
		}
		if (t.has_data_received && !r->has_bytes[!s]) {
			r->has_bytes[!s] = true;
			r->bytes[!s] = t.data_received;
		}
	}
}

/* The bracket: after the handshake, before the first FIN, RST or close. */
static int add_data_row(struct ladder *l)
{
	struct ladder_row data = { .kind = LADDER_ROW_DATA,
				   .explain = EXPLAIN_DATA };
	bool established = false;
	size_t i, at = l->nr_rows;

	data_bytes(l, &data);
	if (!data.has_bytes[LADDER_LEFT] && !data.has_bytes[LADDER_RIGHT])
		return 0;
	for (i = 0; i < l->nr_rows; i++) {
		const struct ladder_row *r = &l->rows[i];
		unsigned int s, k;

		for (s = 0; s < LADDER_SIDES; s++)
			for (k = 0; k < r->side[s].nr_states; k++)
				if (r->side[s].states[k] == TCP_ESTABLISHED)
					established = true;
		if (established && (r->kind == LADDER_ROW_STATE ||
				    r->segment == LADDER_FIN ||
				    r->segment == LADDER_RST)) {
			at = i;
			break;
		}
	}
	if (!established)
		return 0;
	if (!new_row(l))
		return -ENOMEM;
	memmove(&l->rows[at + 1], &l->rows[at],
		(l->nr_rows - 1 - at) * sizeof(*l->rows));
	data.sort_ns = at ? l->rows[at - 1].sort_ns : 0;
	l->rows[at] = data;
	return 0;
}

/* Does a later row show the receiver's side before rows[i] arrives? */
static bool overtaken(const struct ladder *l, size_t i, size_t nr)
{
	const struct ladder_row *r = &l->rows[i];
	unsigned int to = !r->from;
	size_t j;

	for (j = i + 1; j < nr && l->rows[j].sort_ns < r->side[to].ns; j++)
		if (ladder_row_shows(&l->rows[j], to))
			return true;
	return false;
}

/*
 * An arrow that arrives after other rows begin (a segment in flight while
 * the other end sent its own: simultaneous close over a slow path) is cut
 * in two, so that each side's states read in time order down its column.
 */
static int split_crossing(struct ladder *l)
{
	size_t i, nr = l->nr_rows;

	for (i = 0; i + 1 < nr; i++) {
		struct ladder_row *r = &l->rows[i], *arrival;
		unsigned int to = !r->from;

		if (r->kind != LADDER_ROW_ARROW || r->part != LADDER_WHOLE ||
		    !r->side[to].has_time || !overtaken(l, i, nr))
			continue;
		if (!new_row(l))
			return -ENOMEM;
		r = &l->rows[i];
		arrival = &l->rows[l->nr_rows - 1];
		*arrival = *r;
		arrival->part = LADDER_ARRIVES;
		arrival->sort_ns = r->side[to].ns;
		arrival->order = r->side[to].order;
		memset(&arrival->side[r->from], 0, sizeof(arrival->side[0]));
		r->part = LADDER_DEPARTS;
		memset(&r->side[to], 0, sizeof(r->side[0]));
		r->explain = EXPLAIN_NONE;
	}
	qsort(l->rows, l->nr_rows, sizeof(*l->rows), compare_rows);
	return 0;
}

int ladder_build(struct ladder *l, const struct conn *c,
		 const struct conn *peer)
{
	struct ends sides[LADDER_SIDES] = { { .side = LADDER_LEFT },
					    { .side = LADDER_RIGHT } };
	struct conn_summary s;
	unsigned int left = 0, i;
	int err = 0;

	memset(l, 0, sizeof(*l));
	conn_summarize(c, &s);
	/* The end that opened goes left; a server alone goes right. */
	if (s.role == CONN_ROLE_SERVER)
		left = 1;
	l->end[left] = c;
	l->end[!left] = peer;
	l->role[left] = s.role;
	if (peer) {
		conn_summarize(peer, &s);
		l->role[!left] = s.role;
	} else {
		l->role[!left] = s.role == CONN_ROLE_SERVER ? CONN_ROLE_CLIENT :
				 s.role == CONN_ROLE_CLIENT ? CONN_ROLE_SERVER :
				 CONN_ROLE_UNKNOWN;
	}
	l->start_ns = UINT64_MAX;
	for (i = 0; i < LADDER_SIDES && !err; i++) {
		if (!l->end[i])
			continue;
		l->has_initial[i] = true;
		l->initial[i] = l->end[i]->first_old_state;
		err = add_side(&sides[i], l->end[i]);
	}
	if (!err)
		err = add_rows(l, sides);
	for (i = 0; i < LADDER_SIDES; i++)
		free(sides[i].v);
	if (err) {
		ladder_free(l);
		return err;
	}
	qsort(l->rows, l->nr_rows, sizeof(*l->rows), compare_rows);
	merge_fin_acks(l);
	for (i = 0; i < l->nr_rows; i++)
		l->rows[i].arrow = i;
	err = split_crossing(l);
	if (err) {
		ladder_free(l);
		return err;
	}
	for (i = 0; i < l->nr_rows; i++) {
		uint64_t ns;

		if (ladder_row_time(&l->rows[i], &ns) && ns < l->start_ns)
			l->start_ns = ns;
	}
	err = add_data_row(l);
	if (err)
		ladder_free(l);
	return err;
}

void ladder_free(struct ladder *l)
{
	free(l->rows);
	l->rows = NULL;
	l->nr_rows = l->rows_cap = 0;
}

bool ladder_row_time(const struct ladder_row *r, uint64_t *ns)
{
	bool known = false;
	unsigned int s;

	for (s = 0; s < LADDER_SIDES; s++) {
		if (!r->side[s].has_time)
			continue;
		if (!known || r->side[s].ns < *ns)
			*ns = r->side[s].ns;
		known = true;
	}
	return known;
}

void ladder_endpoint(const struct ladder *l, unsigned int side, char *buf,
		     size_t len)
{
	const struct conn *c = l->end[side], *other = l->end[!side];

	if (c)
		tt_format_endpoint(c->family, c->saddr, c->sport, buf, len);
	else
		tt_format_endpoint(other->family, other->daddr, other->dport,
				   buf, len);
}

void ladder_explain(const struct ladder *l, const struct ladder_row *r,
		    char *buf, size_t len)
{
	unsigned int sender = r->kind == LADDER_ROW_ARROW ? r->from : r->about;

	explain_format(r->explain, ladder_side_name(l, sender),
		       ladder_side_name(l, !sender), buf, len);
}

bool ladder_row_place(const struct ladder_row *r, uint64_t *ns)
{
	if (ladder_row_time(r, ns))
		return true;
	if (r->kind != LADDER_ROW_RETRANS)
		return false;
	*ns = r->sort_ns;
	return true;
}

bool ladder_row_shows(const struct ladder_row *r, unsigned int s)
{
	switch (r->kind) {
	case LADDER_ROW_ARROW:
		return r->part == LADDER_WHOLE ||
		       (r->part == LADDER_DEPARTS) == (s == r->from);
	case LADDER_ROW_DATA:
	case LADDER_ROW_RETRANS:
		return false;
	default:
		return r->about == s;
	}
}

const char *ladder_segment_name(enum ladder_segment segment)
{
	static const char *const names[] = {
		[LADDER_SYN]		= "SYN",
		[LADDER_SYN_ACK]	= "SYN+ACK",
		[LADDER_ACK]		= "ACK",
		[LADDER_FIN]		= "FIN",
		[LADDER_RST]		= "RST",
	};

	return names[segment];
}

const char *ladder_side_name(const struct ladder *l, unsigned int side)
{
	if (l->role[side] == l->role[!side] ||
	    (l->role[side] != CONN_ROLE_CLIENT &&
	     l->role[side] != CONN_ROLE_SERVER))
		return side == LADDER_LEFT ? "the left end" : "the right end";
	return l->role[side] == CONN_ROLE_CLIENT ? "the client" : "the server";
}
