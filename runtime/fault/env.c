/* Activation in kakoi_fault: a constructor reads KAKOI_FAULT_* before main()
 * and installs the failing table. main.c is the release binary's, unchanged;
 * only linking this library (alwayslink) makes the difference. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/fault/fault.h"

static const struct {
	const char *name;
	int err;
} kk_fault_errnos[] = {
	{"EIO", EIO},	    {"ENOSPC", ENOSPC}, {"EPERM", EPERM},   {"EACCES", EACCES},
	{"ENOMEM", ENOMEM}, {"EBUSY", EBUSY},	{"EINVAL", EINVAL}, {"ENOENT", ENOENT},
	{"EEXIST", EEXIST}, {"EINTR", EINTR},	{"EAGAIN", EAGAIN}, {"EMFILE", EMFILE},
};

int kk_fault_errno_from_name(const char *name)
{
	char *end;
	long n;

	for (size_t i = 0; i < sizeof(kk_fault_errnos) / sizeof(kk_fault_errnos[0]); i++)
		if (strcmp(kk_fault_errnos[i].name, name) == 0)
			return kk_fault_errnos[i].err;
	errno = 0;
	n = strtol(name, &end, 10);
	return errno == 0 && *end == '\0' && end != name && n > 0 && n < 4096 ? (int)n : 0;
}

static int kk_fault_parse_at(const char *text, long *at)
{
	char *end;

	errno = 0;
	*at = strtol(text, &end, 10);
	return errno != 0 || *end != '\0' || end == text || *at < 0 ? -1 : 0;
}

int kk_fault_config_from_env(struct kk_fault_config *cfg)
{
	const char *at = getenv("KAKOI_FAULT_AT"), *e = getenv("KAKOI_FAULT_ERRNO");
	const char *match = getenv("KAKOI_FAULT_MATCH"), *scope = getenv("KAKOI_FAULT_SCOPE");
	const char *report = getenv("KAKOI_FAULT_REPORT"), *action = getenv("KAKOI_FAULT_ACTION");

	cfg->at = 0;
	cfg->err = EIO;
	cfg->match = match != NULL && match[0] != '\0' ? match : NULL;
	if (at != NULL && kk_fault_parse_at(at, &cfg->at) < 0)
		return errno = EINVAL, -1;
	if (e != NULL && (cfg->err = kk_fault_errno_from_name(e)) == 0)
		return errno = EINVAL, -1;
	cfg->per_run = scope != NULL && strcmp(scope, "run") == 0;
	if (scope != NULL && !cfg->per_run && strcmp(scope, "process") != 0)
		return errno = EINVAL, -1;
	if (cfg->per_run && (report == NULL || report[0] == '\0'))
		return errno = EINVAL, -1;
	cfg->crash = action != NULL && strcmp(action, "crash") == 0;
	if (action != NULL && !cfg->crash && strcmp(action, "fail") != 0)
		return errno = EINVAL, -1;
	/* Scope "run" would let a child's call be the Nth, and children never
	 * crash: such a run would pass for one without a crash. */
	if (cfg->crash && cfg->per_run)
		return errno = EINVAL, -1;
	return 0;
}

/* A malformed setting must not pass for a run without faults. */
__attribute__((constructor)) static void kk_fault_init(void)
{
	struct kk_fault_config cfg;

	if (kk_fault_config_from_env(&cfg) < 0) {
		fprintf(stderr,
			"kakoi-fault: bad KAKOI_FAULT_AT, _ERRNO, _SCOPE or _ACTION, scope run "
			"without KAKOI_FAULT_REPORT, or scope run with action crash\n");
		_exit(125);
	}
	kk_fault_arm(&cfg, getenv("KAKOI_FAULT_REPORT"));
}
