/* Semantic rules of config.json's linux section (config-linux.md) and of the
 * id mappings it shares with mounts.
 *
 * These checks also run on images decoded from the isolated parser child, so
 * they re-check the ranges the readers enforce (file modes, blkio weights):
 * the decoder only vouches for pointers, enums and character sets. */
#include "parser/validate.h"

#include <ctype.h>
#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "parser/limits.h"

#define KV_SECCOMP_ARGS 6

/* ---- id mappings --------------------------------------------------------- */

static bool ranges_overlap(uint32_t a, uint32_t b, uint32_t size_a, uint32_t size_b)
{
	return (uint64_t)a < (uint64_t)b + size_b && (uint64_t)b < (uint64_t)a + size_a;
}

/* IDs are 32 bits; a range running past 2^32 would wrap in the kernel's eyes. */
static int id_range(struct kp_ctx *ctx, const char *what, uint32_t start, uint32_t size)
{
	if ((uint64_t)start + size <= UINT64_C(1) << 32)
		return 0;
	return KV_AT(ctx, "size", kp_fail(ctx, "%s %u + size %u exceeds 2^32", what, start, size));
}

static int id_mapping(struct kp_ctx *ctx, const char *key, const struct kk_id_mappings *maps,
		      size_t i)
{
	const struct kk_id_mapping *m = &maps->v[i];

	if (m->size == 0)
		return KV_AT(ctx, "size", kp_fail(ctx, "must be greater than zero"));
	if (id_range(ctx, "containerID", m->container_id, m->size) < 0 ||
	    id_range(ctx, "hostID", m->host_id, m->size) < 0)
		return -1;
	for (size_t j = 0; j < i; j++) {
		const struct kk_id_mapping *o = &maps->v[j];

		if (ranges_overlap(m->container_id, o->container_id, m->size, o->size))
			return kp_fail(ctx, "overlaps %s[%zu] in container IDs", key, j);
		if (ranges_overlap(m->host_id, o->host_id, m->size, o->size))
			return kp_fail(ctx, "overlaps %s[%zu] in host IDs", key, j);
	}
	return 0;
}

int kv_id_mappings(struct kp_ctx *ctx, const char *key, const struct kk_id_mappings *maps)
{
	size_t mark = kp_push_key(ctx, key);
	int r = 0;

	if (maps->n > KK_LIMIT_ID_MAPPINGS)
		r = kp_fail_limit(ctx,
				  "has %zu entries, more than the kernel's limit of %d "
				  "(KK_LIMIT_ID_MAPPINGS)",
				  maps->n, KK_LIMIT_ID_MAPPINGS);
	for (size_t i = 0; i < maps->n && r == 0; i++)
		r = KV_AT_INDEX(ctx, i, id_mapping(ctx, key, maps, i));
	kp_pop(ctx, mark);
	return r;
}

/* ---- small string rules -------------------------------------------------- */

static bool only_chars(const char *s, const char *set)
{
	return strspn(s, set) == strlen(s);
}

static int no_newline(struct kp_ctx *ctx, const char *s)
{
	if (s == NULL || strchr(s, '\n') == NULL)
		return 0;
	return kp_fail(ctx, "must not contain a newline");
}

/* dev_valid_name() in net/core/dev.c: what the kernel accepts as an interface
 * name. "%d" templates pass, as the spec allows them. */
static bool ifname_ok(const char *name)
{
	if (name[0] == '\0' || strnlen(name, IF_NAMESIZE) == IF_NAMESIZE)
		return false;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (; *name != '\0'; name++)
		if (*name == '/' || *name == ':' || isspace((unsigned char)*name))
			return false;
	return true;
}

/* ---- linux --------------------------------------------------------------- */

/* There are only 8 namespace types, so a duplicate turns up within the first
 * 9 entries and the inner loop stays short. */
static int namespace_entry(struct kp_ctx *ctx, const struct kk_linux *l, size_t i)
{
	const struct kk_namespace *ns = &l->namespaces[i];
	const char *name = kk_vocab_name(&kk_vocab_namespace, ns->type);

	for (size_t j = 0; j < i; j++)
		if (l->namespaces[j].type == ns->type)
			return KV_AT(ctx, "type", kp_fail(ctx, "duplicate namespace \"%s\"", name));
	return kv_absolute(ctx, "path", ns->path);
}

