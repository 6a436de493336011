/* config.json's linux object (config-linux.md); resources and seccomp are
 * delegated to parse_resources.c and parse_seccomp.c. */
#include "parser/parse.h"

#include <string.h>
#include <sys/stat.h>

/* The JSON names of the device types, in the order of the set "cbup". */
#define DEVICE_TYPES "cbup"
#define DEVICE_TYPE_NAMES "\"c\", \"b\", \"u\", \"p\""

static int device_type(struct kp_ctx *ctx, json_object *obj, char *out)
{
	return kp_char(ctx, obj, "type", KP_REQUIRED, DEVICE_TYPES, DEVICE_TYPE_NAMES, out);
}

static int parse_id_mapping(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_id_mapping *m = out;

	if (kp_u32(ctx, jv, "containerID", KP_REQUIRED, &m->container_id) < 0 ||
	    kp_u32(ctx, jv, "hostID", KP_REQUIRED, &m->host_id) < 0)
		return -1;
	return kp_u32(ctx, jv, "size", KP_REQUIRED, &m->size) < 0 ? -1 : 0;
}

static int parse_namespace(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_namespace *ns = out;

	if (kp_enum(ctx, jv, "type", KP_REQUIRED, &kk_vocab_namespace, &ns->type) < 0)
		return -1;
	return kp_str(ctx, jv, "path", KP_OPTIONAL, &ns->path) < 0 ? -1 : 0;
}

static int parse_time_offset(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_time_offset *t = out;

	if (kp_opt_i64(ctx, jv, "secs", &t->secs) < 0)
		return -1;
	return kp_opt_u32(ctx, jv, "nanosecs", &t->nanosecs) < 0 ? -1 : 0;
}

static int parse_time_offsets(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_time_offsets *t = out;

	if (KP_OBJECT(ctx, jv, "boottime", parse_time_offset, t->boottime) < 0)
		return -1;
	return KP_OBJECT(ctx, jv, "monotonic", parse_time_offset, t->monotonic) < 0 ? -1 : 0;
}

static int parse_device(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_device *d = out;

	if (device_type(ctx, jv, &d->type) < 0 ||
	    kp_str(ctx, jv, "path", KP_REQUIRED, &d->path) < 0 ||
	    kp_opt_u32_max(ctx, jv, "fileMode", S_IFMT | 0777, &d->file_mode) < 0 ||
	    kp_opt_i64(ctx, jv, "major", &d->major) < 0 ||
	    kp_opt_i64(ctx, jv, "minor", &d->minor) < 0 || kp_opt_u32(ctx, jv, "uid", &d->uid) < 0)
		return -1;
	return kp_opt_u32(ctx, jv, "gid", &d->gid) < 0 ? -1 : 0;
}

static int parse_intel_rdt(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_intel_rdt *r = out;

	if (kp_str(ctx, jv, "closID", KP_OPTIONAL, &r->clos_id) < 0 ||
	    kp_strv(ctx, jv, "schemata", KP_OPTIONAL, &r->schemata) < 0 ||
	    kp_str(ctx, jv, "l3CacheSchema", KP_OPTIONAL, &r->l3_cache_schema) < 0 ||
	    kp_str(ctx, jv, "memBwSchema", KP_OPTIONAL, &r->mem_bw_schema) < 0)
		return -1;
	return kp_opt_bool(ctx, jv, "enableMonitoring", &r->enable_monitoring) < 0 ? -1 : 0;
}

/* config-linux.md: "Currently no flag values are supported." runc warns
 * and ignores them, crun reads only the domain: kakoi warns and drops them. */
static int parse_personality(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_personality *p = out;
	struct kk_strv flags = {0};
	size_t mark;
	int r = 0;

	if (kp_enum(ctx, jv, "domain", KP_REQUIRED, &kk_vocab_personality_domain, &p->domain) < 0 ||
	    kp_strv(ctx, jv, "flags", KP_OPTIONAL, &flags) < 0)
		return -1;
	mark = kp_push_key(ctx, "flags");
	for (size_t i = 0; i < flags.n && r == 0; i++) {
		size_t at = kp_push_index(ctx, i);

		r = kp_warn(ctx, "\"%s\": no personality flags are supported, ignored", flags.v[i]);
		kp_pop(ctx, at);
	}
	kp_pop(ctx, mark);
	return r;
}

