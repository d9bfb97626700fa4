// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "textfile.h"

#define TEXTFILE_MODE	0644

int tt_textfile_check_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "tcptrail record: --prom-textfile %s: not a "
			"directory (node_exporter's textfile directory: "
			"/var/lib/prometheus/node-exporter on Debian)\n", dir);
		return -ENOTDIR;
	}
	if (access(dir, W_OK)) {
		int err = -errno;

		fprintf(stderr, "tcptrail record: --prom-textfile %s: cannot "
			"write there: %s\n", dir, strerror(-err));
		return err;
	}
	return 0;
}

int tt_textfile_write(const char *dir, const char *name,
		      int (*fill)(FILE *out, void *ctx), void *ctx)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	FILE *out;
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, TEXTFILE_MODE);
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	/* Whatever the umask (the service's is 027). */
	if (fchmod(fd, TEXTFILE_MODE)) {
		err = -errno;
		close(fd);
		goto fail_unlink;
	}
	out = fdopen(fd, "w");
	if (!out) {
		err = -errno;
		close(fd);
		goto fail_unlink;
	}
	err = fill(out, ctx);
	if (fflush(out) && !err)
		err = -errno;
	if (fclose(out) && !err)
		err = -errno;
	if (err)
		goto fail_unlink;
	if (rename(tmp, path)) {
		err = -errno;
		goto fail_unlink;
	}
	return 0;

fail_unlink:
	unlink(tmp);
fail:
	fprintf(stderr, "tcptrail record: cannot write %s: %s\n", path,
		strerror(-err));
	return err;
}
