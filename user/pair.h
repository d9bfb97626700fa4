/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two ends of one conversation: two connections on this host whose
 * 4-tuples mirror each other (in the same network namespace, or in two
 * joined by a veth pair) and whose lives overlap. A connection whose peer
 * is remote, or was not recorded, has none.
 */
#ifndef TCPTRAIL_PAIR_H
#define TCPTRAIL_PAIR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "conn.h"
#include "lifecycle.h"

/* The connections of a table, findable by their 4-tuple. */
struct pair_index;

/* NULL: out of memory. The index holds pointers into t: rebuild it after
 * the table changed.
 */
struct pair_index *pair_index_build(const struct conn_table *t);
void pair_index_free(struct pair_index *idx);

/* c's other end on the table, NULL if none: of the connections that
 * mirror c, the one whose life overlaps c's the longest (a 4-tuple used
 * again right after TIME_WAIT overlaps its old peer only briefly).
 */
struct conn *pair_find(const struct pair_index *idx, const struct conn *c);

/* Every connection on t whose other end is on t too learns it (conn.peer),
 * and keeps it after that end is dropped. 0 or -ENOMEM.
 */
int pair_table(struct conn_table *t);

/* "client conn 2 ⇄ server conn 4097", c (of role) on its side. */
void pair_print(FILE *out, const struct conn *c, enum conn_role role);

/* From c's first record to its last (UINT64_MAX: still open). */
uint64_t pair_life_start(const struct conn *c);
uint64_t pair_life_end(const struct conn *c);

#endif
