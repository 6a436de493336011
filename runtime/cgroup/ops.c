/* The cgroup op types of the plan:
 *   cgroup-create (host-prepare)  mkdir -p in one hierarchy, undo per dir made
 *   cgroup-set    (host-prepare)  write one value to one control file
 *   cgroup-enter  (host-attach)   write the init's pid to every cgroup.procs
 * With the systemd driver create and set run in host-attach, after the
 * systemd-scope op (systemd/driver.c) has made the scope.
 * Each op names its hierarchy by index (num) into ctx->cgroup, the same
 * struct kk_cgroup the plan was built from. A cgroup-set has no undo of
 * its own: the values live in directories whose undo removes them. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "runtime/cgroup/cgroup_backend.h"
#include "runtime/exec/ctx.h"

static const char *const field_names[CGF_COUNT] = {
	[CGF_MEMORY_LIMIT] = "memory.limit",
	[CGF_MEMORY_RESERVATION] = "memory.reservation",
	[CGF_MEMORY_SWAP] = "memory.swap",
	[CGF_MEMORY_SWAPPINESS] = "memory.swappiness",
	[CGF_MEMORY_OOM] = "memory.disableOOMKiller",
	[CGF_MEMORY_KERNEL_TCP] = "memory.kernelTCP",
	[CGF_PIDS_LIMIT] = "pids.limit",
	[CGF_CPU_SHARES] = "cpu.shares",
	[CGF_CPU_QUOTA] = "cpu.quota",
	[CGF_CPU_PERIOD] = "cpu.period",
	[CGF_CPU_BURST] = "cpu.burst",
	[CGF_CPU_RT_RUNTIME] = "cpu.realtimeRuntime",
	[CGF_CPU_RT_PERIOD] = "cpu.realtimePeriod",
	[CGF_CPU_IDLE] = "cpu.idle",
	[CGF_CPU_CPUS] = "cpu.cpus",
	[CGF_CPU_MEMS] = "cpu.mems",
	[CGF_HUGEPAGE] = "hugepageLimits",
	[CGF_DEVICES_ALL] = "devices",
	[CGF_DEVICES] = "devices",
	[CGF_DEVICES_DEFAULT] = "devices",
	[CGF_BLKIO_WEIGHT] = "blockIO.weight",
	[CGF_BLKIO_LEAF_WEIGHT] = "blockIO.leafWeight",
	[CGF_BLKIO_WEIGHT_DEVICE] = "blockIO.weightDevice",
	[CGF_BLKIO_READ_BPS] = "blockIO.throttleReadBpsDevice",
	[CGF_BLKIO_WRITE_BPS] = "blockIO.throttleWriteBpsDevice",
	[CGF_BLKIO_READ_IOPS] = "blockIO.throttleReadIOPSDevice",
	[CGF_BLKIO_WRITE_IOPS] = "blockIO.throttleWriteIOPSDevice",
	[CGF_NET_CLASSID] = "network.classID",
	[CGF_NET_PRIO] = "network.priorities",
	[CGF_RDMA] = "rdma",
	[CGF_UNIFIED] = "unified",
};

static bool indexed(enum cg_field f)
{
	return f == CGF_HUGEPAGE || f == CGF_DEVICES || f == CGF_BLKIO_WEIGHT_DEVICE ||
	       f == CGF_BLKIO_READ_BPS || f == CGF_BLKIO_WRITE_BPS || f == CGF_BLKIO_READ_IOPS ||
	       f == CGF_BLKIO_WRITE_IOPS || f == CGF_NET_PRIO || f == CGF_RDMA;
}

void cg_field_name(enum cg_field f, uint32_t index, const char *file, char *buf, size_t len)
{
	const char *name = f < CGF_COUNT ? field_names[f] : "?";

	if (f == CGF_UNIFIED)
		snprintf(buf, len, "linux.resources.unified[\"%s\"]", file);
	else if (indexed(f))
		snprintf(buf, len, "linux.resources.%s[%" PRIu32 "]", name, index);
	else if (f == CGF_DEVICES_DEFAULT)
		snprintf(buf, len, "linux.resources.devices (kakoi's default rules)");
	else
		snprintf(buf, len, "linux.resources.%s", name);
}

static const struct cg_hier *op_hier(const struct kk_op *op, struct kk_ctx *ctx,
				     struct kk_error *err)
{
	uint32_t i = (uint32_t)(op->num & 0xffffffffu);

	if (ctx->cgroup == NULL || i >= ctx->cgroup->n) {
		kk_error_set(err, KK_ERR_INTERNAL, "cgroup op: no hierarchy %" PRIu32, i);
		return NULL;
	}
	return &ctx->cgroup->h[i];
}

/* Control characters from the spec must not forge lines in `kakoi plan`. */
void cg_printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* ---- cgroup-create ------------------------------------------------------- */

static int create_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct cg_hier *h = op_hier(op, ctx, err);

	if (h == NULL)
		return -1;
	return h->be->create(ctx->cgroup, h, op->num2, ctx->undo, err);
}

