/* Device rules: the list both layers enforce, and the cgroup v2 layer.
 *
 * The list is the config's rules, then kakoi's defaults (runc's: mknod of
 * anything, the standard devices, the pty slaves), so a rule cannot take a
 * default away, as in runc and crun. The v1 devices controller gets it as
 * writes (backend_v1.c); where there is a cgroup2 hierarchy (pure v2, or
 * the unified one of a hybrid host, which takes device programs on any
 * directory even without controllers) the op `cgroup-devices` compiles it
 * into an eBPF program (bpf/devprog.c) and attaches it to the container's
 * directory before the init enters, its undo detaching it. On a hybrid host
 * both layers enforce the list. `update` with device rules replaces the
 * program (the v1 list stays as created). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/warn.h"
#include "runtime/cgroup/bpf/devprog.h"
#include "runtime/cgroup/bpf/kernel.h"
#include "runtime/cgroup/cgroup_backend.h"
#include "runtime/exec/ctx.h"

/* {0}: no number, any device; {n, true}: that number. */
const struct kk_device_rule cg_default_device_rules[] = {
	{true, 'c', {0}, {0}, "m"},
	{true, 'b', {0}, {0}, "m"},
	{true, 'c', {1, true}, {3, true}, "rwm"}, /* null */
	{true, 'c', {1, true}, {5, true}, "rwm"}, /* zero */
	{true, 'c', {1, true}, {7, true}, "rwm"}, /* full */
	{true, 'c', {1, true}, {8, true}, "rwm"}, /* random */
	{true, 'c', {1, true}, {9, true}, "rwm"}, /* urandom */
	{true, 'c', {5, true}, {0, true}, "rwm"}, /* tty */
	{true, 'c', {5, true}, {1, true}, "rwm"}, /* console */
	{true, 'c', {136, true}, {0}, "rwm"},	  /* pts/N */
	{true, 'c', {5, true}, {2, true}, "rwm"}, /* ptmx */
};
const size_t cg_n_default_device_rules =
	sizeof(cg_default_device_rules) / sizeof(*cg_default_device_rules);

/* The device program for res: its rules, then the defaults. */
static int build(const struct kk_resources *res, struct kk_devprog *p, struct kk_error *err)
{
	size_t n = res->n_devices + cg_n_default_device_rules;
	KK_AUTOFREE struct kk_device_rule *rules = calloc(n, sizeof(*rules));

	if (rules == NULL)
		return kk_error_sys(err, ENOMEM, "linux.resources.devices");
	if (res->n_devices)
		memcpy(rules, res->devices, res->n_devices * sizeof(*rules));
	memcpy(rules + res->n_devices, cg_default_device_rules, sizeof(cg_default_device_rules));
	return kk_devprog_build(p, rules, n, err);
}

/* The cgroup2 hierarchy (pure v2, or hybrid's unified), or -1. */
static int v2_hier(const struct kk_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].v2)
			return (int)i;
	return -1;
}

