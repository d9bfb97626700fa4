/* SPDX-License-Identifier: GPL-2.0 */
/* The options the subcommands share, and what they mean for exit status. */
#ifndef TCPTRAIL_OPTIONS_H
#define TCPTRAIL_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "filter.h"

/* Exit statuses. */
enum {
	TT_EXIT_OK	= 0,
	TT_EXIT_FAILURE	= 1,	/* runtime failure */
	TT_EXIT_USAGE	= 2,	/* bad usage */
};

/* Which shared options a subcommand takes. */
enum {
	TT_OPTS_OUTPUT	= 1 << 0,	/* --json, --no-color */
	TT_OPTS_RECORDS	= 1 << 1,	/* filters, --all-netns */
	TT_OPTS_FOLLOW	= 1 << 2,	/* --follow */
	TT_OPTS_PROM	= 1 << 3,	/* --prom */
	TT_OPTS_SVG	= 1 << 4,	/* --svg FILE, --scale S */
	TT_OPTS_SNAPSHOT = 1 << 5,	/* --no-snapshot */
	TT_OPTS_EXPLAIN	= 1 << 6,	/* --explain */
};

struct tt_options {
	bool json;
	bool color;		/* decided: a terminal and colour not refused */
	bool follow;
	bool all_netns;
	bool prom;		/* Prometheus text format */
	const char *svg;	/* draw an SVG picture into this file */
	const char *scale;	/* ... with this time axis (NULL: auto) */
	bool no_snapshot;	/* not asking sock_diag what is open now */
	bool explain;		/* a sentence under each arrow */
	struct tt_filter filter;
	char **operands;	/* the non-option arguments, in order */
	int nr_operands;
};

/* Prints a subcommand's usage (with tt_options_help() for its options). */
typedef void (*tt_usage_fn)(FILE *out);

/* Returned by tt_options_parse() when the subcommand should go on. */
#define TT_OPTIONS_CONTINUE	(-1)

/*
 * Parse argv (argv[0]: the subcommand's name). TT_OPTIONS_CONTINUE, or the
 * exit status to leave with: TT_EXIT_OK after --help, TT_EXIT_USAGE after
 * a bad option (the usage went to stderr).
 */
int tt_options_parse(int argc, char **argv, unsigned int groups,
		     tt_usage_fn usage, struct tt_options *opts);

/* The help text of the shared options in groups. */
void tt_options_help(FILE *out, unsigned int groups);

/* "tcptrail <cmd>: <message>", the usage, TT_EXIT_USAGE. */
int tt_usage_error(const char *cmd, tt_usage_fn usage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The exit status for a subcommand's result (0 or -errno): a reader
 * that went away (-EPIPE) is no failure.
 */
int tt_exit_status(int err);

#endif
