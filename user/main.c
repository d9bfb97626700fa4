// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail: show the TCP state transitions tcptrail.ko records.
 */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <linux/tcptrail.h>

#include "options.h"
#include "subcommands.h"

#ifndef TCPTRAIL_VERSION
#define TCPTRAIL_VERSION "0.1"
#endif

static const struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} subcommands[] = {
	{ "events",	cmd_events,	"one line per TCP state transition" },
	{ "timeline",	cmd_timeline,	"each connection's life, state by state" },
	{ "ladder",	cmd_ladder,	"both ends of each conversation as a ladder diagram" },
	{ "stats",	cmd_stats,	"the recorder's counters" },
	{ "config",	cmd_config,	"show or change what is recorded" },
	{ "record",	cmd_record,	"keep writing records and metrics (a service)" },
};

#define NR_SUBCOMMANDS	(sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: tcptrail <command> [options]\n"
		"       tcptrail help [<command>] | --help | --version\n\n"
		"Show the life of TCP connections as recorded by the tcptrail module.\n\n"
		"commands:\n");
	for (i = 0; i < NR_SUBCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", subcommands[i].name, subcommands[i].help);
	fprintf(out, "\n'tcptrail <command> --help' for the options of each, "
		"man tcptrail for all of it.\n");
}

static const struct subcommand *find_subcommand(const char *name)
{
	size_t i;

	for (i = 0; i < NR_SUBCOMMANDS; i++)
		if (strcmp(subcommands[i].name, name) == 0)
			return &subcommands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	fprintf(stderr, "tcptrail: unknown command '%s'\n\n", name);
	usage(stderr);
	return TT_EXIT_USAGE;
}

/* "tcptrail help [<command>]" */
static int help(int argc, char **argv)
{
	const struct subcommand *cmd;
	char help_flag[] = "--help";
	char *help_argv[3] = { NULL, help_flag, NULL };

	if (argc < 2) {
		usage(stdout);
		return TT_EXIT_OK;
	}
	cmd = find_subcommand(argv[1]);
	if (!cmd)
		return unknown_command(argv[1]);
	help_argv[0] = argv[1];
	return cmd->run(2, help_argv);
}

int main(int argc, char **argv)
{
	const struct subcommand *cmd;

	setlocale(LC_ALL, "");
	/* A closed stdout shows up as EPIPE where we write. */
	signal(SIGPIPE, SIG_IGN);

	if (argc < 2) {
		usage(stderr);
		return TT_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return help(1, argv + 1);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("tcptrail %s (netlink version %d, record version %d)\n",
		       TCPTRAIL_VERSION, TCPTRAIL_GENL_VERSION, TCPTRAIL_RECORD_VERSION);
		return TT_EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0)
		return help(argc - 1, argv + 1);

	cmd = find_subcommand(argv[1]);
	if (!cmd)
		return unknown_command(argv[1]);
	return cmd->run(argc - 1, argv + 1);
}
