// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail events: one line per TCP state transition.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "json.h"
#include "nl.h"
#include "options.h"
#include "reader.h"
#include "subcommands.h"

#define EVENTS_OPTIONS	(TT_OPTS_OUTPUT | TT_OPTS_RECORDS | TT_OPTS_FOLLOW)

static void usage(FILE *out)
{
	fprintf(out,
		"usage: tcptrail events [--follow] [filters] [--json] [--no-color]\n\n"
		"One line per TCP state transition, oldest first: time of day, local and\n"
		"remote endpoint, OLD -> NEW state, the process (pid/comm, or softirq when\n"
		"no process made the change) and the connection id.\n");
	tt_options_help(out, EVENTS_OPTIONS);
}

struct events_output {
	const struct tt_options *opts;
	struct json_writer json;
	/* --last N: the newest N matching records of the first dump. */
	struct tcptrail_record *held;
	size_t held_cap, held_len, held_next;
	bool holding;
};

static void print_json(struct events_output *out, const struct tcptrail_record *rec)
{
	struct json_writer *w = &out->json;
	char name[TT_STATE_NAME_LEN];

	json_object_begin(w);
	json_kv_u64(w, "seq", rec->seq);
	json_kv_u64(w, "ts_ns", rec->ts_ns);
	json_kv_u64(w, "netns", rec->netns);
	tt_json_endpoints(w, rec->family, rec->saddr, rec->sport, rec->daddr, rec->dport);
	json_kv_string(w, "old", tt_state_name(rec->old_state, name));
	json_kv_string(w, "new", tt_state_name(rec->new_state, name));
	json_kv_u64(w, "pid", rec->tgid);
	json_key(w, "comm");
	json_string_n(w, rec->comm, sizeof(rec->comm));
	json_kv_u64(w, "conn", rec->conn);
	json_kv_string(w, "ctx", rec->flags & TCPTRAIL_F_SOFTIRQ ? "softirq" : "task");
	json_object_end(w);
}

static void print_human(const struct events_output *out, const struct tcptrail_record *rec)
{
	char when[TT_TIME_LEN], local[TT_ENDPOINT_LEN], remote[TT_ENDPOINT_LEN];
	char old_name[TT_STATE_NAME_LEN], new_name[TT_STATE_NAME_LEN];
	bool color = out->opts->color;
	const char *dim = tt_color(color, TT_COLOR_DIM);
	const char *reset = tt_color(color, TT_COLOR_RESET);

	tt_format_time_of_day(rec->ts_ns, when, sizeof(when));
	tt_format_endpoint(rec->family, rec->saddr, rec->sport, local, sizeof(local));
	tt_format_endpoint(rec->family, rec->daddr, rec->dport, remote, sizeof(remote));
	printf("%s%s%s %s %s %s%s%s -> %s%s%s ", dim, when, reset, local, remote,
	       tt_color(color, tt_state_color(rec->old_state)),
	       tt_state_name(rec->old_state, old_name), reset,
	       tt_color(color, tt_state_color(rec->new_state)),
	       tt_state_name(rec->new_state, new_name), reset);
	if (rec->flags & TCPTRAIL_F_SOFTIRQ) {
		printf("softirq");
	} else {
		char comm[TT_COMM_LEN];

		tt_format_comm(rec->comm, sizeof(rec->comm), comm);
		printf("%" PRIu32 "/%s", rec->tgid, comm);
	}
	printf(" %sconn %" PRIu64, dim, (uint64_t)rec->conn);
	if (out->opts->all_netns)
		printf(" netns %" PRIu32, rec->netns);
	printf("%s\n", reset);
}

static int print_record(struct events_output *out, const struct tcptrail_record *rec)
{
	if (out->opts->json)
		print_json(out, rec);
	else
		print_human(out, rec);
	return tt_output_status(stdout);
}

static int on_record(void *ctx, const struct tcptrail_record *rec)
{
	struct events_output *out = ctx;

	if (!tt_filter_match_record(&out->opts->filter, rec))
		return 0;
	if (!out->holding)
		return print_record(out, rec);
	out->held[out->held_next] = *rec;
	out->held_next = (out->held_next + 1) % out->held_cap;
	if (out->held_len < out->held_cap)
		out->held_len++;
	return 0;
}

static int on_missed(void *ctx, uint64_t n)
{
	struct events_output *out = ctx;

	if (!out->opts->json)
		return 0;
	json_object_begin(&out->json);
	json_kv_u64(&out->json, "missed", n);
	json_object_end(&out->json);
	return tt_output_status(stdout);
}

static int on_caught_up(void *ctx)
{
	struct events_output *out = ctx;

	if (out->holding) {
		size_t oldest, i;

		oldest = (out->held_next + out->held_cap - out->held_len) % out->held_cap;
		for (i = 0; i < out->held_len; i++) {
			int err = print_record(out, &out->held[(oldest + i) % out->held_cap]);
			if (err)
				return err;
		}
		free(out->held);
		out->held = NULL;
		out->holding = false;
	}
	return tt_flush(stdout);
}

int cmd_events(int argc, char **argv)
{
	struct events_output out = { 0 };
	struct tt_options opts;
	struct tt_nl nl;
	int ret, err;

	ret = tt_options_parse(argc, argv, EVENTS_OPTIONS, usage, &opts);
	if (ret != TT_OPTIONS_CONTINUE)
		return ret;
	if (opts.nr_operands)
		return tt_usage_error(argv[0], usage, "unexpected argument '%s'",
				      opts.operands[0]);

	out.opts = &opts;
	json_init(&out.json, stdout);
	if (opts.filter.last) {
		/* No dump holds more than the ring does. */
		out.held_cap = opts.filter.last < TCPTRAIL_RING_MAX ?
			       opts.filter.last : TCPTRAIL_RING_MAX;
		out.held = calloc(out.held_cap, sizeof(*out.held));
		if (!out.held) {
			fprintf(stderr, "tcptrail: out of memory\n");
			return TT_EXIT_FAILURE;
		}
		out.holding = true;
	}
	if (opts.follow)
		setvbuf(stdout, NULL, _IOLBF, 0);

	err = tt_nl_open(&nl);
	if (!err) {
		const struct tt_record_sink sink = {
			.record = on_record,
			.missed = on_missed,
			.caught_up = on_caught_up,
			.ctx = &out,
		};

		err = tt_read_records(&nl, opts.all_netns, opts.follow, &sink);
		tt_nl_close(&nl);
	}
	free(out.held);
	return tt_exit_status(err);
}
