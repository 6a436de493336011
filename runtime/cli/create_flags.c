#include "runtime/cli/create_flags.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>

int kk_cli_uint(const struct kk_verb *verb, const char *flag, const char *s, unsigned *out,
		struct kk_error *err)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v > 65536) {
		kk_error_set(err, KK_ERR_USAGE, "%s: %s: \"%s\" is not a count", verb->name, flag,
			     s);
		kk_error_make_printable(err);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

enum { OPT_PID_FILE = 256, OPT_CONSOLE, OPT_NO_PIVOT, OPT_NO_KEYRING, OPT_PRESERVE, OPT_KEEP };

static int set_flag(const struct kk_verb *verb, int c, struct kk_create_opts *o,
		    struct kk_run_flags *run, char **argv, struct kk_error *err)
{
	switch (c) {
	case 'b':
		o->bundle = optarg;
		return 0;
	case OPT_PID_FILE:
		o->pid_file = optarg;
		return 0;
	case OPT_CONSOLE:
		o->console_socket = optarg;
		return 0;
	case OPT_NO_PIVOT:
		o->no_pivot = true;
		return 0;
	case OPT_NO_KEYRING:
		o->no_new_keyring = true;
		return 0;
	case OPT_PRESERVE:
		return kk_cli_uint(verb, "--preserve-fds", optarg, &o->preserve_fds, err);
	case 'd':
		if (run != NULL) {
			run->detach = true;
			return 0;
		}
		break;
	case OPT_KEEP:
		if (run != NULL) {
			run->keep = true;
			return 0;
		}
		break;
	}
	return kk_cli_bad_flag(err, verb, argv);
}

int kk_cli_create_flags(const struct kk_verb *verb, int argc, char **argv,
			struct kk_create_opts *opts, struct kk_run_flags *run, struct kk_error *err)
{
	static const struct option long_opts[] = {
		{"bundle", required_argument, NULL, 'b'},
		{"pid-file", required_argument, NULL, OPT_PID_FILE},
		{"console-socket", required_argument, NULL, OPT_CONSOLE},
		{"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
		{"no-new-keyring", no_argument, NULL, OPT_NO_KEYRING},
		{"preserve-fds", required_argument, NULL, OPT_PRESERVE},
		{"detach", no_argument, NULL, 'd'},
		{"keep", no_argument, NULL, OPT_KEEP},
		{0}};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "b:d", long_opts, NULL)) != -1)
		if (set_flag(verb, c, opts, run, argv, err) < 0)
			return -1;
	if (argc - optind != 1)
		return kk_cli_usage(err, verb, "give exactly one container ID");
	opts->id = argv[optind];
	/* runc refuses the pair too: nobody would be left to keep it for. */
	if (run != NULL && run->detach && run->keep)
		return kk_error_set(err, KK_ERR_USAGE, "%s: --keep cannot be used with --detach",
				    verb->name);
	return 0;
}
