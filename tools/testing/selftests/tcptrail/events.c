// SPDX-License-Identifier: GPL-2.0
/* Strict parser for the tcptrail proc files (see events.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "events.h"

static const char *const state_names[TT_NSTATES] = {
	TCPTRAIL_STATE_NAMES(TCPTRAIL_NAME_ENTRY)
};

const char *tt_state_name(int state)
{
	if (state <= 0 || state >= TT_NSTATES)
		return NULL;
	return state_names[state];
}

int tt_state_num(const char *name)
{
	for (int i = 1; i < TT_NSTATES; i++)
		if (state_names[i] && !strcmp(name, state_names[i]))
			return i;
	return -1;
}

uint64_t tt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void tt_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

char *tt_read_all_fd(int fd)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	ssize_t n;

	if (!buf)
		return NULL;
	for (;;) {
		if (cap - len < 4097) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				goto err;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto err;
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	return buf;
err:
	free(buf);
	return NULL;
}

char *tt_read_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	int saved;

	if (fd < 0)
		return NULL;
	buf = tt_read_all_fd(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return buf;
}

static int fail(char *err, const char *line, const char *fmt, ...)
{
	char what[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(err, 256, "%s in line \"%.100s\"", what, line);
	return -1;
}

/* Strict unsigned decimal: digits only, no sign, fits in 64 bits. */
static int parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		if (x > (UINT64_MAX - (*s - '0')) / 10)
			return -1;
		x = x * 10 + (*s - '0');
	}
	*v = x;
	return 0;
}

static int parse_time(const char *s, uint64_t *ns)
{
	const char *dot = strchr(s, '.');
	char sec[24];
	uint64_t a, b;

	if (!dot || dot - s >= (long)sizeof(sec) || strlen(dot + 1) != 9)
		return -1;
	memcpy(sec, s, dot - s);
	sec[dot - s] = '\0';
	if (parse_u64(sec, &a) || parse_u64(dot + 1, &b))
		return -1;
	*ns = a * 1000000000ull + b;
	return 0;
}

/* inet_ntop() round trip: the text must be exactly what inet_ntop prints. */
static int check_addr(const char *family, const char *s)
{
	unsigned char buf[16];
	char again[INET6_ADDRSTRLEN];
	int af = strcmp(family, "ipv4") ? AF_INET6 : AF_INET;

	if (inet_pton(af, s, buf) != 1 || !inet_ntop(af, buf, again, sizeof(again)))
		return -1;
	return strcmp(s, again) ? -1 : 0;
}

