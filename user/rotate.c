// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rotate.h"

/* Lines are handed to the kernel in pieces of about this size. */
#define ROTATE_BUFFER_SIZE	(256 * 1024)

static int open_current(struct tt_rotated_file *f)
{
	struct stat st;

	f->out = fopen(f->path, "ae");
	if (!f->out) {
		int err = -errno;

		fprintf(stderr, "tcptrail record: cannot open %s: %s (is its "
			"directory there and writable?)\n", f->path,
			strerror(-err));
		return err;
	}
	setvbuf(f->out, NULL, _IOFBF, ROTATE_BUFFER_SIZE);
	f->size = fstat(fileno(f->out), &st) ? 0 : (uint64_t)st.st_size;
	return 0;
}

int tt_rotated_open(struct tt_rotated_file *f, const char *path,
		    uint64_t max_size, unsigned int keep)
{
	memset(f, 0, sizeof(*f));
	f->path = path;
	f->max_size = max_size;
	f->keep = keep;
	return open_current(f);
}

int tt_rotated_flush(struct tt_rotated_file *f)
{
	if (f->out && fflush(f->out))
		return -errno;
	return 0;
}

static int close_current(struct tt_rotated_file *f)
{
	int err = 0;

	if (f->out && fclose(f->out))
		err = -errno;
	f->out = NULL;
	return err;
}

/* FILE.<n>, or FILE for 0. */
static void numbered(const struct tt_rotated_file *f, unsigned int n,
		     char buf[PATH_MAX])
{
	if (n)
		snprintf(buf, PATH_MAX, "%s.%u", f->path, n);
	else
		snprintf(buf, PATH_MAX, "%s", f->path);
}

static int rotate(struct tt_rotated_file *f)
{
	char from[PATH_MAX], to[PATH_MAX];
	int err, reopen_err;
	unsigned int n;

	/* keep 0: FILE itself is removed, and started again. */
	err = close_current(f);
	if (err)
		fprintf(stderr, "tcptrail record: writing %s failed: %s\n",
			f->path, strerror(-err));
	numbered(f, f->keep, to);
	if (unlink(to) && errno != ENOENT)
		fprintf(stderr, "tcptrail record: cannot remove %s: %s\n", to,
			strerror(errno));
	for (n = f->keep; n > 0; n--) {
		numbered(f, n - 1, from);
		numbered(f, n, to);
		if (rename(from, to) && errno != ENOENT)
			fprintf(stderr, "tcptrail record: cannot rename %s to "
				"%s: %s\n", from, to, strerror(errno));
	}
	f->rotations++;
	reopen_err = open_current(f);
	return reopen_err ? reopen_err : err;
}

int tt_rotated_write(struct tt_rotated_file *f, const char *line, size_t len)
{
	int err;

	if (f->max_size && f->size && f->size + len > f->max_size) {
		err = rotate(f);
		if (err && !f->out)
			return err;
	}
	if (!f->out) {
		err = open_current(f);
		if (err)
			return err;
	}
	if (fwrite(line, 1, len, f->out) != len) {
		err = errno ? -errno : -EIO;
		fprintf(stderr, "tcptrail record: writing %s failed: %s\n",
			f->path, strerror(-err));
		return err;
	}
	f->size += len;
	return 0;
}

int tt_rotated_reopen(struct tt_rotated_file *f)
{
	int err = close_current(f);

	if (err)
		fprintf(stderr, "tcptrail record: writing %s failed: %s\n",
			f->path, strerror(-err));
	return open_current(f);
}

int tt_rotated_close(struct tt_rotated_file *f)
{
	return close_current(f);
}
