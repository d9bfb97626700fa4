// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "format.h"
#include "pair.h"

struct pair_entry {
	uint64_t key;		/* tuple_key() of the connection's own tuple */
	struct conn *conn;
};

struct pair_index {
	struct pair_entry *entries;	/* sorted by key */
	size_t nr;
};

static size_t addr_len(uint16_t family)
{
	return family == AF_INET6 ? 16 : 4;
}

/* FNV-1a over family, local then remote address and port. */
static uint64_t tuple_key(uint16_t family, const uint8_t *laddr,
			  uint16_t lport, const uint8_t *raddr, uint16_t rport)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	uint8_t bytes[2 + 16 + 2 + 16 + 2];
	size_t n = 0, i, len = addr_len(family);

	memcpy(bytes + n, &family, 2), n += 2;
	memcpy(bytes + n, laddr, len), n += len;
	memcpy(bytes + n, &lport, 2), n += 2;
	memcpy(bytes + n, raddr, len), n += len;
	memcpy(bytes + n, &rport, 2), n += 2;
	for (i = 0; i < n; i++) {
		h ^= bytes[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * The connection's tuple_key() and that of its mirror image (its peer's
 * own), hashed once while its endpoints stay (conn.c clears pair_keys
 * where they change): pairing runs over the whole table every dump. The
 * cache is the table's memory, written through a const pointer.
 */
static void pair_keys(const struct conn *c, uint64_t *key, uint64_t *rkey)
{
	struct conn *w = (struct conn *)c;

	if (!c->pair_keys) {
		w->pair_key = tuple_key(c->family, c->saddr, c->sport,
					c->daddr, c->dport);
		w->pair_rkey = tuple_key(c->family, c->daddr, c->dport,
					 c->saddr, c->sport);
		w->pair_keys = true;
	}
	if (key)
		*key = c->pair_key;
	if (rkey)
		*rkey = c->pair_rkey;
}

static int compare_entries(const void *a, const void *b)
{
	const struct pair_entry *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* A connection with both ports known can have a peer; a listener cannot. */
static bool pairable(const struct conn *c)
{
	return c->has_endpoints && c->sport && c->dport && c->nr_states;
}

struct pair_index *pair_index_build(const struct conn_table *t)
{
	struct pair_index *idx = calloc(1, sizeof(*idx));
	struct conn *c;

	if (!idx)
		return NULL;
	idx->entries = calloc(t->count ? t->count : 1, sizeof(*idx->entries));
	if (!idx->entries) {
		free(idx);
		return NULL;
	}
	for (c = t->oldest; c; c = c->newer) {
		if (!pairable(c))
			continue;
		pair_keys(c, &idx->entries[idx->nr].key, NULL);
		idx->entries[idx->nr++].conn = c;
	}
	qsort(idx->entries, idx->nr, sizeof(*idx->entries), compare_entries);
	return idx;
}

void pair_index_free(struct pair_index *idx)
{
	if (!idx)
		return;
	free(idx->entries);
	free(idx);
}

uint64_t pair_life_start(const struct conn *c)
{
	return c->states[0].enter_ns;
}

uint64_t pair_life_end(const struct conn *c)
{
	if (c->phase == CONN_OPEN || c->phase == CONN_TIME_WAIT)
		return UINT64_MAX;
	return c->states[c->nr_states - 1].enter_ns;
}

static bool is_loopback(uint16_t family, const uint8_t *addr)
{
	static const uint8_t v6_loopback[16] = { [15] = 1 };

	if (family == AF_INET)
		return addr[0] == 127;
	return memcmp(addr, v6_loopback, sizeof(v6_loopback)) == 0;
}

static bool mirrors(const struct conn *a, const struct conn *b)
{
	size_t len = addr_len(a->family);

	return a->family == b->family && a->sport == b->dport &&
	       a->dport == b->sport && !memcmp(a->saddr, b->daddr, len) &&
	       !memcmp(a->daddr, b->saddr, len) &&
	       /* Loopback never leaves its network namespace. */
	       (a->netns == b->netns || !is_loopback(a->family, a->saddr));
}

/*
 * A listener's child is born from its client's handshake: not before the
 * client's SYN. (A 4-tuple used again while the old server end waits in
 * TIME_WAIT mirrors both the old and the new server end.)
 */
static bool born_in_order(const struct conn *client, const struct conn *server)
{
	bool is_client = client->first_old_state == TCP_CLOSE &&
			 client->states[0].state == TCP_SYN_SENT;
	bool is_server = server->first_old_state == TCP_LISTEN &&
			 server->states[0].state == TCP_SYN_RECV;

	return !is_client || !is_server ||
	       pair_life_start(server) >= pair_life_start(client);
}

/* How long a and b were both alive; 0 if never at once. */
static uint64_t overlap(const struct conn *a, const struct conn *b)
{
	uint64_t start = pair_life_start(a), end = pair_life_end(a);

	if (pair_life_start(b) > start)
		start = pair_life_start(b);
	if (pair_life_end(b) < end)
		end = pair_life_end(b);
	/* Ends at the same instant still meet: +1. */
	return end >= start ? end - start + 1 : 0;
}

/* other, a connection under c's mirror key: the best so far? */
static void consider(const struct conn *c, struct conn *other,
		     struct conn **best, uint64_t *best_overlap)
{
	uint64_t o;

	if (other == c || !mirrors(c, other) ||
	    !born_in_order(c, other) || !born_in_order(other, c))
		return;
	o = overlap(c, other);
	if (o > *best_overlap) {
		*best_overlap = o;
		*best = other;
	}
}

struct conn *pair_find(const struct pair_index *idx, const struct conn *c)
{
	uint64_t key, best_overlap = 0;
	struct conn *best = NULL;
	size_t lo = 0, hi = idx->nr;

	if (!pairable(c))
		return NULL;
	pair_keys(c, NULL, &key);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (idx->entries[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < idx->nr && idx->entries[lo].key == key; lo++)
		consider(c, idx->entries[lo].conn, &best, &best_overlap);
	return best;
}

/*
 * pair_table() runs after every dump over the whole table: a hash of the
 * pairable connections by key, chains in table order (as the sorted index
 * has them: its sort is stable), in arrays kept from one call to the next.
 */
struct pair_hash_entry {
	uint64_t key;
	struct conn *conn;
	uint32_t next;		/* index + 1 in entries; 0 ends the chain */
};

static struct {
	uint32_t *heads;	/* index + 1 of a chain's first entry */
	struct pair_hash_entry *entries;
	size_t heads_cap, entries_cap;
} hash;

static int hash_build(const struct conn_table *t, uint32_t *mask)
{
	size_t n = t->count ? t->count : 1, heads = 16, nr = 0;
	struct conn *c;

	while (heads < 2 * n)
		heads *= 2;
	if (heads > hash.heads_cap) {
		uint32_t *h = realloc(hash.heads, heads * sizeof(*h));

		if (!h)
			return -ENOMEM;
		hash.heads = h;
		hash.heads_cap = heads;
	}
	if (n > hash.entries_cap) {
		struct pair_hash_entry *e = realloc(hash.entries, n * sizeof(*e));

		if (!e)
			return -ENOMEM;
		hash.entries = e;
		hash.entries_cap = n;
	}
	memset(hash.heads, 0, heads * sizeof(*hash.heads));
	*mask = (uint32_t)(heads - 1);
	/* Newest first, each to the front: chains end up oldest first. */
	for (c = t->newest; c; c = c->older) {
		struct pair_hash_entry *e;
		uint32_t *head;

		if (!pairable(c))
			continue;
		e = &hash.entries[nr++];
		pair_keys(c, &e->key, NULL);
		e->conn = c;
		head = &hash.heads[e->key & *mask];
		e->next = *head;
		*head = (uint32_t)nr;
	}
	return 0;
}

int pair_table(struct conn_table *t)
{
	struct conn *c;
	uint32_t mask;

	if (hash_build(t, &mask))
		return -ENOMEM;
	for (c = t->oldest; c; c = c->newer) {
		uint64_t rkey, best_overlap = 0;
		struct conn *best = NULL;
		uint32_t i;

		if (!pairable(c))
			continue;
		pair_keys(c, NULL, &rkey);
		for (i = hash.heads[rkey & mask]; i; i = hash.entries[i - 1].next)
			if (hash.entries[i - 1].key == rkey)
				consider(c, hash.entries[i - 1].conn, &best,
					 &best_overlap);
		if (best)
			c->peer = best->id;
	}
	return 0;
}

/* The other end's role: the side that did not open, or a client too
 * (simultaneous open: both connect()ed).
 */
static enum conn_role peer_role(enum conn_role role)
{
	return role == CONN_ROLE_CLIENT ? CONN_ROLE_SERVER : CONN_ROLE_CLIENT;
}

void pair_print(FILE *out, const struct conn *c, enum conn_role role)
{
	const char *arrows = tt_utf8_output() ? "\u21c4" : "<->";
	uint64_t ids[2] = { c->id, c->peer };
	enum conn_role roles[2] = { role, peer_role(role) };
	int first = role == CONN_ROLE_SERVER;

	fprintf(out, "%s conn %" PRIu64 " %s %s conn %" PRIu64,
		conn_role_name(roles[first]), ids[first], arrows,
		conn_role_name(roles[!first]), ids[!first]);
}
