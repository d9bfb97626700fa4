// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "ladder_svg.h"
#include "svg.h"

#define WIDTH		900
#define MARGIN		16
#define LANE_LEFT_X	300
#define LANE_RIGHT_X	580
#define STATE_GAP	76	/* from a lane to its states */
#define TIME_GAP	8	/* from a lane to its times */
#define TITLE_H		64	/* title and legend */
#define PANEL_TOP	58	/* a panel's names, above its lanes */
#define ROW_H		34
#define SLANT		16	/* an arrow's drop: it takes time to arrive */
#define GAP_H		26	/* an elided pause */
#define PANEL_BOTTOM	30
/* A pause this long between two rows is cut out and marked (as in the
 * terminal).
 */
#define GAP_ELIDE_NS	1000000000ULL

static const char *side_name(unsigned int side)
{
	return side == LADDER_LEFT ? "left" : "right";
}

static double lane_x(unsigned int side)
{
	return side == LADDER_LEFT ? LANE_LEFT_X : LANE_RIGHT_X;
}

/* Outward from a lane: -1 on the left, +1 on the right. */
static int outward(unsigned int side)
{
	return side == LADDER_LEFT ? -1 : 1;
}

static const char *anchor(unsigned int side)
{
	return side == LADDER_LEFT ? "end" : "start";
}

static bool gap_before(const struct ladder *l, size_t i, uint64_t *last,
		       uint64_t *gap)
{
	uint64_t ns;

	if (!ladder_row_place(&l->rows[i], &ns))
		return false;
	*gap = ns > *last ? ns - *last : 0;
	if (ns > *last)
		*last = ns;
	return *gap >= GAP_ELIDE_NS;
}

static double panel_height(const struct ladder *l)
{
	uint64_t last = l->start_ns, gap;
	double h = PANEL_TOP + ROW_H + PANEL_BOTTOM;
	size_t i;

	for (i = 0; i < l->nr_rows; i++) {
		if (gap_before(l, i, &last, &gap))
			h += GAP_H;
		h += ROW_H;
	}
	return h;
}

static void relative_time(const struct ladder *l,
			  const struct ladder_side_row *s, char *buf,
			  size_t len)
{
	char t[TT_TIME_LEN];

	if (!s->has_time) {
		snprintf(buf, len, "?");
		return;
	}
	svg_duration((double)(s->ns - l->start_ns), t, sizeof(t));
	snprintf(buf, len, "%s%s", s->ns == l->start_ns ? "" : "+",
		 s->ns == l->start_ns ? "0" : t);
}

static void draw_states(FILE *out, const struct ladder_side_row *s,
			unsigned int side, double y)
{
	char name[TT_STATE_NAME_LEN], reason[TT_STATE_NAME_LEN];
	const char *why = tt_reason_name(s->reason, reason);
	double x = lane_x(side) + outward(side) * STATE_GAP;
	unsigned int i;

	if (!s->nr_states)
		return;
	fprintf(out, "<text class=\"state\" x=\"%.1f\" y=\"%.1f\" "
		"text-anchor=\"%s\">", x, y + 4, anchor(side));
	for (i = 0; i < s->nr_states; i++) {
		const char *state = tt_state_name(s->states[i], name);

		fprintf(out, "%s<tspan class=\"st\" data-state=\"%s\" "
			"fill=\"%s\">\u25a0</tspan> %s", i ? " \u2192 " : "",
			state, svg_state_fill(s->states[i]), state);
	}
	if (why)
		fprintf(out, " (%s)", why);
	fprintf(out, "</text>\n");
}

static void draw_time(FILE *out, const struct ladder *l,
		      const struct ladder_side_row *s, unsigned int side,
		      double y)
{
	char t[TT_TIME_LEN + 1];

	relative_time(l, s, t, sizeof(t));
	fprintf(out, "<text class=\"time\" x=\"%.1f\" y=\"%.1f\" "
		"text-anchor=\"%s\">%s</text>\n",
		lane_x(side) + outward(side) * TIME_GAP, y + 4, anchor(side), t);
}

