/* linux.sysctl, after pivot_root: each value written to
 * /proc/sys/<key with dots as slashes> of the container's procfs (the path
 * form "net/ipv4/ip_forward" is read as runc reads it). Refused at plan
 * time, as runc's validator does: a key with an empty, "." or ".."
 * component, and any key whose namespace the container does not have (ipc for
 * kernel.msg*, kernel.sem, kernel.shm* and fs.mqueue.*, net for net.*, uts
 * for kernel.domainname; kernel.hostname conflicts with the hostname
 * field). Every other sysctl is the host's own, so it is refused too. A
 * namespace joined by a path that leads to the host's own counts as not
 * having it (kk_rootfs_own_ns). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>

#include "base/cleanup.h"
#include "runtime/exec/ctx.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/write.h"

static int write_value(int root_fd, const char *path, const char *value, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = kk_rootfs_open(root_fd, path, O_WRONLY | O_NOCTTY, err);
	size_t len = strlen(value);
	struct statfs st;

	if (fd < 0)
		return -1;
	/* Only the kernel's own file: never something the image put there. */
	if (fstatfs(fd, &st) < 0)
		return kk_error_sys(err, errno, "statfs %s", path);
	if (st.f_type != PROC_SUPER_MAGIC)
		return kk_error_set(err, KK_ERR_INVALID, "%s is not on a procfs", path);
	return kk_write_value_fd(fd, path, value, len, err);
}

static int sysctl_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_kv *kv = op->ref;

	if (write_value(ctx->rootfs_fd, op->path, kv->value, err) < 0) {
		kk_error_prefix(err, "linux.sysctl.%s", kv->key);
		return -1;
	}
	return 0;
}

static void sysctl_describe(const struct kk_op *op, char *buf, size_t len)
{
	const struct kk_kv *kv = op->ref;

	snprintf(buf, len, "sysctl %s=%s (%s)", kv->key, kv->value, op->path);
}

/* Longer keys name no file: /proc/sys paths are far shorter. */
#define KK_SYSCTL_KEY_MAX 256

static const struct kk_op_type sysctl_op = {
	.name = "sysctl",
	.phase = KK_PHASE_INIT_ROOTFS,
	.apply = sysctl_apply,
	.describe = sysctl_describe,
};

static const char *const ipc_keys[] = {
	"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

static bool is_ipc_key(const char *key)
{
	for (size_t i = 0; i < sizeof(ipc_keys) / sizeof(ipc_keys[0]); i++)
		if (strcmp(key, ipc_keys[i]) == 0)
			return true;
	return strncmp(key, "fs.mqueue.", 10) == 0;
}

/* NULL when the key's namespace is the container's own, else why not; why
 * adds whose namespace it is when a path leads to the host's (own_ns.c). */
static const char *namespace_refusal(const struct kk_spec *spec, const char *key, char *why,
				     size_t len)
{
	bool uts_name =
		strcmp(key, "kernel.domainname") == 0 || strcmp(key, "kernel.hostname") == 0;

	why[0] = '\0';
	if (is_ipc_key(key))
		return kk_rootfs_own_ns(spec, CLONE_NEWIPC, why, len)
			       ? NULL
			       : "not allowed in the host's ipc namespace";
	if (strncmp(key, "net.", 4) == 0)
		return kk_rootfs_own_ns(spec, CLONE_NEWNET, why, len)
			       ? NULL
			       : "not allowed in the host's network namespace";
	if (!uts_name || !kk_rootfs_own_ns(spec, CLONE_NEWUTS, why, len))
		return "not in a separate kernel namespace";
	if (strcmp(key, "kernel.hostname") == 0)
		return "not allowed as it conflicts with the hostname field";
	return NULL;
}

/* sysctl(8)'s two spellings: "a.b.c", where a "/" stands for a dot inside
 * a name ("net.ipv4.conf.eth0/100.forwarding"), and the path form
 * "a/b/c". As runc (convertSysctlVariableToDotsSeparator): a key whose
 * first separator is "/" is in path form, and swapping "." and "/" turns it
 * into the dotted one. Swapping again gives the file under /proc/sys. */
static char swap_separators(char c)
{
	return c == '.' ? '/' : c == '/' ? '.' : c;
}

static void to_dotted(const char *key, char *out)
{
	bool path_form = key[strcspn(key, "./")] == '/';

	for (; *key != '\0'; key++)
		*out++ = path_form ? swap_separators(*key) : *key;
	*out = '\0';
}

/* Every component a name: not empty, not "/" or "//" (the file names "."
 * and ".."), so the file stays the one the key names. */
static bool plain_key(const char *dotted)
{
	for (const char *p = dotted;; p++) {
		size_t len = strcspn(p, ".");

		if (len == 0 || (strspn(p, "/") == len && len <= 2))
			return false;
		p += len;
		if (*p == '\0')
			return true;
	}
}

static int plan_one(struct kk_plan *plan, const struct kk_spec *spec, const struct kk_kv *kv,
		    struct kk_error *err)
{
	struct kk_op op = {.type = &sysctl_op, .ref = kv};
	char whose[KK_OWN_NS_WHY_MAX], dotted[KK_SYSCTL_KEY_MAX];
	const char *why;
	char *c;

	if (strlen(kv->key) >= sizeof(dotted))
		return kk_error_set(err, KK_ERR_LIMIT, "linux.sysctl.%s: longer than %d bytes",
				    kv->key, KK_SYSCTL_KEY_MAX - 1);
	to_dotted(kv->key, dotted);
	if (!plain_key(dotted))
		return kk_error_set(err, KK_ERR_INVALID,
				    "linux.sysctl.%s: not a sysctl name (an empty, \".\" or "
				    "\"..\" component)",
				    kv->key);
	if ((why = namespace_refusal(spec, dotted, whose, sizeof(whose))) != NULL)
		return kk_error_set(err, KK_ERR_INVALID, "linux.sysctl.%s: %s%s%s", kv->key, why,
				    whose[0] != '\0' ? ": " : "", whose);
	if ((op.path = kk_plan_printf(plan, err, "/proc/sys/%s", dotted)) == NULL)
		return -1;
	/* The plan owns the copy: swapping in place is fine. */
	for (c = (char *)op.path + strlen("/proc/sys/"); *c != '\0'; c++)
		*c = swap_separators(*c);
	return kk_plan_add(plan, &op, err);
}

int kk_rootfs_plan_sysctl(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	const struct kk_map *map = spec->linux_ != NULL ? &spec->linux_->sysctl : NULL;

	for (size_t i = 0; map != NULL && i < map->n; i++)
		if (plan_one(plan, spec, &map->v[i], err) < 0)
			return -1;
	return 0;
}
