/* kakoi features: the Features structure (features.md, features-linux.md).
 * Every list comes from the table kakoi itself parses or applies with
 * (parser/vocab.h, the mount option words), so it cannot drift from what
 * kakoi accepts. */
#define _GNU_SOURCE
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "parser/vocab.h"
#include "runtime/cli/cli.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/version.h"

#define WAIT_KILLABLE "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"

static json_object *names(const struct kk_vocab *v)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < v->n; i++)
		json_object_array_add(a, json_object_new_string(v->entries[i].name));
	return a;
}

static json_object *enabled(bool on)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "enabled", json_object_new_boolean(on));
	return o;
}

static json_object *mount_options(void)
{
	json_object *a = json_object_new_array();
	const char *name;

	for (size_t i = 0; (name = kk_mount_option_name(i)) != NULL; i++)
		json_object_array_add(a, json_object_new_string(name));
	return a;
}

/* The loaded libseccomp applies WAIT_KILLABLE_RECV from 2.6 on (and only
 * when kakoi was built against such headers: see process/seccomp.c). */
static bool flag_supported(const char *name)
{
	const struct scmp_version *v = seccomp_version();

	if (strcmp(name, WAIT_KILLABLE) != 0)
		return true;
#ifdef SCMP_FLTATR_CTL_WAITKILL
	return v->major > 2 || (v->major == 2 && v->minor >= 6);
#else
	(void)v;
	return false;
#endif
}

static json_object *seccomp(void)
{
	json_object *o = enabled(true), *supported = json_object_new_array();
	const struct kk_vocab *flags = &kk_vocab_seccomp_flag;

	json_object_object_add(o, "actions", names(&kk_vocab_seccomp_action));
	json_object_object_add(o, "operators", names(&kk_vocab_seccomp_op));
	json_object_object_add(o, "archs", names(&kk_vocab_seccomp_arch));
	json_object_object_add(o, "knownFlags", names(flags));
	for (size_t i = 0; i < flags->n; i++)
		if (flag_supported(flags->entries[i].name))
			json_object_array_add(supported,
					      json_object_new_string(flags->entries[i].name));
	json_object_object_add(o, "supportedFlags", supported);
	return o;
}

static json_object *cgroup(void)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "v1", json_object_new_boolean(true));
	json_object_object_add(o, "v2", json_object_new_boolean(true));
	/* --systemd-cgroup as root (runtime/cgroup/systemd); not rootless. */
	json_object_object_add(o, "systemd", json_object_new_boolean(true));
	json_object_object_add(o, "systemdUser", json_object_new_boolean(false));
	json_object_object_add(o, "rdma", json_object_new_boolean(true));
	return o;
}

/* apparmor and selinux: kakoi knows the fields and applies them when the
 * host has the LSM, so they are "enabled" in the spec's sense. */
static json_object *linux_features(void)
{
	json_object *o = json_object_new_object(), *ext = json_object_new_object();

	json_object_object_add(o, "namespaces", names(&kk_vocab_namespace));
	json_object_object_add(o, "capabilities", names(&kk_vocab_capability));
	json_object_object_add(o, "cgroup", cgroup());
	json_object_object_add(o, "seccomp", seccomp());
	json_object_object_add(o, "apparmor", enabled(true));
	json_object_object_add(o, "selinux", enabled(true));
	json_object_object_add(o, "intelRdt", enabled(false));
	json_object_object_add(ext, "idmap", enabled(true));
	json_object_object_add(o, "mountExtensions", ext);
	return o;
}

static json_object *annotations(void)
{
	const struct scmp_version *v = seccomp_version();
	json_object *o = json_object_new_object();
	char version[64];

	snprintf(version, sizeof(version), "%u.%u.%u", v->major, v->minor, v->micro);
	json_object_object_add(o, "io.github.kakoi.version", json_object_new_string(KK_VERSION));
	json_object_object_add(o, "io.github.seccomp.libseccomp.version",
			       json_object_new_string(version));
	return o;
}

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	json_object *doc;

	(void)g;
	(void)argv;
	if (argc != 1)
		return kk_cli_usage(err, &kk_verb_features, "takes no arguments");
	doc = json_object_new_object();
	json_object_object_add(doc, "ociVersionMin", json_object_new_string("1.0.0"));
	json_object_object_add(doc, "ociVersionMax", json_object_new_string("1.3.0"));
	json_object_object_add(doc, "hooks", names(&kk_vocab_hook_kind));
	json_object_object_add(doc, "mountOptions", mount_options());
	json_object_object_add(doc, "linux", linux_features());
	json_object_object_add(doc, "annotations", annotations());
	printf("%s\n", json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
								   JSON_C_TO_STRING_SPACED |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	return 0;
}

const struct kk_verb kk_verb_features = {
	.name = "features",
	.operands = "",
	.summary = "print the features this runtime implements, as JSON",
	.run = run,
};
