// SPDX-License-Identifier: GPL-2.0
/*
 * The timelines as an SVG picture. Lanes are fixed in height, so the
 * picture grows with the connections. Time runs from each connection's
 * first record. A linear axis spans the longest connection up to its
 * TIME_WAIT, listeners aside: a TIME_WAIT (60 s, where the rest takes
 * milliseconds) or a listener's LISTEN runs on past the axis' end, cut
 * short, its length written. A logarithmic axis shows everything to scale;
 * "auto" picks it when connections differ wildly in length.
 *
 * Lanes are <g class="lane"> with data-conn, data-role, data-end,
 * data-local, data-remote and data-states (the states in order, as the
 * timeline lists them), and segments <rect class="seg s-STATE">: scripts
 * can count them.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cgroup.h"
#include "format.h"
#include "grow.h"
#include "lifecycle.h"
#include "svg.h"
#include "svg_layout.h"


struct svg_picture {
	enum svg_scale scale;
	bool show_netns;
	struct conn **conns;
	size_t nr, cap;
};


/* What the picture holds, for its legend. */
struct seen {
	bool state[TCPTRAIL_NR_STATES + 1];	/* the last one: any other */
	bool end_fin, end_bad, ongoing, cut;
};

static const struct state_style {
	unsigned int state;
	const char *fill;
	bool light_text;	/* white text on it */
} styles[] = {
	{ TCP_SYN_SENT,		"#e3b341", false },
	{ TCP_SYN_RECV,		"#f2cc60", false },
	{ TCP_ESTABLISHED,	"#3fb950", false },
	{ TCP_FIN_WAIT1,	"#8250df", true },
	{ TCP_FIN_WAIT2,	"#c297ff", false },
	{ TCP_CLOSING,		"#bf3989", true },
	{ TCP_CLOSE_WAIT,	"#0969da", true },
	{ TCP_LAST_ACK,		"#6cb6ff", false },
	{ TCP_TIME_WAIT,	"#8c959f", false },
	{ TCP_LISTEN,		"#1b7c83", true },
	{ TCPTRAIL_TCP_NEW_SYN_RECV, "#f2cc60", false },
	{ TCPTRAIL_TCP_BOUND_INACTIVE, "#d0d7de", false },
};

#define NR_STYLES	(sizeof(styles) / sizeof(styles[0]))

static const struct state_style *style_of(unsigned int state)
{
	static const struct state_style other = { 0, "#d0d7de", false };
	size_t i;

	for (i = 0; i < NR_STYLES; i++)
		if (styles[i].state == state)
			return &styles[i];
	return &other;
}

const char *svg_state_fill(unsigned int state)
{
	return style_of(state)->fill;
}

int svg_parse_scale(const char *s, enum svg_scale *scale)
{
	if (strcasecmp(s, "auto") == 0)
		*scale = SVG_SCALE_AUTO;
	else if (strcasecmp(s, "linear") == 0)
		*scale = SVG_SCALE_LINEAR;
	else if (strcasecmp(s, "log") == 0)
		*scale = SVG_SCALE_LOG;
	else
		return -EINVAL;
	return 0;
}

struct svg_picture *svg_new(enum svg_scale scale, bool show_netns)
{
	struct svg_picture *p = calloc(1, sizeof(*p));

	if (p) {
		p->scale = scale;
		p->show_netns = show_netns;
	}
	return p;
}

void svg_free(struct svg_picture *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nr; i++)
		conn_free(p->conns[i]);
	free(p->conns);
	free(p);
}

int svg_add(struct svg_picture *p, const struct conn *c)
{
	struct conn *copy, **conns;

	if (!c->nr_states)
		return 0;
	conns = tt_grow(p->conns, &p->cap, p->nr, sizeof(*conns), 64);
	if (!conns)
		return -ENOMEM;
	p->conns = conns;
	copy = conn_copy(c);
	if (!copy)
		return -ENOMEM;
	p->conns[p->nr++] = copy;
	return 0;
}

size_t svg_lanes(const struct svg_picture *p)
{
	return p->nr;
}

