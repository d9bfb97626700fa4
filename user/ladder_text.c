// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <string.h>

#include "format.h"
#include "ladder_text.h"

/* Row layout: "STATES  TIME │──── SEG ────▶│ TIME  STATES". */
#define TIME_COLUMNS		10
#define ARROW_COLUMNS		26
#define MIN_STATE_COLUMNS	11
/* A pause this long between two rows is cut out and marked. */
#define GAP_ELIDE_NS		1000000000ULL
/* Room for a row's states: "FIN_WAIT2 → TIME_WAIT → CLOSE (reused)". */
#define STATES_LEN		96
#define TEXT_LEN		512

struct strokes {
	const char *lane, *line, *inferred_line, *right_head, *left_head;
	const char *next, *gap, *flight;
};

static const struct strokes utf8_strokes = {
	"\u2502", "\u2500", "\u254c", "\u25b6", "\u25c0", " \u2192 ", "\u22ee", "\u22ef",
};
static const struct strokes ascii_strokes = {
	"|", "-", ".", ">", "<", " > ", ":", "~",
};

static const struct strokes *strokes_of(const struct ladder_text_options *o)
{
	return o->utf8 ? &utf8_strokes : &ascii_strokes;
}

static void format_states(const struct ladder_side_row *s,
			  const struct strokes *k, char *buf, size_t len)
{
	char name[TT_STATE_NAME_LEN], reason[TT_STATE_NAME_LEN];
	const char *why = tt_reason_name(s->reason, reason);
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < s->nr_states && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? k->next : "",
			      tt_state_name(s->states[i], name));
	if (why && n < len)
		snprintf(buf + n, len - n, " (%s)", why);
}

/* "0", "+27.5 ms", "?" (no record tells), "" (nothing on this side). */
static void format_time(const struct ladder *l, const struct ladder_side_row *s,
			bool involved, char *buf, size_t len)
{
	char t[TT_TIME_LEN];

	if (!involved)
		snprintf(buf, len, "%s", "");
	else if (!s->has_time)
		snprintf(buf, len, "?");
	else if (s->ns == l->start_ns)
		snprintf(buf, len, "0");
	else {
		tt_format_duration(s->ns - l->start_ns, t, sizeof(t));
		snprintf(buf, len, "+%s", t);
	}
}

static int state_columns(const struct ladder *l, const struct strokes *k)
{
	char states[STATES_LEN];
	int columns = MIN_STATE_COLUMNS;
	size_t i;

	if (l->has_initial[LADDER_LEFT]) {
		char name[TT_STATE_NAME_LEN];

		columns = tt_text_columns(tt_state_name(l->initial[LADDER_LEFT],
							name));
	}
	for (i = 0; i < l->nr_rows; i++) {
		format_states(&l->rows[i].side[LADDER_LEFT], k, states,
			      sizeof(states));
		if (tt_text_columns(states) > columns)
			columns = tt_text_columns(states);
	}
	return columns < MIN_STATE_COLUMNS ? MIN_STATE_COLUMNS : columns;
}

/* text centered in width columns, filled with fill. */
static void print_centered(FILE *out, const char *text, int width,
			   const char *fill)
{
	int pad = width - tt_text_columns(text), i;

	for (i = 0; i < pad / 2; i++)
		fputs(fill, out);
	fputs(text, out);
	for (i = 0; i < pad - pad / 2; i++)
		fputs(fill, out);
}

/* Half an arrow: leaving its sender, or reaching its receiver. */
static void print_half_arrow(FILE *out, const struct ladder_row *r,
			     const char *label, const char *line,
			     const struct strokes *k)
{
	int half = ARROW_COLUMNS / 2, i;
	bool rightward = r->from == LADDER_LEFT;
	bool at_right = rightward == (r->part == LADDER_ARRIVES);

	if (at_right)
		for (i = 0; i < ARROW_COLUMNS - half; i++)
			fputc(' ', out);
	if (!rightward && r->part == LADDER_ARRIVES) {
		fputs(k->left_head, out);
		print_centered(out, label, half - 2, line);
		fputs(k->flight, out);
	} else if (rightward && r->part == LADDER_ARRIVES) {
		fputs(k->flight, out);
		print_centered(out, label, half - 2, line);
		fputs(k->right_head, out);
	} else {
		if (!rightward)
			fputs(k->flight, out);
		print_centered(out, label, half - 1, line);
		if (rightward)
			fputs(k->flight, out);
	}
	if (!at_right)
		for (i = 0; i < ARROW_COLUMNS - half; i++)
			fputc(' ', out);
}

