// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "cgroup.h"
#include "format.h"
#include "options.h"

enum {
	OPT_HELP = 'h',
	OPT_IPV4 = '4',
	OPT_IPV6 = '6',
	OPT_JSON = 256,
	OPT_NO_COLOR,
	OPT_FOLLOW,
	OPT_PORT,
	OPT_ADDR,
	OPT_STATE,
	OPT_SINCE,
	OPT_LAST,
	OPT_ALL_NETNS,
	OPT_PROM,
	OPT_SVG,
	OPT_SCALE,
	OPT_PID,
	OPT_COMM,
	OPT_CGROUP,
	OPT_UNIT,
	OPT_CONTAINER,
	OPT_NO_SNAPSHOT,
	OPT_NETNS = 'N',
	OPT_EXPLAIN,
};

static const struct shared_option {
	struct option opt;
	unsigned int group;	/* 0: every subcommand */
	const char *arg_name;
	const char *help;
} shared_options[] = {
	{ { "follow", no_argument, NULL, OPT_FOLLOW }, TT_OPTS_FOLLOW, NULL,
	  "keep running, showing new records as they are written" },
	{ { "port", required_argument, NULL, OPT_PORT }, TT_OPTS_RECORDS, "P",
	  "local or remote port P" },
	{ { "addr", required_argument, NULL, OPT_ADDR }, TT_OPTS_RECORDS, "CIDR",
	  "local or remote address in CIDR (10.0.0.0/8, ::1)" },
	{ { "ipv4", no_argument, NULL, OPT_IPV4 }, TT_OPTS_RECORDS, NULL,
	  "IPv4 only" },
	{ { "ipv6", no_argument, NULL, OPT_IPV6 }, TT_OPTS_RECORDS, NULL,
	  "IPv6 only" },
	{ { "state", required_argument, NULL, OPT_STATE }, TT_OPTS_RECORDS, "S",
	  "from or to state S (ESTABLISHED, SYN_SENT, ...)" },
	{ { "since", required_argument, NULL, OPT_SINCE }, TT_OPTS_RECORDS, "DUR",
	  "only records of the last DUR (30s, 5m, 1h, 250ms)" },
	{ { "last", required_argument, NULL, OPT_LAST }, TT_OPTS_RECORDS, "N",
	  "only the last N" },
	{ { "all-netns", no_argument, NULL, OPT_ALL_NETNS }, TT_OPTS_RECORDS, NULL,
	  "every network namespace, not only this one" },
	{ { "netns", required_argument, NULL, OPT_NETNS }, TT_OPTS_RECORDS, "NS",
	  "network namespace NS: an ip netns name, a path or an inode" },
	{ { "pid", required_argument, NULL, OPT_PID }, TT_OPTS_RECORDS, "PID",
	  "connections of process PID (connecting, listening or accepting)" },
	{ { "comm", required_argument, NULL, OPT_COMM }, TT_OPTS_RECORDS, "NAME",
	  "connections of processes named NAME" },
	{ { "cgroup", required_argument, NULL, OPT_CGROUP }, TT_OPTS_RECORDS, "PATH",
	  "sockets of cgroup PATH or below (/system.slice)" },
	{ { "unit", required_argument, NULL, OPT_UNIT }, TT_OPTS_RECORDS, "UNIT",
	  "sockets of systemd unit UNIT (nginx.service)" },
	{ { "container", required_argument, NULL, OPT_CONTAINER }, TT_OPTS_RECORDS, "ID",
	  "sockets of the container whose id starts with ID" },
	{ { "json", no_argument, NULL, OPT_JSON }, TT_OPTS_OUTPUT, NULL,
	  "one JSON object per line (man tcptrail)" },
	{ { "no-color", no_argument, NULL, OPT_NO_COLOR }, TT_OPTS_OUTPUT, NULL,
	  "no colour (nor with NO_COLOR set, or off a terminal)" },
	{ { "prom", no_argument, NULL, OPT_PROM }, TT_OPTS_PROM, NULL,
	  "Prometheus text format (node_exporter textfile collector)" },
	{ { "svg", required_argument, NULL, OPT_SVG }, TT_OPTS_SVG, "FILE",
	  "an SVG picture of the timelines in FILE (-: stdout)" },
	{ { "scale", required_argument, NULL, OPT_SCALE }, TT_OPTS_SVG, "S",
	  "its time axis: auto, linear (TIME_WAIT cut short) or log" },
	{ { "no-snapshot", no_argument, NULL, OPT_NO_SNAPSHOT }, TT_OPTS_SNAPSHOT, NULL,
	  "leave out what sock_diag says is open now" },
	{ { "explain", no_argument, NULL, OPT_EXPLAIN }, TT_OPTS_EXPLAIN, NULL,
	  "under each arrow, what happened and why the state changed" },
	{ { "help", no_argument, NULL, OPT_HELP }, 0, NULL,
	  "this help" },
};

#define NR_SHARED_OPTIONS	(sizeof(shared_options) / sizeof(shared_options[0]))

static bool in_groups(const struct shared_option *o, unsigned int groups)
{
	return !o->group || (o->group & groups);
}

void tt_options_help(FILE *out, unsigned int groups)
{
	size_t i;

	fprintf(out, "\noptions:\n");
	for (i = 0; i < NR_SHARED_OPTIONS; i++) {
		const struct shared_option *o = &shared_options[i];
		bool has_short = o->opt.val < 256;
		char flag[32];

		if (!in_groups(o, groups))
			continue;
		snprintf(flag, sizeof(flag), "%c%c%c --%s%s%s",
			 has_short ? '-' : ' ', has_short ? o->opt.val : ' ',
			 has_short ? ',' : ' ', o->opt.name,
			 o->arg_name ? " " : "", o->arg_name ? o->arg_name : "");
		fprintf(out, "  %-19s %s\n", flag, o->help);
	}
}

