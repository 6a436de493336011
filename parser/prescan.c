/* A lexical pass over the raw bytes before json-c sees them, for two
 * things json-c loses silently: a \u0000 escape (json-c cuts an object key
 * there, so "ociVersion\u0000x" would replace "ociVersion"), and integers
 * beyond 64 bits (json-c clamps them to the nearest bound). */
#include <string.h>

#include "parser/parse.h"

static const char int64_min_digits[] = "9223372036854775808";
static const char uint64_max_digits[] = "18446744073709551615";

/* True when the decimal digits d[0..n) exceed the bound's digits. */
static bool above(const char *d, size_t n, const char *bound)
{
	size_t bn = strlen(bound);

	return n > bn || (n == bn && memcmp(d, bound, n) > 0);
}

/* Checks the number starting at buf[i]; returns its length, or 0 on error. */
static size_t number(struct kp_ctx *ctx, const char *buf, size_t len, size_t i)
{
	size_t start = i, digits;
	bool negative = buf[i] == '-';

	if (negative)
		i++;
	digits = i;
	while (i < len && buf[i] >= '0' && buf[i] <= '9')
		i++;
	if (i < len && strchr(".eE", buf[i]) != NULL) {
		while (i < len && strchr("0123456789.eE+-", buf[i]) != NULL)
			i++;
		return i - start;
	}
	if (above(buf + digits, i - digits, negative ? int64_min_digits : uint64_max_digits)) {
		kp_fail(ctx, "integer at byte %zu is out of the 64-bit range", start);
		return 0;
	}
	return i - start;
}

/* Returns the index just past the string starting at buf[i] (a quote). */
static size_t string(struct kp_ctx *ctx, const char *buf, size_t len, size_t i, bool *bad)
{
	for (i++; i < len && buf[i] != '"'; i++) {
		if (buf[i] != '\\')
			continue;
		if (len - i >= 6 && memcmp(buf + i, "\\u0000", 6) == 0) {
			kp_fail(ctx, "\\u0000 (a NUL byte) at byte %zu is not allowed", i);
			*bad = true;
			return i;
		}
		i++;
	}
	return i + 1;
}

int kp_prescan(struct kp_ctx *ctx, const char *buf, size_t len)
{
	bool bad = false;

	for (size_t i = 0; i < len && !bad;) {
		if (buf[i] == '"') {
			i = string(ctx, buf, len, i, &bad);
		} else if (buf[i] == '-' || (buf[i] >= '0' && buf[i] <= '9')) {
			size_t n = number(ctx, buf, len, i);
			if (n == 0)
				return -1;
			i += n;
		} else {
			i++;
		}
	}
	return bad ? -1 : 0;
}
