// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail record: the flight recorder as a service. Every record, as the
 * JSON line `events --json` prints, to a file rotated by size or to the
 * journal; the metrics (metrics.h) and the module's counters to a
 * Prometheus text file every few seconds; its own losses in both. SIGHUP
 * reopens the file (after logrotate moved it), SIGTERM and SIGINT write
 * what is buffered and the text file one last time, and exit.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "event_lines.h"
#include "journal.h"
#include "metrics.h"
#include "nl.h"
#include "options.h"
#include "prom.h"
#include "reader.h"
#include "rotate.h"
#include "stats.h"
#include "subcommands.h"
#include "textfile.h"

#define RECORD_DEFAULT_MAX_SIZE		(100ULL << 20)
#define RECORD_DEFAULT_KEEP		5
#define RECORD_MAX_KEEP			1000
#define RECORD_DEFAULT_INTERVAL_S	15
#define RECORD_MAX_INTERVAL_S		3600

static volatile sig_atomic_t reopen_requested;
static volatile sig_atomic_t textfile_due = 1;

struct recorder {
	/* What the user asked for. */
	const char *output;
	uint64_t max_size;
	unsigned int keep;
	bool journal;
	const char *textfile_dir;
	unsigned int interval_s;
	const char *metrics_ports;
	bool all_netns;

	struct tt_nl nl;
	struct tt_event_lines *lines;
	FILE *line;		/* the line being made (a memory stream) */
	char *line_buf;
	size_t line_size;
	struct tt_rotated_file file;
	bool file_open;
	struct tt_metrics metrics;
};

enum {
	OPT_HELP = 'h',
	OPT_OUTPUT = 'o',
	OPT_MAX_SIZE = 256,
	OPT_KEEP,
	OPT_JOURNAL,
	OPT_PROM_TEXTFILE,
	OPT_INTERVAL,
	OPT_METRICS_PORTS,
	OPT_ALL_NETNS,
};

static const struct option longopts[] = {
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "journal", no_argument, NULL, OPT_JOURNAL },
	{ "prom-textfile", required_argument, NULL, OPT_PROM_TEXTFILE },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "metrics-ports", required_argument, NULL, OPT_METRICS_PORTS },
	{ "all-netns", no_argument, NULL, OPT_ALL_NETNS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: tcptrail record (--output FILE [--max-size SIZE] [--keep N] | --journal)\n"
		"                       [--prom-textfile DIR [--interval SECONDS]\n"
		"                        [--metrics-ports P,P,...]] [--all-netns]\n\n"
		"Keep running, writing every record the module makes (the JSON lines of\n"
		"'events --json') and, with --prom-textfile, metrics for node_exporter.\n"
		"SIGHUP reopens FILE; SIGTERM writes what is buffered and exits.\n\n"
		"options:\n"
		"  -o, --output FILE       append the JSON lines to FILE\n"
		"      --max-size SIZE     rotate FILE before it passes SIZE (bytes, or\n"
		"                          with K, M, G; 0: never; default %lluM)\n"
		"      --keep N            old files kept: FILE.1 ... FILE.N (default %d)\n"
		"      --journal           one journal entry per record instead, with\n"
		"                          TCPTRAIL_* fields (journalctl -t tcptrail -o json)\n"
		"      --prom-textfile DIR write DIR/%s (node_exporter's textfile\n"
		"                          collector) every --interval seconds (default %d)\n"
		"      --metrics-ports P,P a port label on the metrics, for these ports\n"
		"                          (at most %d; the others are port=\"other\")\n"
		"      --all-netns         every network namespace, not only this one\n"
		"  -h, --help              this help\n",
		RECORD_DEFAULT_MAX_SIZE >> 20, RECORD_DEFAULT_KEEP, TT_TEXTFILE_NAME, RECORD_DEFAULT_INTERVAL_S,
		TT_METRICS_MAX_PORTS);
}

/* "100M", "1G", "4096": bytes. */
static int parse_size(const char *s, uint64_t *bytes)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	}
	if (*end || v > (UINT64_MAX >> shift))
		return -EINVAL;
	*bytes = (uint64_t)v << shift;
	return 0;
}

