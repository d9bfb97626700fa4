// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "grow.h"

/* Dumps a closed connection waits for its totals before it is done. */
#define TOTALS_WAIT_DUMPS	3

int conn_table_init(struct conn_table *t, unsigned int hash_bits)
{
	memset(t, 0, sizeof(*t));
	t->hash_bits = hash_bits;
	t->buckets = calloc((size_t)1 << hash_bits, sizeof(*t->buckets));
	return t->buckets ? 0 : -ENOMEM;
}

void conn_free(struct conn *c)
{
	if (!c)
		return;
	free(c->states);
	free(c);
}

struct conn *conn_copy(const struct conn *c)
{
	struct conn *copy = malloc(sizeof(*copy));

	if (!copy)
		return NULL;
	*copy = *c;
	copy->older = copy->newer = copy->hash_next = NULL;
	copy->states = NULL;
	copy->states_cap = c->nr_states;
	if (c->nr_states) {
		copy->states = malloc(c->nr_states * sizeof(*c->states));
		if (!copy->states) {
			free(copy);
			return NULL;
		}
		memcpy(copy->states, c->states,
		       c->nr_states * sizeof(*c->states));
	}
	return copy;
}

/* Spare connections a table keeps at most. */
#define CONN_SPARE_MAX	64

void conn_table_free(struct conn_table *t)
{
	while (t->oldest)
		conn_table_remove(t, t->oldest);
	while (t->spare) {
		struct conn *c = t->spare;

		t->spare = c->hash_next;
		conn_free(c);
	}
	t->nr_spare = 0;
	free(t->buckets);
	t->buckets = NULL;
}

static struct conn **bucket_of(const struct conn_table *t, uint64_t id)
{
	/* Fibonacci hashing: cookies are sequential. */
	return &t->buckets[(id * 0x9e3779b97f4a7c15ULL) >> (64 - t->hash_bits)];
}

/*
 * The newest connection under id (new ones go to the front of the chain);
 * with timewait, the newest one in TIME_WAIT if there is one: a socket can
 * live again (connect() after AF_UNSPEC) while its timewait socket, which
 * has the same cookie, still waits.
 */
static struct conn *lookup(const struct conn_table *t, uint64_t id,
			   bool timewait)
{
	struct conn *c, *newest = NULL;

	for (c = *bucket_of(t, id); c; c = c->hash_next) {
		if (c->id != id)
			continue;
		if (!timewait || c->phase == CONN_TIME_WAIT)
			return c;
		if (!newest)
			newest = c;
	}
	return newest;
}

static void unhash(struct conn_table *t, struct conn *c)
{
	struct conn **pp;

	for (pp = bucket_of(t, c->id); *pp; pp = &(*pp)->hash_next) {
		if (*pp == c) {
			*pp = c->hash_next;
			break;
		}
	}
}

void conn_table_remove(struct conn_table *t, struct conn *c)
{
	unhash(t, c);
	if (c->older)
		c->older->newer = c->newer;
	else
		t->oldest = c->newer;
	if (c->newer)
		c->newer->older = c->older;
	else
		t->newest = c->older;
	t->count--;
	if (t->nr_spare == CONN_SPARE_MAX) {
		conn_free(c);
		return;
	}
	c->hash_next = t->spare;
	t->spare = c;
	t->nr_spare++;
}

/* A zeroed connection: a spare one (its states array kept), or a new one. */
static struct conn *conn_alloc(struct conn_table *t)
{
	struct conn *c = t->spare;
	struct conn_state *states;
	size_t cap;

	if (!c)
		return calloc(1, sizeof(*c));
	t->spare = c->hash_next;
	t->nr_spare--;
	states = c->states;
	cap = c->states_cap;
	memset(c, 0, sizeof(*c));
	c->states = states;
	c->states_cap = cap;
	return c;
}

