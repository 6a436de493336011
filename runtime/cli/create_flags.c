#include "runtime/cli/create_flags.h"

#include <errno.h>
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

/* create's flags; run has them all and two of its own. */
#define CREATE_FLAGS                                                                               \
	{"bundle", required_argument, 'b', "DIR",                                                  \
	 "the bundle: the directory holding config.json (default: the current directory)"},        \
		{"pid-file", required_argument, OPT_PID_FILE, "FILE",                              \
		 "write the pid of the container's init to FILE"},                                 \
		{"console-socket", required_argument, OPT_CONSOLE, "SOCKET",                       \
		 "send the terminal's pty master to this AF_UNIX socket (process.terminal)"},      \
		{"no-pivot", no_argument, OPT_NO_PIVOT, NULL,                                      \
		 "move the root with MS_MOVE and chroot instead of pivot_root"},                   \
		{"no-new-keyring", no_argument, OPT_NO_KEYRING, NULL,                              \
		 "keep the caller's session keyring instead of making a new one"},                 \
	{                                                                                          \
		"preserve-fds", required_argument, OPT_PRESERVE, "N",                              \
			"pass N more fds (3 to 3+N-1) on to the container's process"               \
	}

const struct kk_flag kk_cli_create_table[] = {CREATE_FLAGS, {0}};

const struct kk_flag kk_cli_run_table[] = {
	CREATE_FLAGS,
	{"detach", no_argument, 'd', NULL,
	 "start the container and return, without waiting for it"},
	{"keep", no_argument, OPT_KEEP, NULL,
	 "leave the stopped container for delete instead of deleting it"},
	{0},
};

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
	struct kk_getopt g;
	int c;

	kk_cli_getopt(&g, verb, argc, argv);
	while ((c = kk_getopt_next(&g)) != -1)
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
