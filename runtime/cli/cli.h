/* runtime/cli: one file per verb. A verb parses its own flags, calls the
 * library, prints its result; it never exits and never prints an error
 * (main() prints the one error it returns). */
#ifndef KK_RUNTIME_CLI_H
#define KK_RUNTIME_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "base/error.h"

struct kk_globals {
	const char *root;	/* --root, default KK_DEFAULT_ROOT */
	const char *log_path;	/* --log */
	const char *log_format; /* --log-format text|json */
	bool debug;
	bool rootless;
	bool systemd_cgroup;
};

#define KK_DEFAULT_ROOT "/run/kakoi"

struct kk_verb {
	const char *name;
	const char *usage; /* "validate [--bundle DIR | FILE]" */
	const char *summary;
	int (*run)(const struct kk_globals *g, int argc, char **argv, struct kk_error *err);
};

extern const struct kk_verb kk_verb_validate;
extern const struct kk_verb kk_verb_spec;

/* kakoi --version */
void kk_cli_version(FILE *out);

/* A usage error for a verb: "<verb>: <what>; usage: kakoi <usage>". */
int kk_cli_usage(struct kk_error *err, const struct kk_verb *verb, const char *what);

#endif
