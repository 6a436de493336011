/* linux.resources (config-linux.md, "Control groups"): the cgroup limits. */
#include "parser/parse.h"

#include <string.h>

/* The device-rule types: "a" (all), "c" (char), "b" (block). */
#define RULE_TYPES "acb"
#define RULE_TYPE_NAMES "\"a\", \"c\", \"b\""

/* An absent type means "all" (config-linux.md), stored as 'a'. */
static int rule_type(struct kp_ctx *ctx, json_object *obj, char *out)
{
	*out = 'a';
	return kp_char(ctx, obj, "type", KP_OPTIONAL, RULE_TYPES, RULE_TYPE_NAMES, out);
}

/* kp_bool only knows optional booleans. */
static int required_bool(struct kp_ctx *ctx, json_object *obj, const char *key, bool *out)
{
	json_object *jv = NULL;

	if (kp_field(ctx, obj, key, KP_REQUIRED, &jv) < 0)
		return -1;
	return kp_bool(ctx, obj, key, out);
}

static int parse_device_rule(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_device_rule *d = out;

	if (required_bool(ctx, jv, "allow", &d->allow) < 0 || rule_type(ctx, jv, &d->type) < 0 ||
	    kp_opt_i64(ctx, jv, "major", &d->major) < 0 ||
	    kp_opt_i64(ctx, jv, "minor", &d->minor) < 0)
		return -1;
	return kp_str(ctx, jv, "access", KP_OPTIONAL, &d->access) < 0 ? -1 : 0;
}

static int parse_memory(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_memory *m = out;

	if (kp_opt_i64(ctx, jv, "limit", &m->limit) < 0 ||
	    kp_opt_i64(ctx, jv, "reservation", &m->reservation) < 0 ||
	    kp_opt_i64(ctx, jv, "swap", &m->swap) < 0 ||
	    kp_opt_i64(ctx, jv, "kernel", &m->kernel) < 0 ||
	    kp_opt_i64(ctx, jv, "kernelTCP", &m->kernel_tcp) < 0 ||
	    kp_opt_u64(ctx, jv, "swappiness", &m->swappiness) < 0 ||
	    kp_opt_bool(ctx, jv, "disableOOMKiller", &m->disable_oom_killer) < 0 ||
	    kp_opt_bool(ctx, jv, "useHierarchy", &m->use_hierarchy) < 0)
		return -1;
	return kp_opt_bool(ctx, jv, "checkBeforeUpdate", &m->check_before_update) < 0 ? -1 : 0;
}

static int parse_cpu(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_cpu *c = out;

	if (kp_opt_u64(ctx, jv, "shares", &c->shares) < 0 ||
	    kp_opt_i64(ctx, jv, "quota", &c->quota) < 0 ||
	    kp_opt_u64(ctx, jv, "burst", &c->burst) < 0 ||
	    kp_opt_u64(ctx, jv, "period", &c->period) < 0 ||
	    kp_opt_i64(ctx, jv, "realtimeRuntime", &c->realtime_runtime) < 0 ||
	    kp_opt_u64(ctx, jv, "realtimePeriod", &c->realtime_period) < 0 ||
	    kp_str(ctx, jv, "cpus", KP_OPTIONAL, &c->cpus) < 0 ||
	    kp_str(ctx, jv, "mems", KP_OPTIONAL, &c->mems) < 0)
		return -1;
	return kp_opt_i64(ctx, jv, "idle", &c->idle) < 0 ? -1 : 0;
}

static int parse_pids(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_pids *p = out;

	/* OPTIONAL in the prose (the schema still lists it as required):
	 * absent is 0, no limit, as in runc. */
	return kp_i64(ctx, jv, "limit", KP_OPTIONAL, &p->limit) < 0 ? -1 : 0;
}

static int parse_weight_device(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_blkio_weight_device *w = out;

	if (kp_i64(ctx, jv, "major", KP_REQUIRED, &w->major) < 0 ||
	    kp_i64(ctx, jv, "minor", KP_REQUIRED, &w->minor) < 0 ||
	    kp_opt_u32_max(ctx, jv, "weight", UINT16_MAX, &w->weight) < 0)
		return -1;
	return kp_opt_u32_max(ctx, jv, "leafWeight", UINT16_MAX, &w->leaf_weight) < 0 ? -1 : 0;
}

/* The prose calls rate REQUIRED but the schema does not; absent reads as 0. */
static int parse_throttle(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_blkio_throttle *t = out;

	if (kp_i64(ctx, jv, "major", KP_REQUIRED, &t->major) < 0 ||
	    kp_i64(ctx, jv, "minor", KP_REQUIRED, &t->minor) < 0)
		return -1;
	return kp_u64(ctx, jv, "rate", KP_OPTIONAL, &t->rate) < 0 ? -1 : 0;
}

