/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output built in memory and written with one write() per batch, and the
 * pieces it is built from, without stdio or printf: a line of a record is
 * some thirty fields, and a call into stdio for each would cost more than
 * the record itself. The caller asks for room once per line (an upper
 * bound of what it writes), then writes through a plain pointer.
 */
#ifndef TCPTRAIL_LINEBUF_H
#define TCPTRAIL_LINEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct tt_linebuf {
	char *buf;
	size_t len, cap;
	int fd;
};

/* Batches are written once they hold this much. */
#define TT_LINEBUF_BATCH	(64 * 1024)

void tt_linebuf_init(struct tt_linebuf *b, int fd);
void tt_linebuf_free(struct tt_linebuf *b);

/* Room for n more bytes: where to write them, NULL when out of memory. */
char *tt_linebuf_room(struct tt_linebuf *b, size_t n);

/* What was written up to end (within the room asked for) is kept. */
static inline void tt_linebuf_commit(struct tt_linebuf *b, const char *end)
{
	b->len = (size_t)(end - b->buf);
}

/*
 * Write out what is held (stdout's stdio buffer first, so nothing goes
 * out of order). 0, or -errno, said on stderr unless it is -EPIPE.
 */
int tt_linebuf_flush(struct tt_linebuf *b);

/* ... only once a batch is full. */
static inline int tt_linebuf_batch(struct tt_linebuf *b)
{
	return b->len >= TT_LINEBUF_BATCH ? tt_linebuf_flush(b) : 0;
}

/* The pieces: each writes at p and returns the end. */

/* A string literal. */
#define TT_PUT_LIT(p, s)	(memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

static inline char *tt_put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/* "s": for the program's own names (states, kinds, ...), plain ASCII. */
static inline char *tt_put_name(char *p, const char *s)
{
	*p++ = '"';
	p = tt_put_str(p, s);
	*p++ = '"';
	return p;
}

/* Decimal, at most 20 bytes. */
char *tt_put_u64(char *p, uint64_t v);

/* ... or null when !known. */
static inline char *tt_put_u64_or_null(char *p, bool known, uint64_t v)
{
	return known ? tt_put_u64(p, v) : TT_PUT_LIT(p, "null");
}

/*
 * A number that repeats from line to line (a namespace, a pid): its digits
 * kept with it. Writes up to 20 bytes at p whatever its length.
 */
struct tt_u64_memo {
	uint64_t v;
	unsigned int len;	/* 0: nothing kept yet */
	char s[20];
};

static inline char *tt_put_u64_memo(char *p, struct tt_u64_memo *m,
				    uint64_t v)
{
	if (!m->len || m->v != v) {
		m->len = (unsigned int)(tt_put_u64(m->s, v) - m->s);
		m->v = v;
	}
	memcpy(p, m->s, sizeof(m->s));
	return p + m->len;
}

/*
 * Numbers that come back line after line in no set order (ports,
 * connection ids): their digits kept by value, in a small direct-mapped
 * cache. Writes up to 20 bytes at p whatever the length.
 */
#define TT_U64_CACHE_SIZE	256

struct tt_u64_cache {
	struct tt_u64_memo kept[TT_U64_CACHE_SIZE];
};

static inline char *tt_put_u64_cached(char *p, struct tt_u64_cache *c,
				      uint64_t v)
{
	/* Fibonacci hashing: the top byte of v times 2^64 / phi. */
	unsigned int i = (unsigned int)((v * 0x9e3779b97f4a7c15ULL) >> 56);

	return tt_put_u64_memo(p, &c->kept[i], v);
}

/*
 * A number that mostly goes up by one from line to line (a sequence
 * number): its digits kept and counted up in place. Writes up to 20 bytes
 * at p whatever its length.
 */
static inline char *tt_put_u64_counted(char *p, struct tt_u64_memo *m,
				       uint64_t v)
{
	int i = (int)m->len - 1;

	if (m->len && v == m->v + 1) {
		while (i >= 0 && m->s[i] == '9')
			m->s[i--] = '0';
		if (i >= 0)
			m->s[i]++;
		else	/* 99 + 1: one digit more */
			m->len = 0;
	} else if (v != m->v) {
		m->len = 0;
	}
	if (!m->len)
		m->len = (unsigned int)(tt_put_u64(m->s, v) - m->s);
	m->v = v;
	memcpy(p, m->s, sizeof(m->s));
	return p + m->len;
}

/*
 * A large number whose leading digits repeat from line to line (a clock in
 * nanoseconds): all but its last eight digits kept with it. Writes up to 20
 * bytes at p whatever its length.
 */
struct tt_u64_lead_memo {
	uint64_t lead;		/* the number / 10^8 */
	unsigned int len;	/* 0: nothing kept yet */
	char s[12];
};

char *tt_put_u64_lead_memo(char *p, struct tt_u64_lead_memo *m, uint64_t v);

/* As tt_format_addr(): a dotted quad for anything but AF_INET6, and
 * inet_ntop()'s IPv6 spelling. At most INET6_ADDRSTRLEN - 1 bytes.
 */
char *tt_put_addr(char *p, unsigned int family, const uint8_t *addr);

/* As tt_format_endpoint(): "1.2.3.4:80", "[::1]:80". */
char *tt_put_endpoint(char *p, unsigned int family, const uint8_t *addr,
		      uint16_t port);
#define TT_PUT_ENDPOINT_MAX	(46 + 8)

#endif
