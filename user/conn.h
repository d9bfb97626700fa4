/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connections rebuilt from records: each connection's states in order
 * (its full socket's, then its timewait socket's), its endpoints, owner,
 * resets and totals. A table tracks the connections, oldest (by first
 * record) first. What the story means (role, who closed first, how it
 * ended) is lifecycle.h's business.
 */
#ifndef TCPTRAIL_CONN_H
#define TCPTRAIL_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/tcptrail.h>

struct conn_state {
	uint8_t state;
	uint8_t reason;		/* for the CLOSE that ends TIME_WAIT */
	uint64_t enter_ns;	/* ts_ns of the record that entered it */
};

/* Where a connection is in its life. */
enum conn_phase {
	CONN_OPEN,		/* its full socket lives */
	CONN_TIME_WAIT,		/* handed over to its timewait socket */
	CONN_CLOSING,		/* full socket closed, no TIME_WAIT: its
				 * totals are due right after
				 */
	CONN_DONE,		/* over: nothing more is expected */
};

/* The timewait socket, from the TIMEWAIT records. */
struct conn_time_wait {
	bool entered;		/* an entry record was seen */
	bool not_created;	/* ... saying the bucket limit prevented it */
	uint8_t entry_old;	/* FIN_WAIT2 or CLOSING */
	uint8_t entry_new;	/* TIME_WAIT, or FIN_WAIT2 (orphan substate) */
	uint64_t enter_ns;
	bool exited;
	uint8_t exit_reason;	/* enum tcptrail_reason */
	uint64_t exit_ns;
};

struct conn {
	uint64_t id;		/* the records' conn */
	uint32_t netns;
	uint16_t family;
	uint16_t sport, dport;
	uint8_t saddr[16], daddr[16];
	bool has_endpoints;
	int endpoints_score;	/* how complete they are (conn.c) */

	/* The owner: the task of the record that makes one (see
	 * conn_table_add()), never one a softirq interrupted.
	 */
	bool has_owner;
	uint32_t pid;		/* its tgid */
	char comm[16];
	bool accepted;		/* an ACCEPT record named it */

	uint8_t first_old_state;	/* the state before the first record */
	struct conn_state *states;	/* the states entered, in order */
	size_t nr_states, states_cap;

	enum conn_phase phase;
	bool full_closed;	/* the full socket went to CLOSE ... */
	uint8_t closed_from;	/* ... from this state */
	struct conn_time_wait tw;
	bool handing_over;	/* TIMEWAIT entry seen: the full socket's
				 * CLOSE comes next, and is no end
				 */
	unsigned int closing_dumps;	/* dumps ended while CONN_CLOSING */

	/* The socket's cgroup v2 id (0: unknown), from any record: the
	 * timewait socket's own records carry none.
	 */
	uint64_t cgroup;
	/* The socket's error (an errno) when its full socket closed. */
	uint8_t close_error;

	/* RSTs of the full socket (not of its timewait socket). */
	uint8_t first_reset;	/* RST_SENT, RST_RECEIVED, or NONE */
	uint8_t first_reset_state;	/* ... in this state */
	uint8_t first_reset_detail;	/* ... a RST sent's: kernel reason + 1 */
	uint64_t first_reset_ns;	/* ... at this time */
	bool reset_in_syn_sent;	/* a RST received in SYN_SENT: refused */

	/* What sock_diag said of the socket when this run began (snapshot.h):
	 * it was open then. Without records of it (unrecorded), its one
	 * state is that one, as of the snapshot.
	 */
	bool live;
	bool unrecorded;
	uint8_t live_state;
	bool has_live_totals;
	struct tcptrail_totals live_totals;

	bool has_totals;
	struct tcptrail_totals totals;

	/* The other end of the conversation, once pair.h found it on the
	 * table: kept for when that end has been shown and dropped.
	 */
	uint64_t peer;
	/* pair.c's hashes of its tuple and of the mirrored one, while
	 * pair_keys (cleared where the endpoints change).
	 */
	bool pair_keys;
	uint64_t pair_key, pair_rkey;

	/* The table's list (by first record) and hash chain. */
	struct conn *older, *newer;
	struct conn *hash_next;
};

/* Did the connection close: TIME_WAIT over, or none after the full close? */
static inline bool conn_complete(const struct conn *c)
{
	return c->phase == CONN_CLOSING || c->phase == CONN_DONE;
}

struct conn_table {
	struct conn **buckets;
	unsigned int hash_bits;
	struct conn *oldest, *newest;
	size_t count;
	/* Removed connections kept for the next ones, states array and all:
	 * one comes and one goes per connection.
	 */
	struct conn *spare;
	size_t nr_spare;
};

/* 2^17 buckets: a full ring's connections, a few to a bucket. */
#define CONN_TABLE_HASH_BITS	17

int conn_table_init(struct conn_table *t, unsigned int hash_bits);
void conn_table_free(struct conn_table *t);

/*
 * Add a record to its connection. STATE and TIMEWAIT records start a
 * connection where none is found (a STATE record also where the full
 * socket had closed: the socket's next life); RESET, ACCEPT and TOTALS
 * records only add to one, and are dropped without one (*cp NULL).
 * 0 or -ENOMEM; *cp: the connection. Connections stay on the table, done
 * or not, until conn_table_remove().
 */
int conn_table_add(struct conn_table *t, const struct tcptrail_record *rec,
		   struct conn **cp);

/* A socket as sock_diag shows it now (snapshot.h). */
struct conn_live {
	uint64_t id;		/* its cookie: the records' conn */
	uint32_t netns;
	uint64_t cgroup;
	uint8_t state;
	uint16_t family, sport, dport;
	uint8_t saddr[16], daddr[16];
	bool has_totals;
	struct tcptrail_totals totals;
	uint64_t seen_ns;	/* CLOCK_MONOTONIC, as ts_ns */
};

/*
 * The socket is open now: its connection (the open one under its id)
 * learns so, or one is made for it. 0 or -ENOMEM.
 */
int conn_table_add_live(struct conn_table *t, const struct conn_live *live);

/*
 * A dump has ended. A closed connection's totals follow its CLOSE record
 * at once: one still without them a few dumps later gets none (lost), and
 * is done.
 */
void conn_table_dump_ended(struct conn_table *t);

/* Take c off the table and free it. */
void conn_table_remove(struct conn_table *t, struct conn *c);

/* A copy of c that is on no table (NULL: out of memory), to keep after
 * c is removed; free it with conn_free().
 */
struct conn *conn_copy(const struct conn *c);
void conn_free(struct conn *c);

#endif
