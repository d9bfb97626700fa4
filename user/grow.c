// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "grow.h"

void *tt_grow(void *v, size_t *cap, size_t nr, size_t size, size_t first)
{
	size_t more;

	if (nr < *cap)
		return v;
	more = *cap ? 2 * *cap : first;
	v = realloc(v, more * size);
	if (v)
		*cap = more;
	return v;
}
