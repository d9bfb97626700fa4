/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcptrail timeline --svg: the timelines as one standalone SVG picture.
 * One lane per connection (its endpoints, role and owner at the left, its
 * states as coloured segments on a time axis, its story underneath), a
 * legend, and a time axis either linear (TIME_WAIT cut short, its length
 * written) or logarithmic.
 */
#ifndef TCPTRAIL_SVG_H
#define TCPTRAIL_SVG_H

#include <stdbool.h>
#include <stdio.h>

#include "conn.h"

enum svg_scale {
	SVG_SCALE_AUTO,		/* log when lengths differ wildly */
	SVG_SCALE_LINEAR,
	SVG_SCALE_LOG,
};

struct svg_picture;

/* "auto", "linear", "log": 0, or -EINVAL. */
int svg_parse_scale(const char *s, enum svg_scale *scale);

/* NULL: out of memory. show_netns: name each lane's network namespace. */
struct svg_picture *svg_new(enum svg_scale scale, bool show_netns);
void svg_free(struct svg_picture *p);

/* Add a lane for c (copied): 0 or -ENOMEM. */
int svg_add(struct svg_picture *p, const struct conn *c);

/* The picture, lanes in the order they were added; "now" (for what has
 * not ended) is the time of the call. 0 or -errno (tt_output_status()).
 */
int svg_write(const struct svg_picture *p, FILE *out);

/* Lanes added so far. */
size_t svg_lanes(const struct svg_picture *p);

/* Helpers for other pictures (ladder_svg.c). */
/* s as XML text: escaped, control and non-ASCII bytes as '?'. */
void svg_put_text(FILE *out, const char *s);
/* A duration as the timeline shows it, in UTF-8 whatever the locale. */
void svg_duration(double ns, char *buf, size_t len);
/* The colour a state is drawn in ("#3fb950"). */
const char *svg_state_fill(unsigned int state);

#endif
