/* The rule semantics of devprog.h written as plainly as possible, for the
 * fuzz target and the tests to hold the generated program against. It
 * shares no code with the generator on purpose. */
#include <linux/bpf.h>

#include "runtime/cgroup/bpf/interp.h"

static bool number_matches(const struct kk_opt_i64 *want, uint32_t have)
{
	return !want->set || want->value < 0 || want->value == (int64_t)have;
}

static bool names_letter(const char *access, unsigned letter)
{
	const char c = letter == BPF_DEVCG_ACC_READ    ? 'r'
		       : letter == BPF_DEVCG_ACC_WRITE ? 'w'
						       : 'm';

	if (access == NULL || access[0] == '\0')
		return true; /* absent or empty: "rwm" */
	for (const char *p = access; *p != '\0'; p++)
		if (*p == c)
			return true;
	return false;
}

static bool matches(const struct kk_device_rule *r, char type, uint32_t major, uint32_t minor)
{
	bool any_type = r->type != 'c' && r->type != 'b';

	return (any_type || r->type == type) && number_matches(&r->major, major) &&
	       number_matches(&r->minor, minor);
}

bool kk_devrules_allow(const struct kk_device_rule *rules, size_t n, char type, uint32_t major,
		       uint32_t minor, unsigned access)
{
	static const unsigned letters[] = {BPF_DEVCG_ACC_MKNOD, BPF_DEVCG_ACC_READ,
					   BPF_DEVCG_ACC_WRITE};

	if (access == 0) { /* no letter: the last rule matching the device */
		bool allowed = false;

		for (size_t i = 0; i < n; i++)
			if (matches(&rules[i], type, major, minor))
				allowed = rules[i].allow;
		return allowed;
	}
	for (size_t l = 0; l < 3; l++) {
		bool allowed = false; /* the default */

		if (!(access & letters[l]))
			continue;
		for (size_t i = 0; i < n; i++)
			if (matches(&rules[i], type, major, minor) &&
			    names_letter(rules[i].access, letters[l]))
				allowed = rules[i].allow; /* a later match overrides */
		if (!allowed)
			return false;
	}
	return true;
}