/* COMM: backslash-octal escapes only; no raw space, tab or newline. */
static int unescape_comm(const char *s, char *out, size_t len)
{
	size_t o = 0;

	for (; *s; s++) {
		char c = *s;

		if (c == ' ' || c == '\t')
			return -1;
		if (c == '\\') {
			if (s[1] < '0' || s[1] > '3' || s[2] < '0' || s[2] > '7' ||
			    s[3] < '0' || s[3] > '7')
				return -1;
			c = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		}
		if (o + 1 >= len)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

static const char *const reason_names[] = {
	TCPTRAIL_REASON_NAMES(TCPTRAIL_NAME_ENTRY)
};
#define NREASONS (int)(sizeof(reason_names) / sizeof(reason_names[0]))

const char *tt_reason_name(int reason)
{
	return reason >= 0 && reason < NREASONS ? reason_names[reason] : "?";
}

static int reason_num(const char *s)
{
	for (int i = 0; i < NREASONS; i++)
		if (!strcmp(s, reason_names[i]))
			return i;
	return -1;
}

/* "totals:bytes_sent=N,bytes_acked=N,...": all eight, in this order. */
static int parse_totals(const char *s, struct tcptrail_totals *t)
{
	static const char *const keys[] = {
		"bytes_sent", "bytes_acked", "bytes_received", "bytes_retrans",
		"segs_out", "segs_in", "total_retrans", "srtt_us",
	};
	uint64_t v[8];
	char buf[400], *p = buf;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -1;
	for (int i = 0; i < 8; i++) {
		size_t kl = strlen(keys[i]);
		char *end = strchr(p, ',');

		if (strncmp(p, keys[i], kl) || p[kl] != '=')
			return -1;
		if (i < 7 && !end)
			return -1;
		if (i == 7 && end)
			return -1;
		if (end)
			*end = '\0';
		if (parse_u64(p + kl + 1, &v[i]) || (i >= 4 && v[i] > UINT32_MAX))
			return -1;
		p = end ? end + 1 : NULL;
	}
	t->bytes_sent = v[0];
	t->bytes_acked = v[1];
	t->bytes_received = v[2];
	t->bytes_retrans = v[3];
	t->segs_out = v[4];
	t->segs_in = v[5];
	t->total_retrans = v[6];
	t->srtt_us = v[7];
	return 0;
}

/* EVENT: the record's kind and reason (see show_event() in kmod/proc.c). */
static int parse_event(const char *s, struct tt_rec *r)
{
	r->reason = TCPTRAIL_REASON_NONE;
	if (!strcmp(s, "state")) {
		r->kind = TCPTRAIL_KIND_STATE;
	} else if (!strcmp(s, "timewait")) {
		r->kind = TCPTRAIL_KIND_TIMEWAIT;
	} else if (!strcmp(s, "timewait-not-created")) {
		r->kind = TCPTRAIL_KIND_TIMEWAIT;
		r->reason = TCPTRAIL_REASON_NOT_CREATED;
	} else if (!strncmp(s, "timewait-end:", 13)) {
		r->kind = TCPTRAIL_KIND_TIMEWAIT;
		r->reason = reason_num(s + 13);
		if (r->reason < 0)
			return -1;
	} else if (!strcmp(s, "rst-sent")) {
		r->kind = TCPTRAIL_KIND_RESET;
		r->reason = TCPTRAIL_REASON_RST_SENT;
	} else if (!strcmp(s, "rst-received")) {
		r->kind = TCPTRAIL_KIND_RESET;
		r->reason = TCPTRAIL_REASON_RST_RECEIVED;
	} else if (!strcmp(s, "accept")) {
		r->kind = TCPTRAIL_KIND_ACCEPT;
	} else if (!strncmp(s, "totals:", 7)) {
		r->kind = TCPTRAIL_KIND_TOTALS;
		return parse_totals(s + 7, &r->totals);
	} else {
		return -1;
	}
	return 0;
}

const char *tt_event_name(const struct tt_rec *r, char *buf, size_t len)
{
	switch (r->kind) {
	case TCPTRAIL_KIND_STATE:
		snprintf(buf, len, "state");
		break;
	case TCPTRAIL_KIND_TIMEWAIT:
		if (r->new_state == 7 /* CLOSE */)
			snprintf(buf, len, "timewait-end:%s", tt_reason_name(r->reason));
		else if (r->reason == TCPTRAIL_REASON_NOT_CREATED)
			snprintf(buf, len, "timewait-not-created");
		else
			snprintf(buf, len, "timewait");
		break;
	case TCPTRAIL_KIND_RESET:
		snprintf(buf, len, "%s", tt_reason_name(r->reason));
		break;
	case TCPTRAIL_KIND_ACCEPT:
		snprintf(buf, len, "accept");
		break;
	case TCPTRAIL_KIND_TOTALS:
		snprintf(buf, len, "totals");
		break;
	default:
		snprintf(buf, len, "kind_%d", r->kind);
	}
	return buf;
}

#define NFIELDS 17

static int parse_record(char *line, struct tt_rec *r, char *err)
{
	char copy[512];
	char *f[NFIELDS], *tok;
	uint64_t v;
	int n = 0, totals;

	snprintf(copy, sizeof(copy), "%s", line);
	memset(r, 0, sizeof(*r));
	/* 17 fields separated by single spaces (COMM escapes its spaces). */
	tok = line;
	for (n = 0; n < NFIELDS - 1; n++) {
		char *sp = strchr(tok, ' ');

		if (!sp)
			return fail(err, copy, "only %d fields", n + 1);
		*sp = '\0';
		f[n] = tok;
		tok = sp + 1;
	}
	f[NFIELDS - 1] = tok;
	if (strchr(tok, ' '))
		return fail(err, copy, "more than %d fields", NFIELDS);
	for (n = 0; n < NFIELDS; n++)
		if (!*f[n])
			return fail(err, copy, "empty field %d", n + 1);

	if (parse_event(f[15], r))
		return fail(err, copy, "bad EVENT");
	totals = r->kind == TCPTRAIL_KIND_TOTALS;
	if (parse_u64(f[0], &r->seq) || !r->seq)
		return fail(err, copy, "bad SEQ");
	if (parse_time(f[1], &r->ts_ns))
		return fail(err, copy, "bad TIME");
	if (parse_u64(f[2], &r->netns) || r->netns > UINT32_MAX)
		return fail(err, copy, "bad NETNS");
	if (parse_u64(f[3], &r->conn))
		return fail(err, copy, "bad CONN");
	if (strcmp(f[4], "ipv4") && strcmp(f[4], "ipv6"))
		return fail(err, copy, "bad FAMILY");
	strcpy(r->family, f[4]);
	/* TOTALS: the totals take the addresses' and comm's place. */
	if (totals ? strcmp(f[5], "-") : check_addr(f[4], f[5]))
		return fail(err, copy, "bad SADDR");
	snprintf(r->saddr, sizeof(r->saddr), "%s", f[5]);
	if (parse_u64(f[6], &v) || v > 65535)
		return fail(err, copy, "bad SPORT");
	r->sport = v;
	if (totals ? strcmp(f[7], "-") : check_addr(f[4], f[7]))
		return fail(err, copy, "bad DADDR");
	snprintf(r->daddr, sizeof(r->daddr), "%s", f[7]);
	if (parse_u64(f[8], &v) || v > 65535)
		return fail(err, copy, "bad DPORT");
	r->dport = v;
	r->old_state = tt_state_num(f[9]);
	r->new_state = tt_state_num(f[10]);
	if (r->old_state < 0 || r->new_state < 0)
		return fail(err, copy, "bad state name");
	if (parse_u64(f[11], &v) || v > INT32_MAX)
		return fail(err, copy, "bad TGID");
	r->tgid = v;
	if (parse_u64(f[12], &v) || v > INT32_MAX)
		return fail(err, copy, "bad PID");
	r->pid = v;
	if (!strcmp(f[13], "softirq"))
		r->softirq = 1;
	else if (strcmp(f[13], "task"))
		return fail(err, copy, "bad CTX");
	if (totals ? strcmp(f[14], "-") : unescape_comm(f[14], r->comm, 17))
		return fail(err, copy, "bad COMM");
	if (totals)
		strcpy(r->comm, "-");
	if (parse_u64(f[16], &r->cgroup))
		return fail(err, copy, "bad CGROUP");
	return 0;
}

int tt_events_parse(const char *text, struct tt_events *ev)
{
	char *buf = strdup(text), *line, *next;
	size_t cap = 0;
	uint64_t pending = 0;
	int first = 1, ret = -1;

	memset(ev, 0, sizeof(*ev));
	if (!buf) {
		snprintf(ev->err, sizeof(ev->err), "out of memory");
		return -1;
	}
	if (!*buf || buf[strlen(buf) - 1] != '\n') {
		fail(ev->err, buf, "file not newline-terminated");
		goto out;
	}
	for (line = buf; *line; line = next) {
		char *nl = strchr(line, '\n');

		*nl = '\0';
		next = nl + 1;
		if (first) {
			first = 0;
			if (strcmp(line, TT_EVENTS_HEADER)) {
				fail(ev->err, line, "bad header");
				goto out;
			}
			continue;
		}
		if (line[0] == '#') {
			unsigned long long n;
			int end = 0;

			if (sscanf(line, "# %llu records overwritten before they could be read%n",
				   &n, &end) != 1 || line[end] != '\0' || !n) {
				fail(ev->err, line, "bad comment line");
				goto out;
			}
			pending += n;
			ev->lost_total += n;
			ev->lost_lines++;
			continue;
		}
		if (ev->n == cap) {
			struct tt_rec *nr;

			cap = cap ? cap * 2 : 256;
			nr = realloc(ev->r, cap * sizeof(*nr));
			if (!nr) {
				snprintf(ev->err, sizeof(ev->err), "out of memory");
				goto out;
			}
			ev->r = nr;
		}
		if (parse_record(line, &ev->r[ev->n], ev->err))
			goto out;
		if (ev->n && ev->r[ev->n].seq <= ev->r[ev->n - 1].seq) {
			fail(ev->err, line, "SEQ not increasing");
			goto out;
		}
		ev->r[ev->n].lost_before = pending;
		pending = 0;
		ev->n++;
	}
	if (first) {
		snprintf(ev->err, sizeof(ev->err), "no header");
		goto out;
	}
	ev->trailing_lost = pending;
	ret = 0;
out:
	free(buf);
	if (ret) {
		free(ev->r);
		ev->r = NULL;
		ev->n = 0;
	}
	return ret;
}

int tt_events_read_fd(int fd, struct tt_events *ev)
{
	char *text = tt_read_all_fd(fd);
	int ret;

	if (!text) {
		memset(ev, 0, sizeof(*ev));
		snprintf(ev->err, sizeof(ev->err), "read: %s", strerror(errno));
		return -1;
	}
	ret = tt_events_parse(text, ev);
	free(text);
	return ret;
}

int tt_events_read(struct tt_events *ev)
{
	char *text = tt_read_file(TT_EVENTS_PATH);
	int ret;

	if (!text) {
		memset(ev, 0, sizeof(*ev));
		snprintf(ev->err, sizeof(ev->err), "%s: %s", TT_EVENTS_PATH,
			 strerror(errno));
		return -1;
	}
	ret = tt_events_parse(text, ev);
	free(text);
	return ret;
}

void tt_events_free(struct tt_events *ev)
{
	free(ev->r);
	ev->r = NULL;
	ev->n = 0;
}

void tt_events_drop_upto(struct tt_events *ev, uint64_t seq)
{
	size_t k = 0;

	while (k < ev->n && ev->r[k].seq <= seq)
		k++;
	if (!k)
		return;
	for (size_t i = 0; i < k; i++)
		ev->lost_total -= ev->r[i].lost_before;
	memmove(ev->r, ev->r + k, (ev->n - k) * sizeof(*ev->r));
	ev->n -= k;
	if (ev->n) {
		ev->lost_total -= ev->r[0].lost_before;
		ev->r[0].lost_before = 0;
	}
}

static int kind_match(const struct tt_rec *r, int kind, int reason)
{
	return (kind < 0 || r->kind == kind) && (reason < 0 || r->reason == reason);
}

size_t tt_conn_recs_kind(const struct tt_events *ev, uint64_t conn, int kind,
			 const struct tt_rec **out, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < ev->n; i++) {
		if (ev->r[i].conn != conn || !kind_match(&ev->r[i], kind, -1))
			continue;
		if (k < max)
			out[k] = &ev->r[i];
		k++;
	}
	return k;
}

size_t tt_conn_recs(const struct tt_events *ev, uint64_t conn,
		    const struct tt_rec **out, size_t max)
{
	return tt_conn_recs_kind(ev, conn, TCPTRAIL_KIND_STATE, out, max);
}

const struct tt_rec *tt_find(const struct tt_events *ev, uint64_t conn,
			     int old_state, int new_state)
{
	for (size_t i = 0; i < ev->n; i++)
		if (ev->r[i].conn == conn && ev->r[i].old_state == old_state &&
		    ev->r[i].new_state == new_state &&
		    ev->r[i].kind == TCPTRAIL_KIND_STATE)
			return &ev->r[i];
	return NULL;
}

const struct tt_rec *tt_find_kind(const struct tt_events *ev, uint64_t conn,
				  int kind, int reason)
{
	for (size_t i = 0; i < ev->n; i++)
		if ((!conn || ev->r[i].conn == conn) &&
		    kind_match(&ev->r[i], kind, reason))
			return &ev->r[i];
	return NULL;
}

size_t tt_count(const struct tt_events *ev, uint64_t conn, int kind, int reason)
{
	size_t k = 0;

	for (size_t i = 0; i < ev->n; i++)
		k += (!conn || ev->r[i].conn == conn) &&
		     kind_match(&ev->r[i], kind, reason);
	return k;
}

static const char *conn_str(const struct tt_events *ev, uint64_t conn,
			    int all, char *buf, size_t len)
{
	size_t o = 0;
	char e[32];

	buf[0] = '\0';
	for (size_t i = 0; i < ev->n && o < len; i++) {
		const struct tt_rec *r = &ev->r[i];

		if (r->conn != conn || (!all && r->kind != TCPTRAIL_KIND_STATE))
			continue;
		o += snprintf(buf + o, len - o, "%s%s>%s", o ? " " : "",
			      tt_state_name(r->old_state), tt_state_name(r->new_state));
		if (all && o < len && r->kind != TCPTRAIL_KIND_STATE)
			o += snprintf(buf + o, len - o, "/%s",
				      tt_event_name(r, e, sizeof(e)));
	}
	if (!o)
		snprintf(buf, len, "(none)");
	return buf;
}

const char *tt_conn_str(const struct tt_events *ev, uint64_t conn,
			char *buf, size_t len)
{
	return conn_str(ev, conn, 0, buf, len);
}

const char *tt_conn_str_all(const struct tt_events *ev, uint64_t conn,
			    char *buf, size_t len)
{
	return conn_str(ev, conn, 1, buf, len);
}

int tt_stats_parse(const char *text, struct tt_stats *st)
{
	static const char *const keys[] = {
		"ring_size", "record_size", "written", "overwritten", "netns_written",
	};
	uint64_t *vals[] = {
		&st->ring_size, &st->record_size, &st->written, &st->overwritten,
		&st->netns_written,
	};
	char *buf = strdup(text), *line, *next;
	int ret = -1;

	memset(st, 0, sizeof(*st));
	if (!buf)
		return -1;
	for (line = buf; *line; line = next) {
		char *nl = strchr(line, '\n'), a[64], b[64], c[64], extra[2];
		uint64_t v;
		int n;

		if (!nl) {
			fail(st->err, line, "unterminated line");
			goto out;
		}
		*nl = '\0';
		next = nl + 1;
		n = sscanf(line, "%63s %63s %63s %1s", a, b, c, extra);
		if (n >= 3 && !strcmp(a, "feature")) {
			int on = !strcmp(c, "on");

			if ((!on && strcmp(c, "off")) || (on && n != 3) ||
			    strlen(b) >= sizeof(st->feature[0].name) ||
			    st->nfeatures == 16) {
				fail(st->err, line, "bad feature line");
				goto out;
			}
			strcpy(st->feature[st->nfeatures].name, b);
			st->feature[st->nfeatures++].on = on;
		} else if (n == 2) {
			size_t k;

			for (k = 0; k < 5; k++)
				if (!strcmp(a, keys[k]))
					break;
			if (k == 5)
				continue;	/* unknown extra key: tolerated */
			if (parse_u64(b, &v) || (st->have & (1 << k))) {
				fail(st->err, line, "bad or repeated value");
				goto out;
			}
			*vals[k] = v;
			st->have |= 1 << k;
		} else if (n == 3 && !strcmp(a, "rst_reason")) {
			continue;	/* the kernel's names, checked over netlink */
		} else if (n == 3 && !strcmp(a, "state")) {
			int s = tt_state_num(b);

			if (s < 0 || parse_u64(c, &v) || st->have_state[s]) {
				fail(st->err, line, "bad state line");
				goto out;
			}
			st->state[s] = v;
			st->have_state[s] = 1;
		} else {
			fail(st->err, line, "malformed line");
			goto out;
		}
	}
	if (st->have != 0x1f) {
		snprintf(st->err, sizeof(st->err), "missing fields (mask %#x)", st->have);
		goto out;
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

int tt_stats_feature_on(const struct tt_stats *st, const char *name)
{
	int i;

	for (i = 0; i < st->nfeatures; i++)
		if (!strcmp(st->feature[i].name, name))
			return st->feature[i].on;
	return -1;
}

int tt_stats_read(struct tt_stats *st)
{
	char *text = tt_read_file(TT_STATS_PATH);
	int ret;

	if (!text) {
		memset(st, 0, sizeof(*st));
		snprintf(st->err, sizeof(st->err), "%s: %s", TT_STATS_PATH,
			 strerror(errno));
		return -1;
	}
	ret = tt_stats_parse(text, st);
	free(text);
	return ret;
}
