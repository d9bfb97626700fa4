// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail ladder: each conversation whose ends are on this host as a
 * ladder diagram, in the terminal or as an SVG picture.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "format.h"
#include "ladder.h"
#include "ladder_svg.h"
#include "ladder_text.h"
#include "lifecycle.h"
#include "nl.h"
#include "options.h"
#include "pair.h"
#include "reader.h"
#include "subcommands.h"

#define LADDER_OPTIONS	(TT_OPTS_OUTPUT | TT_OPTS_RECORDS | TT_OPTS_SVG | \
			 TT_OPTS_EXPLAIN)

static void usage(FILE *out)
{
	fprintf(out,
		"usage: tcptrail ladder [CONN] [filters] [--explain] [--no-color]\n"
		"       tcptrail ladder --svg FILE [CONN] [filters]\n\n"
		"Each conversation as a ladder diagram: its two ends (connections on\n"
		"this host whose addresses and ports mirror each other, also across\n"
		"network namespaces with --all-netns) side by side, time going down,\n"
		"and one arrow per segment their state changes imply (SYN, SYN+ACK,\n"
		"ACK, FIN, RST) with the sender's and the receiver's times, each side's\n"
		"new state beside the arrow that moved it. A connection whose peer is\n"
		"not on this host draws the peer's arrows as inferred. CONN: only the\n"
		"conversation of that connection (its conn id, either end). --explain:\n"
		"a sentence under each arrow (in the picture: its tooltip). --svg FILE\n"
		"draws them as a picture (FILE - : standard output).\n");
	tt_options_help(out, LADDER_OPTIONS);
}

struct ladder_cmd {
	const struct tt_options *opts;
	struct conn_table table;
	bool has_conn;
	uint64_t conn;		/* CONN */
};

static int on_record(void *ctx, const struct tcptrail_record *rec)
{
	struct ladder_cmd *lc = ctx;
	struct conn *c;

	if (!tt_filter_match_time(&lc->opts->filter, rec->ts_ns))
		return 0;
	if (conn_table_add(&lc->table, rec, &c)) {
		fprintf(stderr, "tcptrail: out of memory\n");
		return -ENOMEM;
	}
	return 0;
}

static int on_caught_up(void *ctx)
{
	struct ladder_cmd *lc = ctx;

	conn_table_dump_ended(&lc->table);
	return 0;
}

static bool end_matches(const struct ladder_cmd *lc, const struct conn *c)
{
	const struct tt_filter *f = &lc->opts->filter;

	if (!c)
		return false;
	if (lc->has_conn)
		return c->id == lc->conn;
	return (f->state < 0 || conn_passed_through(c, f->state)) &&
	       tt_filter_match_endpoints(f, c->family, c->saddr, c->sport,
					 c->daddr, c->dport);
}

struct conversation {
	const struct conn *end, *peer;
};

/*
 * The conversations, oldest first: each paired connection once (with its
 * peer), each single-ended one alone; listeners have none.
 */
static int find_conversations(struct ladder_cmd *lc,
			      struct conversation **out, size_t *nr)
{
	struct pair_index *idx = pair_index_build(&lc->table);
	struct conversation *v;
	struct conn *c;
	size_t n = 0;

	*out = NULL;
	*nr = 0;
	v = calloc(lc->table.count ? lc->table.count : 1, sizeof(*v));
	if (!idx || !v) {
		pair_index_free(idx);
		free(v);
		return -ENOMEM;
	}
	for (c = lc->table.oldest; c; c = c->newer) {
		struct conn_summary s;
		struct conn *peer;

		/* Drawn already, as the peer of an older one. */
		if (c->peer || !c->nr_states)
			continue;
		conn_summarize(c, &s);
		if (s.role == CONN_ROLE_LISTENER)
			continue;
		peer = pair_find(idx, c);
		if (peer && (peer->peer || pair_find(idx, peer) != c))
			peer = NULL;
		if (!end_matches(lc, c) && !end_matches(lc, peer))
			continue;
		if (peer) {
			c->peer = peer->id;
			peer->peer = c->id;
		}
		v[n].end = c;
		v[n++].peer = peer;
	}
	pair_index_free(idx);
	*out = v;
	*nr = n;
	return 0;
}

