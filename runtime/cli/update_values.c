/* The values of `update`'s per-field flags, read as runc reads them. Own
 * file so the fuzzer (fuzz/cli_fuzz.c) calls the same code. */
#define _GNU_SOURCE
#include "runtime/cli/update_values.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int bad_value(const char *flag, const char *s, const char *what, struct kk_error *err)
{
	kk_error_set(err, KK_ERR_USAGE, "update: --%s: \"%s\" is not %s", flag, s, what);
	kk_error_make_printable(err); /* the value is the caller's bytes */
	return -1;
}

/* docker/go-units RAMInBytes, as runc reads --memory*: a decimal number,
 * an optional space, then an optional k/m/g/t/p (binary multiples, any
 * case) with optional "i" and "b": "100m", "1.5g", "512 MiB". "-1" is
 * unlimited. */
int kk_update_size(const char *flag, const char *s, struct kk_opt_i64 *out, struct kk_error *err)
{
	static const char units[] = "kmgtp";
	const char *p = s, *unit;
	double v, mult = 1;

	if (strcmp(s, "-1") == 0) {
		*out = (struct kk_opt_i64){.set = true, .value = -1};
		return 0;
	}
	if (!isdigit((unsigned char)*p))
		return bad_value(flag, s, "a size (like 100m, 1g or -1)", err);
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.' && isdigit((unsigned char)p[1]))
		for (p++; isdigit((unsigned char)*p); p++)
			;
	v = strtod(s, NULL);
	if (*p == ' ')
		p++;
	if (*p != '\0' && (unit = strchr(units, tolower((unsigned char)*p))) != NULL) {
		for (long i = 0; i <= unit - units; i++)
			mult *= 1024;
		p++;
	}
	if (*p == 'i' || *p == 'I')
		p++;
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p != '\0' || v * mult >= 9.2e18)
		return bad_value(flag, s, "a size (like 100m, 1g or -1)", err);
	*out = (struct kk_opt_i64){.set = true, .value = (int64_t)(v * mult)};
	return 0;
}

int kk_update_i64(const char *flag, const char *s, int64_t *out, struct kk_error *err)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (s[0] == '\0' || isspace((unsigned char)s[0]) || *end != '\0' || errno != 0)
		return bad_value(flag, s, "an integer", err);
	*out = v;
	return 0;
}

int kk_update_u64(const char *flag, const char *s, struct kk_opt_u64 *out, struct kk_error *err)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!isdigit((unsigned char)s[0]) || *end != '\0' || errno != 0)
		return bad_value(flag, s, "a non-negative integer", err);
	*out = (struct kk_opt_u64){.set = true, .value = v};
	return 0;
}

int kk_update_opt_i64(const char *flag, const char *s, struct kk_opt_i64 *out, struct kk_error *err)
{
	int64_t v;

	if (kk_update_i64(flag, s, &v, err) < 0)
		return -1;
	*out = (struct kk_opt_i64){.set = true, .value = v};
	return 0;
}

int kk_update_weight(const char *s, struct kk_opt_u32 *out, struct kk_error *err)
{
	int64_t v;

	if (kk_update_i64("blkio-weight", s, &v, err) < 0)
		return -1;
	if (v < 0 || v > UINT16_MAX)
		return bad_value("blkio-weight", s, "a weight (10 to 1000)", err);
	if (v != 0) /* runc: 0 leaves the weight alone */
		*out = (struct kk_opt_u32){.set = true, .value = (uint32_t)v};
	return 0;
}
