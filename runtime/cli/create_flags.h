/* The flags create and run share, parsed in one place. */
#ifndef KK_CLI_CREATE_FLAGS_H
#define KK_CLI_CREATE_FLAGS_H

#include "runtime/cli/cli.h"
#include "runtime/container/container.h"

/* Parses argv (after the verb) into opts; with detach != NULL also accepts
 * --detach/-d (run). Leaves the ID in opts->id. */
int kk_cli_create_flags(const struct kk_verb *verb, int argc, char **argv,
			struct kk_create_opts *opts, bool *detach, struct kk_error *err);

/* Parses a non-negative count for a flag. */
int kk_cli_uint(const struct kk_verb *verb, const char *flag, const char *s, unsigned *out,
		struct kk_error *err);

#endif
