/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A connection's story, told from its records (conn.h): its role, its
 * handshake and time established, who closed first, how it ended, its
 * TIME_WAIT, and its totals with SYN and FIN told apart from payload.
 */
#ifndef TCPTRAIL_LIFECYCLE_H
#define TCPTRAIL_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "totals.h"

enum conn_role {
	CONN_ROLE_UNKNOWN,	/* its first record was not seen */
	CONN_ROLE_CLIENT,	/* CLOSE -> SYN_SENT */
	CONN_ROLE_SERVER,	/* LISTEN -> SYN_RECV: a listener's child */
	CONN_ROLE_LISTENER,	/* -> LISTEN */
};

enum conn_closer {
	CONN_CLOSER_NONE,
	CONN_CLOSER_LOCAL,	/* -> FIN_WAIT1: the active close */
	CONN_CLOSER_REMOTE,	/* -> CLOSE_WAIT: the passive close */
	CONN_CLOSER_SIMULTANEOUS, /* FIN_WAIT1 -> CLOSING */
};

/*
 * How the full socket closed, from its states, its RSTs and the error the
 * kernel gave it (the CLOSE record's detail).
 */
enum conn_end {
	CONN_END_OPEN,		/* the full socket has not closed */
	CONN_END_FIN,		/* orderly teardown */
	CONN_END_RST,		/* a RST sent or received */
	CONN_END_REFUSED,	/* a connect answered by a RST */
	CONN_END_TIMEOUT,	/* no answer: SYN or data retransmissions,
				 * keepalive (ETIMEDOUT, or an ICMP error
				 * seen meanwhile)
				 */
	CONN_END_ABORTED,	/* tcp_abort(): ss -K, SOCK_DESTROY */
	CONN_END_ABANDONED,	/* closed by its owner in SYN_SENT */
	CONN_END_ERROR,		/* closed on another error (ICMP) */
	CONN_NR_ENDS
};

struct conn_summary {
	enum conn_role role;
	bool has_handshake;
	uint64_t handshake_ns;	/* SYN_SENT/SYN_RECV -> ESTABLISHED */
	bool has_established;
	uint64_t established_ns; /* in ESTABLISHED, until the next state */
	enum conn_closer closer;
	enum conn_end end;
	uint8_t reset;		/* the first RST: RST_SENT, _RECEIVED, NONE */
	uint8_t reset_state;	/* ... the state it came in */
	uint8_t reset_detail;	/* ... a RST sent's kernel reason + 1 */
	uint8_t error;		/* the socket's errno when it closed, 0 */
	/* TIMEOUT in SYN_SENT: how many times the SYN was sent again. */
	bool has_syn_retransmits;
	unsigned int syn_retransmits;
	/*
	 * Each direction's life, from ESTABLISHED to its FIN (ours: FIN_WAIT1
	 * or LAST_ACK; the peer's: CLOSE_WAIT, CLOSING or TIME_WAIT), when
	 * both FINs were seen. half_closed: one stayed open notably longer.
	 */
	bool has_directions;
	uint64_t out_open_ns, in_open_ns;
	bool half_closed;
	/* TIME_WAIT: entered (or attempted); how it ended (its exit
	 * reason, NOT_CREATED), NONE while it lasts; entry to exit.
	 */
	bool time_wait;
	uint8_t time_wait_end;
	bool has_time_wait_ns;
	uint64_t time_wait_ns;
};

void conn_summarize(const struct conn *c, struct conn_summary *s);
/* Did the connection enter (or start in) state? */
bool conn_passed_through(const struct conn *c, unsigned int state);

/* The totals (false: none recorded), with payload bytes where the story
 * tells which of SYN and FIN the kernel counted.
 */
bool conn_totals(const struct conn *c, struct tt_totals *t);

const char *conn_role_name(enum conn_role role);
const char *conn_closer_name(enum conn_closer closer);	/* NULL for NONE */
/* "active", "passive", "simultaneous"; NULL for NONE */
const char *conn_close_kind(enum conn_closer closer);
const char *conn_end_name(enum conn_end end);
/* "reset in SYN_SENT": a RST before ESTABLISHED. */
bool conn_reset_in_handshake(const struct conn_summary *s);
/* "sent", "received"; NULL for none. */
const char *conn_reset_direction(uint8_t reset);

/*
 * How it ended, in words: "fin", "rst sent: TCP_ABORT_ON_CLOSE", "rst
 * received", "reset in SYN_SENT (rst sent)", "refused", "timeout after 3
 * SYN retransmissions", "timeout (EHOSTUNREACH)", "aborted", "open", ...
 */
void conn_end_describe(const struct conn_summary *s, char *buf, size_t len);

/* A duration as a reader shows it: the terminal's or the picture's way. */
typedef void (*conn_duration_fn)(uint64_t ns, char *buf, size_t len);

/*
 * The story's opening, @sep between its parts, as the timeline and the
 * picture tell it: "handshake 1.20 ms", "established 3.40 ms" (if
 * @established), "closed first: local (active)"; "" if none applies.
 */
void conn_story_opening(const struct conn_summary *s, bool established,
			const char *sep, conn_duration_fn duration,
			char *buf, size_t len);

#endif
