/* uid_map and gid_map of a new user namespace, written by the runtime (which
 * holds the host privileges the init gave up by entering the namespace)
 * while the init waits. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "base/cleanup.h"
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

static int write_map(pid_t pid, const char *file, const struct kk_id_mappings *m,
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

	if (write_map(ctx->init_pid, "gid_map", &lx->gid_mappings, err) < 0) {
		kk_error_prefix(err, "linux.gidMappings");
		return -1;
	}
	if (write_map(ctx->init_pid, "uid_map", &lx->uid_mappings, err) < 0) {
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

int kk_plan_idmap(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	const struct kk_linux *lx = spec->linux_;
	bool new_user = false;

	for (size_t i = 0; i < lx->n_namespaces; i++)
		if (lx->namespaces[i].type == CLONE_NEWUSER && lx->namespaces[i].path == NULL)
			new_user = true;
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