static int parse_memory_policy(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_memory_policy *m = out;

	if (kp_enum(ctx, jv, "mode", KP_REQUIRED, &kk_vocab_mempolicy_mode, &m->mode) < 0 ||
	    kp_str(ctx, jv, "nodes", KP_OPTIONAL, &m->nodes) < 0)
		return -1;
	return kp_flags(ctx, jv, "flags", &kk_vocab_mempolicy_flag, &m->flags) < 0 ? -1 : 0;
}

/* netDevices is keyed by the host's interface name. */
static int parse_net_device(struct kp_ctx *ctx, const char *member, json_object *jv, void *out)
{
	struct kk_net_device *d = out;

	d->host_name = kk_arena_strndup(ctx->arena, member, strlen(member));
	if (d->host_name == NULL)
		return kp_oom(ctx);
	if (kp_as_object(ctx, jv) < 0)
		return -1;
	return kp_str(ctx, jv, "name", KP_OPTIONAL, &d->name) < 0 ? -1 : 0;
}

int kp_parse_id_mappings(struct kp_ctx *ctx, json_object *jv, const char *key,
			 struct kk_id_mappings *out)
{
	return KP_ARRAY(ctx, jv, key, parse_id_mapping, out->v, out->n) < 0 ? -1 : 0;
}

static int net_devices(struct kp_ctx *ctx, json_object *jv, struct kk_linux *l)
{
	const void *v = NULL;

	if (kp_members(ctx, jv, "netDevices", sizeof(struct kk_net_device), parse_net_device, &v,
		       &l->n_net_devices) < 0)
		return -1;
	l->net_devices = v;
	return 0;
}

static int parse_arrays(struct kp_ctx *ctx, json_object *jv, struct kk_linux *l)
{
	if (KP_ARRAY(ctx, jv, "namespaces", parse_namespace, l->namespaces, l->n_namespaces) < 0 ||
	    kp_parse_id_mappings(ctx, jv, "uidMappings", &l->uid_mappings) < 0 ||
	    kp_parse_id_mappings(ctx, jv, "gidMappings", &l->gid_mappings) < 0 ||
	    KP_ARRAY(ctx, jv, "devices", parse_device, l->devices, l->n_devices) < 0 ||
	    kp_strv(ctx, jv, "maskedPaths", KP_OPTIONAL, &l->masked_paths) < 0 ||
	    kp_strv(ctx, jv, "readonlyPaths", KP_OPTIONAL, &l->readonly_paths) < 0 ||
	    kp_map(ctx, jv, "sysctl", &l->sysctl) < 0)
		return -1;
	return net_devices(ctx, jv, l);
}

static int parse_objects(struct kp_ctx *ctx, json_object *jv, struct kk_linux *l)
{
	if (KP_OBJECT(ctx, jv, "timeOffsets", parse_time_offsets, l->time_offsets) < 0 ||
	    KP_OBJECT(ctx, jv, "resources", kp_parse_resources, l->resources) < 0 ||
	    KP_OBJECT(ctx, jv, "intelRdt", parse_intel_rdt, l->intel_rdt) < 0 ||
	    KP_OBJECT(ctx, jv, "seccomp", kp_parse_seccomp, l->seccomp) < 0 ||
	    KP_OBJECT(ctx, jv, "personality", parse_personality, l->personality) < 0 ||
	    KP_OBJECT(ctx, jv, "memoryPolicy", parse_memory_policy, l->memory_policy) < 0)
		return -1;
	return 0;
}

static int parse_scalars(struct kp_ctx *ctx, json_object *jv, struct kk_linux *l)
{
	if (kp_str(ctx, jv, "cgroupsPath", KP_OPTIONAL, &l->cgroups_path) < 0 ||
	    kp_enum(ctx, jv, "rootfsPropagation", KP_OPTIONAL, &kk_vocab_propagation,
		    &l->rootfs_propagation) < 0)
		return -1;
	return kp_str(ctx, jv, "mountLabel", KP_OPTIONAL, &l->mount_label) < 0 ? -1 : 0;
}

int kp_parse_linux(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_linux *l = out;

	if (parse_scalars(ctx, jv, l) < 0 || parse_arrays(ctx, jv, l) < 0)
		return -1;
	return parse_objects(ctx, jv, l);
}
