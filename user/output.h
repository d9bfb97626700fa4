/* SPDX-License-Identifier: GPL-2.0 */
/* Whether the output still goes somewhere. */
#ifndef TCPTRAIL_OUTPUT_H
#define TCPTRAIL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * 0, or -errno once a write to out failed (-EPIPE: the reader went away,
 * said nowhere; other errors are explained on stderr). Call right after
 * writing, while errno is still the write's.
 */
int tt_output_status(FILE *out);

struct json_writer;
/* A reader's losses as a {"missed": N} line when @json; 0 or -errno. */
int tt_json_missed(bool json, struct json_writer *w, uint64_t n);
/* fflush(out), then tt_output_status(). */
int tt_flush(FILE *out);

#endif
