/* process.cwd: created at create when missing (mkdir -p, 0755, as runc
 * does; before a read-only root is remounted), entered after start before
 * the user change (or after it, when root was refused), always before the
 * seccomp filter. All of it runs after pivot_root, so "/" is the
 * container's root and ordinary path resolution cannot leave it. */
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
static int check_inside(const struct kk_op *op, struct kk_error *err)
{
	char here[PATH_MAX];

	if (getcwd(here, sizeof(here)) == NULL)
		return kk_error_sys(err, errno, "process.cwd: getcwd after chdir %s", op->path);
	if (here[0] != '/')
		return kk_error_set(err, KK_ERR_ISOLATION,
				    "process.cwd: %s resolves outside the container (%s)", op->path,
				    here);
	return 0;
}

/* As runc: first as root, before the user change, so a directory the
 * container's root can enter but its user cannot still works; refused
 * there (EACCES, EPERM: a user namespace's root on a host directory), it
 * is tried again as the user (chdir-again). */
static int enter(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	if (chdir(op->path) == 0)
		return check_inside(op, err);
	if (errno != EACCES && errno != EPERM)
		return kk_error_sys(err, errno, "process.cwd: chdir %s", op->path);
	ctx->cwd_pending = true;
	return 0;
}

static int enter_again(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	if (!ctx->cwd_pending)
		return 0;
	if (chdir(op->path) < 0)
		return kk_error_sys(err, errno, "process.cwd: chdir %s", op->path);
	ctx->cwd_pending = false;
	return check_inside(op, err);
}

static void describe_create(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "cwd %s (create 0755 if missing, must be a directory)", op->path);
}

static void describe_enter(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "chdir %s (as root; as the user if refused)", op->path);
}

static void describe_again(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "chdir %s as the user, if refused to root", op->path);
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

static const struct kk_op_type chdir_again_op = {
	.name = "chdir-again",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = enter_again,
	.describe = describe_again,
};

/* The same mkdir -p before the root is made read-only: afterwards it could
 * not be made (runc creates the cwd while the rootfs is writable too). */
static const struct kk_op_type cwd_early_op = {
	.name = "cwd",
	.phase = KK_PHASE_INIT_ROOTFS,
	.apply = create,
	.describe = describe_create,
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

int kk_proc_plan_chdir_again(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err)
{
	struct kk_op op = {.type = &chdir_again_op, .ref = p, .path = p->cwd};

	return kk_plan_add(plan, &op, err);
}

int kk_plan_cwd_before_readonly(struct kk_plan *plan, const struct kk_spec *spec,
				struct kk_error *err)
{
	const struct kk_process *p = spec->process;
	struct kk_op op = {.type = &cwd_early_op, .ref = p};

	if (p == NULL || p->cwd == NULL || spec->root == NULL || !spec->root->readonly)
		return 0;
	op.path = p->cwd;
	return kk_plan_insert_before(plan, "root-readonly", &op, err);
}
