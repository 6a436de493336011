/* Writes kakoi's bash completion to stdout, from the same tables the
 * command line is parsed with (runtime/cli/flags.h), at build time
 * (//runtime:completion). Not part of the kakoi binary. The script needs
 * only bash: no bash-completion helpers. */
#include <stdio.h>
#include <string.h>

#include "runtime/cli/cli.h"

static const char head[] =
	"# bash completion for kakoi(8), written from kakoi's flag tables by\n"
	"# runtime/gen_completion.c: do not edit.\n\n"
	"# The containers under the --root given on the line (default /run/kakoi).\n"
	"_kakoi_ids() {\n"
	"\tlocal root=/run/kakoi i\n"
	"\tfor ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do\n"
	"\t\t[[ ${COMP_WORDS[i]} == --root ]] || continue\n"
	"\t\troot=${COMP_WORDS[i + 1]}\n"
	"\t\t[[ $root != = ]] || root=${COMP_WORDS[i + 2]}\n"
	"\tdone\n"
	"\t\"${COMP_WORDS[0]}\" --root \"$root\" list -q 2>/dev/null\n"
	"}\n\n";

static const char body[] =
	"_kakoi() {\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
	"\tlocal verb= at=0 i n=0 value\n"
	"\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	"\t\tcase ${COMP_WORDS[i]} in\n"
	"\t\t-*) [[ -z $(_kakoi_value '' \"${COMP_WORDS[i]}\") ]] || ((i++)) ;;\n"
	"\t\t*) verb=${COMP_WORDS[i]} at=$i; break ;;\n"
	"\t\tesac\n"
	"\tdone\n"
	"\t[[ $prev != = ]] || prev=${COMP_WORDS[COMP_CWORD - 2]}\n"
	"\tvalue=$(_kakoi_value \"$verb\" \"$prev\")\n"
	"\tcase $value in\n"
	"\t'') ;;\n"
	"\tdir) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n"
	"\tfile) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
	"\ttext) COMPREPLY=(); return ;;\n"
	"\t*) COMPREPLY=($(compgen -W \"${value#words }\" -- \"$cur\")); return ;;\n"
	"\tesac\n"
	"\tif [[ $cur == -* ]]; then\n"
	"\t\tCOMPREPLY=($(compgen -W \"$(_kakoi_flags \"$verb\")\" -- \"$cur\"))\n"
	"\t\treturn\n"
	"\tfi\n"
	"\t[[ -n $verb ]] || { COMPREPLY=($(compgen -W \"$(_kakoi_flags verbs)\" -- \"$cur\")); "
	"return; }\n"
	"\t# Only the first operand is completed: count those before this word.\n"
	"\tfor ((i = at + 1; i < COMP_CWORD; i++)); do\n"
	"\t\tcase ${COMP_WORDS[i]} in\n"
	"\t\t-*) [[ -z $(_kakoi_value \"$verb\" \"${COMP_WORDS[i]}\") ]] || ((i++)) ;;\n"
	"\t\t=) ;;\n"
	"\t\t*) ((n++)) ;;\n"
	"\t\tesac\n"
	"\tdone\n"
	"\t((n == 0)) || return\n"
	"\tcase $(_kakoi_flags \"operand $verb\") in\n"
	"\tcontainer) COMPREPLY=($(compgen -W \"$(_kakoi_ids)\" -- \"$cur\")) ;;\n"
	"\tfile) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
	"\tcommand) COMPREPLY=($(compgen -W \"$(_kakoi_flags verbs)\" -- \"$cur\")) ;;\n"
	"\tesac\n"
	"}\n\n"
	"complete -F _kakoi kakoi\n";

/* How a flag's value completes: "" (none), dir, file, text (anything), or
 * "words A B" from a value name such as "table|json". */
static void print_value_kind(const struct kk_flag *f)
{
	if (strcmp(f->arg, "DIR") == 0) {
		printf("dir");
		return;
	}
	if (strncmp(f->arg, "FILE", 4) == 0 || strcmp(f->arg, "SOCKET") == 0) {
		printf("file");
		return;
	}
	if (strchr(f->arg, '|') == NULL) {
		printf("text");
		return;
	}
	printf("words ");
	for (const char *c = f->arg; *c != '\0'; c++)
		putchar(*c == '|' ? ' ' : *c);
}

static bool is_short(const struct kk_flag *f)
{
	return f->val > 0 && f->val <= 0x7f;
}

/* One case arm per flag that takes a separate value (an optional one
 * must be glued on with '='). */
static void print_values(const char *verb, const struct kk_flag *flags)
{
	for (size_t i = 0; flags != NULL && flags[i].name != NULL; i++) {
		const struct kk_flag *f = &flags[i];

		if (f->has_arg != required_argument)
			continue;
		printf("\t'%s --%s'", verb, f->name);
		if (is_short(f))
			printf(" | '%s -%c'", verb, f->val);
		printf(") echo '");
		print_value_kind(f);
		printf("' ;;\n");
	}
}

static void print_flag_words(const struct kk_flag *flags)
{
	for (size_t i = 0; flags != NULL && flags[i].name != NULL; i++) {
		if (flags[i].help == NULL)
			continue;
		printf(" --%s", flags[i].name);
		if (is_short(&flags[i]))
			printf(" -%c", flags[i].val);
	}
	printf(" --help -h");
}

static const char *operand_kind(enum kk_operand k)
{
	switch (k) {
	case KK_OPERAND_CONTAINER:
		return "container";
	case KK_OPERAND_FILE:
		return "file";
	case KK_OPERAND_COMMAND:
		return "command";
	default:
		return "";
	}
}

static void print_flags_function(void)
{
	printf("# The flags of a verb (or the global ones), the verbs, or what a verb's\n"
	       "# first operand is.\n_kakoi_flags() {\n\tcase $1 in\n\t'') echo '");
	print_flag_words(kk_cli_global_flags);
	printf("' ;;\n\tverbs) echo '");
	for (size_t i = 0; i < kk_cli_n_verbs; i++)
		printf(" %s", kk_cli_verbs[i]->name);
	printf("' ;;\n");
	for (size_t i = 0; i < kk_cli_n_verbs; i++) {
		printf("\t%s) echo '", kk_cli_verbs[i]->name);
		print_flag_words(kk_cli_verbs[i]->flags);
		printf("' ;;\n");
	}
	for (size_t i = 0; i < kk_cli_n_verbs; i++)
		printf("\t'operand %s') echo '%s' ;;\n", kk_cli_verbs[i]->name,
		       operand_kind(kk_cli_verbs[i]->first));
	printf("\tesac\n}\n\n");
}

static void print_value_function(void)
{
	printf("# What the value of a flag ($2) of a verb ($1, '' for the globals) is:\n"
	       "# nothing when it takes none.\n_kakoi_value() {\n\tcase \"$1 $2\" in\n");
	print_values("", kk_cli_global_flags);
	for (size_t i = 0; i < kk_cli_n_verbs; i++)
		print_values(kk_cli_verbs[i]->name, kk_cli_verbs[i]->flags);
	printf("\tesac\n}\n\n");
}

int main(void)
{
	fputs(head, stdout);
	print_flags_function();
	print_value_function();
	fputs(body, stdout);
	return ferror(stdout) ? 1 : 0;
}
