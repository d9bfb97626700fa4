// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linebuf.h"

void tt_linebuf_init(struct tt_linebuf *b, int fd)
{
	memset(b, 0, sizeof(*b));
	b->fd = fd;
}

void tt_linebuf_free(struct tt_linebuf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}

char *tt_linebuf_room(struct tt_linebuf *b, size_t n)
{
	if (b->cap - b->len < n) {
		size_t cap = b->cap ? b->cap : 2 * TT_LINEBUF_BATCH;
		char *buf;

		while (cap - b->len < n)
			cap *= 2;
		buf = realloc(b->buf, cap);
		if (!buf)
			return NULL;
		b->buf = buf;
		b->cap = cap;
	}
	return b->buf + b->len;
}

int tt_linebuf_flush(struct tt_linebuf *b)
{
	size_t done = 0;
	int err = 0;

	if (!b->len)
		return 0;
	/* Anything stdio holds for the same file goes first. */
	if (b->fd == STDOUT_FILENO)
		fflush(stdout);
	while (done < b->len) {
		ssize_t n = write(b->fd, b->buf + done, b->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		done += (size_t)n;
	}
	b->len = 0;
	if (err && err != -EPIPE)
		fprintf(stderr, "tcptrail: cannot write the output: %s\n",
			strerror(-err));
	return err;
}

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static const uint64_t powers_of_10[20] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
	10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
	100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL,
	10000000000000000000ULL,
};

char *tt_put_u64(char *p, uint64_t v)
{
	unsigned int n;
	char *end;

	if (v < 10) {
		*p = (char)('0' + v);
		return p + 1;
	}
	/* Digits: log10 from the bit length (1233 / 4096 ~ log10(2)). */
	n = (unsigned int)(64 - __builtin_clzll(v)) * 1233 >> 12;
	n += v >= powers_of_10[n];
	end = p + n;
	p = end;
	while (v >= 100) {
		unsigned int r = (unsigned int)(v % 100);

		v /= 100;
		p -= 2;
		memcpy(p, digit_pairs + 2 * r, 2);
	}
	if (v >= 10)
		memcpy(p - 2, digit_pairs + 2 * v, 2);
	else
		p[-1] = (char)('0' + v);
	return end;
}

char *tt_put_u64_lead_memo(char *p, struct tt_u64_lead_memo *m, uint64_t v)
{
	uint64_t lead = v / 100000000;
	uint32_t last = (uint32_t)(v % 100000000);
	int i;

	if (!lead)
		return tt_put_u64(p, v);
	if (!m->len || m->lead != lead) {
		m->len = (unsigned int)(tt_put_u64(m->s, lead) - m->s);
		m->lead = lead;
	}
	memcpy(p, m->s, sizeof(m->s));
	p += m->len;
	for (i = 6; i >= 0; i -= 2) {
		memcpy(p + i, digit_pairs + 2 * (last % 100), 2);
		last /= 100;
	}
	return p + 8;
}

static char *put_ipv4(char *p, const uint8_t *addr)
{
	int i;

	for (i = 0; i < 4; i++) {
		unsigned int b = addr[i];

		if (i)
			*p++ = '.';
		if (b >= 100)
			*p++ = (char)('0' + b / 100);
		if (b >= 10)
			*p++ = (char)('0' + b / 10 % 10);
		*p++ = (char)('0' + b % 10);
	}
	return p;
}

