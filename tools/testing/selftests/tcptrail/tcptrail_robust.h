/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the tcptrail robustness tests (fuzz, leak, load,
 * resize/netns): header-only, so the Makefile needs no new rule.
 */
#ifndef TCPTRAIL_SELFTEST_ROBUST_H
#define TCPTRAIL_SELFTEST_ROBUST_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/tcptrail.h>

#include "events.h"
#include "netutil.h"
#include "nlclient.h"

static inline long rb_env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 0) : def;
}

/* xorshift64*: small, seedable, the same on every run with the same seed. */
static inline uint64_t rb_rand(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

static inline uint32_t rb_below(uint64_t *s, uint32_t n)
{
	return n ? (uint32_t)(rb_rand(s) % n) : 0;
}

/* SET_CONFIG with the given attributes (ring 0: not sent, enabled/family < 0: not sent). */
static inline int rb_set_config(struct nlc *c, uint32_t ring, int enabled, int family,
				int clear_ports)
{
	struct nlc_result res;
	struct nlc_msg *m = malloc(sizeof(*m));
	int ret;

	if (!m)
		return -ENOMEM;
	nlc_msg_init(m, c, TCPTRAIL_CMD_SET_CONFIG, 0);
	if (ring)
		nlc_put_u32(m, TCPTRAIL_A_RING_SIZE, ring);
	if (enabled >= 0)
		nlc_put_u8(m, TCPTRAIL_A_ENABLED, enabled);
	if (family >= 0)
		nlc_put_u16(m, TCPTRAIL_A_FILTER_FAMILY, family);
	if (clear_ports)
		nlc_nest_end(m, nlc_nest_start(m, TCPTRAIL_A_FILTER_PORTS));
	ret = tt_nl_do(c, m, &res);
	free(m);
	return ret;
}

/* The configuration the suite's harness loads the module with. */
static inline int rb_restore_defaults(void)
{
	struct nlc c;
	int ret = nlc_open(&c);

	if (ret)
		return ret;
	ret = rb_set_config(&c, TCPTRAIL_RING_DEFAULT, 1, 0, 1);
	nlc_close(&c);
	return ret;
}

static inline int rb_config_is_default(struct nlc *c, char *why, size_t len)
{
	struct tt_nl_config cfg;
	int ret = tt_nl_config(c, &cfg);

	if (ret) {
		snprintf(why, len, "GET_CONFIG: %s", strerror(-ret));
		return 0;
	}
	if (cfg.have != 15 || cfg.ring_size != TCPTRAIL_RING_DEFAULT || cfg.enabled != 1 ||
	    cfg.family != 0 || cfg.nports != 0) {
		snprintf(why, len, "GET_CONFIG: have %#x ring %u enabled %u family %u ports %d",
			 cfg.have, cfg.ring_size, cfg.enabled, cfg.family, cfg.nports);
		return 0;
	}
	return 1;
}

/*
 * A churning child: loopback connections (v4, and v6 if @v6) until
 * @deadline_ns. Returns the number made, or -1.
 */
static inline long rb_churn(uint64_t deadline_ns, int v6, long max)
{
	int lfd4, lfd6 = -1, p4, p6 = 0;
	long made = 0;

	lfd4 = tt_listener(AF_INET, "127.0.0.1");
	if (lfd4 < 0)
		return -1;
	p4 = tt_port(lfd4);
	if (v6) {
		lfd6 = tt_listener(AF_INET6, "::1");
		if (lfd6 < 0)
			return -1;
		p6 = tt_port(lfd6);
	}
	while (tt_now_ns() < deadline_ns && (max < 0 || made < max)) {
		int ret = (v6 && (made & 1)) ?
			  tt_churn_one(AF_INET6, "::1", lfd6, p6, NULL, NULL) :
			  tt_churn_one(AF_INET, "127.0.0.1", lfd4, p4, NULL, NULL);

		if (ret)
			return -1;
		made++;
	}
	close(lfd4);
	if (lfd6 >= 0)
		close(lfd6);
	return made;
}

/* Lines of `dmesg` output so far, and whether later ones look like a kernel report. */
static inline long rb_dmesg_lines(void)
{
	FILE *p = popen("dmesg 2>/dev/null", "r");
	long n = 0;
	int ch;

	if (!p)
		return -1;
	while ((ch = fgetc(p)) != EOF)
		n += ch == '\n';
	pclose(p);
	return n;
}

/* Prints and counts kernel-report lines after line @from. */
static inline int rb_dmesg_bad_since(long from)
{
	FILE *p = popen("dmesg 2>/dev/null", "r");
	static const char *const pat[] = {
		"WARNING:", "BUG:", "Oops", "Call Trace", "general protection", "KASAN",
		"UBSAN", "refcount_t", "list_add corruption", "list_del corruption",
		"kernel BUG", "RIP:", "soft lockup", "INFO: ",
	};
	char line[1024];
	long n = 0;
	int bad = 0;

	if (!p)
		return 0;
	while (fgets(line, sizeof(line), p)) {
		if (n++ < from)
			continue;
		for (size_t i = 0; i < sizeof(pat) / sizeof(pat[0]); i++)
			if (strstr(line, pat[i])) {
				ksft_print_msg("kernel: %s", line);
				bad++;
				break;
			}
	}
	pclose(p);
	return bad;
}

/* Lines of /proc/vmallocinfo naming the module (its rings). */
static inline int rb_vmalloc_lines(void)
{
	char *text = tt_read_file("/proc/vmallocinfo"), *p;
	int n = 0;

	if (!text)
		return -1;
	for (p = text; (p = strstr(p, "[tcptrail]")); p++)
		n++;
	free(text);
	return n;
}

static inline void rb_kill_wait(pid_t *pids, int n, int sig)
{
	for (int i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], sig);
	for (int i = 0; i < n; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
}

/*
 * Readers for the load tests, each run in a child process until SIGUSR1,
 * then one last read; the result goes to a pipe as one struct rb_result.
 */
enum { RB_NL_NOTIFIED, RB_NL_POLLING, RB_PROCFS, RB_NL_ALL_NETNS };

static const char *const rb_reader_names[] = {
	"netlink (notified)", "netlink (polling)", "procfs", "netlink ALL_NETNS",
};

struct rb_result {
	int type, idx, error;
	uint64_t received, missed, dup, nonmono, out_of_range, reads;
	uint64_t start, end;	/* the count read + missed must equal end - start */
	uint64_t netns_exit;	/* TIMEWAIT records with reason NETNS_EXIT seen */
	char why[160];
};

static volatile sig_atomic_t rb_stop;

static void rb_on_usr1(int sig)
{
	(void)sig;
	rb_stop = 1;
}

struct rb_seen {
	uint8_t *b;
	size_t cap;
};

/* Marks @ns seen; returns 1 if it already was. */
static inline int rb_mark(struct rb_seen *s, uint64_t ns)
{
	if (ns >= s->cap) {
		size_t cap = s->cap ? s->cap : 65536;
		uint8_t *b;

		while (cap <= ns)
			cap *= 2;
		b = realloc(s->b, cap);
		if (!b)
			abort();
		memset(b + s->cap, 0, cap - s->cap);
		s->b = b;
		s->cap = cap;
	}
	if (s->b[ns])
		return 1;
	s->b[ns] = 1;
	return 0;
}

/* One dump from the reader's cursors; accounts its records. */
static inline int rb_nl_step(struct nlc *c, struct rb_result *res, uint64_t *cursor,
			     uint64_t *ncursor, uint64_t *last_seq, struct rb_seen *seen)
{
	int all = res->type == RB_NL_ALL_NETNS;
	struct tt_dump d;
	int ret = tt_nl_dump(c, *cursor, all ? 0 : *ncursor, all, &d);

	if (ret || d.bad) {
		res->error = ret ? -ret : EPROTO;
		snprintf(res->why, sizeof(res->why), "GET_EVENTS from %llu/%llu: %s %.100s",
			 (unsigned long long)*cursor, (unsigned long long)*ncursor,
			 strerror(res->error), d.res.msg);
		tt_dump_free(&d);
		return -1;
	}
	res->reads++;
	res->missed += d.missed;
	for (size_t i = 0; i < d.n; i++) {
		const struct tcptrail_record *r = &d.r[i];

		if (r->seq <= *last_seq)
			res->nonmono++;
		*last_seq = r->seq;
		if (all ? rb_mark(seen, r->seq) : rb_mark(seen, r->netns_seq))
			res->dup++;
		if (r->kind == TCPTRAIL_KIND_TIMEWAIT && r->reason == TCPTRAIL_REASON_NETNS_EXIT)
			res->netns_exit++;
		res->received++;
	}
	if (d.nmsgs) {
		*cursor = d.cursor;
		*ncursor = d.netns_cursor;
	}
	tt_dump_free(&d);
	return 0;
}

static inline void rb_nl_reader(struct rb_result *res, int sleep_ms)
{
	struct nlc c, ntf;
	uint64_t cursor = 0, ncursor = 1, last_seq = 0;
	struct rb_seen seen = { 0 };
	struct tt_nl_stats st;
	int ret;

	ret = nlc_open(&c);
	if (!ret && res->type == RB_NL_NOTIFIED) {
		ret = nlc_open(&ntf);
		if (!ret)
			ret = nlc_join(&ntf, ntf.events_grp);
	}
	if (!ret)
		ret = tt_nl_stats(&c, &st, NULL);
	if (ret) {
		res->error = -ret;
		snprintf(res->why, sizeof(res->why), "setup: %s", strerror(-ret));
		return;
	}
	if (res->type == RB_NL_ALL_NETNS) {
		/* From the next record on; losses by the gaps in seq. */
		res->start = st.written;
		cursor = st.written + 1;
	} else {
		res->start = st.netns_written;
		ncursor = st.netns_written + 1;
	}
	while (!rb_stop) {
		if (rb_nl_step(&c, res, &cursor, &ncursor, &last_seq, &seen))
			return;
		if (res->type == RB_NL_NOTIFIED) {
			char buf[8192];

			if (nlc_recv_timeout(&ntf, buf, sizeof(buf), 200) >= 0)
				while (recv(ntf.fd, buf, sizeof(buf), MSG_DONTWAIT) > 0 ||
				       errno == ENOBUFS)
					;
		} else {
			tt_sleep_ms(sleep_ms);
		}
	}
	if (rb_nl_step(&c, res, &cursor, &ncursor, &last_seq, &seen))
		return;
	res->end = res->type == RB_NL_ALL_NETNS ? cursor - 1 : ncursor - 1;
	free(seen.b);
	nlc_close(&c);
}

/* Accounts the complete lines in @buf[0..*len), keeps a partial last line. */
static inline void rb_proc_lines(struct rb_result *res, char *buf, size_t *len, uint64_t *last_seq)
{
	char *p = buf, *nl;

	while ((nl = memchr(p, '\n', buf + *len - p))) {
		unsigned long long n;

		*nl = '\0';
		if (sscanf(p, "# %llu records overwritten", &n) == 1) {
			res->missed += n;
		} else if (p[0] >= '0' && p[0] <= '9' && sscanf(p, "%llu ", &n) == 1) {
			if (n <= *last_seq)
				res->nonmono++;
			*last_seq = n;
			if (strstr(p, " timewait-end:netns-exit"))
				res->netns_exit++;
			res->received++;
		} else if (strncmp(p, "SEQ ", 4)) {
			res->out_of_range++;	/* a line we do not understand */
			snprintf(res->why, sizeof(res->why), "bad line: %.100s", p);
		}
		p = nl + 1;
	}
	*len = buf + *len - p;
	memmove(buf, p, *len);
}

static inline void rb_proc_reader(struct rb_result *res, int sleep_ms, uint64_t seed)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	uint64_t s = seed, last_seq = 0;
	struct tt_stats st;
	int fd, eofs = 0;

	fd = open(TT_EVENTS_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !buf || tt_stats_read(&st)) {
		res->error = errno ? errno : EIO;
		snprintf(res->why, sizeof(res->why), "open: %s", strerror(res->error));
		return;
	}
	res->start = st.netns_written;
	for (;;) {
		/* Random read sizes: records split across read() calls. */
		size_t want = 64 + rb_below(&s, 8192);
		ssize_t n;

		if (want > cap - len - 1)
			want = cap - len - 1;
		n = read(fd, buf + len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			res->error = errno;
			snprintf(res->why, sizeof(res->why), "read: %s", strerror(errno));
			break;
		}
		res->reads++;
		len += n;
		rb_proc_lines(res, buf, &len, &last_seq);
		if (n)
			continue;
		/* At the end: after the stop, two reads at the end in a row. */
		if (rb_stop && ++eofs >= 2)
			break;
		if (!rb_stop)
			tt_sleep_ms(sleep_ms);
	}
	if (len) {
		res->out_of_range++;
		snprintf(res->why, sizeof(res->why), "partial last line: %.100s", buf);
	}
	res->end = 0;	/* the caller compares with NETNS_WRITTEN */
	close(fd);
	free(buf);
}

/* Forks reader @idx of @type; its result arrives on @wfd. */
static inline pid_t rb_start_reader(int type, int idx, int wfd, int ready_fd, int sleep_ms)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	{
		struct rb_result res = { .type = type, .idx = idx };
		struct sigaction sa = { .sa_handler = rb_on_usr1 };
		char one = 1;

		sigaction(SIGUSR1, &sa, NULL);
		if (write(ready_fd, &one, 1) != 1)
			_exit(3);
		if (type == RB_PROCFS)
			rb_proc_reader(&res, sleep_ms, getpid());
		else
			rb_nl_reader(&res, sleep_ms);
		_exit(write(wfd, &res, sizeof(res)) == sizeof(res) ? 0 : 2);
	}
}

#endif