static void print_arrow(FILE *out, const struct ladder_row *r,
			const struct strokes *k)
{
	const char *line = r->inferred ? k->inferred_line : k->line;
	char label[32];

	snprintf(label, sizeof(label), " %s ", ladder_segment_name(r->segment));
	if (r->part != LADDER_WHOLE)
		print_half_arrow(out, r, label, line, k);
	else if (r->from == LADDER_LEFT) {
		print_centered(out, label, ARROW_COLUMNS - 1, line);
		fputs(k->right_head, out);
	} else {
		fputs(k->left_head, out);
		print_centered(out, label, ARROW_COLUMNS - 1, line);
	}
}

/* What a row that is no arrow says between the lanes. */
static void format_middle(const struct ladder *l, const struct ladder_row *r,
			  const struct strokes *k, char *buf, size_t len)
{
	char b[LADDER_SIDES][TT_SIZE_LEN];
	unsigned int s;

	buf[0] = '\0';
	switch (r->kind) {
	case LADDER_ROW_DATA:
		for (s = 0; s < LADDER_SIDES; s++) {
			if (r->has_bytes[s])
				tt_format_bytes(r->bytes[s], b[s], sizeof(b[s]));
			else
				snprintf(b[s], sizeof(b[s]), "?");
		}
		snprintf(buf, len, "[data %s %s %s %s]", b[LADDER_LEFT],
			 k->right_head, k->left_head, b[LADDER_RIGHT]);
		break;
	case LADDER_ROW_RETRANS:
		snprintf(buf, len, "SYN sent %" PRIu64 " more time%s", r->count,
			 r->count == 1 ? "" : "s");
		break;
	default:
		break;
	}
	(void)l;
}

static void print_lanes_row(FILE *out, int state_cols, const char *left_states,
			    const char *left_time, const char *right_time,
			    const char *right_states, const char *middle,
			    const struct ladder_row *arrow,
			    const struct strokes *k)
{
	tt_print_padded(out, left_states, -state_cols);
	fputc(' ', out);
	tt_print_padded(out, left_time, TIME_COLUMNS);
	fprintf(out, " %s", k->lane);
	if (arrow)
		print_arrow(out, arrow, k);
	else
		print_centered(out, middle, ARROW_COLUMNS, " ");
	fprintf(out, "%s ", k->lane);
	if (*right_states) {
		tt_print_padded(out, right_time, -TIME_COLUMNS);
		fprintf(out, " %s", right_states);
	} else {
		fputs(right_time, out);
	}
	/* No trailing blanks. */
	fputc('\n', out);
}

/* Words of text, wrapped to the terminal, indented. */
static void print_wrapped(FILE *out, const char *text, int indent,
			  unsigned int columns)
{
	int width = (int)columns - indent - 1, used = 0;
	const char *p = text;

	if (width < 30)
		width = 30;
	while (*p) {
		const char *end = strchr(p, ' ');
		int n = end ? (int)(end - p) : (int)strlen(p);
		char word[TEXT_LEN];

		snprintf(word, sizeof(word), "%.*s", n, p);
		if (used && used + 1 + tt_text_columns(word) > width) {
			fputc('\n', out);
			used = 0;
		}
		if (!used)
			fprintf(out, "%*s", indent, "");
		else
			fputc(' ', out), used++;
		fputs(word, out);
		used += tt_text_columns(word);
		p += n;
		while (*p == ' ')
			p++;
	}
	if (used)
		fputc('\n', out);
}

static void print_explain(FILE *out, const struct ladder *l,
			  const struct ladder_row *r, int indent,
			  const struct ladder_text_options *o)
{
	char text[TEXT_LEN];

	ladder_explain(l, r, text, sizeof(text));
	if (*text)
		print_wrapped(out, text, indent, o->columns);
}

static void format_end_name(const struct ladder *l, unsigned int side,
			    char *buf, size_t len)
{
	char ep[TT_ENDPOINT_LEN];

	ladder_endpoint(l, side, ep, sizeof(ep));
	snprintf(buf, len, "%s %s", conn_role_name(l->role[side]), ep);
}

