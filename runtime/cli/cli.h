/* runtime/cli: one file per verb. A verb parses its own flags, calls the
 * library, prints its result; it never exits and never prints an error
 * (main() prints the one error it returns). */
#ifndef KK_RUNTIME_CLI_H
#define KK_RUNTIME_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "base/error.h"
#include "runtime/cli/flags.h"
#include "runtime/container/container.h"

struct kk_globals {
	const char *root;	/* --root, default KK_DEFAULT_ROOT */
	const char *log_path;	/* --log */
	const char *log_format; /* --log-format text|json */
	bool debug;
	bool rootless;
	bool systemd_cgroup;
	const char *hook_policy;    /* --hook-policy */
	const char *hook_audit_log; /* --hook-audit-log */
};

#define KK_DEFAULT_ROOT "/run/kakoi"

/* What a verb's first operand is, for the completion. */
enum kk_operand {
	KK_OPERAND_NONE,
	KK_OPERAND_CONTAINER, /* an existing container's ID */
	KK_OPERAND_NEW_ID,    /* the ID of a container to make */
	KK_OPERAND_FILE,
	KK_OPERAND_COMMAND, /* a verb's name (help) */
};

/* A verb: its name, its command line (flags.h) and what runs it. The help,
 * the synopsis in usage errors, the man page check and the completion all
 * come from these fields. */
struct kk_verb {
	const char *name;
	const char *operands; /* "ID [SIGNAL]": what follows the flags in the synopsis */
	const char *summary;
	const struct kk_flag *flags; /* ends with {0}; NULL: none but --help */
	bool in_order; /* flags end at the first operand (exec: the command's own follow) */
	enum kk_operand first;
	int (*run)(const struct kk_globals *g, int argc, char **argv, struct kk_error *err);
};

/* A verb returns 0, -1 with err set, or (run) a positive container exit status. */
extern const struct kk_verb kk_verb_validate;
extern const struct kk_verb kk_verb_spec;
extern const struct kk_verb kk_verb_create;
extern const struct kk_verb kk_verb_start;
extern const struct kk_verb kk_verb_run;
extern const struct kk_verb kk_verb_state;
extern const struct kk_verb kk_verb_kill;
extern const struct kk_verb kk_verb_delete;
extern const struct kk_verb kk_verb_list;
extern const struct kk_verb kk_verb_plan;
extern const struct kk_verb kk_verb_features;
extern const struct kk_verb kk_verb_ps;
extern const struct kk_verb kk_verb_pause;
extern const struct kk_verb kk_verb_resume;
extern const struct kk_verb kk_verb_exec;
extern const struct kk_verb kk_verb_update;
extern const struct kk_verb kk_verb_events;
extern const struct kk_verb kk_verb_help;

/* Every verb, in the order `kakoi --help` lists them (verbs.c). */
extern const struct kk_verb *const kk_cli_verbs[];
extern const size_t kk_cli_n_verbs;
/* The verb called name, or NULL. */
const struct kk_verb *kk_cli_find_verb(const char *name);

/* The global flags (globals.c), and their parse: returns the index of the
 * verb in argv, 0 when --version or --help was answered, -1 on error. */
extern const struct kk_flag kk_cli_global_flags[];
int kk_cli_parse_globals(int argc, char **argv, struct kk_globals *g, struct kk_error *err);

/* "kill [--all] ID [SIGNAL]" (help.c). */
void kk_cli_synopsis(const struct kk_verb *verb, char *buf, size_t len);
/* runc-style help: of one verb (`kakoi VERB --help`, `kakoi help VERB`),
 * or of kakoi (`kakoi --help`). */
void kk_cli_print_help(FILE *out, const struct kk_verb *verb);
void kk_cli_print_main_help(FILE *out);

/* Appends one line to --log (if given) in --log-format. */
void kk_cli_log(const struct kk_globals *g, const char *level, const char *msg);
/* Creates the --log file at start, as runc does, even when nothing is
 * logged (managers open it to read the runtime's errors). */
int kk_cli_log_create(const struct kk_globals *g, struct kk_error *err);

/* The runtime options the lifecycle operations take, from the globals. */
static inline struct kk_runtime_opts kk_cli_runtime(const struct kk_globals *g)
{
	return (struct kk_runtime_opts){.root = g->root,
					.hook_policy = g->hook_policy,
					.hook_audit_log = g->hook_audit_log,
					.systemd_cgroup = g->systemd_cgroup};
}

/* kakoi --version */
void kk_cli_version(FILE *out);

/* Starts getopt over argv with the verb's own table (flags.h). */
static inline void kk_cli_getopt(struct kk_getopt *g, const struct kk_verb *verb, int argc,
				 char **argv)
{
	kk_getopt_init(g, verb->flags, verb->in_order, argc, argv);
}

/* A usage error for a verb: "<verb>: <what>; usage: kakoi <usage>". */
int kk_cli_usage(struct kk_error *err, const struct kk_verb *verb, const char *what);

/* The usage error for the flag getopt_long just refused (unknown, or
 * missing its value), naming it: `create: unknown flag "--frobnicate"`. */
int kk_cli_bad_flag(struct kk_error *err, const struct kk_verb *verb, char **argv);

#endif