static int namespaces(struct kp_ctx *ctx, const struct kk_linux *l)
{
	for (size_t i = 0; i < l->n_namespaces; i++)
		if (KV_AT_INDEX(ctx, i, namespace_entry(ctx, l, i)) < 0)
			return -1;
	return 0;
}

static uint32_t device_type_bits(char type)
{
	switch (type) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default: /* 'c' and 'u' */
		return S_IFCHR;
	}
}

/* The permission bits, optionally with the file type bits (os.FileMode as
 * Podman and Docker send it: 8576 is S_IFCHR|0600), which must then be
 * the device type's. */
static int file_mode(struct kp_ctx *ctx, const struct kk_device *d)
{
	uint32_t mode = d->file_mode.value, type = mode & S_IFMT;

	if ((mode & ~(uint32_t)S_IFMT) > 0777)
		return KV_AT(ctx, "fileMode", kp_fail(ctx, "%u is out of range [0, 511]", mode));
	if (type != 0 && type != device_type_bits(d->type))
		return KV_AT(ctx, "fileMode",
			     kp_fail(ctx, "%u: the file type bits %#o are not those of type \"%c\"",
				     mode, type, d->type));
	return 0;
}

static int device(struct kp_ctx *ctx, const struct kk_device *d)
{
	if (kv_absolute(ctx, "path", d->path) < 0)
		return -1;
	if (d->file_mode.set && file_mode(ctx, d) < 0)
		return -1;
	if (d->type == 'p')
		return 0; /* a FIFO has no device numbers; any given are ignored */
	if (!d->major.set)
		return KV_AT(ctx, "major", kp_fail(ctx, "is required for type \"%c\"", d->type));
	if (!d->minor.set)
		return KV_AT(ctx, "minor", kp_fail(ctx, "is required for type \"%c\"", d->type));
	if (d->major.value < 0 || d->major.value > UINT32_MAX)
		return KV_AT(
			ctx, "major",
			kp_fail(ctx, "%lld is not a device number", (long long)d->major.value));
	if (d->minor.value < 0 || d->minor.value > UINT32_MAX)
		return KV_AT(
			ctx, "minor",
			kp_fail(ctx, "%lld is not a device number", (long long)d->minor.value));
	return 0;
}

static int devices(struct kp_ctx *ctx, const struct kk_linux *l)
{
	for (size_t i = 0; i < l->n_devices; i++)
		if (KV_AT_INDEX(ctx, i, device(ctx, &l->devices[i])) < 0)
			return -1;
	return 0;
}

/* A key becomes a path under /proc/sys, so "." and ".." components would
 * leave it. */
static int sysctl_key(struct kp_ctx *ctx, const char *key)
{
	const char *c = key;

	if (key[0] == '\0')
		return kp_fail(ctx, "keys must not be empty");
	while (*c != '\0') {
		size_t len = strcspn(c, "/");

		if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
			return KV_AT(ctx, key,
				     kp_fail(ctx, "must not have a \".\" or \"..\" component"));
		c += len + (c[len] == '/');
	}
	return 0;
}

static int sysctl(struct kp_ctx *ctx, const struct kk_map *map)
{
	if (kv_keys(ctx, map->v, map->n, sizeof(*map->v), 0) < 0)
		return -1;
	for (size_t i = 0; i < map->n; i++)
		if (sysctl_key(ctx, map->v[i].key) < 0)
			return -1;
	return 0;
}

static int net_device(struct kp_ctx *ctx, const struct kk_net_device *d)
{
	if (!ifname_ok(d->host_name))
		return kp_fail(ctx, "\"%s\" is not a valid network interface name", d->host_name);
	if (d->name != NULL && !ifname_ok(d->name))
		return KV_AT(ctx, "name",
			     kp_fail(ctx, "\"%s\" is not a valid network interface name", d->name));
	return 0;
}

static int net_devices(struct kp_ctx *ctx, const struct kk_linux *l)
{
	if (kv_keys(ctx, l->net_devices, l->n_net_devices, sizeof(*l->net_devices),
		    offsetof(struct kk_net_device, host_name)) < 0)
		return -1;
	for (size_t i = 0; i < l->n_net_devices; i++) {
		const struct kk_net_device *d = &l->net_devices[i];

		if (KV_AT(ctx, d->host_name, net_device(ctx, d)) < 0)
			return -1;
	}
	return 0;
}