static struct conn *conn_new(struct conn_table *t,
			     const struct tcptrail_record *rec)
{
	struct conn *c = conn_alloc(t);
	struct conn **bucket;

	if (!c)
		return NULL;
	c->id = rec->conn;
	c->netns = rec->netns;
	c->first_old_state = rec->old_state;

	bucket = bucket_of(t, c->id);
	c->hash_next = *bucket;
	*bucket = c;
	c->older = t->newest;
	if (t->newest)
		t->newest->newer = c;
	else
		t->oldest = c;
	t->newest = c;
	t->count++;
	return c;
}

/* The state the connection is in: the last one entered. */
static unsigned int current_state(const struct conn *c)
{
	return c->nr_states ? c->states[c->nr_states - 1].state :
			      c->first_old_state;
}

static int push_state(struct conn *c, unsigned int state, uint8_t reason,
		      uint64_t ts_ns)
{
	struct conn_state *st;

	st = tt_grow(c->states, &c->states_cap, c->nr_states, sizeof(*st), 8);
	if (!st)
		return -ENOMEM;
	c->states = st;
	st = &c->states[c->nr_states++];
	st->state = state;
	st->reason = reason;
	st->enter_ns = ts_ns;
	return 0;
}

/*
 * How much a record says about the connection's endpoints. A client's first
 * record (CLOSE -> SYN_SENT) comes before its local port is picked; a
 * listener's child's first (LISTEN -> SYN_RECV) before its own addresses
 * are set: it carries the listener's. A listener has no remote port.
 */
static int endpoints_score(const struct tcptrail_record *rec)
{
	if (rec->old_state == TCP_LISTEN && rec->new_state == TCP_SYN_RECV)
		return 0;
	return 1 + (rec->sport != 0) + (rec->dport != 0);
}

/* The first of the most complete records names the endpoints; TOTALS
 * records have none.
 */
static void note_endpoints(struct conn *c, const struct tcptrail_record *rec)
{
	int score = endpoints_score(rec);

	if (rec->kind == TCPTRAIL_KIND_TOTALS ||
	    (c->has_endpoints && score <= c->endpoints_score))
		return;
	c->has_endpoints = true;
	c->pair_keys = false;
	c->endpoints_score = score;
	c->family = rec->family;
	c->sport = rec->sport;
	c->dport = rec->dport;
	memcpy(c->saddr, rec->saddr, sizeof(c->saddr));
	memcpy(c->daddr, rec->daddr, sizeof(c->daddr));
}

/*
 * The owner is the task that connect()s (CLOSE -> SYN_SENT), listen()s
 * (CLOSE -> LISTEN) or accept()s (ACCEPT): other records may run in a
 * softirq, in whatever task it interrupted, or in another task (a
 * connect() that ends a timewait socket, a listener's close() aborting
 * its children).
 */
static void note_owner(struct conn *c, const struct tcptrail_record *rec)
{
	bool names_owner;

	if (rec->flags & TCPTRAIL_F_SOFTIRQ)
		return;
	if (rec->kind == TCPTRAIL_KIND_ACCEPT) {
		names_owner = true;
		c->accepted = true;
	} else {
		names_owner = rec->kind == TCPTRAIL_KIND_STATE &&
			      rec->old_state == TCP_CLOSE &&
			      (rec->new_state == TCP_SYN_SENT ||
			       rec->new_state == TCP_LISTEN);
	}
	if (!names_owner)
		return;
	c->has_owner = true;
	c->pid = rec->tgid;
	memcpy(c->comm, rec->comm, sizeof(c->comm));
}

/*
 * A full socket's state change. Its move to CLOSE right after a TIMEWAIT
 * entry is the hand-over to the timewait socket; any other is its end,
 * and the kernel writes its totals next (none for a listener).
 */
