/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcptrail ladder --svg: the ladders as one standalone SVG picture, in the
 * style of the timeline's (svg.h): one panel per conversation, two lanes,
 * slanted arrows with both ends' times, states beside them.
 */
#ifndef TCPTRAIL_LADDER_SVG_H
#define TCPTRAIL_LADDER_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ladder.h"

/* explain: each arrow's --explain sentence as its tooltip (<title>).
 * 0 or -errno (tt_output_status()).
 */
int ladder_svg_write(FILE *out, const struct ladder *ladders, size_t n,
		     bool show_netns, bool explain);

#endif