static int write_svg(const struct tt_options *opts, const struct ladder *l,
		     size_t n)
{
	bool to_stdout = strcmp(opts->svg, "-") == 0;
	FILE *out = to_stdout ? stdout : fopen(opts->svg, "w");
	int err;

	if (!out) {
		err = -errno;
		fprintf(stderr, "tcptrail: cannot write %s: %s\n", opts->svg,
			strerror(errno));
		return err;
	}
	err = ladder_svg_write(out, l, n, opts->all_netns, opts->explain);
	if (!err)
		err = tt_flush(out);
	if (!to_stdout && fclose(out) && !err) {
		err = -errno;
		fprintf(stderr, "tcptrail: cannot write %s: %s\n", opts->svg,
			strerror(errno));
	}
	return err;
}

static int draw(struct ladder_cmd *lc)
{
	const struct tt_options *opts = lc->opts;
	struct ladder_text_options text = {
		.utf8 = tt_utf8_output(),
		.color = opts->color,
		.explain = opts->explain,
		.show_netns = opts->all_netns,
		.columns = tt_terminal_columns(),
	};
	struct conversation *conv;
	struct ladder *ladders;
	size_t nr, first = 0, i, built = 0;
	int err;

	err = find_conversations(lc, &conv, &nr);
	if (err)
		goto oom;
	if (opts->filter.last && nr > opts->filter.last)
		first = nr - opts->filter.last;
	ladders = calloc(nr > first ? nr - first : 1, sizeof(*ladders));
	if (!ladders) {
		free(conv);
		goto oom;
	}
	for (i = first; i < nr && !err; i++)
		err = ladder_build(&ladders[built++], conv[i].end, conv[i].peer);
	free(conv);
	if (err) {
		built--;
	} else if (opts->svg) {
		err = write_svg(opts, ladders, built);
	} else {
		for (i = 0; i < built && !err; i++) {
			if (i)
				putchar('\n');
			ladder_text_print(stdout, &ladders[i], &text);
			err = tt_output_status(stdout);
		}
		if (built && !err) {
			putchar('\n');
			ladder_text_legend(stdout, &text);
			err = tt_output_status(stdout);
		}
	}
	for (i = 0; i < built; i++)
		ladder_free(&ladders[i]);
	free(ladders);
	if (err == -ENOMEM)
		goto oom;
	if (!err && !built && lc->has_conn) {
		fprintf(stderr, "tcptrail ladder: no connection %" PRIu64
			" in the ring (tcptrail timeline lists them)\n",
			lc->conn);
		return -ENOENT;
	}
	if (!err && !built && !opts->svg)
		fprintf(stderr, "tcptrail ladder: no conversation to draw\n");
	return err;
oom:
	fprintf(stderr, "tcptrail: out of memory\n");
	return -ENOMEM;
}

int cmd_ladder(int argc, char **argv)
{
	struct ladder_cmd lc = { 0 };
	struct tt_options opts;
	struct tt_nl nl;
	int ret, err;

	ret = tt_options_parse(argc, argv, LADDER_OPTIONS, usage, &opts);
	if (ret != TT_OPTIONS_CONTINUE)
		return ret;
	if (opts.nr_operands > 1)
		return tt_usage_error(argv[0], usage, "unexpected argument '%s'",
				      opts.operands[1]);
	if (opts.nr_operands) {
		char *end;

		errno = 0;
		lc.conn = strtoull(opts.operands[0], &end, 10);
		if (errno || !*opts.operands[0] || *end || !lc.conn)
			return tt_usage_error(argv[0], usage, "bad connection "
					      "id '%s' (the conn of tcptrail "
					      "timeline)", opts.operands[0]);
		lc.has_conn = true;
	}
	if (opts.json)
		return tt_usage_error(argv[0], usage, "no --json for ladders: "
				      "tcptrail timeline --json gives each "
				      "end with its peer");
	if (opts.scale)
		return tt_usage_error(argv[0], usage, "--scale is for "
				      "tcptrail timeline --svg");
	lc.opts = &opts;
	if (conn_table_init(&lc.table, CONN_TABLE_HASH_BITS)) {
		fprintf(stderr, "tcptrail: out of memory\n");
		return TT_EXIT_FAILURE;
	}
	err = tt_nl_open(&nl);
	if (!err) {
		const struct tt_record_sink sink = {
			.record = on_record,
			.caught_up = on_caught_up,
			.ctx = &lc,
		};

		err = tt_read_records(&nl, opts.all_netns, false, &sink);
		tt_nl_close(&nl);
	}
	if (!err)
		err = draw(&lc);
	conn_table_free(&lc.table);
	return tt_exit_status(err);
}
