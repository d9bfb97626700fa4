/* SPDX-License-Identifier: GPL-2.0 */
/* The subcommands: argv[0] is the subcommand's name; they return the exit status. */
#ifndef TCPTRAIL_SUBCOMMANDS_H
#define TCPTRAIL_SUBCOMMANDS_H

int cmd_events(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_ladder(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_record(int argc, char **argv);

#endif
