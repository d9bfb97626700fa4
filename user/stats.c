// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail stats: the recorder's counters, and transitions per state.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "format.h"
#include "json.h"
#include "nl.h"
#include "options.h"
#include "prom.h"
#include "stats.h"
#include "subcommands.h"

#define STATS_OPTIONS	(TT_OPTS_OUTPUT | TT_OPTS_PROM)

static void usage(FILE *out)
{
	fprintf(out,
		"usage: tcptrail stats [--json | --prom] [--no-color]\n\n"
		"The recorder's counters: ring size, records written and lost, and how\n"
		"many transitions into each TCP state this network namespace saw.\n"
		"--prom: as Prometheus metrics, with what the records of this network\n"
		"namespace still in the ring tell (transitions per state pair,\n"
		"connections opened and closed, resets, connections in TIME_WAIT).\n");
	tt_options_help(out, STATS_OPTIONS);
}

/* Counters in the order they are shown, with their JSON keys. */
static const struct counter {
	int attr;
	const char *key;
	const char *label;
	const char *meaning;
} counters[TT_NR_STAT_COUNTERS] = {
	[TT_STAT_WRITTEN] = { TCPTRAIL_A_WRITTEN, "written", "written",
	  "records since the module was loaded" },
	[TT_STAT_NETNS_WRITTEN] = { TCPTRAIL_A_NETNS_WRITTEN, "netns_written",
	  "this netns", "records of this network namespace" },
	[TT_STAT_OVERWRITTEN] = { TCPTRAIL_A_OVERWRITTEN, "overwritten",
	  "overwritten", "lost to the ring wrapping" },
	[TT_STAT_HISTORY_DROPPED] = { TCPTRAIL_A_HISTORY_DROPPED,
	  "history_dropped", "dropped", "lost to ring resizes" },
	[TT_STAT_NOT_RECORDED] = { TCPTRAIL_A_NOT_RECORDED, "not_recorded",
	  "not recorded", "while recording was off or the ring was resized" },
	[TT_STAT_FILTERED] = { TCPTRAIL_A_FILTERED, "filtered", "filtered",
	  "skipped by the family and port filters" },
};

static int parse_state_count(struct tt_stats *st, struct nlattr *nest)
{
	static struct nla_policy policy[TCPTRAIL_STATE_A_MAX + 1] = {
		[TCPTRAIL_STATE_A_STATE] = { .type = NLA_U8 },
		[TCPTRAIL_STATE_A_COUNT] = { .type = NLA_U64 },
	};
	struct nlattr *tb[TCPTRAIL_STATE_A_MAX + 1];
	uint8_t state;

	if (nla_parse_nested(tb, TCPTRAIL_STATE_A_MAX, nest, policy) < 0 ||
	    !tb[TCPTRAIL_STATE_A_STATE] || !tb[TCPTRAIL_STATE_A_COUNT])
		return -EPROTO;
	state = nla_get_u8(tb[TCPTRAIL_STATE_A_STATE]);
	if (state >= TCPTRAIL_NR_STATES)
		return 0;	/* a state this tool has no name for */
	st->has_state[state] = true;
	st->state_count[state] = nla_get_u64(tb[TCPTRAIL_STATE_A_COUNT]);
	return 0;
}

static int parse_feature(struct tt_stats *st, struct nlattr *nest)
{
	static struct nla_policy policy[TCPTRAIL_FEATURE_A_MAX + 1] = {
		[TCPTRAIL_FEATURE_A_NAME] = { .type = NLA_STRING },
		[TCPTRAIL_FEATURE_A_ON] = { .type = NLA_U8 },
		[TCPTRAIL_FEATURE_A_WHY] = { .type = NLA_STRING },
	};
	struct nlattr *tb[TCPTRAIL_FEATURE_A_MAX + 1];
	struct tt_feature *f;

	if (nla_parse_nested(tb, TCPTRAIL_FEATURE_A_MAX, nest, policy) < 0 ||
	    !tb[TCPTRAIL_FEATURE_A_NAME] || !tb[TCPTRAIL_FEATURE_A_ON])
		return -EPROTO;
	if (st->nr_features == TT_MAX_FEATURES)
		return 0;
	f = &st->feature[st->nr_features++];
	nla_strlcpy(f->name, tb[TCPTRAIL_FEATURE_A_NAME], sizeof(f->name));
	f->on = nla_get_u8(tb[TCPTRAIL_FEATURE_A_ON]);
	if (tb[TCPTRAIL_FEATURE_A_WHY])
		nla_strlcpy(f->why, tb[TCPTRAIL_FEATURE_A_WHY], sizeof(f->why));
	return 0;
}

