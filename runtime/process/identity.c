/* process.user: groups, gid and uid, then the umask. The capabilities are
 * kept across setuid (PR_SET_KEEPCAPS) so the capabilities op can set the
 * configured sets afterwards; keepcaps is cleared again at once so the
 * process does not inherit it. An absent process.user means root, an absent
 * umask 0022 (both as with runc). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/exec/ctx.h"
#include "runtime/process/process_ops.h"

static const struct kk_user root_user;

static const struct kk_user *user_of(const struct kk_op *op)
{
	const struct kk_process *p = op->ref;

	return p->user != NULL ? p->user : &root_user;
}

/* Is setgroups(2) denied in our user namespace? Rootless Podman without
 * subordinate ids runs its runtime in one whose setgroups is "deny", and a
 * container sharing it inherits that (runc checks the same file). */
static bool setgroups_denied(void)
{
	char text[16] = "";
	int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;

	if (fd >= 0)
		close(fd);
	return n > 0 && strncmp(text, "deny", 4) == 0;
}

/* An empty list clears the groups the init inherited from the runtime. In
 * a user namespace whose setgroups is "deny" there is nothing to clear. */
static int set_groups(const struct kk_user *u, struct kk_ctx *ctx, struct kk_error *err)
{
	const gid_t *gids = (const gid_t *)u->additional_gids.v;

	if (setgroups(u->additional_gids.n, gids) == 0)
		return 0;
	if (errno == EPERM && u->additional_gids.n == 0 && (ctx->userns || setgroups_denied()))
		return 0;
	return kk_error_sys(err, errno, "process.user.additionalGids: setgroups");
}

static int apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_user *u = user_of(op);

	if (set_groups(u, ctx, err) < 0)
		return -1;
	if (setgid(u->gid) < 0)
		return kk_error_sys(err, errno, "process.user.gid: setgid %" PRIu32, u->gid);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return kk_error_sys(err, errno, "process.user: PR_SET_KEEPCAPS");
	if (setuid(u->uid) < 0)
		return kk_error_sys(err, errno, "process.user.uid: setuid %" PRIu32, u->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return kk_error_sys(err, errno, "process.user: clearing PR_SET_KEEPCAPS");
	return 0;
}

/* runc's default when process.user.umask is absent. */
#define DEFAULT_UMASK 0022

static uint32_t umask_of(const struct kk_op *op)
{
	const struct kk_user *u = user_of(op);

	return u->umask.set ? u->umask.value : DEFAULT_UMASK;
}

static int apply_umask(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	(void)ctx;
	(void)err;
	umask((mode_t)umask_of(op));
	return 0;
}

static void describe(const struct kk_op *op, char *buf, size_t len)
{
	const struct kk_user *u = user_of(op);
	char groups[256] = "";
	size_t used = 0;

	for (size_t i = 0; i < u->additional_gids.n && used < sizeof(groups); i++) {
		int n = snprintf(groups + used, sizeof(groups) - used, "%s%" PRIu32, i ? "," : "",
				 u->additional_gids.v[i]);

		used += n > 0 ? (size_t)n : 0;
	}
	snprintf(buf, len, "user uid=%" PRIu32 " gid=%" PRIu32 " groups=%s", u->uid, u->gid,
		 used ? groups : "none");
}

static void describe_umask(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "umask %04" PRIo32, umask_of(op));
}

static const struct kk_op_type identity_op = {
	.name = "user",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = apply,
	.describe = describe,
};

static const struct kk_op_type umask_op = {
	.name = "umask",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = apply_umask,
	.describe = describe_umask,
};

int kk_proc_plan_identity(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err)
{
	struct kk_op id = {.type = &identity_op, .ref = p};
	struct kk_op mask = {.type = &umask_op, .ref = p};

	if (kk_plan_add(plan, &id, err) < 0)
		return -1;
	return kk_plan_add(plan, &mask, err);
}
