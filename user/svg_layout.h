/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timeline picture's geometry (svg.c draws it): the page's layout in
 * pixels, each lane's times, and the time axis, linear or logarithmic, with
 * its ticks.
 */
#ifndef TCPTRAIL_SVG_LAYOUT_H
#define TCPTRAIL_SVG_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "lifecycle.h"
#include "svg.h"

/* Layout, in pixels. */
#define WIDTH		1200
#define MARGIN		16
#define LABEL_W		350	/* lane labels, at the left */
#define PLOT_X0		(MARGIN + LABEL_W)
#define PLOT_X1		(WIDTH - MARGIN)
#define TAIL_W		130	/* linear: for cut TIME_WAITs */
#define LANE_H		40
#define BAR_Y		4	/* the bar within its lane */
#define BAR_H		17
#define LEGEND_Y	58
#define LEGEND_ROW_H	18
#define AXIS_H		24
#define TICK_SPACING	80	/* about, between ticks */

/* Auto: log when the longest connection is this many times the median. */
#define AUTO_LOG_RATIO	100

/* A lane's times, in ns since its first record. */
struct lane {
	const struct conn *c;
	uint64_t start_ns;	/* its first record */
	double end;		/* its last state's entry, or now */
	double active;		/* until TIME_WAIT, or end */
	bool ongoing;		/* its last state is no CLOSE */
	bool has_time_wait;
	bool on_axis;		/* the linear axis fits it: no listener */
	struct conn_summary s;
};

struct axis {
	bool log;
	bool cut;		/* linear: some state runs on past x1, cut */
	double t_max;		/* ns at x1 */
	double unit;		/* log: ns of the first decade */
	double x0, x1;
};

/* @l's times, for connection @c; "now" for what has not ended. */
void svg_lane_times(struct lane *l, const struct conn *c, uint64_t now);
/* The axis for @n lanes: linear, log, or as @scale says for auto. */
void svg_axis_setup(struct axis *a, enum svg_scale scale,
		    const struct lane *lanes, size_t n);
/* Where time @t (ns from a lane's start) is drawn. */
double svg_axis_x(const struct axis *a, double t);
/* A tick's label for @ns, in the unit that suits @size. */
void svg_tick_label(double ns, double size, char *buf, size_t len);
/* Linear: a step of 1, 2 or 5 times a power of ten. */
double svg_tick_step(const struct axis *a);

#endif
