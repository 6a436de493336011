/* uid_map and gid_map of a new user namespace, written by the runtime (which
 * holds the host privileges the init gave up by entering the namespace)
 * while the init waits. With a user namespace joined by path the config's
 * mappings are checked against that namespace's, never written. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/warn.h"
#include "runtime/container/namespaces.h"
#include "runtime/exec/ctx.h"
#include "runtime/sys/write.h"

static int map_text(const struct kk_id_mappings *m, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < m->n; i++) {
		int n = snprintf(buf + used, len - used, "%u %u %u\n", m->v[i].container_id,
				 m->v[i].host_id, m->v[i].size);

		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	return 0;
}

int kk_idmap_write(pid_t pid, const char *file, const struct kk_id_mappings *m,
		   struct kk_error *err)
{
	char path[64], text[16384];

	if (map_text(m, text, sizeof(text)) < 0)
		return kk_error_set(err, KK_ERR_LIMIT, "%s: too many mappings", file);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return kk_write_value(AT_FDCWD, path, text, err);
}

static int idmap_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_linux *lx = op->ref;

	/* Without CAP_SETUID over the host ids (not root, or root in a user
	 * namespace, which writes what its own map allows), the kernel takes
	 * only the caller's own ids. */
	if (geteuid() != 0)
		return kk_idmap_unprivileged(ctx->init_pid, lx, err);
	if (kk_idmap_write(ctx->init_pid, "gid_map", &lx->gid_mappings, err) < 0) {
		kk_error_prefix(err, "linux.gidMappings");
		return -1;
	}
	if (kk_idmap_write(ctx->init_pid, "uid_map", &lx->uid_mappings, err) < 0) {
		kk_error_prefix(err, "linux.uidMappings");
		return -1;
	}
	return 0;
}

static void describe_map(const char *what, const struct kk_id_mappings *m, char *buf, size_t len)
{
	size_t used = strlen(buf);

	used += (size_t)snprintf(buf + used, len - used, "%s", what);
	for (size_t i = 0; i < m->n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, " %u->%u+%u", m->v[i].container_id,
					 m->v[i].host_id, m->v[i].size);
}

static void idmap_describe(const struct kk_op *op, char *buf, size_t len)
{
	const struct kk_linux *lx = op->ref;

	buf[0] = '\0';
	describe_map("uid", &lx->uid_mappings, buf, len);
	describe_map("; gid", &lx->gid_mappings, buf, len);
}

static const struct kk_op_type op_idmap = {
	.name = "id-maps",
	.phase = KK_PHASE_HOST_ATTACH,
	.apply = idmap_apply,
	.describe = idmap_describe,
};

/* Is every mapping of m a line of the map file text? */
static bool maps_match(const struct kk_id_mappings *m, const char *text)
{
	size_t lines = 0;

	for (const char *line = text; *line != '\0'; lines++) {
		uint32_t c, h, s;
		bool found = false;

		if (sscanf(line, "%u %u %u", &c, &h, &s) != 3)
			return false;
		for (size_t i = 0; i < m->n && !found; i++)
			found = m->v[i].container_id == c && m->v[i].host_id == h &&
				m->v[i].size == s;
		if (!found)
			return false;
		line += strcspn(line, "\n");
		line += *line == '\n';
	}
	return lines == m->n;
}

/* The whole of a small /proc file, NUL-terminated; false if unreadable. */
static bool read_text(const char *path, char *buf, size_t len)
{
	KK_AUTOCLOSE int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t used = 0;
	ssize_t n;

	while (fd >= 0 && used < len - 1 && (n = read(fd, buf + used, len - 1 - used)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
	return fd >= 0 && used < len - 1;
}

static int check_one(int pid, const char *file, const char *field, const struct kk_id_mappings *m,
		     const char *ns_path, struct kk_error *err)
{
	char path[64], text[16384];

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	if (m->n == 0 || (read_text(path, text, sizeof(text)) && maps_match(m, text)))
		return 0;
	return kk_error_set(err, KK_ERR_INVALID,
			    "%s: not the mappings of the user namespace at %s, which is joined, "
			    "not made",
			    field, ns_path);
}

/* containerd and CRI-O send the mappings with a user namespace they made:
 * they must be that namespace's, as runc checks. A path that names no
 * process (a bind-mounted namespace file) cannot be read without entering
 * it: the namespace's own mappings apply whatever the config says. */
static int check_joined(const struct kk_linux *lx, const char *ns_path, struct kk_error *err)
{
	int pid;
	char rest[8];

	if (lx->uid_mappings.n == 0 && lx->gid_mappings.n == 0)
		return 0;
	if (sscanf(ns_path, "/proc/%d/ns/user%1s", &pid, rest) != 1) {
		kk_warn("linux.uidMappings: the user namespace at %s is joined; its own mappings "
			"apply, these are not checked",
			ns_path);
		return 0;
	}
	if (check_one(pid, "uid_map", "linux.uidMappings", &lx->uid_mappings, ns_path, err) < 0)
		return -1;
	return check_one(pid, "gid_map", "linux.gidMappings", &lx->gid_mappings, ns_path, err);
}

int kk_plan_idmap(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	const struct kk_linux *lx = spec->linux_;
	const char *joined = NULL;
	bool new_user = false;

	for (size_t i = 0; i < lx->n_namespaces; i++)
		if (lx->namespaces[i].type == CLONE_NEWUSER) {
			new_user = lx->namespaces[i].path == NULL;
			joined = lx->namespaces[i].path;
		}
	if (joined != NULL)
		return check_joined(lx, joined, err);
	if (!new_user) {
		if (lx->uid_mappings.n > 0 || lx->gid_mappings.n > 0)
			return kk_error_set(
				err, KK_ERR_INVALID,
				"linux.uidMappings: id mappings need a new user namespace");
		return 0;
	}
	if (lx->uid_mappings.n == 0)
		return kk_error_set(err, KK_ERR_INVALID,
				    "linux.uidMappings: a new user namespace needs uid mappings");
	if (lx->gid_mappings.n == 0)
		return kk_error_set(err, KK_ERR_INVALID,
				    "linux.gidMappings: a new user namespace needs gid mappings");
	return kk_plan_add(plan, &(struct kk_op){.type = &op_idmap, .ref = lx}, err);
}
