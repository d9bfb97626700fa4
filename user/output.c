// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "output.h"

int tt_output_status(FILE *out)
{
	int err;

	if (!ferror(out))
		return 0;
	err = errno ? -errno : -EIO;
	if (err != -EPIPE)
		fprintf(stderr, "tcptrail: cannot write the output: %s\n", strerror(-err));
	return err;
}

int tt_json_missed(bool json, struct json_writer *w, uint64_t n)
{
	if (!json)
		return 0;
	json_missed_line(w, n);
	return tt_output_status(w->out);
}

int tt_flush(FILE *out)
{
	if (!ferror(out)) {
		errno = 0;
		fflush(out);
	}
	return tt_output_status(out);
}