/* Text: escaped for XML; bytes outside printable ASCII become '?'. */
void svg_put_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = *s;

		switch (ch) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		default:
			fputc(ch >= 0x20 && ch < 0x7f ? ch : '?', out);
		}
	}
}

/* A duration as the timeline shows it, but in UTF-8 whatever the locale:
 * the picture is UTF-8.
 */
void svg_duration(double ns, char *buf, size_t len)
{
	size_t n;

	tt_format_duration(ns > 0 ? (uint64_t)ns : 0, buf, len);
	n = strlen(buf);
	if (n >= 3 && strcmp(buf + n - 3, " us") == 0 && n + 1 < len)
		strcpy(buf + n - 2, "\u00b5s");
}

/* Roughly how wide text is, in pixels, at a font size. */
static double text_px(const char *s, double size)
{
	size_t chars = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			chars++;
	return chars * size * 0.6;
}

/* One tick: its grid line, its label above and below the lanes. */
static void tick(FILE *out, double x, const char *label, double top,
		 double bottom)
{
	const char *anchor = x <= PLOT_X0 ? "start" : "middle";

	fprintf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
		"x2=\"%.1f\" y2=\"%.1f\"/>\n", x, top, x, bottom);
	fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
		"text-anchor=\"%s\">%s</text>", x, top - 6, anchor, label);
	fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
		"text-anchor=\"%s\">%s</text>\n", x, bottom + 14, anchor,
		label);
}

static void log_ticks(FILE *out, const struct axis *a, double top,
		      double bottom)
{
	char label[32];
	double t;

	tick(out, a->x0, "0", top, bottom);
	for (t = a->unit; t <= a->t_max * 1.0001; t *= 10) {
		/* Too close to 0 to be read apart. */
		if (svg_axis_x(a, t) - a->x0 < 40)
			continue;
		svg_tick_label(t, t, label, sizeof(label));
		tick(out, svg_axis_x(a, t), label, top, bottom);
	}
}

static void linear_ticks(FILE *out, const struct axis *a, double top,
			 double bottom)
{
	double t, step = svg_tick_step(a);
	char label[32];
	int k;

	for (k = 0; (t = k * step) <= a->t_max * 1.0001; k++) {
		svg_tick_label(t, step, label, sizeof(label));
		tick(out, svg_axis_x(a, t), label, top, bottom);
	}
}

/* The grid, and tick labels above and below the lanes. */
static void draw_axis(FILE *out, const struct axis *a, double top,
		      double bottom)
{
	fprintf(out, "<g class=\"axis\">\n");
	if (a->log)
		log_ticks(out, a, top, bottom);
	else
		linear_ticks(out, a, top, bottom);
	fprintf(out, "<line class=\"base\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
		"y2=\"%.1f\"/>\n", PLOT_X0, top, PLOT_X1, top);
	fprintf(out, "<line class=\"base\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
		"y2=\"%.1f\"/>\n", PLOT_X0, bottom, PLOT_X1, bottom);
	if (a->cut) {
		fprintf(out, "<line class=\"cutline\" x1=\"%.1f\" y1=\"%.1f\" "
			"x2=\"%.1f\" y2=\"%.1f\"/>\n", a->x1 + 4, top,
			a->x1 + 4, bottom);
		fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
			"text-anchor=\"middle\">longer: cut short</text>\n",
			a->x1 + 4 + TAIL_W / 2.0, top - 6);
	}
	fprintf(out, "</g>\n");
}

/* The mark of a segment cut short: "//" across it at x. */
static void draw_break(FILE *out, double x, double y)
{
	fprintf(out, "<path class=\"brk\" d=\"M%.1f,%.1fL%.1f,%.1f"
		"M%.1f,%.1fL%.1f,%.1f\"/>", x - 4, y + BAR_H + 2, x + 2, y - 2,
		x + 2, y + BAR_H + 2, x + 8, y - 2);
}

enum swatch {
	SWATCH_BOX,
	SWATCH_CAP,
	SWATCH_ARROW,
	SWATCH_CUT,
};

