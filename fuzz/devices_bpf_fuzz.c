/* Fuzz target: the cgroup v2 device filter generator. The input is a device
 * rule list, 4 bytes a rule (at most FZ_MAX_RULES):
 *   byte 0  bit 0 allow, bits 1-2 type (a, c, b, absent), bits 3-5 the
 *           access letters (r, w, m), bit 6 with no letter: access absent
 *           (NULL) rather than ""
 *   byte 1  bits 0-1 major, bits 2-3 minor: absent, -1, small (byte 2 or 3
 *           itself), or one of the edge values below (byte 2 or 3 picks)
 *   bytes 2, 3  the major's and the minor's value byte
 * kk_devprog_build() must succeed, the program must pass the model of the
 * verifier (runtime/cgroup/bpf/interp.h, checked against the kernel by
 * tests/cgroup/devices_interp_test), and for every request sampled, run in
 * the model, it must return what the reference semantics say: both
 * request types, every access set (none included), and majors and minors
 * from the rules' own numbers, one more than each, and the edges. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cgroup/bpf/devprog.h"
#include "runtime/cgroup/bpf/interp.h"

/* Enough rules for any interplay of wildcards and letters; more would only
 * make each input slower (every sample runs the whole program). */
#define FZ_MAX_RULES 48
/* Sampled numbers per field: the rules' (and one more) first, then edges. */
#define FZ_NUMBERS 6

static const int64_t edges[] = {
	0,	    1,
	4095,	    (1 << 20) - 1,
	INT32_MAX,  (int64_t)INT32_MAX + 1,
	UINT32_MAX, (int64_t)UINT32_MAX + 1,
	INT64_MAX,  -2,
	INT64_MIN,
};

static _Noreturn void violated(const char *what, const struct kk_error *err)
{
	fprintf(stderr, "fuzz property violated: %s%s%s\n", what, err ? ": " : "",
		err ? err->msg : "");
	abort();
}

static struct kk_opt_i64 number(unsigned mode, uint8_t byte)
{
	switch (mode & 3) {
	case 0:
		return (struct kk_opt_i64){0, false};
	case 1:
		return (struct kk_opt_i64){-1, true};
	case 2:
		return (struct kk_opt_i64){byte, true};
	default:
		return (struct kk_opt_i64){edges[byte % (sizeof(edges) / sizeof(*edges))], true};
	}
}

static const char *access_of(uint8_t b)
{
	static const char *const letters[] = {"", "r", "w", "rw", "m", "rm", "wm", "rwm"};
	unsigned set = (b >> 3) & 7;

	return set == 0 && (b & 0x40) ? NULL : letters[set];
}

static size_t decode(const uint8_t *data, size_t size, struct kk_device_rule *rules)
{
	size_t n = 0;

	for (; n < FZ_MAX_RULES && (n + 1) * 4 <= size; n++) {
		const uint8_t *b = data + n * 4;

		rules[n] = (struct kk_device_rule){
			.allow = b[0] & 1,
			.type = "acb\0"[(b[0] >> 1) & 3],
			.major = number(b[1], b[2]),
			.minor = number(b[1] >> 2, b[3]),
			.access = access_of(b[0]),
		};
	}
	return n;
}

struct numbers {
	uint32_t v[FZ_NUMBERS];
	size_t n;
};

static void add(struct numbers *s, int64_t v)
{
	if (v < 0 || v > UINT32_MAX || s->n == FZ_NUMBERS)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == (uint32_t)v)
			return;
	s->v[s->n++] = (uint32_t)v;
}

/* The numbers worth asking about for one field (0 major, 1 minor): the
 * last rules' first, as they decide most. */
static void sample(const struct kk_device_rule *rules, size_t n, int field, struct numbers *s)
{
	s->n = 0;
	for (size_t i = n; i-- > 0;) {
		const struct kk_opt_i64 *v = field ? &rules[i].minor : &rules[i].major;

		if (v->set && v->value >= 0 && v->value <= UINT32_MAX && s->n + 3 <= FZ_NUMBERS) {
			add(s, v->value);
			add(s, (v->value + 1) & UINT32_MAX);
		}
	}
	add(s, 0);
	add(s, UINT32_MAX);
	add(s, 7);
}

static void check_request(const struct kk_devprog *p, const struct kk_device_rule *rules, size_t n,
			  char type, uint32_t major, uint32_t minor, unsigned access)
{
	struct bpf_cgroup_dev_ctx ctx = {
		.access_type =
			(access << 16) | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
		.major = major,
		.minor = minor,
	};
	struct kk_error err;
	uint64_t ret = 2;

	kk_error_clear(&err);
	if (kk_bpf_run(p->insns, p->n, &ctx, p->n + 1, &ret, &err) < 0)
		violated("the program fails in the model", &err);
	if ((ret == 1) != kk_devrules_allow(rules, n, type, major, minor, access)) {
		fprintf(stderr, "%c %u:%u access %u: program says %s\n", type, major, minor, access,
			ret ? "allow" : "deny");
		violated("the program and the reference semantics disagree", NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kk_device_rule rules[FZ_MAX_RULES];
	size_t n = decode(data, size, rules);
	struct kk_devprog p = {0};
	struct numbers majors, minors;
	struct kk_error err;

	kk_error_clear(&err);
	if (kk_devprog_build(&p, rules, n, &err) < 0)
		violated("kk_devprog_build failed", &err);
	if (kk_bpf_check(p.insns, p.n, &err) < 0)
		violated("the verifier model refuses the program", &err);
	sample(rules, n, 0, &majors);
	sample(rules, n, 1, &minors);
	for (size_t t = 0; t < 2; t++)
		for (size_t i = 0; i < majors.n; i++)
			for (size_t j = 0; j < minors.n; j++)
				for (unsigned access = 0; access < 8; access++)
					check_request(&p, rules, n, "cb"[t], majors.v[i],
						      minors.v[j], access);
	kk_devprog_free(&p);
	return 0;
}