/* An arrow from y to y1: slanted, since it takes time to arrive. */
/* The row's --explain sentence, as a tooltip of what encloses it. */
static void draw_explain(FILE *out, const struct ladder *l,
			 const struct ladder_row *r)
{
	char text[512];

	ladder_explain(l, r, text, sizeof(text));
	if (!*text)
		return;
	fprintf(out, "<title>");
	svg_put_text(out, text);
	fprintf(out, "</title>\n");
}

static void draw_arrow(FILE *out, const struct ladder *l,
		       const struct ladder_row *r, const struct ladder_row *arrival,
		       double y, double y1, bool explain)
{
	unsigned int from = r->from, to = !from;
	double x0 = lane_x(from), x1 = lane_x(to);
	const char *name = ladder_segment_name(r->segment);

	fprintf(out, "<g class=\"arrow%s%s\" data-segment=\"%s\" "
		"data-from=\"%s\">\n", r->inferred ? " inferred" : "",
		r->segment == LADDER_RST ? " rst" : "", name, side_name(from));
	if (explain)
		draw_explain(out, l, arrival);
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"marker-end=\"url(#head)\"/>\n", x0, y, x1 + (x1 > x0 ? -2 : 2),
		y1);
	fprintf(out, "<text class=\"seg\" x=\"%.1f\" y=\"%.1f\" "
		"text-anchor=\"middle\">%s</text>\n", (x0 + x1) / 2,
		(y + y1) / 2 - 5, name);
	draw_time(out, l, &r->side[from], from, y);
	draw_time(out, l, &arrival->side[to], to, y1);
	draw_states(out, &r->side[from], from, y);
	draw_states(out, &arrival->side[to], to, y1);
	fprintf(out, "</g>\n");
}

static void draw_middle_text(FILE *out, const char *cls, const char *text,
			     double y)
{
	fprintf(out, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" "
		"text-anchor=\"middle\">", cls,
		(LANE_LEFT_X + LANE_RIGHT_X) / 2.0, y + 4);
	svg_put_text(out, text);
	fprintf(out, "</text>\n");
}

static void draw_data(FILE *out, const struct ladder_row *r, double y)
{
	char b[LADDER_SIDES][TT_SIZE_LEN], text[96];
	unsigned int s;

	for (s = 0; s < LADDER_SIDES; s++) {
		if (r->has_bytes[s])
			tt_format_bytes(r->bytes[s], b[s], sizeof(b[s]));
		else
			snprintf(b[s], sizeof(b[s]), "?");
	}
	fprintf(out, "<g class=\"data\">\n<path class=\"bracket\" "
		"d=\"M%d,%.1fh-6v%dh6M%d,%.1fh6v%dh-6\"/>\n",
		LANE_LEFT_X + 20, y - 8, 16, LANE_RIGHT_X - 20, y - 8, 16);
	snprintf(text, sizeof(text), "data: %s \u2192   \u2190 %s",
		 b[LADDER_LEFT], b[LADDER_RIGHT]);
	fprintf(out, "<text class=\"note\" x=\"%.1f\" y=\"%.1f\" "
		"text-anchor=\"middle\">%s</text>\n</g>\n",
		(LANE_LEFT_X + LANE_RIGHT_X) / 2.0, y + 4, text);
}

