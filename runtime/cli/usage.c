/* Usage errors, worded the same for every verb. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>

#include "runtime/cli/cli.h"

int kk_cli_usage(struct kk_error *err, const struct kk_verb *verb, const char *what)
{
	char synopsis[KK_ERROR_MSG_MAX];

	kk_cli_synopsis(verb, synopsis, sizeof(synopsis));
	return kk_error_set(err, KK_ERR_USAGE, "%s: %s; usage: kakoi %s", verb->name, what,
			    synopsis);
}

int kk_cli_bad_flag(struct kk_error *err, const struct kk_verb *verb, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "?";
	char what[300];

	if (optopt != 0 && arg[0] == '-' && arg[1] != '-' && arg[1] != optopt)
		snprintf(what, sizeof(what), "unknown flag \"-%c\"", optopt);
	else
		snprintf(what, sizeof(what), "unknown flag or missing value: \"%.250s\"", arg);
	kk_cli_usage(err, verb, what);
	kk_error_make_printable(err); /* it quotes the caller's word */
	return -1;
}
