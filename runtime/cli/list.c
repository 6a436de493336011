/* kakoi list [--format table|json] [--quiet|-q] */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "parser/vocab.h"
#include "runtime/cli/cli.h"
#include "runtime/container/container.h"
#include "runtime/userdb/passwd.h"
#include "runtime/version.h"

static const char *status_name(int status)
{
	static const char *const names[] = {"creating", "created", "running", "stopped", "paused"};

	return status >= 0 && status <= KK_STATUS_PAUSED ? names[status] : "unknown";
}

static void rfc3339(long long ns, char *buf, size_t len)
{
	time_t secs = (time_t)(ns / 1000000000);
	struct tm tm;
	char base[32];

	gmtime_r(&secs, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09lldZ", base, ns % 1000000000);
}

/* The owner runc prints is the state directory's; every directory under a
 * root is made by whoever runs kakoi on it (0700: nobody else can), so
 * that is the caller: root, or the rootless user. */
static const char *owner(void)
{
	static char name[64];

	/* The same for every row: looked up once. /etc/passwd only, no NSS
	 * (kakoi is linked statically): a user known only to LDAP or sssd
	 * shows as #<uid>. */
	if (name[0] != '\0')
		return name;
	if (!kk_passwd_lookup("/etc/passwd", geteuid(), KK_PASSWD_NAME, name, sizeof(name)))
		snprintf(name, sizeof(name), "#%u", (unsigned)geteuid());
	return name;
}

static void print_table(const struct kk_summary *s, size_t n)
{
	printf("%-20s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
	       "OWNER");
	for (size_t i = 0; i < n; i++) {
		char created[64];

		rfc3339(s[i].created_ns, created, sizeof(created));
		printf("%-20s %-8d %-10s %-40s %-32s %s\n", s[i].id, (int)s[i].pid,
		       status_name(s[i].status), s[i].bundle, created, owner());
	}
}

static int print_json(const struct kk_summary *s, size_t n, struct kk_error *err)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; arr != NULL && i < n; i++) {
		json_object *o = json_object_new_object();
		char created[64];

		rfc3339(s[i].created_ns, created, sizeof(created));
		json_object_object_add(o, "ociVersion", json_object_new_string(KK_SPEC_VERSION));
		json_object_object_add(o, "id", json_object_new_string(s[i].id));
		json_object_object_add(o, "pid", json_object_new_int(s[i].pid));
		json_object_object_add(o, "status",
				       json_object_new_string(status_name(s[i].status)));
		json_object_object_add(o, "bundle", json_object_new_string(s[i].bundle));
		json_object_object_add(o, "created", json_object_new_string(created));
		json_object_object_add(o, "owner", json_object_new_string(owner()));
		json_object_array_add(arr, o);
	}
	if (arr == NULL)
		return kk_error_set(err, KK_ERR_SYS, "list: out of memory");
	printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	return 0;
}

static const struct kk_flag flags[] = {
	{"format", required_argument, 'f', "table|json", "the output format (default table)"},
	{"quiet", no_argument, 'q', NULL, "print the IDs only"},
	{0},
};

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	struct kk_getopt opts;
	const char *format = "table";
	bool quiet = false;
	KK_AUTOFREE struct kk_summary *s = NULL;
	size_t n = 0;
	int c;

	kk_cli_getopt(&opts, &kk_verb_list, argc, argv);
	while ((c = kk_getopt_next(&opts)) != -1) {
		if (c == 'f' && (strcmp(optarg, "table") == 0 || strcmp(optarg, "json") == 0))
			format = optarg;
		else if (c == 'f')
			return kk_cli_usage(err, &kk_verb_list, "--format: table or json");
		else if (c == 'q')
			quiet = true;
		else
			return kk_cli_bad_flag(err, &kk_verb_list, argv);
	}
	if (optind != argc)
		return kk_cli_usage(err, &kk_verb_list, "takes no arguments");
	if (kk_container_list(g->root, &s, &n, err) < 0)
		return -1;
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", s[i].id);
		return 0;
	}
	if (strcmp(format, "json") == 0)
		return print_json(s, n, err);
	print_table(s, n);
	return 0;
}

const struct kk_verb kk_verb_list = {
	.name = "list",
	.operands = "",
	.summary = "list the containers under the root",
	.flags = flags,
	.run = run,
};