static void draw_row(FILE *out, const struct ladder *l, size_t i,
		     const double *ys, bool explain)
{
	const struct ladder_row *r = &l->rows[i];
	double y = ys[i];
	char text[96];
	size_t j;

	switch (r->kind) {
	case LADDER_ROW_ARROW:
		if (r->part == LADDER_WHOLE) {
			draw_arrow(out, l, r, r, y, y + SLANT, explain);
			break;
		}
		/* Cut in two for the terminal: one line here. */
		if (r->part == LADDER_ARRIVES)
			break;
		for (j = i + 1; j < l->nr_rows; j++)
			if (l->rows[j].arrow == r->arrow)
				break;
		if (j < l->nr_rows)
			draw_arrow(out, l, r, &l->rows[j], y, ys[j], explain);
		break;
	case LADDER_ROW_STATE:
		fprintf(out, "<g class=\"change\" data-side=\"%s\">\n"
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>\n",
			side_name(r->about), lane_x(r->about), y);
		if (explain)
			draw_explain(out, l, r);
		draw_time(out, l, &r->side[r->about], r->about, y);
		draw_states(out, &r->side[r->about], r->about, y);
		fprintf(out, "</g>\n");
		break;
	case LADDER_ROW_DATA:
		draw_data(out, r, y);
		break;
	case LADDER_ROW_RETRANS:
		snprintf(text, sizeof(text), "SYN sent %" PRIu64
			 " more time%s, unanswered", r->count,
			 r->count == 1 ? "" : "s");
		draw_middle_text(out, "note retrans", text, y);
		break;
	}
}

static void draw_end_name(FILE *out, const struct ladder *l,
			  unsigned int side, double y, bool show_netns)
{
	const struct conn *c = l->end[side];
	char ep[TT_ENDPOINT_LEN];

	ladder_endpoint(l, side, ep, sizeof(ep));
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
		"<tspan class=\"role\">%s</tspan> <tspan class=\"ep\">%s"
		"</tspan></text>\n", lane_x(side), y,
		conn_role_name(l->role[side]), ep);
	fprintf(out, "<text class=\"who\" x=\"%.1f\" y=\"%.1f\" "
		"text-anchor=\"middle\">", lane_x(side), y + 15);
	if (!c) {
		fprintf(out, "not recorded: its arrows inferred</text>\n");
		return;
	}
	if (c->has_owner) {
		char comm[TT_COMM_LEN];

		tt_format_comm(c->comm, sizeof(c->comm), comm);
		svg_put_text(out, comm);
		fprintf(out, "[%" PRIu32 "] ", c->pid);
	}
	fprintf(out, "conn %" PRIu64, c->id);
	if (show_netns)
		fprintf(out, " netns %" PRIu32, c->netns);
	fprintf(out, "</text>\n");
}

static void draw_gap(FILE *out, uint64_t gap, double y)
{
	char t[TT_TIME_LEN], text[TT_TIME_LEN + 16];
	unsigned int s;

	for (s = 0; s < LADDER_SIDES; s++)
		fprintf(out, "<path class=\"brk\" d=\"M%.1f,%.1fl8,-4l-16,8"
			"l8,-4\"/>\n", lane_x(s), y);
	svg_duration((double)gap, t, sizeof(t));
	snprintf(text, sizeof(text), "%s later", t);
	draw_middle_text(out, "note gap", text, y);
}

