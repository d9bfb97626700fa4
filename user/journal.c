// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>

#include "cgroup.h"
#include "format.h"
#include "journal.h"
#include "stats.h"

#define JOURNAL_IDENTIFIER	"SYSLOG_IDENTIFIER=tcptrail"

#ifdef TT_HAVE_JOURNAL
#include <systemd/sd-journal.h>

/* The fields of one entry, built in place: no allocation. */
#define JOURNAL_MAX_FIELDS	32
#define JOURNAL_FIELD_LEN	512	/* a cgroup path's */

struct entry {
	struct iovec iov[JOURNAL_MAX_FIELDS];
	char text[JOURNAL_MAX_FIELDS][JOURNAL_FIELD_LEN];
	int n;
};

static void field(struct entry *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void field(struct entry *e, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (e->n == JOURNAL_MAX_FIELDS)
		return;
	va_start(ap, fmt);
	len = vsnprintf(e->text[e->n], JOURNAL_FIELD_LEN, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if (len >= JOURNAL_FIELD_LEN)
		len = JOURNAL_FIELD_LEN - 1;
	e->iov[e->n].iov_base = e->text[e->n];
	e->iov[e->n].iov_len = len;
	e->n++;
}

static void endpoints(struct entry *e, unsigned int family,
		      const uint8_t *saddr, uint16_t sport,
		      const uint8_t *daddr, uint16_t dport)
{
	char name[TT_STATE_NAME_LEN];

	field(e, "TCPTRAIL_FAMILY=%s", tt_family_name(family, name));
	if (saddr) {
		char addr[TT_ENDPOINT_LEN];

		tt_format_addr(family, saddr, addr, sizeof(addr));
		field(e, "TCPTRAIL_SADDR=%s", addr);
		tt_format_addr(family, daddr, addr, sizeof(addr));
		field(e, "TCPTRAIL_DADDR=%s", addr);
	}
	field(e, "TCPTRAIL_SPORT=%u", sport);
	field(e, "TCPTRAIL_DPORT=%u", dport);
}

/* The socket's cgroup, and the unit, container or pod it tells of. */
static void cgroup(struct entry *e, uint64_t id)
{
	const struct tt_cgroup *cg;

	if (!id)
		return;
	cg = tt_cgroup_of(id);
	field(e, "TCPTRAIL_CGROUP_ID=%" PRIu64, id);
	if (cg->path)
		field(e, "TCPTRAIL_CGROUP=%s", cg->path);
	if (cg->workload.unit[0])
		field(e, "TCPTRAIL_UNIT=%s", cg->workload.unit);
	if (cg->workload.container[0])
		field(e, "TCPTRAIL_CONTAINER=%s", cg->workload.container);
	if (cg->workload.pod_uid[0])
		field(e, "TCPTRAIL_POD_UID=%s", cg->workload.pod_uid);
}

bool tt_journal_available(void)
{
	return true;
}

int tt_journal_record(const struct tcptrail_record *rec, const struct conn *c,
		      const char *line, size_t len)
{
	static struct entry e;
	char name[TT_STATE_NAME_LEN], comm[TT_COMM_LEN];
	const char *reason;
	struct iovec message;
	int err;

	e.n = 0;
	field(&e, JOURNAL_IDENTIFIER);
	field(&e, "PRIORITY=%d", LOG_INFO);
	field(&e, "TCPTRAIL_SEQ=%" PRIu64, (uint64_t)rec->seq);
	field(&e, "TCPTRAIL_NETNS_SEQ=%" PRIu64, (uint64_t)rec->netns_seq);
	field(&e, "TCPTRAIL_TS_NS=%" PRIu64, (uint64_t)rec->ts_ns);
	field(&e, "TCPTRAIL_NETNS=%" PRIu64, (uint64_t)rec->netns);
	field(&e, "TCPTRAIL_CONN=%" PRIu64, (uint64_t)rec->conn);
	field(&e, "TCPTRAIL_KIND=%s", tt_kind_name(rec->kind, name));
	field(&e, "TCPTRAIL_OLD_STATE=%s", tt_state_name(rec->old_state, name));
	field(&e, "TCPTRAIL_STATE=%s", tt_state_name(rec->new_state, name));
	reason = tt_reason_name(rec->reason, name);
	if (reason)
		field(&e, "TCPTRAIL_REASON=%s", reason);
	/* TOTALS records carry no addresses: their connection's. */
	if (rec->kind != TCPTRAIL_KIND_TOTALS)
		endpoints(&e, rec->family, rec->saddr, rec->sport, rec->daddr,
			  rec->dport);
	else if (c && c->has_endpoints)
		endpoints(&e, c->family, c->saddr, c->sport, c->daddr,
			  c->dport);
	field(&e, "TCPTRAIL_CTX=%s",
	      rec->flags & TCPTRAIL_F_SOFTIRQ ? "softirq" : "task");
	if (!(rec->flags & TCPTRAIL_F_SOFTIRQ) &&
	    rec->kind != TCPTRAIL_KIND_TOTALS) {
		tt_format_comm(rec->comm, sizeof(rec->comm), comm);
		field(&e, "TCPTRAIL_PID=%" PRIu32, (uint32_t)rec->tgid);
		field(&e, "TCPTRAIL_COMM=%s", comm);
	}
	if (rec->kind == TCPTRAIL_KIND_RESET && tt_rst_reason_name(rec->detail))
		field(&e, "TCPTRAIL_RST_REASON=%s", tt_rst_reason_name(rec->detail));
	if (rec->kind == TCPTRAIL_KIND_STATE && rec->detail)
		field(&e, "TCPTRAIL_ERROR=%s", strerrorname_np(rec->detail));
	cgroup(&e, rec->cgroup ? rec->cgroup : c ? c->cgroup : 0);
	if (c && c->has_owner) {
		tt_format_comm(c->comm, sizeof(c->comm), comm);
		field(&e, "TCPTRAIL_OWNER_PID=%" PRIu32, c->pid);
		field(&e, "TCPTRAIL_OWNER_COMM=%s", comm);
	}
	/* MESSAGE is the JSON line, whatever its length. */
	if (e.n < JOURNAL_MAX_FIELDS) {
		static char prefix[] = "MESSAGE=";
		static char buf[8 + 8192];

		if (len > sizeof(buf) - sizeof(prefix) + 1)
			len = sizeof(buf) - sizeof(prefix) + 1;
		memcpy(buf, prefix, sizeof(prefix) - 1);
		memcpy(buf + sizeof(prefix) - 1, line, len);
		message.iov_base = buf;
		message.iov_len = sizeof(prefix) - 1 + len;
		e.iov[e.n++] = message;
	}
	err = sd_journal_sendv(e.iov, e.n);
	return err < 0 ? err : 0;
}

int tt_journal_missed(uint64_t n)
{
	int err = sd_journal_send(JOURNAL_IDENTIFIER,
				  "PRIORITY=%d", LOG_WARNING,
				  "TCPTRAIL_MISSED=%" PRIu64, n,
				  "MESSAGE=tcptrail: %" PRIu64 " records were "
				  "overwritten before tcptrail record could "
				  "read them", n,
				  NULL);

	return err < 0 ? err : 0;
}

#else	/* !TT_HAVE_JOURNAL */

bool tt_journal_available(void)
{
	return false;
}

int tt_journal_record(const struct tcptrail_record *rec, const struct conn *c,
		      const char *line, size_t len)
{
	(void)rec;
	(void)c;
	(void)line;
	(void)len;
	return -EOPNOTSUPP;
}

int tt_journal_missed(uint64_t n)
{
	(void)n;
	return -EOPNOTSUPP;
}

#endif
