// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svg_layout.h"
#include "units.h"

void svg_lane_times(struct lane *l, const struct conn *c, uint64_t now)
{
	const struct conn_state *last = &c->states[c->nr_states - 1];
	size_t i;

	memset(l, 0, sizeof(*l));
	l->c = c;
	conn_summarize(c, &l->s);
	l->on_axis = l->s.role != CONN_ROLE_LISTENER;
	l->start_ns = c->states[0].enter_ns;
	l->ongoing = last->state != TCP_CLOSE;
	l->end = (double)(last->enter_ns - l->start_ns);
	if (l->ongoing && now > last->enter_ns)
		l->end = (double)(now - l->start_ns);
	l->active = l->end;
	for (i = 0; i < c->nr_states; i++) {
		if (c->states[i].state == TCP_TIME_WAIT) {
			l->has_time_wait = true;
			l->active = (double)(c->states[i].enter_ns -
					     l->start_ns);
			break;
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Auto: the log scale when the longest is far longer than the median. */
static bool want_log(const struct lane *lanes, size_t n)
{
	double *spans, median, longest;
	size_t i, m = 0;

	spans = malloc((n ? n : 1) * sizeof(*spans));
	if (!spans)
		return false;
	for (i = 0; i < n; i++)
		if (lanes[i].on_axis)
			spans[m++] = lanes[i].active;
	if (m < 2) {
		free(spans);
		return false;
	}
	n = m;
	qsort(spans, n, sizeof(*spans), cmp_double);
	median = spans[n / 2];
	longest = spans[n - 1];
	free(spans);
	if (median < (double)TT_NSEC_PER_USEC)
		median = (double)TT_NSEC_PER_USEC;
	return longest > AUTO_LOG_RATIO * median;
}

/* The log scale's first decade: the shortest state's, rounded down. */
static double log_unit(const struct lane *lanes, size_t n)
{
	double shortest = 0;
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct conn *c = lanes[i].c;

		for (j = 0; j + 1 < c->nr_states; j++) {
			double d = (double)(c->states[j + 1].enter_ns -
					    c->states[j].enter_ns);

			if (d > 0 && (!shortest || d < shortest))
				shortest = d;
		}
	}
	if (shortest < 1)
		shortest = (double)TT_NSEC_PER_USEC;
	return pow(10, floor(log10(shortest)));
}

void svg_axis_setup(struct axis *a, enum svg_scale scale,
		       const struct lane *lanes, size_t n)
{
	size_t i;

	memset(a, 0, sizeof(*a));
	a->log = scale == SVG_SCALE_LOG ||
		 (scale == SVG_SCALE_AUTO && want_log(lanes, n));
	for (i = 0; i < n; i++) {
		double t = a->log ? lanes[i].end : lanes[i].active;

		if ((a->log || lanes[i].on_axis) && t > a->t_max)
			a->t_max = t;
	}
	a->unit = log_unit(lanes, n);
	if (a->log && a->t_max <= a->unit)
		a->log = false;
	if (a->t_max <= 0)
		a->t_max = (double)TT_NSEC_PER_USEC;
	for (i = 0; i < n && !a->log; i++)
		if (lanes[i].end > a->t_max)
			a->cut = true;
	a->x0 = PLOT_X0;
	a->x1 = PLOT_X1 - (a->cut ? TAIL_W : 0);
}

double svg_axis_x(const struct axis *a, double t)
{
	double f;

	if (t <= 0)
		return a->x0;
	if (a->log)
		f = log10(1 + t / a->unit) / log10(1 + a->t_max / a->unit);
	else
		f = t / a->t_max;
	return a->x0 + (f < 1 ? f : 1) * (a->x1 - a->x0);
}

/* A tick's label: in the unit of size (the step, or the value). */
void svg_tick_label(double ns, double size, char *buf, size_t len)
{
	static const struct {
		double ns;
		const char *name;
	} units[] = {
		{ 1e9, "s" }, { 1e6, "ms" }, { 1e3, "\u00b5s" }, { 1, "ns" },
	};
	size_t i;

	if (ns <= 0) {
		snprintf(buf, len, "0");
		return;
	}
	for (i = 0; i + 1 < sizeof(units) / sizeof(units[0]); i++)
		if (size >= units[i].ns)
			break;
	snprintf(buf, len, "%g %s", ns / units[i].ns, units[i].name);
}

/* Linear: a step of 1, 2 or 5 times a power of ten. */
double svg_tick_step(const struct axis *a)
{
	double ticks = (a->x1 - a->x0) / TICK_SPACING;
	double raw = a->t_max / (ticks > 1 ? ticks : 1);
	double mag = pow(10, floor(log10(raw))), r = raw / mag;

	return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

