// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <string.h>

#include "json.h"

void json_init(struct json_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

/* Separator before a value (or a key) at the current depth. */
static void json_value_prefix(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma[w->depth])
		fputc(',', w->out);
	w->need_comma[w->depth] = true;
}

static void json_open(struct json_writer *w, char c)
{
	json_value_prefix(w);
	fputc(c, w->out);
	if (w->depth + 1 < JSON_MAX_DEPTH)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void json_close(struct json_writer *w, char c)
{
	fputc(c, w->out);
	if (w->depth > 0)
		w->depth--;
	if (w->depth == 0) {
		fputc('\n', w->out);
		w->need_comma[0] = false;
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
	fputc('"', w->out);
	while (n > 0) {
		size_t len = utf8_sequence_len(p, n);

		if (len > 1) {
			fwrite(p, 1, len, w->out);
			p += len;
			n -= len;
			continue;
		}
		switch (*p) {
		case '"':  fputs("\\\"", w->out); break;
		case '\\': fputs("\\\\", w->out); break;
		case '\n': fputs("\\n", w->out); break;
		case '\r': fputs("\\r", w->out); break;
		case '\t': fputs("\\t", w->out); break;
		case '\b': fputs("\\b", w->out); break;
		case '\f': fputs("\\f", w->out); break;
		default:
			if (*p < 0x20 || *p >= 0x7f)
				fprintf(w->out, "\\u%04x", *p);
			else
				fputc(*p, w->out);
		}
		p++;
		n--;
	}
	fputc('"', w->out);
}

void json_string(struct json_writer *w, const char *s)
{
	json_string_n(w, s, SIZE_MAX);
}

void json_key(struct json_writer *w, const char *key)
{
	json_string(w, key);
	fputc(':', w->out);
	w->after_key = true;
}

void json_u64(struct json_writer *w, uint64_t v)
{
	json_value_prefix(w);
	fprintf(w->out, "%" PRIu64, v);
}

void json_bool(struct json_writer *w, bool v)
{
	json_value_prefix(w);
	fputs(v ? "true" : "false", w->out);
}

void json_null(struct json_writer *w)
{
	json_value_prefix(w);
	fputs("null", w->out);
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
