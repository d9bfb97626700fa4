/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connections rebuilt from records: each connection's states in order, its
 * endpoints, owner, role, and how it began and ended. A table tracks the
 * connections, oldest (by first record) first.
 */
#ifndef TCPTRAIL_CONN_H
#define TCPTRAIL_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/tcptrail.h>

struct conn_state {
	uint8_t state;
	uint64_t enter_ns;	/* ts_ns of the record that entered it */
};

struct conn {
	uint64_t id;		/* the records' conn */
	uint32_t netns;
	uint16_t family;
	uint16_t sport, dport;
	uint8_t saddr[16], daddr[16];
	int endpoints_score;	/* how complete they are, see conn_table_add() */
	bool has_owner;
	uint32_t pid;		/* tgid of the first task-context record */
	char comm[16];
	uint8_t first_old_state;	/* the state before the first record */
	struct conn_state *states;	/* one per record: the state entered */
	size_t nr_states, states_cap;
	bool complete;		/* left CLOSE, and came back to it */

	/* The table's list (by first record) and hash chain. */
	struct conn *older, *newer;
	struct conn *hash_next;
	bool hashed;
};

enum conn_role {
	CONN_ROLE_UNKNOWN,	/* its first record was not seen */
	CONN_ROLE_CLIENT,	/* CLOSE -> SYN_SENT */
	CONN_ROLE_SERVER,	/* LISTEN -> SYN_RECV: a listener's child */
	CONN_ROLE_LISTENER,	/* -> LISTEN */
};

enum conn_closer {
	CONN_CLOSER_NONE,
	CONN_CLOSER_LOCAL,	/* -> FIN_WAIT1 */
	CONN_CLOSER_REMOTE,	/* -> CLOSE_WAIT */
	CONN_CLOSER_SIMULTANEOUS, /* FIN_WAIT1 -> CLOSING */
};

enum conn_end {
	CONN_END_OPEN,		/* not back in CLOSE yet */
	CONN_END_FIN,		/* orderly teardown */
	CONN_END_RST,		/* to CLOSE straight from a synchronised state */
	CONN_END_REFUSED,	/* SYN_SENT -> CLOSE within a second */
	CONN_END_TIMEOUT,	/* SYN_SENT -> CLOSE after a second or more */
};

struct conn_summary {
	enum conn_role role;
	bool has_handshake;
	uint64_t handshake_ns;	/* SYN_SENT/SYN_RECV -> ESTABLISHED */
	enum conn_closer closer;
	enum conn_end end;
};

void conn_summarize(const struct conn *c, struct conn_summary *s);
/* Did the connection enter (or start in) state? */
bool conn_passed_through(const struct conn *c, unsigned int state);

const char *conn_role_name(enum conn_role role);
const char *conn_closer_name(enum conn_closer closer);	/* NULL for NONE */
const char *conn_end_name(enum conn_end end);

struct conn_table {
	struct conn **buckets;
	unsigned int hash_bits;
	struct conn *oldest, *newest;
	size_t count;
};

int conn_table_init(struct conn_table *t, unsigned int hash_bits);
void conn_table_free(struct conn_table *t);

/*
 * Add a record to its connection (a new one if none is open under its id).
 * 0 or -ENOMEM; *cp: the connection, complete once the record closed it.
 * A complete connection leaves the hash, so its id can start a new one,
 * and stays on the list until conn_table_remove().
 */
int conn_table_add(struct conn_table *t, const struct tcptrail_record *rec,
		   struct conn **cp);
/* Take c off the table and free it. */
void conn_table_remove(struct conn_table *t, struct conn *c);

#endif
