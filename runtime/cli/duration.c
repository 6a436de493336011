/* Go's time.ParseDuration, rule for rule, so `--interval` accepts and
 * refuses what runc's does: an optional sign, then one or more
 * <decimal><unit> terms ("1h2m3.5s"), or a bare "0". Arithmetic is in
 * uint64 nanoseconds with Go's overflow checks (the magnitude may reach
 * 1<<63 only for a negative duration). */
#define _GNU_SOURCE
#include <stdbool.h>
#include <string.h>

#include "runtime/cli/duration.h"

#define LIMIT (1ULL << 63)

static const struct {
	const char *name;
	uint64_t ns;
} units[] = {
	{"ns", 1ULL},
	{"us", 1000ULL},
	{"\xc2\xb5s", 1000ULL}, /* U+00B5 micro sign */
	{"\xce\xbcs", 1000ULL}, /* U+03BC Greek mu */
	{"ms", 1000000ULL},
	{"s", 1000000000ULL},
	{"m", 60ULL * 1000000000ULL},
	{"h", 3600ULL * 1000000000ULL},
};

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

static int invalid(const char *orig, struct kk_error *err)
{
	kk_error_set(err, KK_ERR_USAGE, "time: invalid duration \"%.100s\"", orig);
	kk_error_make_printable(err);
	return -1;
}

/* Leading digits into *v; false on overflow past 1<<63. */
static bool leading_int(const char **s, uint64_t *v)
{
	uint64_t x = 0;

	for (; digit(**s); (*s)++) {
		if (x > LIMIT / 10)
			return false;
		x = x * 10 + (uint64_t)(**s - '0');
		if (x > LIMIT)
			return false;
	}
	*v = x;
	return true;
}

/* Fraction digits into *f with *scale = 10^(digits kept); digits past what
 * fits are dropped, as Go does. */
static void leading_fraction(const char **s, uint64_t *f, double *scale)
{
	bool overflow = false;
	uint64_t x = 0;

	*scale = 1;
	for (; digit(**s); (*s)++) {
		if (overflow || x > (LIMIT - 1) / 10) {
			overflow = true;
			continue;
		}
		x = x * 10 + (uint64_t)(**s - '0');
		if (x > LIMIT) {
			overflow = true;
			continue;
		}
		*scale *= 10;
	}
	*f = x;
}

static int unit_of(const char **s, const char *orig, uint64_t *ns, struct kk_error *err)
{
	size_t len = strcspn(*s, ".0123456789");

	if (len == 0) {
		kk_error_set(err, KK_ERR_USAGE, "time: missing unit in duration \"%.100s\"", orig);
		kk_error_make_printable(err);
		return -1;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strlen(units[i].name) == len && strncmp(*s, units[i].name, len) == 0) {
			*ns = units[i].ns;
			*s += len;
			return 0;
		}
	}
	kk_error_set(err, KK_ERR_USAGE, "time: unknown unit \"%.*s\" in duration \"%.100s\"",
		     (int)(len > 32 ? 32 : len), *s, orig);
	kk_error_make_printable(err);
	return -1;
}

/* One <decimal><unit> term added to *d. */
static int term(const char **s, const char *orig, uint64_t *d, struct kk_error *err)
{
	const char *start = *s;
	uint64_t v = 0, f = 0, unit;
	double scale = 1;
	bool pre, post = false;

	if (!digit(**s) && **s != '.')
		return invalid(orig, err);
	if (!leading_int(s, &v))
		return invalid(orig, err);
	pre = *s != start;
	if (**s == '.') {
		const char *frac = ++*s;

		leading_fraction(s, &f, &scale);
		post = *s != frac;
	}
	if (!pre && !post)
		return invalid(orig, err);
	if (unit_of(s, orig, &unit, err) < 0)
		return -1;
	if (v > LIMIT / unit)
		return invalid(orig, err);
	v *= unit;
	if (f > 0) {
		v += (uint64_t)((double)f * ((double)unit / scale));
		if (v > LIMIT)
			return invalid(orig, err);
	}
	*d += v;
	return *d > LIMIT ? invalid(orig, err) : 0;
}

int kk_duration_parse(const char *orig, int64_t *ns, struct kk_error *err)
{
	const char *s = orig;
	bool neg = false;
	uint64_t d = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (strcmp(s, "0") == 0) {
		*ns = 0;
		return 0;
	}
	if (*s == '\0')
		return invalid(orig, err);
	while (*s != '\0')
		if (term(&s, orig, &d, err) < 0)
			return -1;
	if (neg) {
		*ns = d == LIMIT ? INT64_MIN : -(int64_t)d;
		return 0;
	}
	if (d > LIMIT - 1)
		return invalid(orig, err);
	*ns = (int64_t)d;
	return 0;
}
