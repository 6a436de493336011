/* exec's command line (runc's flags) into a kk_exec_opts. */
#ifndef KK_CLI_EXEC_FLAGS_H
#define KK_CLI_EXEC_FLAGS_H

#include <stdint.h>

#include "base/error.h"
#include "runtime/cli/flags.h"
#include "runtime/container/container.h"

#define KK_EXEC_FLAGS_MAX 256

/* The options, and storage for the repeatable flags (-e, --cap, --cgroup,
 * -g) they point into. */
struct kk_exec_flags {
	struct kk_exec_opts o;
	const char *env[KK_EXEC_FLAGS_MAX];
	const char *caps[KK_EXEC_FLAGS_MAX];
	const char *cgroups[KK_EXEC_FLAGS_MAX];
	uint32_t gids[KK_EXEC_FLAGS_MAX];
};

/* runc's exec flags (kk_verb_exec's table). */
extern const struct kk_flag kk_cli_exec_table[];

/* Parses argv (after the verb): flags, then the ID, then the process's
 * args. Refusals are usage errors naming the flag, printable. */
int kk_cli_exec_flags(struct kk_exec_flags *f, int argc, char **argv, struct kk_error *err);

#endif