static int parse_rst_reason(struct tt_stats *st, struct nlattr *nest)
{
	static struct nla_policy policy[TCPTRAIL_RST_REASON_A_MAX + 1] = {
		[TCPTRAIL_RST_REASON_A_VALUE] = { .type = NLA_U32 },
		[TCPTRAIL_RST_REASON_A_NAME] = { .type = NLA_STRING },
	};
	struct nlattr *tb[TCPTRAIL_RST_REASON_A_MAX + 1];
	uint32_t value;

	if (nla_parse_nested(tb, TCPTRAIL_RST_REASON_A_MAX, nest, policy) < 0 ||
	    !tb[TCPTRAIL_RST_REASON_A_VALUE] || !tb[TCPTRAIL_RST_REASON_A_NAME])
		return -EPROTO;
	value = nla_get_u32(tb[TCPTRAIL_RST_REASON_A_VALUE]);
	if (value < TT_MAX_RST_REASONS)
		nla_strlcpy(st->rst_reason[value], tb[TCPTRAIL_RST_REASON_A_NAME],
			    sizeof(st->rst_reason[value]));
	return 0;
}

/* The names the last GET_STATS gave, for whoever formats a record. */
static char rst_reasons[TT_MAX_RST_REASONS][48];

const char *tt_rst_reason_name(uint8_t detail)
{
	if (!detail || detail > TT_MAX_RST_REASONS ||
	    !rst_reasons[detail - 1][0])
		return NULL;
	return rst_reasons[detail - 1];
}

bool tt_stats_feature_off(const struct tt_stats *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->nr_features; i++)
		if (!strcmp(st->feature[i].name, name))
			return !st->feature[i].on;
	return false;
}

static int parse_stats(struct nlmsghdr *nlh, void *arg)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlh);
	struct nlattr *tb[TCPTRAIL_A_MAX + 1];
	struct tt_stats *st = arg;
	struct nlattr *attr;
	size_t i;
	int rem, err;

	err = tt_nl_parse(nlh, tb);
	if (err)
		return err;
	if (!tb[TCPTRAIL_A_RING_SIZE] || !tb[TCPTRAIL_A_RECORD_SIZE])
		return -EPROTO;
	st->ring_size = nla_get_u32(tb[TCPTRAIL_A_RING_SIZE]);
	st->record_size = nla_get_u32(tb[TCPTRAIL_A_RECORD_SIZE]);
	for (i = 0; i < TT_NR_STAT_COUNTERS; i++)
		if (tb[counters[i].attr])
			st->counter[i] = nla_get_u64(tb[counters[i].attr]);
	nla_for_each_attr(attr, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), rem) {
		if (nla_type(attr) == TCPTRAIL_A_STATE_COUNT)
			err = parse_state_count(st, attr);
		else if (nla_type(attr) == TCPTRAIL_A_FEATURE)
			err = parse_feature(st, attr);
		else if (nla_type(attr) == TCPTRAIL_A_RST_REASON)
			err = parse_rst_reason(st, attr);
		else
			continue;
		if (err)
			return err;
	}
	return 0;
}

int tt_stats_fetch(struct tt_nl *nl, struct tt_stats *st)
{
	struct nl_msg *msg;
	int err;

	memset(st, 0, sizeof(*st));
	msg = tt_nl_new_request(nl, TCPTRAIL_CMD_GET_STATS, 0);
	err = msg ? tt_nl_request(nl, msg, parse_stats, st) : -ENOMEM;
	if (!err)
		memcpy(rst_reasons, st->rst_reason, sizeof(rst_reasons));
	return err;
}

int tt_stats_read(struct tt_nl *nl, struct tt_stats *st)
{
	int err = tt_stats_fetch(nl, st);

	if (err)
		tt_nl_report(nl, err, "reading the statistics", NULL);
	return err;
}

