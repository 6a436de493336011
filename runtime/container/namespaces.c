#define _GNU_SOURCE
#include "runtime/container/namespaces.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/cleanup.h"
#include "runtime/exec/ctx.h"
#include "runtime/sys/sys.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

const char *kk_ns_name(int type)
{
	switch (type) {
	case CLONE_NEWNS:
		return "mount";
	case CLONE_NEWPID:
		return "pid";
	case CLONE_NEWNET:
		return "network";
	case CLONE_NEWIPC:
		return "ipc";
	case CLONE_NEWUTS:
		return "uts";
	case CLONE_NEWUSER:
		return "user";
	case CLONE_NEWCGROUP:
		return "cgroup";
	case CLONE_NEWTIME:
		return "time";
	default:
		return "?";
	}
}

const char *kk_ns_joined_path(const struct kk_spec *spec, int clone_flag)
{
	for (size_t i = 0; spec->linux_ != NULL && i < spec->linux_->n_namespaces; i++)
		if (spec->linux_->namespaces[i].type == clone_flag)
			return spec->linux_->namespaces[i].path;
	return NULL;
}

const char *kk_ns_joined_userns(const struct kk_spec *spec)
{
	const char *path = kk_ns_joined_path(spec, CLONE_NEWUSER);
	struct stat a, b;

	if (path == NULL || stat(path, &a) < 0 || stat("/proc/self/ns/user", &b) < 0)
		return path;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino ? NULL : path;
}

uint64_t kk_ns_clone_flags(const struct kk_spec *spec)
{
	uint64_t flags = 0;

	if (spec->linux_ == NULL)
		return 0;
	for (size_t i = 0; i < spec->linux_->n_namespaces; i++) {
		const struct kk_namespace *ns = &spec->linux_->namespaces[i];

		/* A new time namespace is made by the runtime (offsets first); a
		 * new cgroup namespace by the init once it is in its cgroup, so
		 * that cgroup becomes the namespace's root. */
		if (ns->path == NULL && ns->type != CLONE_NEWTIME && ns->type != CLONE_NEWCGROUP)
			flags |= (uint64_t)ns->type;
	}
	return flags;
}

/* The plan judged the namespace at the path (whose it is: own_ns.c) by its
 * inode, noted in num2; a path swapped for another namespace since then,
 * perhaps the host's, is refused rather than joined. */
static int check_planned(const struct kk_op *op, int fd, struct kk_error *err)
{
	struct stat st;

	if (op->num2 == 0)
		return 0;
	if (fstat(fd, &st) < 0)
		return kk_error_sys(err, errno, "stat %s", op->path);
	if ((uint64_t)st.st_ino != op->num2)
		return kk_error_set(err, KK_ERR_INVALID,
				    "%s is no longer the %s namespace it was when planned",
				    op->path, kk_ns_name((int)op->num));
	return 0;
}

static bool already_in(int fd, int type)
{
	struct stat a, b;

	return type == CLONE_NEWUSER && fstat(fd, &a) == 0 && stat("/proc/self/ns/user", &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* setns by path: the fd is opened at apply time, in the process that joins. */
static int join_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = kk_sys()->openat(AT_FDCWD, op->path, O_RDONLY | O_CLOEXEC, 0);

	(void)ctx;
	if (fd < 0)
		return kk_error_sys(err, errno, "open %s", op->path);
	if (check_planned(op, fd, err) < 0)
		return -1;
	/* A joined user namespace the init was cloned into (spawn.c). */
	if (already_in(fd, (int)op->num))
		return 0;
	if (kk_sys()->setns(fd, (int)op->num) < 0)
		return kk_error_sys(err, errno, "setns %s namespace %s", kk_ns_name((int)op->num),
				    op->path);
	return 0;
}

static void join_describe(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "join %s namespace %s", kk_ns_name((int)op->num), op->path);
}

static const struct kk_op_type op_join_pid = {
	.name = "setns",
	.phase = KK_PHASE_HOST_PREPARE,
	.apply = join_apply,
	.describe = join_describe,
};

/* Back to the runtime's own pid or time namespace for its later children:
 * setns into the namespace the runtime itself is in (/proc/self/ns/pid,
 * /proc/self/ns/time) resets only the one its children get. */
static int leave_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const char *name = op->num == CLONE_NEWPID ? "pid" : "time";
	char own[32];
	KK_AUTOCLOSE int fd = -1;

	(void)ctx;
	snprintf(own, sizeof(own), "/proc/self/ns/%s", name);
	fd = kk_sys()->openat(AT_FDCWD, own, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return kk_error_sys(err, errno, "open %s", own);
	if (kk_sys()->setns(fd, (int)op->num) < 0)
		return kk_error_sys(err, errno, "setns back to the runtime's %s namespace", name);
	return 0;
}

static void leave_describe(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "return the runtime's later children (hooks) to its own %s namespace",
		 kk_ns_name((int)op->num));
}

/* host-attach: the init exists by then; nothing in host-attach forks. */
static const struct kk_op_type op_leave = {
	.name = "setns",
	.phase = KK_PHASE_HOST_ATTACH,
	.apply = leave_apply,
	.describe = leave_describe,
};

