/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcptrail stats --prom: the counters in the Prometheus text exposition
 * format (for node_exporter's textfile collector), with what the records of
 * the caller's network namespace still in the ring tell.
 */
#ifndef TCPTRAIL_PROM_H
#define TCPTRAIL_PROM_H

#include <stdio.h>

#include "nl.h"
#include "stats.h"

/*
 * Read the ring (the caller's namespace) and write every metric to out.
 * 0, or -errno: netlink failures are explained on stderr, -EPIPE (out
 * went away) is not.
 */
int tt_prom_print(struct tt_nl *nl, const struct tt_stats *st, FILE *out);

/* "# HELP name help" and "# TYPE name type": the one place they are spelt. */
void tt_prom_header(FILE *out, const char *name, const char *type,
		    const char *help);

/* The module's own counters (GET_STATS), exact since it was loaded. */
void tt_prom_print_module(FILE *out, const struct tt_stats *st);

#endif