/* The spec defines the field but no flag values. */
static int personality(struct kp_ctx *ctx, const struct kk_personality *p)
{
	size_t mark;

	if (p->flags.n == 0)
		return 0;
	mark = kp_push_key(ctx, "flags");
	kp_push_index(ctx, 0);
	kp_fail(ctx, "unsupported flag \"%s\" (no personality flags are supported)", p->flags.v[0]);
	kp_pop(ctx, mark);
	return -1;
}

static bool name_in(const char *name, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(name, *list) == 0)
			return true;
	return false;
}

static uint64_t mempolicy_flag(const char *name)
{
	int64_t value = 0;

	kk_vocab_lookup(&kk_vocab_mempolicy_flag, name, &value);
	return (uint64_t)value;
}

/* set_mempolicy(2): which modes take a node mask, and the flags' exclusion. */
static int memory_policy_nodes(struct kp_ctx *ctx, const struct kk_memory_policy *m)
{
	static const char *const no_nodes[] = {"MPOL_DEFAULT", "MPOL_LOCAL", NULL};
	static const char *const need_nodes[] = {"MPOL_BIND", "MPOL_INTERLEAVE",
						 "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED_MANY",
						 NULL};
	const char *mode = kk_vocab_name(&kk_vocab_mempolicy_mode, m->mode);
	bool has_nodes = m->nodes != NULL && m->nodes[0] != '\0';

	if (mode == NULL)
		return KV_AT(ctx, "mode", kp_fail(ctx, "unknown memory policy mode %d", m->mode));
	if (has_nodes && name_in(mode, no_nodes))
		return KV_AT(ctx, "nodes", kp_fail(ctx, "must not be set for mode \"%s\"", mode));
	if (!has_nodes && name_in(mode, need_nodes))
		return KV_AT(ctx, "nodes", kp_fail(ctx, "is required for mode \"%s\"", mode));
	if (has_nodes && !only_chars(m->nodes, "0123456789,-"))
		return KV_AT(ctx, "nodes",
			     kp_fail(ctx, "\"%s\" is not a list of memory nodes", m->nodes));
	return 0;
}

static int memory_policy(struct kp_ctx *ctx, const struct kk_memory_policy *m)
{
	uint64_t exclusive =
		mempolicy_flag("MPOL_F_STATIC_NODES") | mempolicy_flag("MPOL_F_RELATIVE_NODES");

	if (memory_policy_nodes(ctx, m) < 0)
		return -1;
	if ((m->flags & exclusive) == exclusive)
		return KV_AT(ctx, "flags",
			     kp_fail(ctx, "MPOL_F_STATIC_NODES and "
					  "MPOL_F_RELATIVE_NODES are mutually exclusive"));
	return 0;
}

/* closID names one directory of the resctrl filesystem; "/" is the default
 * class. Anything with a slash or a dot-name would leave that directory. */
static int clos_id(struct kp_ctx *ctx, const char *id)
{
	if (id == NULL || strcmp(id, "/") == 0)
		return 0;
	if (id[0] == '\0' || strchr(id, '/') != NULL || strcmp(id, ".") == 0 ||
	    strcmp(id, "..") == 0)
		return kp_fail(ctx, "\"%s\" is not \"/\" or a directory name", id);
	return 0;
}

static int schemata(struct kp_ctx *ctx, const struct kk_strv *lines)
{
	for (size_t i = 0; i < lines->n; i++)
		if (KV_AT_INDEX(ctx, i, no_newline(ctx, lines->v[i])) < 0)
			return -1;
	return 0;
}

/* Each schema is written as lines of the resctrl "schemata" file. */
static int intel_rdt(struct kp_ctx *ctx, const struct kk_intel_rdt *r)
{
	const char *mb = r->mem_bw_schema;

	if (KV_AT(ctx, "closID", clos_id(ctx, r->clos_id)) < 0 ||
	    KV_AT(ctx, "l3CacheSchema", no_newline(ctx, r->l3_cache_schema)) < 0 ||
	    KV_AT(ctx, "memBwSchema", no_newline(ctx, mb)) < 0)
		return -1;
	if (mb != NULL && strncmp(mb, "MB:", 3) != 0)
		return KV_AT(ctx, "memBwSchema", kp_fail(ctx, "must start with \"MB:\""));
	return KV_AT(ctx, "schemata", schemata(ctx, &r->schemata));
}