static int parse_uint(const char *s, unsigned int min, unsigned int max,
		      unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_args(struct recorder *r, int argc, char **argv)
{
	const char *cmd = argv[0];
	int opt;

	r->max_size = RECORD_DEFAULT_MAX_SIZE;
	r->keep = RECORD_DEFAULT_KEEP;
	r->interval_s = RECORD_DEFAULT_INTERVAL_S;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_HELP:
			usage(stdout);
			return TT_EXIT_OK;
		case OPT_OUTPUT:
			r->output = optarg;
			break;
		case OPT_MAX_SIZE:
			if (parse_size(optarg, &r->max_size))
				return tt_usage_error(cmd, usage, "bad --max-size '%s' "
						      "(bytes, or 100M, 1G)", optarg);
			break;
		case OPT_KEEP:
			if (parse_uint(optarg, 0, RECORD_MAX_KEEP, &r->keep))
				return tt_usage_error(cmd, usage, "bad --keep '%s' "
						      "(0 to %d)", optarg,
						      RECORD_MAX_KEEP);
			break;
		case OPT_JOURNAL:
			r->journal = true;
			break;
		case OPT_PROM_TEXTFILE:
			r->textfile_dir = optarg;
			break;
		case OPT_INTERVAL:
			if (parse_uint(optarg, 1, RECORD_MAX_INTERVAL_S,
				       &r->interval_s))
				return tt_usage_error(cmd, usage, "bad --interval '%s' "
						      "(1 to %d seconds)", optarg,
						      RECORD_MAX_INTERVAL_S);
			break;
		case OPT_METRICS_PORTS:
			r->metrics_ports = optarg;
			break;
		case OPT_ALL_NETNS:
			r->all_netns = true;
			break;
		case ':':
			return tt_usage_error(cmd, usage, "option '%s' needs a value",
					      argv[optind - 1]);
		default:
			return tt_usage_error(cmd, usage, "unknown option '%s'",
					      argv[optind - 1]);
		}
	}
	if (optind < argc)
		return tt_usage_error(cmd, usage, "unexpected argument '%s'",
				      argv[optind]);
	if (r->output && r->journal)
		return tt_usage_error(cmd, usage, "--output and --journal: "
				      "choose one");
	if (!r->output && !r->journal && !r->textfile_dir)
		return tt_usage_error(cmd, usage, "say where the records go: "
				      "--output FILE or --journal (and/or "
				      "--prom-textfile DIR)");
	if (r->journal && !tt_journal_available()) {
		fprintf(stderr, "tcptrail record: this tcptrail was built "
			"without libsystemd, so --journal is not available: "
			"rebuild it with libsystemd-dev installed, or use "
			"--output FILE\n");
		return TT_EXIT_USAGE;
	}
	return TT_OPTIONS_CONTINUE;
}

static void on_hangup(int sig)
{
	(void)sig;
	reopen_requested = 1;
	tt_reader_wake();
}

static void on_alarm(int sig)
{
	(void)sig;
	textfile_due = 1;
	tt_reader_wake();
}

/* SA_RESTART: only the reader's wait (ppoll) is cut short by them; one
 * that comes while records are read is seen after the dump.
 */
static int install_handlers(const struct recorder *r)
{
	struct itimerval every = {
		.it_interval = { .tv_sec = r->interval_s },
		.it_value = { .tv_sec = r->interval_s },
	};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_hangup;
	if (sigaction(SIGHUP, &sa, NULL))
		return -errno;
	if (!r->textfile_dir)
		return 0;
	sa.sa_handler = on_alarm;
	if (sigaction(SIGALRM, &sa, NULL) ||
	    setitimer(ITIMER_REAL, &every, NULL))
		return -errno;
	return 0;
}

/* The line in r->line, handed to the file or the journal. */
static void emit_line(struct recorder *r, const struct tcptrail_record *rec,
		      const struct conn *c, uint64_t missed)
{
	off_t len;
	int err = 0;

	if (fflush(r->line) || (len = ftello(r->line)) <= 0) {
		r->metrics.write_errors++;
		return;
	}
	if (r->file_open)
		err = tt_rotated_write(&r->file, r->line_buf, len);
	else if (r->journal && rec)
		err = tt_journal_record(rec, c, r->line_buf, len - 1);
	else if (r->journal)
		err = tt_journal_missed(missed);
	if (err)
		r->metrics.write_errors++;
}

static int on_record(void *ctx, const struct tcptrail_record *rec)
{
	struct recorder *r = ctx;
	const struct conn *c;
	int err;

	rewind(r->line);
	err = tt_event_lines_record(r->lines, rec, r->line, &c);
	if (err) {
		fprintf(stderr, "tcptrail record: out of memory\n");
		return err;
	}
	tt_metrics_record(&r->metrics, rec, c);
	if (r->file_open || r->journal)
		emit_line(r, rec, c, 0);
	return 0;
}

