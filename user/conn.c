// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"

#define NSEC_PER_SEC	1000000000ULL

/* A SYN_SENT that ends in CLOSE after this long timed out. */
#define CONNECT_TIMEOUT_NS	NSEC_PER_SEC

/* The state before states[i]. */
static unsigned int state_before(const struct conn *c, size_t i)
{
	return i ? c->states[i - 1].state : c->first_old_state;
}

bool conn_passed_through(const struct conn *c, unsigned int state)
{
	size_t i;

	if (c->first_old_state == state)
		return true;
	for (i = 0; i < c->nr_states; i++)
		if (c->states[i].state == state)
			return true;
	return false;
}

static enum conn_role role_of(const struct conn *c)
{
	unsigned int first = c->states[0].state;

	if (c->first_old_state == TCP_CLOSE && first == TCP_SYN_SENT)
		return CONN_ROLE_CLIENT;
	if (c->first_old_state == TCP_LISTEN && first == TCP_SYN_RECV)
		return CONN_ROLE_SERVER;
	if (first == TCP_LISTEN)
		return CONN_ROLE_LISTENER;
	return CONN_ROLE_UNKNOWN;
}

/* From the first SYN_SENT or SYN_RECV to the ESTABLISHED after it. */
static bool handshake_of(const struct conn *c, uint64_t *ns)
{
	size_t i, start = c->nr_states;

	for (i = 0; i < c->nr_states; i++) {
		unsigned int state = c->states[i].state;

		if (start == c->nr_states &&
		    (state == TCP_SYN_SENT || state == TCP_SYN_RECV))
			start = i;
		else if (start < c->nr_states && state == TCP_ESTABLISHED) {
			*ns = c->states[i].enter_ns - c->states[start].enter_ns;
			return true;
		}
	}
	return false;
}

static enum conn_closer closer_of(const struct conn *c)
{
	enum conn_closer closer = CONN_CLOSER_NONE;
	size_t i;

	for (i = 0; i < c->nr_states; i++) {
		unsigned int from = state_before(c, i), to = c->states[i].state;

		if (from == TCP_FIN_WAIT1 && to == TCP_CLOSING)
			return CONN_CLOSER_SIMULTANEOUS;
		if (closer != CONN_CLOSER_NONE)
			continue;
		if (to == TCP_FIN_WAIT1)
			closer = CONN_CLOSER_LOCAL;
		else if (to == TCP_CLOSE_WAIT)
			closer = CONN_CLOSER_REMOTE;
	}
	return closer;
}

/*
 * The kernel never puts a full socket into TIME_WAIT: an orderly close
 * hands over to a timewait socket and goes to CLOSE from FIN_WAIT2 (or
 * CLOSING, LAST_ACK). Straight from anywhere else means a reset or abort.
 */
static enum conn_end end_of(const struct conn *c)
{
	size_t last = c->nr_states - 1;
	unsigned int from;

	if (!c->complete)
		return CONN_END_OPEN;
	from = state_before(c, last);
	switch (from) {
	case TCP_SYN_SENT:
		if (last > 0 &&
		    c->states[last].enter_ns - c->states[last - 1].enter_ns >= CONNECT_TIMEOUT_NS)
			return CONN_END_TIMEOUT;
		return CONN_END_REFUSED;
	case TCP_FIN_WAIT2:
	case TCP_TIME_WAIT:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
	case TCP_LISTEN:
		return CONN_END_FIN;
	default:
		return CONN_END_RST;
	}
}

void conn_summarize(const struct conn *c, struct conn_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->role = role_of(c);
	s->has_handshake = handshake_of(c, &s->handshake_ns);
	s->closer = closer_of(c);
	s->end = end_of(c);
}

const char *conn_role_name(enum conn_role role)
{
	static const char *const names[] = {
		[CONN_ROLE_UNKNOWN]	= "unknown",
		[CONN_ROLE_CLIENT]	= "client",
		[CONN_ROLE_SERVER]	= "server",
		[CONN_ROLE_LISTENER]	= "listener",
	};

	return names[role];
}

const char *conn_closer_name(enum conn_closer closer)
{
	static const char *const names[] = {
		[CONN_CLOSER_NONE]		= NULL,
		[CONN_CLOSER_LOCAL]		= "local",
		[CONN_CLOSER_REMOTE]		= "remote",
		[CONN_CLOSER_SIMULTANEOUS]	= "simultaneous",
	};

	return names[closer];
}