/* One item of the legend at (*x, *y), which move on; out NULL: measure. */
static void legend_item(FILE *out, double *x, double *y, enum swatch kind,
			const char *cls, const char *text)
{
	double w = 14 + 6 + text_px(text, 11) + 18;

	if (*x + w > WIDTH - MARGIN) {
		*x = MARGIN;
		*y += LEGEND_ROW_H;
	}
	*x += w;
	if (!out)
		return;
	w = *x - w;
	switch (kind) {
	case SWATCH_BOX:
		fprintf(out, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" "
			"width=\"14\" height=\"11\"/>", cls, w, *y - 10);
		break;
	case SWATCH_CAP:
		fprintf(out, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" "
			"width=\"3\" height=\"14\"/>", cls, w + 6, *y - 12);
		break;
	case SWATCH_CUT:
		fprintf(out, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" "
			"width=\"20\" height=\"11\"/>", cls, w - 3, *y - 10);
		draw_break(out, w + 4, *y - 10 + (11 - BAR_H) / 2.0);
		break;
	case SWATCH_ARROW:
		fprintf(out, "<path class=\"%s\" d=\"M%.1f,%.1fl7,6l-7,6z\"/>",
			cls, w + 4, *y - 11);
		break;
	}
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", w + 20, *y,
		text);
}

/* The legend: the states shown, then the marks. out NULL: only measure.
 * Returns the y of its last row.
 */
static double draw_legend(FILE *out, const struct seen *seen)
{
	char buf[TT_STATE_NAME_LEN], cls[TT_STATE_NAME_LEN + 8];
	double x = MARGIN, y = LEGEND_Y;
	size_t i;

	if (out)
		fprintf(out, "<g class=\"legend\">\n");
	for (i = 0; i < NR_STYLES; i++) {
		const char *name = tt_state_name(styles[i].state, buf);

		if (!seen->state[styles[i].state])
			continue;
		snprintf(cls, sizeof(cls), "seg s-%s", name);
		legend_item(out, &x, &y, SWATCH_BOX, cls, name);
	}
	if (seen->state[TCPTRAIL_NR_STATES])
		legend_item(out, &x, &y, SWATCH_BOX, "seg", "other");
	if (seen->cut)
		legend_item(out, &x, &y, SWATCH_CUT, "seg s-TIME_WAIT",
			    "cut short (its length written)");
	if (seen->ongoing)
		legend_item(out, &x, &y, SWATCH_ARROW, "seg", "still going on");
	if (seen->end_fin)
		legend_item(out, &x, &y, SWATCH_CAP, "cap", "closed");
	if (seen->end_bad)
		legend_item(out, &x, &y, SWATCH_CAP, "cap bad",
			    "closed: rst, refused, timeout");
	if (out)
		fprintf(out, "</g>\n");
	return y;
}

/* Text inside a segment at x, w wide: text if it fits, else shorter
 * (NULL: nothing), else nothing.
 */
static void draw_inside(FILE *out, const struct state_style *st,
			const char *text, const char *shorter, double x,
			double w, double y)
{
	if (text_px(text, 10) + 8 > w)
		text = shorter;
	if (!text || text_px(text, 10) + 8 > w)
		return;
	fprintf(out, "<text class=\"in%s\" x=\"%.1f\" y=\"%.1f\">%s</text>",
		st->light_text ? " light" : "", x + 4, y + BAR_H - 5, text);
}

/* Where state j of the lane ends, in ns since the lane's start. */
static double seg_end(const struct lane *l, size_t j)
{
	if (j + 1 < l->c->nr_states)
		return (double)(l->c->states[j + 1].enter_ns - l->start_ns);
	return l->end;
}

/* Linear: a state that runs on past the axis' end is cut short. */
static bool seg_cut(const struct axis *a, const struct lane *l, size_t j)
{
	return a->cut && seg_end(l, j) > a->t_max;
}

/* Is state j drawn as a segment? Not the final CLOSE: a mark. */
static bool is_segment(const struct lane *l, size_t j)
{
	return j + 1 < l->c->nr_states || l->ongoing;
}