static double draw_panel(FILE *out, const struct ladder *l, double top,
			 bool show_netns, bool explain)
{
	double h = panel_height(l), y = top + PANEL_TOP;
	uint64_t last = l->start_ns, gap;
	unsigned int s;
	double *ys;
	size_t i;

	fprintf(out, "<g class=\"ladder\" data-left=\"%" PRIu64 "\" "
		"data-right=\"%" PRIu64 "\">\n",
		l->end[LADDER_LEFT] ? l->end[LADDER_LEFT]->id : 0,
		l->end[LADDER_RIGHT] ? l->end[LADDER_RIGHT]->id : 0);
	fprintf(out, "<rect class=\"panel\" x=\"%d\" y=\"%.1f\" width=\"%d\" "
		"height=\"%.1f\" rx=\"6\"/>\n", MARGIN, top + 4,
		WIDTH - 2 * MARGIN, h - 12);
	for (s = 0; s < LADDER_SIDES; s++) {
		draw_end_name(out, l, s, top + 24, show_netns);
		fprintf(out, "<line class=\"lane%s\" data-side=\"%s\" "
			"data-conn=\"%" PRIu64 "\" x1=\"%.1f\" y1=\"%.1f\" "
			"x2=\"%.1f\" y2=\"%.1f\"/>\n",
			l->end[s] ? "" : " inferred", side_name(s),
			l->end[s] ? l->end[s]->id : 0, lane_x(s), y - 8,
			lane_x(s), top + h - 20);
		if (l->has_initial[s]) {
			struct ladder_side_row initial = {
				.states = { l->initial[s] }, .nr_states = 1,
			};

			draw_states(out, &initial, s, y);
		}
	}
	ys = calloc(l->nr_rows ? l->nr_rows : 1, sizeof(*ys));
	if (!ys)
		return -1;
	y += ROW_H;
	for (i = 0; i < l->nr_rows; i++) {
		if (gap_before(l, i, &last, &gap)) {
			draw_gap(out, gap, y - 4);
			y += GAP_H;
		}
		ys[i] = y;
		y += ROW_H;
	}
	for (i = 0; i < l->nr_rows; i++)
		draw_row(out, l, i, ys, explain);
	free(ys);
	fprintf(out, "</g>\n");
	return h;
}

static void write_style(FILE *out)
{
	fputs("<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"9\" "
	      "refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
	      "orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" "
	      "fill=\"#1f2328\"/></marker></defs>\n<style>\n"
	      "text{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;"
	      "font-size:11px;fill:#1f2328}\n"
	      ".title{font-size:17px;font-weight:bold}\n"
	      ".sub,.who,.note,.time{fill:#57606a}\n"
	      ".ep,.time{font-family:'DejaVu Sans Mono',Menlo,Consolas,"
	      "monospace;font-size:11px}\n"
	      ".role,.seg{font-weight:bold}\n"
	      ".who,.note{font-size:10.5px}\n"
	      ".panel{fill:#f6f8fa;stroke:#d0d7de}\n"
	      ".lane{stroke:#424a53;stroke-width:2}\n"
	      ".lane.inferred{stroke:#8c959f;stroke-dasharray:6 4}\n"
	      ".arrow line{stroke:#1f2328;stroke-width:1.5}\n"
	      ".arrow.inferred line{stroke:#8c959f;stroke-dasharray:5 4}\n"
	      ".arrow.rst line{stroke:#cf222e}\n"
	      ".arrow.rst .seg{fill:#cf222e}\n"
	      ".bracket{stroke:#8c959f;fill:none}\n"
	      ".brk{stroke:#8c959f;stroke-width:2;fill:none}\n"
	      ".change circle{fill:#424a53}\n"
	      "</style>\n", out);
}

int ladder_svg_write(FILE *out, const struct ladder *ladders, size_t n,
		     bool show_netns, bool explain)
{
	double height = TITLE_H + MARGIN, y;
	size_t i;

	for (i = 0; i < n; i++)
		height += panel_height(&ladders[i]);
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%.0f\" viewBox=\"0 0 %d %.0f\">\n", WIDTH, height,
		WIDTH, height);
	write_style(out);
	fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n"
		"<text class=\"title\" x=\"%d\" y=\"26\">tcptrail ladder</text>\n"
		"<text class=\"sub\" x=\"%d\" y=\"44\">%zu conversation%s; "
		"solid arrows: both ends' state changes imply the segment; "
		"dashed: only one end's; ? no record tells the time; "
		"data segments not drawn.</text>\n", MARGIN, MARGIN, n,
		n == 1 ? "" : "s");
	y = TITLE_H;
	for (i = 0; i < n; i++) {
		double h = draw_panel(out, &ladders[i], y, show_netns, explain);

		if (h < 0)
			return -ENOMEM;
		y += h;
	}
	fprintf(out, "</svg>\n");
	return tt_output_status(out);
}
