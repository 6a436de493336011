/* kakoi: the command line. Global flags, then one verb (cli/). The only
 * place that prints an error and the only place that exits. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "base/warn.h"
#include "runtime/cli/cli.h"
#include "runtime/cli/selfclone.h"

/* The verb being run, for its exit status on failure. */
static const struct kk_verb *verb;

static int run(struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	int at = kk_cli_parse_globals(argc, argv, g, err);

	if (at <= 0)
		return at;
	if (kk_cli_log_create(g, err) < 0)
		return -1;
	verb = kk_cli_find_verb(argv[at]);
	if (verb == NULL)
		return kk_error_set(err, KK_ERR_USAGE, "unknown command \"%s\"; see kakoi --help",
				    argv[at]);
	/* Read with the verb's own table, so `exec ID sh --help` is sh's. */
	if (kk_flags_ask_help(verb->flags, verb->in_order, argc - at, argv + at)) {
		kk_cli_print_help(stdout, verb);
		return 0;
	}
	/* Accepted so engines' command lines parse; refused where it would matter. */
	if ((verb == &kk_verb_create || verb == &kk_verb_run || verb == &kk_verb_exec) &&
	    kk_ensure_sealed_binary(argv, err) < 0)
		return -1;
	return verb->run(g, argc - at, argv + at, err);
}

static struct kk_globals globals = {.root = KK_DEFAULT_ROOT, .log_format = "text"};

/* Warnings from anywhere below go where errors go, marked as warnings. */
static void print_warning(const char *msg)
{
	fprintf(stderr, "kakoi: warning: %s\n", msg);
	kk_cli_log(&globals, "warning", msg);
}

int main(int argc, char **argv)
{
	struct kk_error err = {0};
	struct kk_globals *g = &globals;
	int rc;

	/* An inherited SIG_IGN would let the kernel reap our children before
	 * we can read how they ended (the parser child, later the container). */
	signal(SIGCHLD, SIG_DFL);
	kk_warn_set_sink(print_warning);
	rc = run(g, argc, argv, &err);
	if (rc < 0) {
		kk_error_make_printable(&err);
		fprintf(stderr, "kakoi: %s\n", err.msg);
		kk_cli_log(g, "error", err.msg);
		/* runc's exec exits 255 when the process could not be started
		 * (a usage error is 1): managers read it that way. */
		if (verb == &kk_verb_exec && err.code != KK_ERR_USAGE)
			return 255;
		return 1;
	}
	return rc;
}
