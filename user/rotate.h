/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A log file rotated by size: before a line that would take it past
 * max_size, FILE becomes FILE.1 (FILE.1 becomes FILE.2, ... up to
 * FILE.<keep>; the oldest is deleted) and a new FILE is started. Lines are
 * never split across files. Reopening (SIGHUP) starts a new FILE if
 * another tool (logrotate) moved it away.
 */
#ifndef TCPTRAIL_ROTATE_H
#define TCPTRAIL_ROTATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct tt_rotated_file {
	const char *path;
	uint64_t max_size;	/* bytes; 0: never rotated */
	unsigned int keep;	/* old files kept */
	FILE *out;
	uint64_t size;		/* of the current file, written or not */
	uint64_t rotations;
};

/* Open (append to) path. 0 or -errno, explained on stderr. */
int tt_rotated_open(struct tt_rotated_file *f, const char *path,
		    uint64_t max_size, unsigned int keep);

/* One line (with its newline). 0 or -errno (explained on stderr). */
int tt_rotated_write(struct tt_rotated_file *f, const char *line, size_t len);

/* Hand what is buffered to the kernel: 0 or -errno. */
int tt_rotated_flush(struct tt_rotated_file *f);

/* Flush, close and open path again: 0 or -errno (explained on stderr). */
int tt_rotated_reopen(struct tt_rotated_file *f);

/* Flush and close: 0 or -errno. */
int tt_rotated_close(struct tt_rotated_file *f);

#endif