static void format_end_owner(const struct ladder *l, unsigned int side,
			     bool show_netns, char *buf, size_t len)
{
	const struct conn *c = l->end[side];
	size_t n = 0;

	if (!c) {
		snprintf(buf, len, "(not recorded: inferred)");
		return;
	}
	if (c->has_owner) {
		char comm[TT_COMM_LEN];

		tt_format_comm(c->comm, sizeof(c->comm), comm);
		n = snprintf(buf, len, "%s[%" PRIu32 "] ", comm, c->pid);
	}
	if (n < len)
		n += snprintf(buf + n, len - n, "conn %" PRIu64, c->id);
	if (show_netns && n < len)
		snprintf(buf + n, len - n, " netns %" PRIu32, c->netns);
}

static void print_header(FILE *out, const struct ladder *l, int prefix,
			 const struct ladder_text_options *o)
{
	const char *bold = tt_color(o->color, TT_COLOR_BOLD);
	const char *reset = tt_color(o->color, TT_COLOR_RESET);
	char left[TEXT_LEN], right[TEXT_LEN];

	format_end_name(l, LADDER_LEFT, left, sizeof(left));
	format_end_name(l, LADDER_RIGHT, right, sizeof(right));
	fputs(bold, out);
	tt_print_padded(out, left, prefix + 1);
	fprintf(out, "%*s%s%s\n", ARROW_COLUMNS + 1, "", right, reset);
	format_end_owner(l, LADDER_LEFT, o->show_netns, left, sizeof(left));
	format_end_owner(l, LADDER_RIGHT, o->show_netns, right, sizeof(right));
	tt_print_padded(out, left, prefix + 1);
	fprintf(out, "%*s%s\n", ARROW_COLUMNS + 1, "", right);
}

void ladder_text_print(FILE *out, const struct ladder *l,
		       const struct ladder_text_options *o)
{
	const struct strokes *k = strokes_of(o);
	int state_cols = state_columns(l, k);
	int prefix = state_cols + 1 + TIME_COLUMNS + 1;
	char states[LADDER_SIDES][STATES_LEN], times[LADDER_SIDES][TT_TIME_LEN + 1];
	char name[LADDER_SIDES][TT_STATE_NAME_LEN], middle[TEXT_LEN];
	uint64_t last_ns = l->start_ns;
	size_t i;

	print_header(out, l, prefix, o);
	print_lanes_row(out, state_cols,
			l->has_initial[LADDER_LEFT] ?
			tt_state_name(l->initial[LADDER_LEFT], name[0]) : "",
			"", "", l->has_initial[LADDER_RIGHT] ?
			tt_state_name(l->initial[LADDER_RIGHT], name[1]) : "",
			"", NULL, k);
	for (i = 0; i < l->nr_rows; i++) {
		const struct ladder_row *r = &l->rows[i];
		bool arrow = r->kind == LADDER_ROW_ARROW;
		unsigned int s;
		uint64_t ns;

		if (ladder_row_place(r, &ns)) {
			if (ns > last_ns && ns - last_ns >= GAP_ELIDE_NS) {
				char t[TT_TIME_LEN], gap[TT_TIME_LEN + 8];

				tt_format_duration(ns - last_ns, t, sizeof(t));
				snprintf(gap, sizeof(gap), "%s %s %s", k->gap,
					 t, k->gap);
				print_lanes_row(out, state_cols, "", k->gap,
						k->gap, "", gap, NULL, k);
			}
			if (ns > last_ns)
				last_ns = ns;
		}
		for (s = 0; s < LADDER_SIDES; s++) {
			bool involved = ladder_row_shows(r, s);

			format_states(&r->side[s], k, states[s],
				      sizeof(states[s]));
			format_time(l, &r->side[s], involved, times[s],
				    sizeof(times[s]));
		}
		format_middle(l, r, k, middle, sizeof(middle));
		print_lanes_row(out, state_cols, states[LADDER_LEFT],
				times[LADDER_LEFT], times[LADDER_RIGHT],
				states[LADDER_RIGHT], middle,
				arrow ? r : NULL, k);
		if (o->explain)
			print_explain(out, l, r, prefix + 3, o);
	}
}

void ladder_text_legend(FILE *out, const struct ladder_text_options *o)
{
	const struct strokes *k = strokes_of(o);

	fprintf(out, "%s%s%s%s both ends' state changes imply the segment; "
		"%s%s%s%s only one end's (the other was not recorded); "
		"? no record tells the time; data segments are not drawn.\n",
		k->line, k->line, k->line, k->right_head, k->inferred_line,
		k->inferred_line, k->inferred_line, k->right_head);
}