static int linux_objects(struct kp_ctx *ctx, const struct kk_linux *l)
{
	if (l->resources && KV_AT(ctx, "resources", kv_resources(ctx, l->resources)) < 0)
		return -1;
	if (l->seccomp && KV_AT(ctx, "seccomp", kv_seccomp(ctx, l->seccomp)) < 0)
		return -1;
	if (l->intel_rdt && KV_AT(ctx, "intelRdt", intel_rdt(ctx, l->intel_rdt)) < 0)
		return -1;
	if (l->personality && KV_AT(ctx, "personality", personality(ctx, l->personality)) < 0)
		return -1;
	if (l->memory_policy &&
	    KV_AT(ctx, "memoryPolicy", memory_policy(ctx, l->memory_policy)) < 0)
		return -1;
	return 0;
}

/* timens(7) takes nanoseconds below one second. */
static int time_offset(struct kp_ctx *ctx, const char *key, const struct kk_time_offset *t)
{
	if (t == NULL || !t->nanosecs.set || t->nanosecs.value < 1000000000u)
		return 0;
	return KV_AT(ctx, key,
		     KV_AT(ctx, "nanosecs",
			   kp_fail(ctx, "%u is not below 1000000000", t->nanosecs.value)));
}

int kv_linux(struct kp_ctx *ctx, const struct kk_linux *l)
{
	if (KV_AT(ctx, "namespaces", namespaces(ctx, l)) < 0 ||
	    kv_id_mappings(ctx, "uidMappings", &l->uid_mappings) < 0 ||
	    kv_id_mappings(ctx, "gidMappings", &l->gid_mappings) < 0 ||
	    KV_AT(ctx, "devices", devices(ctx, l)) < 0 ||
	    kv_absolute_list(ctx, "maskedPaths", &l->masked_paths) < 0 ||
	    kv_absolute_list(ctx, "readonlyPaths", &l->readonly_paths) < 0 ||
	    KV_AT(ctx, "sysctl", sysctl(ctx, &l->sysctl)) < 0 ||
	    KV_AT(ctx, "netDevices", net_devices(ctx, l)) < 0)
		return -1;
	if (l->time_offsets &&
	    (KV_AT(ctx, "timeOffsets", time_offset(ctx, "boottime", l->time_offsets->boottime)) <
		     0 ||
	     KV_AT(ctx, "timeOffsets", time_offset(ctx, "monotonic", l->time_offsets->monotonic)) <
		     0))
		return -1;
	return linux_objects(ctx, l);
}

/* ---- resources ----------------------------------------------------------- */

/* "A composition of r, w and m": each at most once. */
static int rule_access(struct kp_ctx *ctx, const char *access)
{
	if (access == NULL)
		return 0;
	for (const char *c = access; *c != '\0'; c++) {
		if (strchr("rwm", *c) == NULL)
			return kp_fail(ctx, "\"%s\" may only contain \"r\", \"w\" and \"m\"",
				       access);
		if (strchr(c + 1, *c) != NULL)
			return kp_fail(ctx, "\"%s\" repeats \"%c\"", access, *c);
	}
	return 0;
}

static int device_rule(struct kp_ctx *ctx, const struct kk_device_rule *rule)
{
	return KV_AT(ctx, "access", rule_access(ctx, rule->access));
}

static int device_rules(struct kp_ctx *ctx, const struct kk_resources *res)
{
	for (size_t i = 0; i < res->n_devices; i++)
		if (KV_AT_INDEX(ctx, i, device_rule(ctx, &res->devices[i])) < 0)
			return -1;
	return 0;
}

static int cpu_list(struct kp_ctx *ctx, const char *key, const char *list)
{
	if (list == NULL || only_chars(list, "0123456789,-"))
		return 0;
	return KV_AT(ctx, key, kp_fail(ctx, "\"%s\" is not a list of the form \"0-3,7\"", list));
}

static int cpu(struct kp_ctx *ctx, const struct kk_cpu *c)
{
	if (cpu_list(ctx, "cpus", c->cpus) < 0 || cpu_list(ctx, "mems", c->mems) < 0)
		return -1;
	if (c->burst.set && c->quota.set && c->quota.value > 0 &&
	    c->burst.value > (uint64_t)c->quota.value)
		return KV_AT(ctx, "burst",
			     kp_fail(ctx, "%llu is larger than quota %lld",
				     (unsigned long long)c->burst.value,
				     (long long)c->quota.value));
	return 0;
}