static int add_state(struct conn *c, const struct tcptrail_record *rec)
{
	if (rec->new_state != TCP_CLOSE || rec->old_state == TCP_CLOSE) {
		c->handing_over = false;
		return push_state(c, rec->new_state, TCPTRAIL_REASON_NONE,
				  rec->ts_ns);
	}
	c->full_closed = true;
	c->closed_from = rec->old_state;
	c->close_error = rec->detail;
	if (c->handing_over) {
		c->handing_over = false;
		c->phase = CONN_TIME_WAIT;
		return 0;
	}
	c->phase = rec->old_state == TCP_LISTEN ? CONN_DONE : CONN_CLOSING;
	return push_state(c, TCP_CLOSE, TCPTRAIL_REASON_NONE, rec->ts_ns);
}

/*
 * Entry (the full socket still open), substate switch FIN_WAIT2 ->
 * TIME_WAIT, or exit (-> CLOSE). The timewait socket's FIN_WAIT2 substate
 * carries on the full socket's FIN_WAIT2: no new state.
 */
static int add_timewait(struct conn *c, const struct tcptrail_record *rec)
{
	struct conn_time_wait *tw = &c->tw;

	if (rec->new_state == TCP_CLOSE) {
		tw->exited = true;
		tw->exit_reason = rec->reason;
		tw->exit_ns = rec->ts_ns;
		c->phase = CONN_DONE;
		return push_state(c, TCP_CLOSE, rec->reason, rec->ts_ns);
	}
	if (c->phase == CONN_OPEN) {
		tw->entered = true;
		tw->not_created = rec->reason == TCPTRAIL_REASON_NOT_CREATED;
		tw->entry_old = rec->old_state;
		tw->entry_new = rec->new_state;
		tw->enter_ns = rec->ts_ns;
		if (tw->not_created)
			return 0;
		c->handing_over = true;
	}
	if (c->nr_states && current_state(c) == rec->new_state)
		return 0;
	return push_state(c, rec->new_state, TCPTRAIL_REASON_NONE, rec->ts_ns);
}

/* RSTs of the timewait socket end it: its exit record tells. */
static void add_reset(struct conn *c, const struct tcptrail_record *rec)
{
	if (rec->old_state == TCP_TIME_WAIT)
		return;
	if (!c->first_reset) {
		c->first_reset = rec->reason;
		c->first_reset_state = rec->old_state;
		c->first_reset_detail = rec->detail;
		c->first_reset_ns = rec->ts_ns;
	}
	if (rec->reason == TCPTRAIL_REASON_RST_RECEIVED &&
	    rec->old_state == TCP_SYN_SENT)
		c->reset_in_syn_sent = true;
}

static void add_totals(struct conn *c, const struct tcptrail_record *rec)
{
	c->has_totals = true;
	c->totals = rec->totals;
	if (c->phase == CONN_CLOSING)
		c->phase = CONN_DONE;
}

/*
 * The connection a record belongs to: the newest under its id, but for the
 * timewait socket's own records (exit, RST) the one in TIME_WAIT. The
 * substate switch FIN_WAIT2 -> TIME_WAIT looks like an entry from
 * FIN_WAIT2: it is one for a connection whose timewait socket is there,
 * in FIN_WAIT2.
 */
static struct conn *find_conn(const struct conn_table *t,
			      const struct tcptrail_record *rec)
{
	struct conn *tw = lookup(t, rec->conn, true);

	switch (rec->kind) {
	case TCPTRAIL_KIND_TIMEWAIT:
		if (rec->new_state == TCP_CLOSE)
			return tw;
		if (tw && tw->phase == CONN_TIME_WAIT &&
		    current_state(tw) == TCP_FIN_WAIT2 &&
		    rec->new_state == TCP_TIME_WAIT && !rec->reason)
			return tw;
		break;
	case TCPTRAIL_KIND_RESET:
		if (rec->old_state == TCP_TIME_WAIT)
			return tw;
		break;
	default:
		break;
	}
	return lookup(t, rec->conn, false);
}