static int throttles(struct kp_ctx *ctx, json_object *jv, const char *key,
		     struct kk_blkio_throttles *out)
{
	return KP_ARRAY(ctx, jv, key, parse_throttle, out->v, out->n) < 0 ? -1 : 0;
}

static int parse_block_io(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_blkio *b = out;

	if (kp_opt_u32_max(ctx, jv, "weight", UINT16_MAX, &b->weight) < 0 ||
	    kp_opt_u32_max(ctx, jv, "leafWeight", UINT16_MAX, &b->leaf_weight) < 0 ||
	    KP_ARRAY(ctx, jv, "weightDevice", parse_weight_device, b->weight_device,
		     b->n_weight_device) < 0 ||
	    throttles(ctx, jv, "throttleReadBpsDevice", &b->throttle_read_bps) < 0 ||
	    throttles(ctx, jv, "throttleWriteBpsDevice", &b->throttle_write_bps) < 0 ||
	    throttles(ctx, jv, "throttleReadIOPSDevice", &b->throttle_read_iops) < 0)
		return -1;
	return throttles(ctx, jv, "throttleWriteIOPSDevice", &b->throttle_write_iops);
}

static int parse_hugepage_limit(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_hugepage_limit *h = out;

	if (kp_str(ctx, jv, "pageSize", KP_REQUIRED, &h->page_size) < 0)
		return -1;
	return kp_u64(ctx, jv, "limit", KP_REQUIRED, &h->limit) < 0 ? -1 : 0;
}

static int parse_net_priority(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_net_priority *p = out;

	if (kp_str(ctx, jv, "name", KP_REQUIRED, &p->name) < 0)
		return -1;
	return kp_u32(ctx, jv, "priority", KP_REQUIRED, &p->priority) < 0 ? -1 : 0;
}

static int parse_network(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_network *n = out;

	if (kp_opt_u32(ctx, jv, "classID", &n->class_id) < 0)
		return -1;
	return KP_ARRAY(ctx, jv, "priorities", parse_net_priority, n->priorities, n->n_priorities) <
			       0
		       ? -1
		       : 0;
}

/* rdma is keyed by the device name. */
static int parse_rdma(struct kp_ctx *ctx, const char *member, json_object *jv, void *out)
{
	struct kk_rdma *r = out;

	r->device = kk_arena_strndup(ctx->arena, member, strlen(member));
	if (r->device == NULL)
		return kp_oom(ctx);
	if (kp_as_object(ctx, jv) < 0 || kp_opt_u32(ctx, jv, "hcaHandles", &r->hca_handles) < 0)
		return -1;
	return kp_opt_u32(ctx, jv, "hcaObjects", &r->hca_objects) < 0 ? -1 : 0;
}

static int rdma(struct kp_ctx *ctx, json_object *jv, struct kk_resources *res)
{
	const void *v = NULL;

	if (kp_members(ctx, jv, "rdma", sizeof(struct kk_rdma), parse_rdma, &v, &res->n_rdma) < 0)
		return -1;
	res->rdma = v;
	return 0;
}

static int parse_arrays(struct kp_ctx *ctx, json_object *jv, struct kk_resources *res)
{
	if (KP_ARRAY(ctx, jv, "devices", parse_device_rule, res->devices, res->n_devices) < 0 ||
	    KP_ARRAY(ctx, jv, "hugepageLimits", parse_hugepage_limit, res->hugepage_limits,
		     res->n_hugepage_limits) < 0 ||
	    rdma(ctx, jv, res) < 0)
		return -1;
	return kp_map(ctx, jv, "unified", &res->unified) < 0 ? -1 : 0;
}

static int parse_objects(struct kp_ctx *ctx, json_object *jv, struct kk_resources *res)
{
	if (KP_OBJECT(ctx, jv, "memory", parse_memory, res->memory) < 0 ||
	    KP_OBJECT(ctx, jv, "cpu", parse_cpu, res->cpu) < 0 ||
	    KP_OBJECT(ctx, jv, "pids", parse_pids, res->pids) < 0 ||
	    KP_OBJECT(ctx, jv, "blockIO", parse_block_io, res->block_io) < 0 ||
	    KP_OBJECT(ctx, jv, "network", parse_network, res->network) < 0)
		return -1;
	return 0;
}

int kp_parse_resources(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_resources *res = out;

	if (parse_arrays(ctx, jv, res) < 0)
		return -1;
	return parse_objects(ctx, jv, res);
}