static void print_json(const struct tt_stats *st)
{
	char name[TT_STATE_NAME_LEN];
	struct json_writer w;
	size_t i;

	json_init(&w, stdout);
	json_object_begin(&w);
	json_kv_u64(&w, "ring_size", st->ring_size);
	json_kv_u64(&w, "record_size", st->record_size);
	for (i = 0; i < TT_NR_STAT_COUNTERS; i++)
		json_kv_u64(&w, counters[i].key, st->counter[i]);
	json_key(&w, "states");
	json_object_begin(&w);
	for (i = 0; i < TCPTRAIL_NR_STATES; i++)
		if (st->has_state[i])
			json_kv_u64(&w, tt_state_name(i, name), st->state_count[i]);
	json_object_end(&w);
	json_key(&w, "features");
	json_object_begin(&w);
	for (i = 0; i < st->nr_features; i++) {
		json_key(&w, st->feature[i].name);
		json_object_begin(&w);
		json_kv_bool(&w, "on", st->feature[i].on);
		json_kv_string_or_null(&w, "why", st->feature[i].on ? NULL :
				       st->feature[i].why);
		json_object_end(&w);
	}
	json_object_end(&w);
	json_object_end(&w);
}

static void print_human(const struct tt_stats *st, bool color)
{
	const char *bold = tt_color(color, TT_COLOR_BOLD);
	const char *dim = tt_color(color, TT_COLOR_DIM);
	const char *reset = tt_color(color, TT_COLOR_RESET);
	char name[TT_STATE_NAME_LEN];
	bool any_state = false;
	size_t i;
	double kib = (double)st->ring_size * st->record_size / 1024;

	printf("%-13s %s%" PRIu32 "%s records of %" PRIu32 " bytes (%.1f %s)\n",
	       "ring size", bold, st->ring_size, reset, st->record_size,
	       kib < 1024 ? kib : kib / 1024, kib < 1024 ? "KiB" : "MiB");
	for (i = 0; i < TT_NR_STAT_COUNTERS; i++)
		printf("%-13s %s%" PRIu64 "%s %s%s%s\n", counters[i].label, bold,
		       st->counter[i], reset, dim, counters[i].meaning, reset);

	printf("\ntransitions into each state (this network namespace):\n");
	for (i = 0; i < TCPTRAIL_NR_STATES; i++) {
		if (!st->has_state[i])
			continue;
		any_state = true;
		printf("  %s%-14s%s %" PRIu64 "\n", tt_color(color, tt_state_color(i)),
		       tt_state_name(i, name), reset, st->state_count[i]);
	}
	if (!any_state)
		printf("  %snone yet%s\n", dim, reset);

	if (!st->nr_features)
		return;
	printf("\nfeatures on this kernel:\n");
	for (i = 0; i < st->nr_features; i++) {
		const struct tt_feature *f = &st->feature[i];

		printf("  %-17s %s%s%s", f->name,
		       tt_color(color, f->on ? TT_COLOR_GREEN : TT_COLOR_RED),
		       f->on ? "on" : "off", reset);
		if (!f->on)
			printf(" %s(%s)%s", dim, f->why, reset);
		printf("\n");
	}
}

int cmd_stats(int argc, char **argv)
{
	struct tt_options opts;
	struct tt_stats st;
	struct tt_nl nl;
	int ret, err;

	ret = tt_options_parse(argc, argv, STATS_OPTIONS, usage, &opts);
	if (ret != TT_OPTIONS_CONTINUE)
		return ret;
	if (opts.nr_operands)
		return tt_usage_error(argv[0], usage, "unexpected argument '%s'",
				      opts.operands[0]);
	if (opts.prom && opts.json)
		return tt_usage_error(argv[0], usage,
				      "--prom and --json exclude each other");

	err = tt_nl_open(&nl);
	if (err)
		return TT_EXIT_FAILURE;
	err = tt_stats_read(&nl, &st);
	/* The Prometheus metrics count what the ring holds too. */
	if (!err && opts.prom)
		err = tt_prom_print(&nl, &st, stdout);
	tt_nl_close(&nl);
	if (err)
		return tt_exit_status(err);

	if (opts.json)
		print_json(&st);
	else if (!opts.prom)
		print_human(&st, opts.color);
	return tt_exit_status(tt_flush(stdout));
}
