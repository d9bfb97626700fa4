/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny streaming JSON writer: one value (usually an object) per line.
 * Commas, colons and string escaping are its business, not the caller's.
 */
#ifndef TCPTRAIL_JSON_H
#define TCPTRAIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	8

struct json_writer {
	FILE *out;
	unsigned int depth;
	bool need_comma[JSON_MAX_DEPTH];	/* a value was written at this depth */
	bool after_key;				/* the next value belongs to a key */
	size_t len;				/* bytes in buf */
	char buf[4096];				/* the line being built */
};

void json_init(struct json_writer *w, FILE *out);

/* Containers. Closing the outermost one ends the line. */
void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);

void json_key(struct json_writer *w, const char *key);

/* Values. json_string_n() stops at @max bytes or the first NUL. */
void json_string(struct json_writer *w, const char *s);
void json_string_n(struct json_writer *w, const char *s, size_t max);
void json_u64(struct json_writer *w, uint64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* key + value in one call, for the common flat objects. */
void json_kv_string(struct json_writer *w, const char *key, const char *s);
void json_kv_u64(struct json_writer *w, const char *key, uint64_t v);
void json_kv_bool(struct json_writer *w, const char *key, bool v);
void json_kv_null(struct json_writer *w, const char *key);
/* ... or null: when !known, when s is NULL. */
void json_kv_u64_or_null(struct json_writer *w, const char *key, bool known,
			 uint64_t v);
void json_kv_string_or_null(struct json_writer *w, const char *key,
			    const char *s);

/*
 * json_string_n()'s "..." at p, for lines built by hand (linebuf.h): at
 * most 2 + 6 * strnlen(s, max) bytes. Returns the end.
 */
char *tt_put_json_string(char *p, const char *s, size_t max);

/*
 * Strings that repeat from line to line (comms: a process's, and in
 * softirq the interrupted task's): the JSON of the last two kept with the
 * bytes they were made from. s is a buffer of max bytes, NUL-terminated
 * within them or not; kept only for max == TT_JSON_MEMO_MAX.
 */
#define TT_JSON_MEMO_MAX	16

struct tt_json_memo {
	struct {
		char raw[TT_JSON_MEMO_MAX];
		unsigned int len;	/* 0: nothing kept yet */
		char s[2 + 6 * TT_JSON_MEMO_MAX];
	} kept[2];
	unsigned int older;	/* the one to replace */
};

char *tt_put_json_string_memo(char *p, struct tt_json_memo *m, const char *s,
			      size_t max);

/* ... as a line built by hand (linebuf.h): 0, or -errno said on stderr. */
struct tt_linebuf;
int tt_put_missed_line(struct tt_linebuf *b, uint64_t n);

/* {"missed": N}: records lost before the next line. */
void json_missed_line(struct json_writer *w, uint64_t n);

#endif
