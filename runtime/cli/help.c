/* --help, -h and `kakoi help [COMMAND]`: runc's layout (NAME, USAGE,
 * OPTIONS), every line made from the verb's table (flags.h). */
#include <stdio.h>
#include <string.h>

#include "runtime/cli/cli.h"

/* Flags longer than this get their help after two spaces, unaligned. */
#define SPELLING_COLUMN_MAX 36
/* A synopsis longer than this is shortened in the help. */
#define SYNOPSIS_MAX 72

void kk_cli_synopsis(const struct kk_verb *verb, char *buf, size_t len)
{
	snprintf(buf, len, "%s", verb->name);
	kk_flags_synopsis(verb->flags, buf, len);
	if (verb->operands[0] != '\0' && strlen(buf) + 1 < len)
		snprintf(buf + strlen(buf), len - strlen(buf), " %s", verb->operands);
}

static int spelling_width(const struct kk_flag *flags)
{
	char s[128];
	size_t width = strlen("--help, -h");

	for (size_t i = 0; flags != NULL && flags[i].name != NULL; i++) {
		kk_flag_spelling(&flags[i], s, sizeof(s));
		if (flags[i].help != NULL && strlen(s) > width && strlen(s) <= SPELLING_COLUMN_MAX)
			width = strlen(s);
	}
	return (int)width;
}

static void print_flag(FILE *out, const struct kk_flag *f, int width)
{
	char s[128];

	kk_flag_spelling(f, s, sizeof(s));
	fprintf(out, "   %-*s  %s\n", width, s, f->help);
}

static void print_flags(FILE *out, const char *title, const struct kk_flag *flags)
{
	int width = spelling_width(flags);

	fprintf(out, "\n%s:\n", title);
	for (size_t i = 0; flags != NULL && flags[i].name != NULL; i++)
		if (flags[i].help != NULL)
			print_flag(out, &flags[i], width);
	print_flag(out, &kk_flag_help, width);
}

void kk_cli_print_help(FILE *out, const struct kk_verb *verb)
{
	char synopsis[2048];

	kk_cli_synopsis(verb, synopsis, sizeof(synopsis));
	/* A long one says what runc's says; OPTIONS lists the flags. */
	if (strlen(synopsis) > SYNOPSIS_MAX)
		snprintf(synopsis, sizeof(synopsis), "%s [command options] %s", verb->name,
			 verb->operands);
	fprintf(out, "NAME:\n   kakoi %s - %s\n\nUSAGE:\n   kakoi [global options] %s\n",
		verb->name, verb->summary, synopsis);
	print_flags(out, "OPTIONS", verb->flags);
	fprintf(out, "\nSee kakoi-%s(8).\n", verb->name);
}

void kk_cli_print_main_help(FILE *out)
{
	fprintf(out,
		"NAME:\n   kakoi - a high-assurance OCI container runtime\n\n"
		"USAGE:\n   kakoi [global options] COMMAND [command options] [arguments...]\n\n"
		"   kakoi takes runc's command line, so containerd, Podman and CRI-O run it\n"
		"   as they run runc. `kakoi help COMMAND` shows a command's flags.\n\n"
		"COMMANDS:\n");
	for (size_t i = 0; i < kk_cli_n_verbs; i++)
		fprintf(out, "   %-10s %s\n", kk_cli_verbs[i]->name, kk_cli_verbs[i]->summary);
	print_flags(out, "GLOBAL OPTIONS", kk_cli_global_flags);
	fprintf(out, "\nSee kakoi(8).\n");
}

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	const struct kk_verb *verb;

	(void)g;
	if (argc == 1) {
		kk_cli_print_main_help(stdout);
		return 0;
	}
	if (argc != 2)
		return kk_cli_usage(err, &kk_verb_help, "give at most one command");
	verb = kk_cli_find_verb(argv[1]);
	if (verb == NULL) {
		kk_error_set(err, KK_ERR_USAGE, "help: unknown command \"%s\"; see kakoi --help",
			     argv[1]);
		kk_error_make_printable(err);
		return -1;
	}
	kk_cli_print_help(stdout, verb);
	return 0;
}

const struct kk_verb kk_verb_help = {
	.name = "help",
	.operands = "[COMMAND]",
	.summary = "show the commands, or one command's flags",
	.first = KK_OPERAND_COMMAND,
	.run = run,
};