static void create_describe(const struct kk_op *op, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "mkdir -p %s (mode 0755)", op->path);

	if (op->num2 & CG_CREATE_CPUSET_COPY && n < len)
		n += (size_t)snprintf(buf + n, len - n,
				      ", copy cpuset.cpus/mems into new and empty dirs");
	if ((op->num2 & ~CG_CREATE_CPUSET_COPY) != 0 && n < len) {
		n += (size_t)snprintf(buf + n, len - n, ", enable");
		for (int i = 0; cg_v2_controllers[i] != NULL && n < len; i++)
			if (op->num2 & (1ULL << i))
				n += (size_t)snprintf(buf + n, len - n, " +%s",
						      cg_v2_controllers[i]);
		if (n < len)
			snprintf(buf + n, len - n, " in parents' cgroup.subtree_control");
	}
	cg_printable(buf);
}

static const struct kk_op_type cgroup_create = {
	.name = "cgroup-create",
	.phase = KK_PHASE_HOST_PREPARE,
	.apply = create_apply,
	.describe = create_describe,
};

/* With the systemd driver the directories systemd makes exist only once
 * the scope holds the init, so kakoi's own steps come after it. */
static const struct kk_op_type cgroup_create_late = {
	.name = "cgroup-create",
	.phase = KK_PHASE_HOST_ATTACH,
	.apply = create_apply,
	.describe = create_describe,
};

int cg_plan_create(struct kk_plan *plan, const struct kk_cgroup *cg, uint32_t i, uint64_t flags,
		   struct kk_error *err)
{
	struct kk_op op = {
		.type = cg->sd != NULL ? &cgroup_create_late : &cgroup_create,
		.num = i,
		.num2 = flags,
	};

	op.path = kk_plan_strdup(plan, cg->h[i].dir, err);
	return op.path == NULL ? -1 : kk_plan_add(plan, &op, err);
}

/* ---- cgroup-set ---------------------------------------------------------- */

/* num: hierarchy index | item index << 32; num2: enum cg_field;
 * path: "<hierarchy>:<cgroup path>/<control file>"; ref: the value. */
static int set_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct cg_hier *h = op_hier(op, ctx, err);
	const char *file = strrchr(op->path, '/') + 1;
	char path[PATH_MAX], field[256];

	if (h == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", h->dir, file);
	if (cg_write(path, op->ref, err) == 0)
		return 0;
	cg_field_name((enum cg_field)op->num2, (uint32_t)(op->num >> 32), file, field,
		      sizeof(field));
	kk_error_prefix(err, "%s", field);
	return -1;
}

static void set_describe(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "write %s to %s", (const char *)op->ref, op->path);
	cg_printable(buf);
}

static const struct kk_op_type cgroup_set = {
	.name = "cgroup-set",
	.phase = KK_PHASE_HOST_PREPARE,
	.apply = set_apply,
	.describe = set_describe,
};

static const struct kk_op_type cgroup_set_late = {
	.name = "cgroup-set",
	.phase = KK_PHASE_HOST_ATTACH,
	.apply = set_apply,
	.describe = set_describe,
};

int cg_emit(struct cg_writes *w, enum cg_field f, uint32_t index, const char *file,
	    const char *value, struct kk_error *err)
{
	const struct cg_hier *h = &w->cg->h[w->hier];
	struct kk_op op;

	if (strchr(file, '/') != NULL)
		return kk_error_set(err, KK_ERR_INVALID, "cgroup: %s is not a control file name",
				    file);
	if (w->apply != NULL)
		return w->apply(w, f, index, file, value, err);
	op = (struct kk_op){
		.type = w->cg->sd != NULL ? &cgroup_set_late : &cgroup_set,
		.num = w->hier | ((uint64_t)index << 32),
		.num2 = f,
	};
	op.ref = kk_plan_strdup(w->plan, value, err);
	op.path = op.ref ? kk_plan_printf(w->plan, err, "%s:%s/%s", h->name, w->cg->path, file)
			 : NULL;
	return op.path == NULL ? -1 : kk_plan_add(w->plan, &op, err);
}

int cg_emit_i64(struct cg_writes *w, enum cg_field f, const char *file, int64_t v,
		struct kk_error *err)
{
	char value[32];

	snprintf(value, sizeof(value), "%" PRId64, v);
	return cg_emit(w, f, 0, file, value, err);
}

/* ---- cgroup-enter -------------------------------------------------------- */

static int enter_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	(void)op;
	if (ctx->cgroup == NULL)
		return kk_error_set(err, KK_ERR_INTERNAL, "cgroup-enter: no cgroup in the context");
	return kk_cgroup_enter(ctx->cgroup, ctx->init_pid, err);
}

static void enter_describe(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "write the init's pid to %s/cgroup.procs in %s", op->path,
		 (const char *)op->ref);
	cg_printable(buf);
}

static const struct kk_op_type cgroup_enter = {
	.name = "cgroup-enter",
	.phase = KK_PHASE_HOST_ATTACH,
	.apply = enter_apply,
	.describe = enter_describe,
};

int cg_plan_enter(struct kk_plan *plan, const struct kk_cgroup *cg, struct kk_error *err)
{
	struct kk_op op = {.type = &cgroup_enter};
	char names[1024] = "";
	size_t n = 0;

	for (size_t i = 0; i < cg->n && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", i ? " " : "",
				      cg->h[i].name);
	op.path = kk_plan_strdup(plan, cg->path, err);
	op.ref = op.path ? kk_plan_strdup(plan, names, err) : NULL;
	return op.ref == NULL ? -1 : kk_plan_add(plan, &op, err);
}
