// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "linebuf.h"

void json_init(struct json_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

/*
 * Output is built in w->buf and handed to stdio a whole line at a time:
 * a JSON line is made of many small pieces, and stdio's per-call cost
 * would dwarf them.
 */
static void json_flush(struct json_writer *w)
{
	fwrite(w->buf, 1, w->len, w->out);
	w->len = 0;
}

static void emit(struct json_writer *w, const void *p, size_t n)
{
	if (w->len + n > sizeof(w->buf)) {
		json_flush(w);
		if (n > sizeof(w->buf)) {
			fwrite(p, 1, n, w->out);
			return;
		}
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void emit_char(struct json_writer *w, char c)
{
	if (w->len == sizeof(w->buf))
		json_flush(w);
	w->buf[w->len++] = c;
}

static void emit_str(struct json_writer *w, const char *s)
{
	emit(w, s, strlen(s));
}

/* Separator before a value (or a key) at the current depth. */
static void json_value_prefix(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma[w->depth])
		emit_char(w, ',');
	w->need_comma[w->depth] = true;
}

static void json_open(struct json_writer *w, char c)
{
	json_value_prefix(w);
	emit_char(w, c);
	if (w->depth + 1 < JSON_MAX_DEPTH)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void json_close(struct json_writer *w, char c)
{
	emit_char(w, c);
	if (w->depth > 0)
		w->depth--;
	if (w->depth == 0) {
		emit_char(w, '\n');
		w->need_comma[0] = false;
		json_flush(w);
	}
}

void json_object_begin(struct json_writer *w)
{
	json_open(w, '{');
}

void json_object_end(struct json_writer *w)
{
	json_close(w, '}');
}

void json_array_begin(struct json_writer *w)
{
	json_open(w, '[');
}

void json_array_end(struct json_writer *w)
{
	json_close(w, ']');
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_sequence_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8. */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Bytes that go out as they are: printable ASCII but the quote and backslash. */
static bool json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/*
 * Control characters, quotes and backslashes are escaped; bytes that are
 * not valid UTF-8 (a comm is any 15 bytes) become \u00XX, so the output is
 * always valid JSON.
 */
void json_string_n(struct json_writer *w, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strnlen(s, max);

	json_value_prefix(w);
	emit_char(w, '"');
	while (n > 0) {
		size_t len = 0;

		/* The common case: a run of plain bytes, written at once. */
		while (len < n && json_plain(p[len]))
			len++;
		if (len) {
			emit(w, p, len);
			p += len;
			n -= len;
			continue;
		}
		len = utf8_sequence_len(p, n);
		if (len > 1) {
			emit(w, p, len);
			p += len;
			n -= len;
			continue;
		}
		switch (*p) {
		case '"':  emit_str(w, "\\\""); break;
		case '\\': emit_str(w, "\\\\"); break;
		case '\n': emit_str(w, "\\n"); break;
		case '\r': emit_str(w, "\\r"); break;
		case '\t': emit_str(w, "\\t"); break;
		case '\b': emit_str(w, "\\b"); break;
		case '\f': emit_str(w, "\\f"); break;
		default:
			emit_str(w, "\\u00");
			emit_char(w, "0123456789abcdef"[*p >> 4]);
			emit_char(w, "0123456789abcdef"[*p & 15]);
		}
		p++;
		n--;
	}
	emit_char(w, '"');
}

/* json_plain() as a table: the common case, one byte at a time. */
static const bool plain[256] = {
	[0x20 ... 0x21] = true,		/* '"' is 0x22 */
	[0x23 ... 0x5b] = true,		/* '\\' is 0x5c */
	[0x5d ... 0x7e] = true,
};

char *tt_put_json_string(char *p, const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n, len;

	*p++ = '"';
	/* Plain bytes up to the end (a NUL or max) without measuring first. */
	while (i < max && plain[u[i]])
		*p++ = (char)u[i++];
	if (i == max || !u[i]) {
		*p++ = '"';
		return p;
	}
	u += i;
	n = strnlen((const char *)u, max - i);
	while (n > 0) {
		if (plain[*u]) {
			*p++ = (char)*u++;
			n--;
			continue;
		}
		len = utf8_sequence_len(u, n);
		if (len > 1) {
			memcpy(p, u, len);
			p += len;
			u += len;
			n -= len;
			continue;
		}
		*p++ = '\\';
		switch (*u) {
		case '"':  *p++ = '"'; break;
		case '\\': *p++ = '\\'; break;
		case '\n': *p++ = 'n'; break;
		case '\r': *p++ = 'r'; break;
		case '\t': *p++ = 't'; break;
		case '\b': *p++ = 'b'; break;
		case '\f': *p++ = 'f'; break;
		default:
			p = TT_PUT_LIT(p, "u00");
			*p++ = "0123456789abcdef"[*u >> 4];
			*p++ = "0123456789abcdef"[*u & 15];
		}
		u++;
		n--;
	}
	*p++ = '"';
	return p;
}

void json_string(struct json_writer *w, const char *s)
{
	json_string_n(w, s, SIZE_MAX);
}

/* Keys are the program's own words: plain ASCII, nothing to escape. */
void json_key(struct json_writer *w, const char *key)
{
	json_value_prefix(w);
	emit_char(w, '"');
	emit_str(w, key);
	emit(w, "\":", 2);
	w->after_key = true;
}

void json_u64(struct json_writer *w, uint64_t v)
{
	char buf[20], *p = buf + sizeof(buf);	/* 2^64 has 20 digits */

	json_value_prefix(w);
	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	emit(w, p, buf + sizeof(buf) - p);
}

void json_bool(struct json_writer *w, bool v)
{
	json_value_prefix(w);
	emit_str(w, v ? "true" : "false");
}

void json_null(struct json_writer *w)
{
	json_value_prefix(w);
	emit_str(w, "null");
}

void json_kv_string(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_string(w, s);
}

void json_kv_u64(struct json_writer *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_u64(w, v);
}

void json_kv_bool(struct json_writer *w, const char *key, bool v)
{
	json_key(w, key);
	json_bool(w, v);
}

void json_kv_null(struct json_writer *w, const char *key)
{
	json_key(w, key);
	json_null(w);
}

void json_kv_u64_or_null(struct json_writer *w, const char *key, bool known,
			 uint64_t v)
{
	if (known)
		json_kv_u64(w, key, v);
	else
		json_kv_null(w, key);
}

void json_kv_string_or_null(struct json_writer *w, const char *key,
			    const char *s)
{
	if (s)
		json_kv_string(w, key, s);
	else
		json_kv_null(w, key);
}

char *tt_put_json_string_memo(char *p, struct tt_json_memo *m, const char *s,
			      size_t max)
{
	unsigned int i;

	if (max != TT_JSON_MEMO_MAX)
		return tt_put_json_string(p, s, max);
	for (i = 0; i < 2; i++)
		if (m->kept[i].len && !memcmp(m->kept[i].raw, s, max))
			break;
	if (i == 2) {
		i = m->older;
		m->kept[i].len = (unsigned int)(tt_put_json_string(m->kept[i].s, s, max) -
						m->kept[i].s);
		memcpy(m->kept[i].raw, s, max);
	}
	m->older = !i;
	memcpy(p, m->kept[i].s, m->kept[i].len);
	return p + m->kept[i].len;
}

int tt_put_missed_line(struct tt_linebuf *b, uint64_t n)
{
	char *p = tt_linebuf_room(b, 32);

	if (!p) {
		fprintf(stderr, "tcptrail: out of memory\n");
		return -ENOMEM;
	}
	p = TT_PUT_LIT(p, "{\"missed\":");
	p = tt_put_u64(p, n);
	p = TT_PUT_LIT(p, "}\n");
	tt_linebuf_commit(b, p);
	return tt_linebuf_batch(b);
}

void json_missed_line(struct json_writer *w, uint64_t n)
{
	json_object_begin(w);
	json_kv_u64(w, "missed", n);
	json_object_end(w);
}
