/* process.cwd: created at create when missing (mkdir -p, 0755, as runc
 * does), entered after start just before execve. Both run after
 * pivot_root, so "/" is the container's root and ordinary path resolution
 * cannot leave it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/exec/ctx.h"
#include "runtime/process/process_ops.h"
#include "runtime/sys/sys.h"

static int mkdir_one(const char *path, struct kk_error *err)
{
	if (kk_sys()->mkdirat(AT_FDCWD, path, 0755) == 0 || errno == EEXIST)
		return 0;
	return kk_error_sys(err, errno, "process.cwd: mkdir %s", path);
}

static int mkdir_parents(const char *cwd, struct kk_error *err)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s", cwd) >= (int)sizeof(path))
		return kk_error_set(err, KK_ERR_INVALID, "process.cwd: path too long");
	for (char *slash = strchr(path + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir_one(path, err) < 0)
			return -1;
		*slash = '/';
	}
	return mkdir_one(path, err);
}

static int create(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	struct stat st;

	(void)ctx;
	if (stat(op->path, &st) < 0) {
		if (errno != ENOENT)
			return kk_error_sys(err, errno, "process.cwd: stat %s", op->path);
		if (mkdir_parents(op->path, err) < 0)
			return -1;
		if (stat(op->path, &st) < 0)
			return kk_error_sys(err, errno, "process.cwd: stat %s", op->path);
	}
	if (!S_ISDIR(st.st_mode))
		return kk_error_set(err, KK_ERR_INVALID, "process.cwd: %s is not a directory",
				    op->path);
	return 0;
}

/* getcwd reports "(unreachable)/..." for a directory outside our root: the
 * class of CVE-2024-21626, where a leaked fd became the cwd. */
static int enter(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	char here[PATH_MAX];

	(void)ctx;
	if (chdir(op->path) < 0)
		return kk_error_sys(err, errno, "process.cwd: chdir %s", op->path);
	if (getcwd(here, sizeof(here)) == NULL)
		return kk_error_sys(err, errno, "process.cwd: getcwd after chdir %s", op->path);
	if (here[0] != '/')
		return kk_error_set(err, KK_ERR_ISOLATION,
				    "process.cwd: %s resolves outside the container (%s)", op->path,
				    here);
	return 0;
}

static void describe_create(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "cwd %s (create 0755 if missing, must be a directory)", op->path);
}

static void describe_enter(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "chdir %s", op->path);
}

static const struct kk_op_type cwd_op = {
	.name = "cwd",
	.phase = KK_PHASE_INIT_CREATED,
	.apply = create,
	.describe = describe_create,
};

static const struct kk_op_type chdir_op = {
	.name = "chdir",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = enter,
	.describe = describe_enter,
};

int kk_proc_plan_cwd(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err)
{
	struct kk_op op = {.type = &cwd_op, .ref = p, .path = p->cwd};

	return kk_plan_add(plan, &op, err);
}

int kk_proc_plan_chdir(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err)
{
	struct kk_op op = {.type = &chdir_op, .ref = p, .path = p->cwd};

	return kk_plan_add(plan, &op, err);
}