/* Does rec start a connection, given the one it would belong to? */
static bool starts_conn(const struct conn *c, const struct tcptrail_record *rec)
{
	switch (rec->kind) {
	case TCPTRAIL_KIND_STATE:
		/* Once the full socket is closed, any change is a new life;
		 * so is leaving CLOSE (connect(), listen()), even if the
		 * close was not seen.
		 */
		return !c || c->phase != CONN_OPEN ||
		       rec->old_state == TCP_CLOSE;
	case TCPTRAIL_KIND_TIMEWAIT:
		/* Its earlier records were lost; unless there will be no
		 * timewait socket at all.
		 */
		return (!c || conn_complete(c)) &&
		       rec->reason != TCPTRAIL_REASON_NOT_CREATED;
	default:
		return false;
	}
}

int conn_table_add(struct conn_table *t, const struct tcptrail_record *rec,
		   struct conn **cp)
{
	struct conn *c = find_conn(t, rec);
	int err = 0;

	*cp = NULL;
	if (starts_conn(c, rec)) {
		/* The totals of a life come before the next one. */
		if (c && c->phase == CONN_CLOSING)
			c->phase = CONN_DONE;
		c = conn_new(t, rec);
		if (!c)
			return -ENOMEM;
	}
	if (!c)
		return 0;

	switch (rec->kind) {
	case TCPTRAIL_KIND_STATE:
		err = add_state(c, rec);
		break;
	case TCPTRAIL_KIND_TIMEWAIT:
		err = add_timewait(c, rec);
		break;
	case TCPTRAIL_KIND_RESET:
		add_reset(c, rec);
		break;
	case TCPTRAIL_KIND_TOTALS:
		add_totals(c, rec);
		break;
	default:
		break;
	}
	if (err)
		return err;
	note_endpoints(c, rec);
	note_owner(c, rec);
	if (!c->cgroup)
		c->cgroup = rec->cgroup;
	*cp = c;
	return 0;
}

void conn_table_dump_ended(struct conn_table *t)
{
	struct conn *c;

	for (c = t->oldest; c; c = c->newer)
		if (c->phase == CONN_CLOSING &&
		    ++c->closing_dumps >= TOTALS_WAIT_DUMPS)
			c->phase = CONN_DONE;
}

/* A dual-stack socket's IPv4 peer shows as IPv4, as in the records. */
static void live_endpoints(struct conn *c, const struct conn_live *live)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	c->has_endpoints = true;
	c->endpoints_score = 3;
	c->pair_keys = false;
	c->family = live->family;
	c->sport = live->sport;
	c->dport = live->dport;
	memcpy(c->saddr, live->saddr, sizeof(c->saddr));
	memcpy(c->daddr, live->daddr, sizeof(c->daddr));
	if (live->family == AF_INET6 && !memcmp(live->daddr, mapped, 12) &&
	    !memcmp(live->saddr, mapped, 12)) {
		c->family = AF_INET;
		memset(c->saddr, 0, sizeof(c->saddr));
		memset(c->daddr, 0, sizeof(c->daddr));
		memcpy(c->saddr, live->saddr + 12, 4);
		memcpy(c->daddr, live->daddr + 12, 4);
	}
}

int conn_table_add_live(struct conn_table *t, const struct conn_live *live)
{
	struct conn *c = lookup(t, live->id, live->state == TCP_TIME_WAIT);
	struct tcptrail_record first = {
		.conn = live->id,
		.netns = live->netns,
		.old_state = live->state,
	};

	if (!c || conn_complete(c) || c->netns != live->netns) {
		c = conn_new(t, &first);
		if (!c || push_state(c, live->state, TCPTRAIL_REASON_NONE,
				     live->seen_ns))
			return -ENOMEM;
		c->unrecorded = true;
		c->phase = live->state == TCP_TIME_WAIT ? CONN_TIME_WAIT :
							  CONN_OPEN;
		live_endpoints(c, live);
	}
	c->live = true;
	c->live_state = live->state;
	c->has_live_totals = live->has_totals;
	c->live_totals = live->totals;
	if (!c->cgroup)
		c->cgroup = live->cgroup;
	return 0;
}
