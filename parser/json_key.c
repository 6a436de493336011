/* An object key decoded to the bytes json-c 0.16 stores for it, so that the
 * prescan (prescan.c) compares keys exactly as json-c will: "a" and
 * "\u0061" are one key, and so are "\ud800" and "\ufffd", since json-c
 * turns a lone surrogate into U+FFFD. A second decoder, because json-c has
 * no hook to show keys as it reads them, and the tree it builds has already
 * kept only the last of a repeated key. */
#include <string.h>

#include "parser/parse.h"

static int hex4(const char *s, uint32_t *u)
{
	*u = 0;
	for (int k = 0; k < 4; k++) {
		char c = s[k], lower = (char)(c | 0x20);

		if (c >= '0' && c <= '9')
			*u = *u << 4 | (uint32_t)(c - '0');
		else if (lower >= 'a' && lower <= 'f')
			*u = *u << 4 | (uint32_t)(lower - 'a' + 10);
		else
			return -1;
	}
	return 0;
}

/* Reads one character of a key at raw[*i]: a \uXXXX escape as its UTF-16
 * unit (returns 1), anything else as one byte (returns 0); -1 for an escape
 * json-c refuses. */
static int key_unit(const char *raw, size_t n, size_t *i, uint32_t *u)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;

	if (raw[*i] != '\\') {
		*u = (unsigned char)raw[(*i)++];
		return 0;
	}
	if (*i + 1 >= n)
		return -1;
	if (raw[*i + 1] == 'u') {
		if (n - *i < 6 || hex4(raw + *i + 2, u) < 0)
			return -1;
		*i += 6;
		return 1;
	}
	e = raw[*i + 1] == '\0' ? NULL : strchr(from, raw[*i + 1]);
	if (e == NULL)
		return -1;
	*u = (unsigned char)to[e - from];
	*i += 2;
	return 0;
}

/* Writes code point cp (at most U+10FFFF) as UTF-8; returns its length. */
static size_t put_utf8(char *out, uint32_t cp)
{
	static const unsigned char lead[] = {0, 0, 0xc0, 0xe0, 0xf0};
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;

	for (size_t k = n - 1; k > 0; k--, cp >>= 6)
		out[k] = (char)(0x80 | (cp & 0x3f));
	out[0] = (char)(lead[n] | cp);
	return n;
}

#define IS_HIGH(u) ((u) >= 0xd800 && (u) <= 0xdbff)
#define IS_LOW(u) ((u) >= 0xdc00 && (u) <= 0xdfff)
#define REPLACEMENT 0xfffd

/* Follows json-c's states: a high surrogate waits for a \u low half; any
 * other character after it, or the end, turns it into U+FFFD, and the
 * character is then read as usual. A lone low half becomes U+FFFD. */
ssize_t kp_json_key_decode(const char *raw, size_t n, char *out)
{
	size_t o = 0;
	uint32_t high = 0, u; /* high: a high surrogate awaiting its low half */

	for (size_t i = 0; i < n;) {
		int escaped = key_unit(raw, n, &i, &u);

		if (escaped < 0)
			return -1;
		if (high != 0 && escaped && IS_LOW(u)) {
			o += put_utf8(out + o, 0x10000 + ((high & 0x3ff) << 10) + (u & 0x3ff));
			high = 0;
			continue;
		}
		if (high != 0)
			o += put_utf8(out + o, REPLACEMENT);
		high = 0;
		if (!escaped)
			out[o++] = (char)u;
		else if (IS_HIGH(u))
			high = u;
		else
			o += put_utf8(out + o, IS_LOW(u) ? REPLACEMENT : u);
	}
	if (high != 0)
		o += put_utf8(out + o, REPLACEMENT);
	return (ssize_t)o;
}