static int weight(struct kp_ctx *ctx, const char *key, const struct kk_opt_u32 *w)
{
	if (!w->set || w->value <= UINT16_MAX)
		return 0;
	return KV_AT(ctx, key, kp_fail(ctx, "%u is out of range [0, 65535]", w->value));
}

static int weight_device(struct kp_ctx *ctx, const struct kk_blkio_weight_device *w)
{
	if (!w->weight.set && !w->leaf_weight.set)
		return kp_fail(ctx, "must set weight, leafWeight or both");
	if (weight(ctx, "weight", &w->weight) < 0)
		return -1;
	return weight(ctx, "leafWeight", &w->leaf_weight);
}

static int block_io(struct kp_ctx *ctx, const struct kk_blkio *b)
{
	if (weight(ctx, "weight", &b->weight) < 0 || weight(ctx, "leafWeight", &b->leaf_weight) < 0)
		return -1;
	for (size_t i = 0; i < b->n_weight_device; i++)
		if (KV_AT(ctx, "weightDevice",
			  KV_AT_INDEX(ctx, i, weight_device(ctx, &b->weight_device[i]))) < 0)
			return -1;
	return 0;
}

/* ^[1-9][0-9]*[KMG]B$ (config-linux.json). */
static bool page_size_ok(const char *s)
{
	size_t digits = strspn(s, "0123456789");

	if (digits == 0 || s[0] == '0' || s[digits] == '\0' || strchr("KMG", s[digits]) == NULL)
		return false;
	return strcmp(s + digits + 1, "B") == 0;
}

static int hugepage_limit(struct kp_ctx *ctx, const struct kk_hugepage_limit *h)
{
	if (page_size_ok(h->page_size))
		return 0;
	return KV_AT(ctx, "pageSize",
		     kp_fail(ctx, "\"%s\" is not a size like \"2MB\" (<n>KB, <n>MB or <n>GB)",
			     h->page_size));
}

static int hugepage_limits(struct kp_ctx *ctx, const struct kk_resources *res)
{
	for (size_t i = 0; i < res->n_hugepage_limits; i++)
		if (KV_AT_INDEX(ctx, i, hugepage_limit(ctx, &res->hugepage_limits[i])) < 0)
			return -1;
	return 0;
}

static int rdma(struct kp_ctx *ctx, const struct kk_resources *res)
{
	if (kv_keys(ctx, res->rdma, res->n_rdma, sizeof(*res->rdma),
		    offsetof(struct kk_rdma, device)) < 0)
		return -1;
	for (size_t i = 0; i < res->n_rdma; i++) {
		const struct kk_rdma *r = &res->rdma[i];

		if (!r->hca_handles.set && !r->hca_objects.set)
			return KV_AT(ctx, r->device,
				     kp_fail(ctx, "must set hcaHandles, hcaObjects or both"));
	}
	return 0;
}

/* Each key names a file in the container's cgroup directory, nothing else. */
static int unified(struct kp_ctx *ctx, const struct kk_map *map)
{
	if (kv_keys(ctx, map->v, map->n, sizeof(*map->v), 0) < 0)
		return -1;
	for (size_t i = 0; i < map->n; i++) {
		const char *key = map->v[i].key;

		if (strchr(key, '/') != NULL || strcmp(key, ".") == 0 || strcmp(key, "..") == 0)
			return KV_AT(ctx, key, kp_fail(ctx, "must be a file name in the cgroup"));
	}
	return 0;
}

int kv_resources(struct kp_ctx *ctx, const struct kk_resources *res)
{
	if (KV_AT(ctx, "devices", device_rules(ctx, res)) < 0 ||
	    KV_AT(ctx, "hugepageLimits", hugepage_limits(ctx, res)) < 0 ||
	    KV_AT(ctx, "rdma", rdma(ctx, res)) < 0 ||
	    KV_AT(ctx, "unified", unified(ctx, &res->unified)) < 0)
		return -1;
	if (res->cpu && KV_AT(ctx, "cpu", cpu(ctx, res->cpu)) < 0)
		return -1;
	if (res->block_io && KV_AT(ctx, "blockIO", block_io(ctx, res->block_io)) < 0)
		return -1;
	return 0;
}

/* ---- seccomp ------------------------------------------------------------- */

/* "Some actions like SCMP_ACT_ERRNO and SCMP_ACT_TRACE allow to specify the
 * errno code": libseccomp has a return value for these two only. */