const char *conn_end_name(enum conn_end end)
{
	static const char *const names[] = {
		[CONN_END_OPEN]		= "open",
		[CONN_END_FIN]		= "fin",
		[CONN_END_RST]		= "rst",
		[CONN_END_REFUSED]	= "refused",
		[CONN_END_TIMEOUT]	= "timeout",
	};

	return names[end];
}

int conn_table_init(struct conn_table *t, unsigned int hash_bits)
{
	memset(t, 0, sizeof(*t));
	t->hash_bits = hash_bits;
	t->buckets = calloc((size_t)1 << hash_bits, sizeof(*t->buckets));
	return t->buckets ? 0 : -ENOMEM;
}

static void conn_free(struct conn *c)
{
	free(c->states);
	free(c);
}

void conn_table_free(struct conn_table *t)
{
	while (t->oldest)
		conn_table_remove(t, t->oldest);
	free(t->buckets);
	t->buckets = NULL;
}

static struct conn **bucket_of(const struct conn_table *t, uint64_t id)
{
	/* Fibonacci hashing: cookies are sequential. */
	return &t->buckets[(id * 0x9e3779b97f4a7c15ULL) >> (64 - t->hash_bits)];
}

static struct conn *lookup(const struct conn_table *t, uint64_t id)
{
	struct conn *c;

	for (c = *bucket_of(t, id); c; c = c->hash_next)
		if (c->id == id)
			return c;
	return NULL;
}

static void unhash(struct conn_table *t, struct conn *c)
{
	struct conn **pp;

	if (!c->hashed)
		return;
	for (pp = bucket_of(t, c->id); *pp; pp = &(*pp)->hash_next) {
		if (*pp == c) {
			*pp = c->hash_next;
			break;
		}
	}
	c->hashed = false;
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
	conn_free(c);
}

static struct conn *conn_new(struct conn_table *t, const struct tcptrail_record *rec)
{
	struct conn *c = calloc(1, sizeof(*c));
	struct conn **bucket;

	if (!c)
		return NULL;
	c->id = rec->conn;
	c->netns = rec->netns;
	c->first_old_state = rec->old_state;

	bucket = bucket_of(t, c->id);
	c->hash_next = *bucket;
	*bucket = c;
	c->hashed = true;
	c->older = t->newest;
	if (t->newest)
		t->newest->newer = c;
	else
		t->oldest = c;
	t->newest = c;
	t->count++;
	return c;
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

static void set_endpoints(struct conn *c, const struct tcptrail_record *rec)
{
	c->family = rec->family;
	c->sport = rec->sport;
	c->dport = rec->dport;
	memcpy(c->saddr, rec->saddr, sizeof(c->saddr));
	memcpy(c->daddr, rec->daddr, sizeof(c->daddr));
}

int conn_table_add(struct conn_table *t, const struct tcptrail_record *rec,
		   struct conn **cp)
{
	struct conn *c = lookup(t, rec->conn);
	struct conn_state *state;

	if (!c) {
		c = conn_new(t, rec);
		if (!c)
			return -ENOMEM;
	}
	if (c->nr_states == c->states_cap) {
		size_t cap = c->states_cap ? 2 * c->states_cap : 8;

		state = realloc(c->states, cap * sizeof(*state));
		if (!state)
			return -ENOMEM;
		c->states = state;
		c->states_cap = cap;
	}
	state = &c->states[c->nr_states++];
	state->state = rec->new_state;
	state->enter_ns = rec->ts_ns;

	/* The first of the most complete records names the endpoints. */
	if (c->nr_states == 1 || endpoints_score(rec) > c->endpoints_score) {
		set_endpoints(c, rec);
		c->endpoints_score = endpoints_score(rec);
	}
	/* In softirq the current task is whichever one was interrupted. */
	if (!c->has_owner && !(rec->flags & TCPTRAIL_F_SOFTIRQ)) {
		c->has_owner = true;
		c->pid = rec->tgid;
		memcpy(c->comm, rec->comm, sizeof(c->comm));
	}
	if (rec->new_state == TCP_CLOSE && rec->old_state != TCP_CLOSE) {
		c->complete = true;
		unhash(t, c);
	}
	*cp = c;
	return 0;
}