/* The runtime enters the container's pid namespace (joined by path) and a
 * new time namespace before the clone, since both apply to children only;
 * after the clone it leaves them, or every process it forks later would be
 * in the container's: the prestart and createRuntime hooks, which
 * runtime.md wants in the runtime namespace (where the container's
 * processes cannot see or signal them), and their supervisor. */
static int plan_leave(struct kk_plan *plan, const struct kk_linux *lx, struct kk_error *err)
{
	for (size_t i = 0; i < lx->n_namespaces; i++) {
		const struct kk_namespace *ns = &lx->namespaces[i];
		bool entered = (ns->type == CLONE_NEWPID && ns->path != NULL) ||
			       (ns->type == CLONE_NEWTIME && ns->path == NULL);
		struct kk_op op = {.type = &op_leave, .num = (uint64_t)ns->type};

		if (entered && kk_plan_add(plan, &op, err) < 0)
			return -1;
	}
	return 0;
}

static int unshare_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	(void)ctx;
	if (kk_sys()->unshare((int)op->num) < 0)
		return kk_error_sys(err, errno, "unshare the %s namespace",
				    kk_ns_name((int)op->num));
	return 0;
}

static void unshare_describe(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "new %s namespace, rooted at the container's cgroup",
		 kk_ns_name((int)op->num));
}

static const struct kk_op_type op_unshare_cgroup = {
	.name = "unshare",
	.phase = KK_PHASE_INIT_JOIN,
	.apply = unshare_apply,
	.describe = unshare_describe,
};

static const struct kk_op_type op_join = {
	.name = "setns",
	.phase = KK_PHASE_INIT_JOIN,
	.apply = join_apply,
	.describe = join_describe,
};

static int check_namespaces(const struct kk_linux *lx, struct kk_error *err)
{
	uint64_t seen = 0;

	for (size_t i = 0; i < lx->n_namespaces; i++) {
		const struct kk_namespace *ns = &lx->namespaces[i];

		if (seen & (uint64_t)ns->type)
			return kk_error_set(err, KK_ERR_INVALID,
					    "linux.namespaces[%zu]: %s namespace given twice", i,
					    kk_ns_name(ns->type));
		seen |= (uint64_t)ns->type;
		if (ns->path != NULL && ns->path[0] != '/')
			return kk_error_set(err, KK_ERR_INVALID,
					    "linux.namespaces[%zu].path: \"%s\" is not absolute", i,
					    ns->path);
	}
	return 0;
}

/* Joins in an order that keeps paths meaningful: user first (it grants the
 * rights for the rest), mount last (it changes what later paths mean). */
static const int join_order[] = {CLONE_NEWUSER,	  CLONE_NEWIPC,	 CLONE_NEWUTS, CLONE_NEWNET,
				 CLONE_NEWCGROUP, CLONE_NEWTIME, CLONE_NEWNS};

/* The inode of the namespace at path now, or 0 when it cannot be read (the
 * join fails then, or the plan refused what needed it: own_ns.c). */
static uint64_t planned_inode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

static int plan_joins(struct kk_plan *plan, const struct kk_linux *lx, struct kk_error *err)
{
	for (size_t k = 0; k < sizeof(join_order) / sizeof(join_order[0]); k++) {
		for (size_t i = 0; i < lx->n_namespaces; i++) {
			const struct kk_namespace *ns = &lx->namespaces[i];
			struct kk_op op = {
				.type = &op_join, .path = ns->path, .num = (uint64_t)ns->type};

			if (ns->type != join_order[k] || ns->path == NULL)
				continue;
			op.num2 = planned_inode(ns->path);
			if (kk_plan_add(plan, &op, err) < 0)
				return -1;
		}
	}
	return 0;
}

int kk_plan_namespaces(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	const struct kk_linux *lx = spec->linux_;

	if (lx == NULL)
		return 0; /* no namespaces listed: all of them the runtime's */
	if (check_namespaces(lx, err) < 0)
		return -1;
	for (size_t i = 0; i < lx->n_namespaces; i++) {
		const struct kk_namespace *ns = &lx->namespaces[i];
		struct kk_op op = {.type = &op_join_pid, .path = ns->path, .num = CLONE_NEWPID};

		if (ns->type == CLONE_NEWPID && ns->path != NULL && kk_plan_add(plan, &op, err) < 0)
			return -1;
	}
	if (kk_plan_timens(plan, spec, err) < 0 || plan_leave(plan, lx, err) < 0 ||
	    kk_plan_idmap(plan, spec, err) < 0 || plan_joins(plan, lx, err) < 0)
		return -1;
	for (size_t i = 0; i < lx->n_namespaces; i++) {
		const struct kk_namespace *ns = &lx->namespaces[i];
		struct kk_op op = {.type = &op_unshare_cgroup, .num = CLONE_NEWCGROUP};

		if (ns->type == CLONE_NEWCGROUP && ns->path == NULL &&
		    kk_plan_add(plan, &op, err) < 0)
			return -1;
	}
	return 0;
}
