/* SPDX-License-Identifier: GPL-2.0 */
/*
 * node_exporter's textfile collector reads the *.prom files of its
 * directory whenever it is scraped: the file is written under another
 * name (not ending in .prom) and renamed over the old one, so a scrape
 * never sees half of it.
 */
#ifndef TCPTRAIL_TEXTFILE_H
#define TCPTRAIL_TEXTFILE_H

#include <stdio.h>

/* The file tcptrail record keeps in the textfile directory. */
#define TT_TEXTFILE_NAME	"tcptrail.prom"

/*
 * Write DIR/name through fill(out, ctx) (which returns 0 or -errno), made
 * readable by all (node_exporter runs as its own user). 0 or -errno,
 * explained on stderr.
 */
int tt_textfile_write(const char *dir, const char *name,
		      int (*fill)(FILE *out, void *ctx), void *ctx);

/* Whether dir is a directory we can write in: 0, or -errno explained. */
int tt_textfile_check_dir(const char *dir);

#endif
