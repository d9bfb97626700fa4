/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A conversation as a ladder diagram: its two ends side by side, and the
 * segments that their state changes imply, in time order. Nothing is seen
 * on the wire: a SYN_SENT -> ESTABLISHED means a SYN+ACK came in and an
 * ACK went out, a LAST_ACK -> CLOSE that the final ACK arrived, and so on;
 * RESET, TIMEWAIT and TOTALS records add the RSTs, how TIME_WAIT ended
 * and the bytes. An end of a segment that no record implies has no time;
 * a segment only one end's records imply is marked inferred. Data segments
 * are not drawn: a bracket gives the bytes each way.
 */
#ifndef TCPTRAIL_LADDER_H
#define TCPTRAIL_LADDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "explain.h"
#include "lifecycle.h"

/* The two columns: the end that opened on the left. */
enum { LADDER_LEFT, LADDER_RIGHT, LADDER_SIDES };

enum ladder_segment {
	LADDER_SYN,
	LADDER_SYN_ACK,
	LADDER_ACK,
	LADDER_FIN,
	LADDER_RST,
};

enum ladder_row_kind {
	LADDER_ROW_ARROW,	/* a segment from one side to the other */
	LADDER_ROW_STATE,	/* a state change no segment caused */
	LADDER_ROW_DATA,	/* the bytes each way (the bracket) */
	LADDER_ROW_RETRANS,	/* the SYN went again, unanswered */
};

/* Most states one side enters on one row (FIN_WAIT2, TIME_WAIT). */
#define LADDER_MAX_ROW_STATES	3

struct ladder_side_row {
	bool has_time;		/* a record tells when */
	uint64_t ns;
	uint8_t states[LADDER_MAX_ROW_STATES];	/* entered here, in order */
	unsigned int nr_states;
	uint8_t reason;		/* how TIME_WAIT ended, on its CLOSE */
	unsigned int order;	/* of the end it shows (ladder.c) */
};

/* An arrow other rows come between is drawn as it leaves and as it arrives. */
enum ladder_arrow_part {
	LADDER_WHOLE,
	LADDER_DEPARTS,		/* the sender's side only */
	LADDER_ARRIVES,		/* the receiver's side only */
};

struct ladder_row {
	enum ladder_row_kind kind;
	enum ladder_arrow_part part;	/* ARROW */
	unsigned int arrow;		/* ARROW: the same for both parts */
	enum ladder_segment segment;	/* ARROW */
	unsigned int from;		/* ARROW: the sender's side */
	bool inferred;			/* ARROW: one end's records only */
	/* ARROW: the FIN also acknowledged the other end's FIN. */
	bool fin_acks_fin;
	struct ladder_side_row side[LADDER_SIDES];
	unsigned int about;		/* STATE, RETRANS: whose */
	uint64_t count;			/* RETRANS: how many times */
	uint64_t bytes[LADDER_SIDES];	/* DATA: sent by each side */
	bool has_bytes[LADDER_SIDES];
	enum explain_id explain;
	uint64_t sort_ns;		/* where it sits in time */
	unsigned int order;		/* ties: the order it was implied in */
};

struct ladder {
	/* The ends; end[RIGHT] is NULL when the peer was not recorded. */
	const struct conn *end[LADDER_SIDES];
	enum conn_role role[LADDER_SIDES];
	uint8_t initial[LADDER_SIDES];	/* the state before the first row */
	bool has_initial[LADDER_SIDES];
	struct ladder_row *rows;
	size_t nr_rows, rows_cap;
	uint64_t start_ns;		/* the first time of all */
};

/*
 * The ladder of c and its peer (NULL: single-ended, the peer's arrows
 * inferred). 0 or -ENOMEM; free with ladder_free().
 */
int ladder_build(struct ladder *l, const struct conn *c,
		 const struct conn *peer);
void ladder_free(struct ladder *l);

/* "SYN", "SYN+ACK", "ACK", "FIN", "RST". */
const char *ladder_segment_name(enum ladder_segment segment);
/* "client", "server", or for an end not recorded, "the peer". */
const char *ladder_side_name(const struct ladder *l, unsigned int side);

/* Side's endpoint, "127.0.0.1:80": its own, or for an end not recorded,
 * the other end's remote one.
 */
void ladder_endpoint(const struct ladder *l, unsigned int side, char *buf,
		     size_t len);

/* The row's --explain sentence (explain.h), with the sides' names; ""
 * for none.
 */
void ladder_explain(const struct ladder *l, const struct ladder_row *r,
		    char *buf, size_t len);

/* The row's time: its earliest known end. */
bool ladder_row_time(const struct ladder_row *r, uint64_t *ns);
/* Where the row sits on the time axis: its time, or for a note with none
 * (the SYN's retransmissions), the time of what follows it.
 */
bool ladder_row_place(const struct ladder_row *r, uint64_t *ns);
/* Does the row show side s (an arrow's part only one)? */
bool ladder_row_shows(const struct ladder_row *r, unsigned int s);

#endif
