/* The flags create and run share, parsed in one place. */
#ifndef KK_CLI_CREATE_FLAGS_H
#define KK_CLI_CREATE_FLAGS_H

#include "runtime/cli/cli.h"
#include "runtime/container/container.h"

/* The flags only `run` has. */
struct kk_run_flags {
	bool detach; /* --detach/-d */
	bool keep;   /* --keep: leave the stopped container for `delete` */
};

/* The tables of create's flags and of run's (create's and its own). */
extern const struct kk_flag kk_cli_create_table[];
extern const struct kk_flag kk_cli_run_table[];

/* Parses argv (after the verb) into opts; with run != NULL also accepts
 * run's own flags. Leaves the ID in opts->id. */
int kk_cli_create_flags(const struct kk_verb *verb, int argc, char **argv,
			struct kk_create_opts *opts, struct kk_run_flags *run,
			struct kk_error *err);

/* Parses a non-negative count for a flag. */
int kk_cli_uint(const struct kk_verb *verb, const char *flag, const char *s, unsigned *out,
		struct kk_error *err);

#endif
