/* A command line described once. Each verb's flags (and the global ones)
 * are one table; getopt_long's option list, the --help text, the synopsis
 * of usage errors and the bash completion are all made from it, and the man
 * pages are checked against it (tests/cli/help_test.cc), so none can drift
 * from what the parser accepts. */
#ifndef KK_CLI_FLAGS_H
#define KK_CLI_FLAGS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

struct kk_flag {
	const char *name; /* "bundle": --bundle */
	int has_arg;	  /* no_argument, required_argument or optional_argument */
	int val;	  /* the short letter ('b': -b too), or a code >= 256 for none */
	const char *arg;  /* the value's name ("DIR", "table|json"); NULL without one */
	const char *help; /* one line; NULL: an alias accepted but not shown (runc's --cpu-share) */
};

/* Every command line also takes --help and -h (tables must not use 'h'). */
#define KK_FLAG_HELP 'h'
extern const struct kk_flag kk_flag_help;

/* Room for the longest table (update's) plus --help. */
#define KK_FLAGS_MAX 32

/* getopt_long's arguments, made from a table. */
struct kk_getopt {
	struct option longs[KK_FLAGS_MAX + 2];
	char shorts[3 * KK_FLAGS_MAX + 4];
	int argc;
	char **argv;
};

/* Builds the option list (with --help/-h) from flags (NULL: none) and
 * restarts getopt on argv (optind = 0, so no state of an earlier parse is
 * left, and opterr = 0: refusals are the caller's to word). in_order stops
 * at the first operand ("+"): what follows belongs to the container. */
void kk_getopt_init(struct kk_getopt *g, const struct kk_flag *flags, bool in_order, int argc,
		    char **argv);

/* The next flag's val as getopt_long returns it (optarg set), '?' for a
 * refused one, -1 after the last; optind then indexes the first operand. */
int kk_getopt_next(struct kk_getopt *g);

/* True when --help or -h comes among the flags (before an error or, with
 * in_order, the first operand), as getopt_long would read them. */
bool kk_flags_ask_help(const struct kk_flag *flags, bool in_order, int argc, char **argv);

/* "--bundle DIR, -b DIR": the flag as the help and man pages show it. */
void kk_flag_spelling(const struct kk_flag *f, char *buf, size_t len);

/* Appends " [--bundle DIR] [--detach] ..." for the flags shown. */
void kk_flags_synopsis(const struct kk_flag *flags, char *buf, size_t len);

#endif