static int on_missed(void *ctx, uint64_t n)
{
	struct recorder *r = ctx;

	r->metrics.missed += n;
	if (!r->file_open && !r->journal)
		return 0;
	rewind(r->line);
	tt_event_lines_missed(r->lines, n, r->line);
	emit_line(r, NULL, NULL, n);
	return 0;
}

static int fill_textfile(FILE *out, void *ctx)
{
	struct recorder *r = ctx;
	struct tt_stats st;
	int err;

	/* The ring's own counters (its losses, states entered) first. */
	err = tt_stats_read(&r->nl, &st);
	if (err)
		return err;
	tt_prom_print_module(out, &st);
	tt_metrics_print(out, &r->metrics);
	return ferror(out) ? -EIO : 0;
}

static void write_textfile(struct recorder *r)
{
	r->metrics.rotations = r->file.rotations;
	tt_textfile_write(r->textfile_dir, TT_TEXTFILE_NAME, fill_textfile, r);
}

static int on_caught_up(void *ctx)
{
	struct recorder *r = ctx;
	int err;

	tt_event_lines_dump_ended(r->lines);
	if (r->file_open && (err = tt_rotated_flush(&r->file))) {
		fprintf(stderr, "tcptrail record: writing %s failed: %s\n",
			r->output, strerror(-err));
		r->metrics.write_errors++;
	}
	if (reopen_requested) {
		reopen_requested = 0;
		if (r->file_open && !tt_rotated_reopen(&r->file))
			fprintf(stderr, "tcptrail record: reopened %s\n",
				r->output);
	}
	if (textfile_due && r->textfile_dir) {
		textfile_due = 0;
		write_textfile(r);
	}
	return 0;
}

static void say_where(const struct recorder *r)
{
	if (r->file_open)
		fprintf(stderr, "tcptrail record: records to %s (rotated at "
			"%" PRIu64 " bytes, %u kept)", r->output, r->max_size,
			r->keep);
	else if (r->journal)
		fprintf(stderr, "tcptrail record: records to the journal "
			"(journalctl -t tcptrail)");
	else
		fprintf(stderr, "tcptrail record: records not written");
	if (r->textfile_dir)
		fprintf(stderr, ", metrics to %s/%s every %u s", r->textfile_dir,
			TT_TEXTFILE_NAME, r->interval_s);
	fprintf(stderr, "\n");
}

static int run(struct recorder *r)
{
	const struct tt_record_sink sink = {
		.record = on_record,
		.missed = on_missed,
		.caught_up = on_caught_up,
		.ctx = r,
	};
	int err;

	if (r->textfile_dir && (err = tt_textfile_check_dir(r->textfile_dir)))
		return err;
	if (r->output) {
		err = tt_rotated_open(&r->file, r->output, r->max_size, r->keep);
		if (err)
			return err;
		r->file_open = true;
	}
	err = tt_nl_open(&r->nl);
	if (err)
		return err;
	err = install_handlers(r);
	if (err) {
		fprintf(stderr, "tcptrail record: cannot set up signals: %s\n",
			strerror(-err));
	} else {
		say_where(r);
		err = tt_read_records(&r->nl, r->all_netns, true, &sink);
	}
	/* SIGTERM: what is buffered goes out, the metrics one last time. */
	if (r->textfile_dir)
		write_textfile(r);
	tt_nl_close(&r->nl);
	return err;
}

int cmd_record(int argc, char **argv)
{
	struct recorder r = { 0 };
	int ret, err;

	ret = parse_args(&r, argc, argv);
	if (ret != TT_OPTIONS_CONTINUE)
		return ret;
	if (tt_metrics_init(&r.metrics, r.metrics_ports))
		return TT_EXIT_USAGE;
	r.lines = tt_event_lines_new();
	r.line = open_memstream(&r.line_buf, &r.line_size);
	if (!r.lines || !r.line) {
		fprintf(stderr, "tcptrail record: out of memory\n");
		err = -ENOMEM;
	} else {
		err = run(&r);
	}
	if (r.file_open) {
		int close_err = tt_rotated_close(&r.file);

		if (close_err && !err) {
			fprintf(stderr, "tcptrail record: writing %s failed: "
				"%s\n", r.output, strerror(-close_err));
			err = close_err;
		}
	}
	if (r.line)
		fclose(r.line);
	free(r.line_buf);
	tt_event_lines_free(r.lines);
	if (!err)
		fprintf(stderr, "tcptrail record: stopped, %" PRIu64 " records "
			"read, %" PRIu64 " lost, %" PRIu64 " write errors\n",
			r.metrics.records, r.metrics.missed,
			r.metrics.write_errors);
	return tt_exit_status(err);
}
