/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcptrail ladder in the terminal: the two ends as two lanes, time going
 * down, one arrow per segment with the sender's and the receiver's times,
 * each side's states beside the arrow that moved it.
 */
#ifndef TCPTRAIL_LADDER_TEXT_H
#define TCPTRAIL_LADDER_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "ladder.h"

struct ladder_text_options {
	bool utf8;		/* box-drawing characters, else ASCII */
	bool color;
	bool explain;		/* a sentence under each row */
	bool show_netns;
	unsigned int columns;	/* of the terminal, for --explain */
};

void ladder_text_print(FILE *out, const struct ladder *l,
		       const struct ladder_text_options *o);
/* What the arrows' strokes and "?" mean, once after the ladders. */
void ladder_text_legend(FILE *out, const struct ladder_text_options *o);

#endif