/* glibc's inet_ntop() for AF_INET6 (BIND's inet_ntop6), without sprintf. */
static char *put_ipv6(char *p, const uint8_t *addr)
{
	int best_base = -1, best_len = 0, cur_base = -1, cur_len = 0, i;
	unsigned int words[8];

	for (i = 0; i < 8; i++)
		words[i] = (unsigned int)addr[2 * i] << 8 | addr[2 * i + 1];
	for (i = 0; i < 8; i++) {
		if (!words[i]) {
			if (cur_base == -1) {
				cur_base = i;
				cur_len = 1;
			} else {
				cur_len++;
			}
		} else if (cur_base != -1) {
			if (best_base == -1 || cur_len > best_len) {
				best_base = cur_base;
				best_len = cur_len;
			}
			cur_base = -1;
		}
	}
	if (cur_base != -1 && (best_base == -1 || cur_len > best_len)) {
		best_base = cur_base;
		best_len = cur_len;
	}
	if (best_base != -1 && best_len < 2)
		best_base = -1;
	for (i = 0; i < 8; i++) {
		unsigned int w = words[i], shift;
		bool started = false;

		if (best_base != -1 && i >= best_base && i < best_base + best_len) {
			if (i == best_base)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		/* An IPv4-compatible or -mapped address ends in a dotted quad. */
		if (i == 6 && best_base == 0 &&
		    (best_len == 6 || (best_len == 5 && words[5] == 0xffff)))
			return put_ipv4(p, addr + 12);
		for (shift = 12; shift; shift -= 4) {
			unsigned int nibble = w >> shift & 15;

			if (nibble || started) {
				*p++ = "0123456789abcdef"[nibble];
				started = true;
			}
		}
		*p++ = "0123456789abcdef"[w & 15];
	}
	if (best_base != -1 && best_base + best_len == 8)
		*p++ = ':';
	return p;
}

/*
 * The records of a connection name the same two addresses over and over:
 * the last few IPv6 spellings are kept.
 */
#define V6_CACHE	4

static struct {
	uint8_t addr[16];
	uint8_t len;
	char text[INET6_ADDRSTRLEN];
} v6_cache[V6_CACHE];
static unsigned int v6_next;

static char *put_ipv6_cached(char *p, const uint8_t *addr)
{
	unsigned int i;
	char *end;

	for (i = 0; i < V6_CACHE; i++) {
		if (v6_cache[i].len && !memcmp(v6_cache[i].addr, addr, 16)) {
			memcpy(p, v6_cache[i].text, v6_cache[i].len);
			return p + v6_cache[i].len;
		}
	}
	end = put_ipv6(p, addr);
	i = v6_next++ % V6_CACHE;
	memcpy(v6_cache[i].addr, addr, 16);
	v6_cache[i].len = (uint8_t)(end - p);
	memcpy(v6_cache[i].text, p, v6_cache[i].len);
	return end;
}

/* ... and the last few dotted quads. */
#define V4_CACHE	4

static struct {
	uint32_t addr;
	uint8_t len;
	char text[INET_ADDRSTRLEN];
} v4_cache[V4_CACHE];
static unsigned int v4_next;

static char *put_ipv4_cached(char *p, const uint8_t *addr)
{
	uint32_t a;
	unsigned int i;
	char *end;

	memcpy(&a, addr, sizeof(a));
	for (i = 0; i < V4_CACHE; i++) {
		if (v4_cache[i].len && v4_cache[i].addr == a) {
			memcpy(p, v4_cache[i].text, sizeof(v4_cache[i].text));
			return p + v4_cache[i].len;
		}
	}
	end = put_ipv4(p, addr);
	i = v4_next++ % V4_CACHE;
	v4_cache[i].addr = a;
	v4_cache[i].len = (uint8_t)(end - p);
	memcpy(v4_cache[i].text, p, v4_cache[i].len);
	return end;
}

char *tt_put_addr(char *p, unsigned int family, const uint8_t *addr)
{
	return family == AF_INET6 ? put_ipv6_cached(p, addr) :
	       put_ipv4_cached(p, addr);
}

char *tt_put_endpoint(char *p, unsigned int family, const uint8_t *addr,
		      uint16_t port)
{
	if (family == AF_INET6) {
		*p++ = '[';
		p = put_ipv6_cached(p, addr);
		*p++ = ']';
	} else {
		p = put_ipv4_cached(p, addr);
	}
	*p++ = ':';
	return tt_put_u64(p, port);
}
