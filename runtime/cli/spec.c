/* kakoi spec [--rootless] [--terminal] [--bundle DIR]: write a default
 * config.json, as `runc spec` does. The result is built from a constant
 * template, so it goes through json-c here; what a user later edits goes
 * through the isolated parser (`kakoi validate`). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "base/cleanup.h"
#include "runtime/cli/cli.h"
#include "runtime/cli/default_spec.h"
#include "runtime/cli/paths.h"

struct spec_flags {
	const char *bundle;
	bool rootless;
	bool terminal;
};

static void json_putp(json_object **jv)
{
	json_object_put(*jv);
}

static json_object *get(json_object *obj, const char *key)
{
	json_object *v = NULL;

	json_object_object_get_ex(obj, key, &v);
	return v;
}

static json_object *id_mapping(unsigned host_id)
{
	json_object *list = json_object_new_array(), *m = json_object_new_object();

	json_object_object_add(m, "containerID", json_object_new_int64(0));
	json_object_object_add(m, "hostID", json_object_new_int64(host_id));
	json_object_object_add(m, "size", json_object_new_int64(1));
	json_object_array_add(list, m);
	return list;
}

/* A namespace list without network (no privileges to configure one) and
 * with a user namespace. */
static void rootless_namespaces(json_object *linux_)
{
	json_object *old = get(linux_, "namespaces"), *ns = json_object_new_array();
	json_object *user = json_object_new_object();

	for (size_t i = 0; i < json_object_array_length(old); i++) {
		json_object *entry = json_object_array_get_idx(old, i);
		const char *type = json_object_get_string(get(entry, "type"));

		if (strcmp(type, "network") != 0 && strcmp(type, "user") != 0)
			json_object_array_add(ns, json_object_get(entry));
	}
	json_object_object_add(user, "type", json_object_new_string("user"));
	json_object_array_add(ns, user);
	json_object_object_add(linux_, "namespaces", ns);
}

static void drop_gid_options(json_object *mount)
{
	json_object *opts = get(mount, "options"), *kept;

	if (opts == NULL)
		return;
	kept = json_object_new_array();
	for (size_t j = 0; j < json_object_array_length(opts); j++) {
		json_object *o = json_object_array_get_idx(opts, j);
		if (strncmp(json_object_get_string(o), "gid=", 4) != 0)
			json_object_array_add(kept, json_object_get(o));
	}
	json_object_object_add(mount, "options", kept);
}

/* Drops /sys mounts (sysfs needs a network namespace we own), bind-mounts
 * the host's /sys instead, and removes gid= options nobody maps. */
static void rootless_mounts(json_object *spec)
{
	json_object *old = get(spec, "mounts"), *mounts = json_object_new_array();
	json_object *sys = json_tokener_parse(
		"{\"destination\":\"/sys\",\"type\":\"none\",\"source\":\"/sys\","
		"\"options\":[\"rbind\",\"nosuid\",\"noexec\",\"nodev\",\"ro\"]}");

	for (size_t i = 0; i < json_object_array_length(old); i++) {
		json_object *m = json_object_array_get_idx(old, i);

		if (strncmp(json_object_get_string(get(m, "destination")), "/sys", 4) == 0)
			continue;
		drop_gid_options(m);
		json_object_array_add(mounts, json_object_get(m));
	}
	json_object_array_add(mounts, sys);
	json_object_object_add(spec, "mounts", mounts);
}

static void make_rootless(json_object *spec)
{
	json_object *linux_ = get(spec, "linux");

	rootless_namespaces(linux_);
	json_object_object_add(linux_, "uidMappings", id_mapping(geteuid()));
	json_object_object_add(linux_, "gidMappings", id_mapping(getegid()));
	json_object_object_del(linux_, "resources");
	rootless_mounts(spec);
}

static int write_new_file(const char *path, const char *text, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	size_t len = strlen(text);

	if (fd < 0 && errno == EEXIST)
		return kk_error_set(err, KK_ERR_INVALID, "File %s exists. Remove it first", path);
	if (fd < 0)
		return kk_error_sys(err, errno, "creating %s", path);
	if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1) {
		int saved = errno;
		unlink(path);
		return kk_error_sys(err, saved, "writing %s", path);
	}
	return 0;
}

enum { OPT_ROOTLESS = 256, OPT_TERMINAL };

static const struct kk_flag flags[] = {
	{"bundle", required_argument, 'b', "DIR",
	 "write config.json into DIR (default: the current directory)"},
	{"rootless", no_argument, OPT_ROOTLESS, NULL,
	 "a config for an unprivileged user: a user namespace mapping the caller's ids"},
	{"terminal", no_argument, OPT_TERMINAL, NULL, "set process.terminal"},
	{0},
};

static int parse_flags(int argc, char **argv, struct spec_flags *f, struct kk_error *err)
{
	struct kk_getopt opts;
	int c;

	kk_cli_getopt(&opts, &kk_verb_spec, argc, argv);
	while ((c = kk_getopt_next(&opts)) != -1) {
		if (c == 'b')
			f->bundle = optarg;
		else if (c == OPT_ROOTLESS)
			f->rootless = true;
		else if (c == OPT_TERMINAL)
			f->terminal = true;
		else
			return kk_cli_bad_flag(err, &kk_verb_spec, argv);
	}
	if (optind != argc)
		return kk_cli_usage(err, &kk_verb_spec, "unexpected argument");
	return 0;
}

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	struct spec_flags f = {.bundle = ".", .rootless = g->rootless};
	KK_CLEANUP(json_putp) json_object *spec = NULL;
	KK_AUTOFREE char *path = NULL;

	if (parse_flags(argc, argv, &f, err) < 0)
		return -1;
	spec = json_tokener_parse(kk_default_spec_json);
	if (spec == NULL)
		return kk_error_set(err, KK_ERR_INTERNAL, "spec: the built-in template is invalid");
	if (f.terminal)
		json_object_object_add(get(spec, "process"), "terminal",
				       json_object_new_boolean(1));
	if (f.rootless)
		make_rootless(spec);
	path = kk_path_join(f.bundle, "config.json", err);
	if (path == NULL)
		return -1;
	return write_new_file(path,
			      json_object_to_json_string_ext(
				      spec, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						    JSON_C_TO_STRING_NOSLASHESCAPE),
			      err);
}

const struct kk_verb kk_verb_spec = {
	.name = "spec",
	.operands = "",
	.summary = "write a default config.json (runc's defaults) into the bundle",
	.flags = flags,
	.in_order = true,
	.run = run,
};
