/* kakoi ps [--format table|json] ID: the container's processes. json is
 * runc's shape, the array of host pids; table is `ps -ef` filtered to those
 * pids (what runc does), or bare PID lines when there is no ps(1). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "runtime/cli/cli.h"
#include "runtime/container/container.h"

static void print_json(const pid_t *pids, size_t n)
{
	printf("[");
	for (size_t i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", (int)pids[i]);
	printf("]\n");
}

static bool listed(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* The header, then each line whose second column (PID) is one of ours. */
static bool print_ps_table(const pid_t *pids, size_t n)
{
	FILE *ps = popen("ps -ef 2>/dev/null", "re");
	KK_AUTOFREE char *line = NULL;
	size_t cap = 0;
	bool header = true;

	if (ps == NULL)
		return false;
	while (getline(&line, &cap, ps) > 0) {
		char user[64];
		long pid = 0;

		if (header || (sscanf(line, "%63s %ld", user, &pid) == 2 && listed(pids, n, pid)))
			fputs(line, stdout);
		header = false;
	}
	return pclose(ps) == 0;
}

static void print_table(const pid_t *pids, size_t n)
{
	fflush(stdout);
	if (print_ps_table(pids, n))
		return;
	printf("PID\n");
	for (size_t i = 0; i < n; i++)
		printf("%d\n", (int)pids[i]);
}

static const struct kk_flag flags[] = {
	{"format", required_argument, 'f', "table|json",
	 "the output format: ps -ef's lines or a JSON array of pids (default table)"},
	{0},
};

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	struct kk_getopt opts;
	const char *format = "table";
	KK_AUTOFREE pid_t *pids = NULL;
	size_t n = 0;
	int c;

	kk_cli_getopt(&opts, &kk_verb_ps, argc, argv);
	while ((c = kk_getopt_next(&opts)) != -1) {
		if (c != 'f')
			return kk_cli_bad_flag(err, &kk_verb_ps, argv);
		format = optarg;
	}
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		return kk_cli_usage(err, &kk_verb_ps, "--format is table or json");
	if (argc - optind != 1)
		return kk_cli_usage(err, &kk_verb_ps, "give exactly one container ID");
	if (kk_container_pids(g->root, argv[optind], &pids, &n, err) < 0)
		return -1;
	if (strcmp(format, "json") == 0)
		print_json(pids, n);
	else
		print_table(pids, n);
	return 0;
}

const struct kk_verb kk_verb_ps = {
	.name = "ps",
	.operands = "ID",
	.summary = "list the processes of a container",
	.flags = flags,
	.first = KK_OPERAND_CONTAINER,
	.run = run,
};