static int open_dir(const struct cg_hier *h, struct kk_error *err)
{
	int fd = open(h->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		kk_error_sys(err, errno, "open %s", h->dir);
	return fd;
}

/* Loads the program: its fd, -1 on error, or -2 when a hybrid host's
 * kernel (or a seccomp profile around kakoi) refuses BPF altogether: the v1
 * controller there still enforces the same list, so that is a warning. On
 * a pure v2 host nothing else would enforce it, so it is an error. */
static int load(const struct kk_cgroup *cg, const struct kk_devprog *p, struct kk_error *err)
{
	int fd = kk_devprog_load(p, err);

	if (fd >= 0 || cg->layout != KK_CGROUP_HYBRID || err->code != KK_ERR_SYS ||
	    (err->sys_errno != EPERM && err->sys_errno != ENOSYS))
		return fd;
	kk_warn("linux.resources.devices: %s; only the v1 devices controller enforces the "
		"device rules",
		err->msg);
	kk_error_clear(err);
	return -2;
}

/* ---- cgroup-devices ------------------------------------------------------ */

struct detach_undo {
	char dir[PATH_MAX];
	uint32_t id;
};

/* A directory already gone took its programs with it. */
static int detach_undo(const void *arg, struct kk_error *err)
{
	const struct detach_undo *u = arg;
	KK_AUTOCLOSE int fd = open(u->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : kk_error_sys(err, errno, "open %s", u->dir);
	if (kk_devprog_detach(fd, u->id, err) < 0) {
		kk_error_prefix(err, "cgroup %s", u->dir);
		return -1;
	}
	return 0;
}

static int attach_new(const struct kk_cgroup *cg, const struct cg_hier *h,
		      const struct kk_devprog *p, struct kk_undo *undo, struct kk_error *err)
{
	KK_AUTOCLOSE int dir = open_dir(h, err);
	KK_AUTOCLOSE int prog = dir < 0 ? -1 : load(cg, p, err);
	struct detach_undo u;
	char what[PATH_MAX + 64];

	if (prog == -2)
		return 0;
	if (prog < 0 || kk_devprog_id(prog, &u.id, err) < 0 ||
	    kk_devprog_attach(dir, prog, err) < 0)
		return -1;
	snprintf(u.dir, sizeof(u.dir), "%s", h->dir);
	snprintf(what, sizeof(what), "detach device program %" PRIu32 " from %s", u.id, h->dir);
	return kk_undo_push(undo, what, detach_undo, &u, sizeof(u), err);
}

/* num: the cgroup2 hierarchy's index; num2: the program's length;
 * ref: the resources (NULL: none); path: "<hierarchy>:<cgroup path>". */
static int devices_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	static const struct kk_resources none;
	const struct kk_resources *res = op->ref ? op->ref : &none;
	KK_AUTODEVPROG struct kk_devprog p = {0};

	if (ctx->cgroup == NULL || op->num >= ctx->cgroup->n)
		return kk_error_set(err, KK_ERR_INTERNAL, "cgroup-devices: no hierarchy");
	if (build(res, &p, err) < 0)
		return -1;
	if (attach_new(ctx->cgroup, &ctx->cgroup->h[op->num], &p, ctx->undo, err) == 0)
		return 0;
	kk_error_prefix(err, "linux.resources.devices: cgroup %s", ctx->cgroup->h[op->num].dir);
	return -1;
}

static void devices_describe(const struct kk_op *op, char *buf, size_t len)
{
	const struct kk_resources *res = op->ref;
	size_t spec = res ? res->n_devices : 0;

	snprintf(buf, len,
		 "attach a device program to %s (%zu rules: the config's %zu, then kakoi's %zu "
		 "defaults; %" PRIu64 " instructions, default deny)",
		 op->path, spec + cg_n_default_device_rules, spec, cg_n_default_device_rules,
		 op->num2);
	cg_printable(buf);
}

static const struct kk_op_type cgroup_devices = {
	.name = "cgroup-devices",
	.phase = KK_PHASE_HOST_PREPARE,
	.apply = devices_apply,
	.describe = devices_describe,
};

/* The systemd driver's: after the scope exists (ops.c says why). */
static const struct kk_op_type cgroup_devices_late = {
	.name = "cgroup-devices",
	.phase = KK_PHASE_HOST_ATTACH,
	.apply = devices_apply,
	.describe = devices_describe,
};

int cg_plan_devices(struct kk_plan *plan, const struct kk_cgroup *cg,
		    const struct kk_resources *res, struct kk_error *err)
{
	KK_AUTODEVPROG struct kk_devprog p = {0};
	int i = v2_hier(cg);
	struct kk_op op;

	if (i < 0)
		return 0;
	/* Built once here so a list too long fails the plan, not the create. */
	if (build(res, &p, err) < 0)
		return -1;
	op = (struct kk_op){
		.type = cg->sd != NULL ? &cgroup_devices_late : &cgroup_devices,
		.ref = res,
		.num = (uint64_t)i,
		.num2 = p.n,
	};
	op.path = kk_plan_printf(plan, err, "%s:%s", cg->h[i].name, cg->path);
	return op.path == NULL ? -1 : kk_plan_add(plan, &op, err);
}

/* ---- update -------------------------------------------------------------- */

int cg_devices_update(const struct kk_cgroup *cg, const struct kk_resources *res,
		      struct kk_error *err)
{
	KK_AUTODEVPROG struct kk_devprog p = {0};
	int i = v2_hier(cg);
	KK_AUTOCLOSE int dir = -1;
	KK_AUTOCLOSE int prog = -1;

	if (i < 0)
		return 0; /* v1 only: runc's update never rewrites device rules */
	if (build(res, &p, err) < 0)
		return -1;
	dir = open_dir(&cg->h[i], err);
	prog = dir < 0 ? -1 : load(cg, &p, err);
	if (prog == -2 || (prog >= 0 && kk_devprog_replace(dir, prog, err) == 0))
		return 0;
	kk_error_prefix(err, "linux.resources.devices: cgroup %s", cg->h[i].dir);
	return -1;
}