int tt_usage_error(const char *cmd, tt_usage_fn usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tcptrail %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	usage(stderr);
	return TT_EXIT_USAGE;
}

int tt_exit_status(int err)
{
	return err && err != -EPIPE ? TT_EXIT_FAILURE : TT_EXIT_OK;
}

static int parse_value(struct tt_options *opts, int opt, const char *arg)
{
	struct tt_filter *f = &opts->filter;
	uint64_t ns, now;
	int state;

	switch (opt) {
	case OPT_PORT:
		f->has_port = true;
		return tt_parse_port(arg, &f->port);
	case OPT_ADDR:
		f->has_addr = true;
		return tt_parse_cidr(arg, &f->addr);
	case OPT_STATE:
		state = tt_state_parse(arg);
		if (state < 0)
			return state;
		f->state = state;
		return 0;
	case OPT_SINCE:
		if (tt_parse_duration(arg, &ns))
			return -EINVAL;
		/* ts_ns is CLOCK_MONOTONIC. */
		now = tt_monotonic_ns();
		f->since_ns = ns < now ? now - ns : 0;
		return 0;
	case OPT_LAST:
		return tt_parse_count(arg, &f->last);
	case OPT_PID:
		if (tt_parse_count(arg, &ns) || ns > INT32_MAX)
			return -EINVAL;
		f->has_pid = true;
		f->pid = ns;
		return 0;
	case OPT_COMM:
		f->comm = arg;
		return *arg ? 0 : -EINVAL;
	case OPT_CGROUP:
		f->cgroup = tt_cgroup_normalize(arg, f->cgroup_buf,
						sizeof(f->cgroup_buf));
		return f->cgroup ? 0 : -EINVAL;
	case OPT_UNIT:
		f->unit = arg;
		return *arg ? 0 : -EINVAL;
	case OPT_CONTAINER:
		f->container = arg;
		return *arg && strspn(arg, "0123456789abcdef") == strlen(arg) ?
		       0 : -EINVAL;
	}
	return -EINVAL;
}

static const char *option_name(int val)
{
	size_t i;

	for (i = 0; i < NR_SHARED_OPTIONS; i++)
		if (shared_options[i].opt.val == val)
			return shared_options[i].opt.name;
	return "?";
}

int tt_options_parse(int argc, char **argv, unsigned int groups,
		     tt_usage_fn usage, struct tt_options *opts)
{
	struct option longopts[NR_SHARED_OPTIONS + 1];
	/* "-": operands come back in order, so options may follow them
	 * ("config set ring-size 64 --json"); ":": report missing values.
	 */
	const char *shortopts = groups & TT_OPTS_RECORDS ? "-:h46N:" : "-:h";
	const char *cmd = argv[0];
	bool no_color = false;
	size_t i, n = 0;
	int opt, err;

	memset(opts, 0, sizeof(*opts));
	tt_filter_init(&opts->filter);
	for (i = 0; i < NR_SHARED_OPTIONS; i++)
		if (in_groups(&shared_options[i], groups))
			longopts[n++] = shared_options[i].opt;
	memset(&longopts[n], 0, sizeof(longopts[n]));

	/* Operands move to the front of argv, after argv[0]: getopt has
	 * always passed a slot before it is reused.
	 */
	opts->operands = argv + 1;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (opt) {
		case 1:
			opts->operands[opts->nr_operands++] = optarg;
			break;
		case OPT_HELP:
			usage(stdout);
			return TT_EXIT_OK;
		case OPT_JSON:
			opts->json = true;
			break;
		case OPT_NO_COLOR:
			no_color = true;
			break;
		case OPT_FOLLOW:
			opts->follow = true;
			break;
		case OPT_ALL_NETNS:
			opts->all_netns = true;
			break;
		case OPT_PROM:
			opts->prom = true;
			break;
		case OPT_SVG:
			opts->svg = optarg;
			break;
		case OPT_SCALE:
			opts->scale = optarg;
			break;
		case OPT_NO_SNAPSHOT:
			opts->no_snapshot = true;
			break;
		case OPT_EXPLAIN:
			opts->explain = true;
			break;
		case OPT_IPV4:
			opts->filter.family = AF_INET;
			break;
		case OPT_IPV6:
			opts->filter.family = AF_INET6;
			break;
		case OPT_NETNS:
			err = tt_parse_netns(optarg, &opts->filter.netns);
			if (err)
				return tt_usage_error(cmd, usage,
						      "no network namespace '%s' (%s): give a name from 'ip netns list', a path such as /proc/PID/ns/net, or an inode number",
						      optarg, strerror(-err));
			opts->filter.has_netns = true;
			break;
		case '?':
			if (optopt > 0 && optopt < 256)
				return tt_usage_error(cmd, usage, "unknown option '-%c'",
						      optopt);
			return tt_usage_error(cmd, usage, "unknown option '%s'",
					      argv[optind - 1]);
		case ':':
			return tt_usage_error(cmd, usage, "option '%s' needs a value",
					      argv[optind - 1]);
		default:
			if (parse_value(opts, opt, optarg))
				return tt_usage_error(cmd, usage,
						      "bad value '%s' for --%s",
						      optarg, option_name(opt));
		}
	}
	opts->color = !opts->json && tt_color_wanted(no_color);
	/* Another namespace's records are read as --all-netns reads them. */
	if (opts->filter.has_netns && opts->filter.netns != tt_own_netns())
		opts->all_netns = true;
	return TT_OPTIONS_CONTINUE;
}
