/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcptrail ladder --explain: one plain sentence per arrow or state change,
 * saying what happened and why the state changed, in the vocabulary of the
 * handshake notes (SYN, SYN+ACK, FIN, ACK, 2×MSL). All of the text is in
 * one table, explain.c.
 */
#ifndef TCPTRAIL_EXPLAIN_H
#define TCPTRAIL_EXPLAIN_H

#include <stddef.h>

enum explain_id {
	EXPLAIN_NONE,
	EXPLAIN_SYN,			/* a SYN to a listener */
	EXPLAIN_SYN_CROSSED,		/* simultaneous open */
	EXPLAIN_SYN_ACK,
	EXPLAIN_HANDSHAKE_ACK,		/* the third segment */
	EXPLAIN_FIN_FIRST,		/* the active close's FIN */
	EXPLAIN_FIN_ACKED,		/* its ACK: FIN_WAIT2 */
	EXPLAIN_FIN_SECOND,		/* the passive side's FIN: TIME_WAIT */
	EXPLAIN_FIN_SECOND_WITH_ACK,	/* ... acknowledging the first too */
	EXPLAIN_LAST_ACK,		/* LAST_ACK -> CLOSE */
	EXPLAIN_FIN_CROSSED,		/* simultaneous close: CLOSING */
	EXPLAIN_CLOSING_ACKED,		/* CLOSING -> TIME_WAIT */
	EXPLAIN_REFUSED,		/* RST in SYN_SENT */
	EXPLAIN_RESET_SENT,
	EXPLAIN_RESET_RECEIVED,
	EXPLAIN_CLOSED_BY_RESET,	/* the CLOSE after a RST */
	EXPLAIN_SYN_RETRANSMITTED,	/* a note: the SYN went again */
	EXPLAIN_SYN_TIMEOUT,		/* SYN_SENT -> CLOSE, no answer */
	EXPLAIN_DATA,			/* the data bracket */
	EXPLAIN_TW_EXPIRED,
	EXPLAIN_TW_REUSED,		/* a new SYN ended TIME_WAIT */
	EXPLAIN_TW_CONNECT_REUSE,
	EXPLAIN_TW_RST,			/* a RST ended TIME_WAIT */
	EXPLAIN_TW_ABORTED,
	EXPLAIN_TW_OTHER,		/* netns exit, killed, unknown */
	EXPLAIN_TW_NOT_CREATED,
	EXPLAIN_CLOSED,			/* any other CLOSE */
	NR_EXPLAIN,
};

/*
 * The sentence, with "$s" the sender's name (or the side the row is
 * about) and "$r" the receiver's ("the client", "the server"), in buf.
 * Nothing (an empty string) for EXPLAIN_NONE.
 */
void explain_format(enum explain_id id, const char *sender,
		    const char *receiver, char *buf, size_t len);

#endif