static int errno_ret(struct kp_ctx *ctx, const char *key, const struct kk_opt_u32 *ret, int action)
{
	if (!ret->set || action == KK_SCMP_ACT_ERRNO || action == KK_SCMP_ACT_TRACE)
		return 0;
	return KV_AT(ctx, key,
		     kp_fail(ctx, "is not supported with action \"%s\"",
			     kk_vocab_name(&kk_vocab_seccomp_action, action)));
}

static int syscall_names(struct kp_ctx *ctx, const struct kk_strv *names)
{
	if (names->n == 0)
		return kp_fail(ctx, "must have at least one entry");
	/* An empty name is skipped, as runc and crun do (the parser warns). */
	return 0;
}

/* seccomp_data carries six syscall arguments. */
static int syscall_arg(struct kp_ctx *ctx, const struct kk_seccomp_arg *a)
{
	if (a->index < KV_SECCOMP_ARGS)
		return 0;
	return KV_AT(ctx, "index",
		     kp_fail(ctx, "%u is out of range [0, %d]", a->index, KV_SECCOMP_ARGS - 1));
}

static int syscall_args(struct kp_ctx *ctx, const struct kk_syscall_rule *s)
{
	for (size_t i = 0; i < s->n_args; i++)
		if (KV_AT_INDEX(ctx, i, syscall_arg(ctx, &s->args[i])) < 0)
			return -1;
	return 0;
}

static int syscall_rule(struct kp_ctx *ctx, const struct kk_syscall_rule *s)
{
	if (KV_AT(ctx, "names", syscall_names(ctx, &s->names)) < 0 ||
	    errno_ret(ctx, "errnoRet", &s->errno_ret, s->action) < 0)
		return -1;
	return KV_AT(ctx, "args", syscall_args(ctx, s));
}

static int syscalls(struct kp_ctx *ctx, const struct kk_seccomp *s)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		if (KV_AT_INDEX(ctx, i, syscall_rule(ctx, &s->syscalls[i])) < 0)
			return -1;
	return 0;
}

/* Only 23 architectures exist, so a duplicate turns up within the first 24
 * entries and the inner loop stays short. */
static int architectures(struct kp_ctx *ctx, const struct kk_seccomp *s)
{
	for (size_t i = 0; i < s->n_architectures; i++) {
		int arch = s->architectures[i];
		const char *name = kk_vocab_name(&kk_vocab_seccomp_arch, arch);

		for (size_t j = 0; j < i; j++)
			if (s->architectures[j] == arch)
				return KV_AT_INDEX(
					ctx, i,
					kp_fail(ctx, "duplicate architecture \"%s\"", name));
	}
	return 0;
}

static bool uses_notify(const struct kk_seccomp *s)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		if (s->syscalls[i].action == KK_SCMP_ACT_NOTIFY)
			return true;
	return false;
}

/* The runtime hands the notify fd to the agent listening on listenerPath;
 * without one, nobody could answer the notifications. */
static int listener(struct kp_ctx *ctx, const struct kk_seccomp *s)
{
	if (s->listener_metadata != NULL && s->listener_path == NULL)
		return KV_AT(ctx, "listenerMetadata",
			     kp_fail(ctx, "must not be set without listenerPath"));
	if (!uses_notify(s))
		return 0;
	if (s->listener_path == NULL)
		return KV_AT(ctx, "listenerPath",
			     kp_fail(ctx, "is required when SCMP_ACT_NOTIFY is used"));
	return kv_absolute(ctx, "listenerPath", s->listener_path);
}

int kv_seccomp(struct kp_ctx *ctx, const struct kk_seccomp *s)
{
	/* runc refuses it too: every syscall of the runtime's own setup after
	 * the filter is loaded would wait on the agent. */
	if (s->default_action == KK_SCMP_ACT_NOTIFY)
		return KV_AT(ctx, "defaultAction",
			     kp_fail(ctx, "SCMP_ACT_NOTIFY cannot be the default action"));
	if (errno_ret(ctx, "defaultErrnoRet", &s->default_errno_ret, s->default_action) < 0 ||
	    KV_AT(ctx, "architectures", architectures(ctx, s)) < 0 ||
	    KV_AT(ctx, "syscalls", syscalls(ctx, s)) < 0)
		return -1;
	return listener(ctx, s);
}
