/* SPDX-License-Identifier: GPL-2.0 */
/* Arrays that grow by doubling, as the tool's tables do. */
#ifndef TCPTRAIL_GROW_H
#define TCPTRAIL_GROW_H

#include <stddef.h>

/*
 * Room for element @nr of array @v (*@cap elements of @size bytes): @v
 * itself while it has room, else @v reallocated to twice its capacity
 * (@first for an empty one), *@cap updated. NULL: out of memory, @v and
 * *@cap as they were.
 */
void *tt_grow(void *v, size_t *cap, size_t nr, size_t size, size_t first);

#endif