/* Closed by a RST, refused, timed out; not after TIME_WAIT. */
static bool ended_badly(const struct lane *l, const struct conn_summary *s)
{
	return s->end != CONN_END_FIN && !l->has_time_wait;
}

/* State j of the lane. */
static void draw_segment(FILE *out, const struct axis *a,
			 const struct lane *l, size_t j, double y)
{
	const struct conn_state *s = &l->c->states[j];
	const struct state_style *st = style_of(s->state);
	double t0 = (double)(s->enter_ns - l->start_ns), t1 = seg_end(l, j);
	double x = svg_axis_x(a, t0), w = svg_axis_x(a, t1) - x;
	char buf[TT_STATE_NAME_LEN], at[TT_TIME_LEN], spent[TT_TIME_LEN];
	char text[TT_STATE_NAME_LEN + TT_TIME_LEN + 2];
	const char *name = tt_state_name(s->state, buf);
	bool going = l->ongoing && j + 1 == l->c->nr_states;
	bool cut = seg_cut(a, l, j);

	if (cut)
		w = PLOT_X1 - 6 - x;
	if (w < 1)
		w = 1;
	svg_duration(t0, at, sizeof(at));
	svg_duration(t1 - t0, spent, sizeof(spent));
	fprintf(out, "<rect class=\"seg s-%s%s\" x=\"%.1f\" y=\"%.1f\" "
		"width=\"%.1f\" height=\"%d\"><title>%s: +%s, for %s%s"
		"</title></rect>", name, cut ? " cut" : "", x, y, w, BAR_H,
		name, at, spent, going ? " so far" : "");
	snprintf(text, sizeof(text), "%s %s", name, spent);
	if (cut) {
		/* The name before the break, the length after it. */
		draw_break(out, a->x1 + 10, y);
		draw_inside(out, st, name, NULL, x, a->x1 + 4 - x, y);
		fprintf(out, "<text class=\"in%s\" x=\"%.1f\" y=\"%.1f\" "
			"text-anchor=\"end\">%s%s</text>",
			st->light_text ? " light" : "", x + w - 4,
			y + BAR_H - 5, spent, going ? " so far" : "");
	} else {
		draw_inside(out, st, text, spent, x, w, y);
	}
	if (going)
		fprintf(out, "<path class=\"seg s-%s going\" d=\"M%.1f,%.1f"
			"l7,%.1fl-7,%.1fz\"/>", name, x + w, y, BAR_H / 2.0,
			BAR_H / 2.0);
	fputc('\n', out);
}

/* The final CLOSE: a mark where the connection ended. */
static void draw_close(FILE *out, const struct axis *a, const struct lane *l,
		       const struct conn_summary *s, double y)
{
	bool bad = ended_badly(l, s);
	/* After a TIME_WAIT cut short: at its cut end. */
	double x = !a->log && l->end > a->t_max ? PLOT_X1 - 6 :
		   svg_axis_x(a, l->end);
	char at[TT_TIME_LEN];

	svg_duration(l->end, at, sizeof(at));
	fprintf(out, "<rect class=\"cap%s\" data-state=\"CLOSE\" x=\"%.1f\" "
		"y=\"%.1f\" width=\"3\" height=\"%d\"><title>CLOSE: +%s (%s)"
		"</title></rect>\n", bad ? " bad" : "", x - 1, y - 3, BAR_H + 6,
		at, conn_end_name(s->end));
}

/* Appends to a lane's note, " · " between the parts. */
struct note {
	char buf[512];
	size_t len;
};

static void note_add(struct note *n, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note_add(struct note *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (n->len && n->len + 5 < sizeof(n->buf))
		n->len += snprintf(n->buf + n->len, sizeof(n->buf) - n->len,
				   " \u00b7 ");
	if (n->len >= sizeof(n->buf) - 1)
		return;
	va_start(ap, fmt);
	w = vsnprintf(n->buf + n->len, sizeof(n->buf) - n->len, fmt, ap);
	va_end(ap);
	if (w > 0)
		n->len += (size_t)w < sizeof(n->buf) - n->len ?
			  (size_t)w : sizeof(n->buf) - n->len - 1;
}

static void note_time_wait(struct note *n, const struct lane *l,
			   const struct conn_summary *s)
{
	char reason[TT_STATE_NAME_LEN], t[TT_TIME_LEN];
	const char *end = tt_reason_name(s->time_wait_end, reason);
	const struct conn *c = l->c;

	if (c->tw.not_created) {
		note_add(n, "TIME_WAIT not created (tcp_max_tw_buckets)");
	} else if (s->has_time_wait_ns) {
		svg_duration((double)s->time_wait_ns, t, sizeof(t));
		note_add(n, "TIME_WAIT %s, %s", t, end ? end : "ended");
	} else if (c->tw.entered && !c->tw.exited) {
		svg_duration(l->end - (double)(c->tw.enter_ns - l->start_ns), t,
			 sizeof(t));
		note_add(n, "in TIME_WAIT for %s", t);
	} else if (end) {
		note_add(n, "TIME_WAIT ended: %s", end);
	}
}

/* The lane's story: handshake, who closed first, how it ended. */
static void note_duration(uint64_t ns, char *buf, size_t len)
{
	svg_duration((double)ns, buf, len);
}

static void draw_note(FILE *out, const struct lane *l,
		      const struct conn_summary *s, double y)
{
	struct tt_totals totals;
	struct note n = { .len = 0 };
	char opening[256], end[160];

	conn_story_opening(s, false, " \u00b7 ", note_duration, opening,
			   sizeof(opening));
	if (opening[0])
		note_add(&n, "%s", opening);
	conn_end_describe(s, end, sizeof(end));
	note_add(&n, "end: %s", end);
	if (s->time_wait)
		note_time_wait(&n, l, s);
	if (conn_totals(l->c, &totals)) {
		char a[TT_SIZE_LEN], b[TT_SIZE_LEN];

		tt_format_bytes(totals.has_data_acked ? totals.data_acked :
				totals.k.bytes_acked, a, sizeof(a));
		tt_format_bytes(totals.has_data_received ?
				totals.data_received :
				totals.k.bytes_received, b, sizeof(b));
		note_add(&n, "%s out, %s in", a, b);
	}
	fprintf(out, "<text class=\"note\" x=\"%d\" y=\"%.1f\">%s</text>\n",
		PLOT_X0 + 2, y + BAR_Y + BAR_H + 12, n.buf);
}

/* A lane's endpoints, and the arrow between them as in the timeline. */
struct endpoints {
	char local[TT_ENDPOINT_LEN], remote[TT_ENDPOINT_LEN];
	const char *arrow;	/* NULL: no remote side */
};

static void endpoints_of(const struct conn *c, const struct conn_summary *s,
			 struct endpoints *e)
{
	tt_format_endpoint(c->family, c->saddr, c->sport, e->local,
			   sizeof(e->local));
	tt_format_endpoint(c->family, c->daddr, c->dport, e->remote,
			   sizeof(e->remote));
	e->arrow = NULL;
	if (s->role == CONN_ROLE_SERVER)
		e->arrow = " \u2190 ";
	else if (s->role != CONN_ROLE_LISTENER && c->dport)
		e->arrow = " \u2192 ";
}

static void put_endpoints(FILE *out, const struct endpoints *e)
{
	svg_put_text(out, e->local);
	if (e->arrow) {
		fputs(e->arrow, out);
		svg_put_text(out, e->remote);
	}
}

/* "client 10.0.0.1:5000 -> 10.0.0.2:80", then its owner and start. */
static void draw_label(FILE *out, const struct svg_picture *p,
		       const struct lane *l, const struct conn_summary *s,
		       const struct endpoints *e, double y)
{
	const struct conn *c = l->c;
	char when[TT_TIME_LEN];

	fprintf(out, "<g clip-path=\"url(#label-clip)\"><title>");
	put_endpoints(out, e);
	fprintf(out, "</title><text class=\"ep\" x=\"%d\" y=\"%.1f\">"
		"<tspan class=\"role\">%s</tspan> ", MARGIN, y + 15,
		conn_role_name(s->role));
	put_endpoints(out, e);
	fprintf(out, "</text>\n<text class=\"who\" x=\"%d\" y=\"%.1f\">",
		MARGIN, y + 31);
	if (c->has_owner) {
		char comm[TT_COMM_LEN];

		tt_format_comm(c->comm, sizeof(c->comm), comm);
		svg_put_text(out, comm);
		fprintf(out, "[%" PRIu32 "] \u00b7 ", c->pid);
	} else if (s->role == CONN_ROLE_SERVER) {
		fputs("(not accepted) \u00b7 ", out);
	}
	if (c->cgroup) {
		char cgroup[512];

		tt_cgroup_label(c->cgroup, cgroup, sizeof(cgroup));
		svg_put_text(out, cgroup);
		fputs(" \u00b7 ", out);
	}
	tt_format_time_of_day(l->start_ns, when, sizeof(when));
	fprintf(out, "conn %" PRIu64 " \u00b7 %s", c->id, when);
	if (p->show_netns)
		fprintf(out, " \u00b7 netns %" PRIu32, c->netns);
	fprintf(out, "</text></g>\n");
}

static void draw_lane(FILE *out, const struct svg_picture *p,
		      const struct axis *a, const struct lane *l, size_t i,
		      double y)
{
	const struct conn_summary *s = &l->s;
	const struct conn *c = l->c;
	char name[TT_STATE_NAME_LEN];
	struct endpoints e;
	size_t j;

	endpoints_of(c, s, &e);
	fprintf(out, "<g class=\"lane\" id=\"lane-%zu\" data-conn=\"%" PRIu64
		"\" data-role=\"%s\" data-end=\"%s\" data-local=\"", i, c->id,
		conn_role_name(s->role), conn_end_name(s->end));
	svg_put_text(out, e.local);
	fputs("\" data-remote=\"", out);
	svg_put_text(out, e.remote);
	fputs("\" data-states=\"", out);
	for (j = 0; j < c->nr_states; j++)
		fprintf(out, "%s%s", j ? " " : "",
			tt_state_name(c->states[j].state, name));
	fprintf(out, "\">\n");
	if (i % 2)
		fprintf(out, "<rect class=\"stripe\" x=\"0\" y=\"%.1f\" "
			"width=\"%d\" height=\"%d\"/>\n", y, WIDTH, LANE_H);
	draw_label(out, p, l, s, &e, y);
	for (j = 0; j < c->nr_states; j++) {
		if (is_segment(l, j))
			draw_segment(out, a, l, j, y + BAR_Y);
		else
			draw_close(out, a, l, s, y + BAR_Y);
	}
	draw_note(out, l, s, y);
	fprintf(out, "</g>\n");
}

static void write_style(FILE *out)
{
	char name[TT_STATE_NAME_LEN];
	size_t i;

	fputs("<style>\n"
	      "text{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;"
	      "font-size:11px;fill:#1f2328}\n"
	      ".title{font-size:17px;font-weight:bold}\n"
	      ".sub,.who,.note,.tick{fill:#57606a}\n"
	      ".ep{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;"
	      "font-size:11.5px}\n"
	      ".role{font-weight:bold}\n"
	      ".who,.note{font-size:10.5px}\n"
	      ".tick{font-size:10px}\n"
	      ".in{font-size:10px;pointer-events:none}\n"
	      ".in.light{fill:#fff}\n"
	      ".stripe{fill:#f6f8fa}\n"
	      ".grid{stroke:#e4e8ec}\n"
	      ".base{stroke:#8c959f}\n"
	      ".cutline{stroke:#8c959f;stroke-dasharray:3 3}\n"
	      ".seg{fill:#d0d7de}\n"
	      ".brk{stroke:#fff;stroke-width:3;fill:none}\n"
	      ".cap{fill:#424a53}\n"
	      ".cap.bad{fill:#cf222e}\n", out);
	for (i = 0; i < NR_STYLES; i++)
		fprintf(out, ".s-%s{fill:%s}\n",
			tt_state_name(styles[i].state, name), styles[i].fill);
	fputs("</style>\n", out);
}

/* Title and what the axis means; the time of day the lanes span. */
static void write_title(FILE *out, const struct axis *a,
			const struct lane *lanes, size_t n)
{
	char from[TT_TIME_LEN], to[TT_TIME_LEN];
	double last = 0;
	size_t i, last_i = 0;

	fprintf(out, "<text class=\"title\" x=\"%d\" y=\"26\">tcptrail "
		"timeline</text>\n<text class=\"sub\" x=\"%d\" y=\"44\">",
		MARGIN, MARGIN);
	if (!n) {
		fprintf(out, "no connections</text>\n");
		return;
	}
	for (i = 0; i < n; i++) {
		double end = lanes[i].start_ns + lanes[i].end;

		if (end > last) {
			last = end;
			last_i = i;
		}
	}
	tt_format_time_of_day(lanes[0].start_ns, from, sizeof(from));
	tt_format_time_of_day(lanes[last_i].start_ns +
			      (uint64_t)lanes[last_i].end, to, sizeof(to));
	fprintf(out, "%zu connection%s, %s \u2013 %s \u00b7 time since each "
		"connection's first record, %s</text>\n", n, n == 1 ? "" : "s",
		from, to, a->log ? "logarithmic scale" :
		a->cut ? "linear scale; TIME_WAIT and listeners cut short" :
		"linear scale");
}

/* Which states, ends and marks the lanes show: for the legend. */
static void survey(const struct axis *a, const struct lane *lanes, size_t n,
		   struct seen *seen)
{
	size_t i, j;

	memset(seen, 0, sizeof(*seen));
	for (i = 0; i < n; i++) {
		const struct lane *l = &lanes[i];

		for (j = 0; j < l->c->nr_states; j++) {
			unsigned int st = l->c->states[j].state;

			if (!is_segment(l, j))
				continue;
			seen->state[st < TCPTRAIL_NR_STATES ? st :
				    TCPTRAIL_NR_STATES] = true;
			seen->cut |= seg_cut(a, l, j);
		}
		seen->ongoing |= l->ongoing;
		if (l->ongoing)
			continue;
		if (ended_badly(l, &l->s))
			seen->end_bad = true;
		else
			seen->end_fin = true;
	}
}

int svg_write(const struct svg_picture *p, FILE *out)
{
	uint64_t now = tt_monotonic_ns();
	struct lane *lanes = calloc(p->nr ? p->nr : 1, sizeof(*lanes));
	double top, bottom, height;
	struct seen seen;
	struct axis a;
	size_t i;

	if (!lanes) {
		fprintf(stderr, "tcptrail: out of memory\n");
		return -ENOMEM;
	}
	for (i = 0; i < p->nr; i++)
		svg_lane_times(&lanes[i], p->conns[i], now);
	svg_axis_setup(&a, p->scale, lanes, p->nr);
	survey(&a, lanes, p->nr, &seen);

	top = (p->nr ? draw_legend(NULL, &seen) : LEGEND_Y - LEGEND_ROW_H) +
	      AXIS_H + 8;
	bottom = top + (double)p->nr * LANE_H;
	height = bottom + AXIS_H;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%.0f\" viewBox=\"0 0 %d %.0f\">\n", WIDTH, height,
		WIDTH, height);
	write_style(out);
	fprintf(out, "<defs><clipPath id=\"label-clip\"><rect x=\"0\" y=\"0\" "
		"width=\"%d\" height=\"%.0f\"/></clipPath></defs>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
		PLOT_X0 - 12, height);
	write_title(out, &a, lanes, p->nr);
	if (p->nr) {
		draw_legend(out, &seen);
		draw_axis(out, &a, top, bottom);
	}
	for (i = 0; i < p->nr; i++)
		draw_lane(out, p, &a, &lanes[i], i, top + (double)i * LANE_H);
	fprintf(out, "</svg>\n");
	free(lanes);
	return tt_output_status(out);
}

