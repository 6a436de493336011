/* Semantic rules of config.json's top level, the process object and
 * state.json (the linux section is in validate_linux.c). */
#include "parser/validate.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parser/limits.h"
#include "parser/parser.h"

/* Parses "MAJOR.MINOR.PATCH[-pre][+build]"; returns MAJOR or -1. */
static long semver_major(const char *v)
{
	long major = -1;

	for (int part = 0; part < 3; part++) {
		char *end;
		long n;

		/* SemVer: digits, and no leading zero but for 0 itself. */
		if (!isdigit((unsigned char)*v) || (v[0] == '0' && isdigit((unsigned char)v[1])))
			return -1;
		n = strtol(v, &end, 10);
		if (part == 0)
			major = n;
		v = end;
		if (part < 2 && *v++ != '.')
			return -1;
	}
	if (*v != '\0' && *v != '-' && *v != '+')
		return -1;
	/* A pre-release or build suffix is not empty. */
	if (*v != '\0' && v[1] == '\0')
		return -1;
	return major;
}

/* 0.x drafts are accepted as 1.0's predecessors: the spec's own example
 * config still carries 0.5.0-dev, and a 0.x config parses as 1.x. */
static int oci_version(struct kp_ctx *ctx, const char *version, bool need_v1)
{
	long major = semver_major(version);

	if (major < 0)
		return kp_fail(ctx, "\"%s\" is not a SemVer version", version);
	if (need_v1 && major > 1)
		return kp_fail(ctx, "major version %ld is not supported (kakoi implements 1.x)",
			       major);
	return 0;
}

int kv_absolute(struct kp_ctx *ctx, const char *key, const char *path)
{
	if (path == NULL || path[0] == '/')
		return 0;
	return KV_AT(ctx, key, kp_fail(ctx, "\"%s\" must be an absolute path", path));
}

int kv_absolute_list(struct kp_ctx *ctx, const char *key, const struct kk_strv *paths)
{
	size_t mark = kp_push_key(ctx, key);
	int r = 0;

	for (size_t i = 0; i < paths->n && r == 0; i++)
		if (paths->v[i][0] != '/')
			r = KV_AT_INDEX(
				ctx, i,
				kp_fail(ctx, "\"%s\" must be an absolute path", paths->v[i]));
	kp_pop(ctx, mark);
	return r;
}

static int env_entry(struct kp_ctx *ctx, const char *entry)
{
	const char *eq = strchr(entry, '=');

	if (eq == NULL)
		return kp_fail(ctx, "\"%s\" is not of the form NAME=VALUE", entry);
	if (eq == entry)
		return kp_fail(ctx, "\"%s\" has an empty variable name", entry);
	return 0;
}

int kv_env(struct kp_ctx *ctx, const char *key, const struct kk_strv *env)
{
	size_t mark = kp_push_key(ctx, key);
	int r = 0;

	for (size_t i = 0; i < env->n && r == 0; i++)
		r = KV_AT_INDEX(ctx, i, env_entry(ctx, env->v[i]));
	kp_pop(ctx, mark);
	return r;
}

static int mount_entry(struct kp_ctx *ctx, const struct kk_mount *m)
{
	if (m->destination[0] == '\0')
		return KV_AT(ctx, "destination", kp_fail(ctx, "must not be empty"));
	if ((m->uid_mappings.n == 0) != (m->gid_mappings.n == 0))
		return KV_AT(ctx, m->uid_mappings.n ? "uidMappings" : "gidMappings",
			     kp_fail(ctx, "uidMappings and gidMappings must be given together"));
	if (kv_id_mappings(ctx, "uidMappings", &m->uid_mappings) < 0)
		return -1;
	return kv_id_mappings(ctx, "gidMappings", &m->gid_mappings);
}

static int mounts(struct kp_ctx *ctx, const struct kk_spec *spec)
{
	size_t mark = kp_push_key(ctx, "mounts");
	int r = 0;

	for (size_t i = 0; i < spec->n_mounts && r == 0; i++)
		r = KV_AT_INDEX(ctx, i, mount_entry(ctx, &spec->mounts[i]));
	kp_pop(ctx, mark);
	return r;
}

static int hook(struct kp_ctx *ctx, const struct kk_hook *h)
{
	if (kv_absolute(ctx, "path", h->path) < 0 || kv_env(ctx, "env", &h->env) < 0)
		return -1;
	if (h->timeout.set && h->timeout.value <= 0)
		return KV_AT(ctx, "timeout", kp_fail(ctx, "must be greater than zero"));
	return 0;
}

static int hooks(struct kp_ctx *ctx, const struct kk_hooks *hooks)
{
	for (size_t k = 0; k < kk_vocab_hook_kind.n; k++) {
		const struct kk_vocab_entry *kind = &kk_vocab_hook_kind.entries[k];
		const struct kk_hook_list *list = &hooks->kind[kind->value];
		size_t mark = kp_push_key(ctx, kind->name);
		int r = 0;

		for (size_t i = 0; i < list->n && r == 0; i++)
			r = KV_AT_INDEX(ctx, i, hook(ctx, &list->v[i]));
		kp_pop(ctx, mark);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* JSON objects cannot repeat a key, but an image could: sort and compare
 * neighbours, O(n log n) for the largest maps the limits allow. */
int kv_keys(struct kp_ctx *ctx, const void *items, size_t n, size_t stride, size_t key_offset)
{
	const char **keys;
	int r = 0;

	if (n == 0)
		return 0;
	keys = malloc(n * sizeof(*keys));
	if (keys == NULL)
		return kk_error_sys(ctx->err, ENOMEM, "%s: validating keys", ctx->doc);
	for (size_t i = 0; i < n; i++)
		keys[i] = *(const char *const *)((const char *)items + i * stride + key_offset);
	qsort(keys, n, sizeof(*keys), compare_strings);
	if (keys[0][0] == '\0')
		r = kp_fail(ctx, "keys must not be empty");
	for (size_t i = 1; i < n && r == 0; i++)
		if (strcmp(keys[i - 1], keys[i]) == 0)
			r = kp_fail(ctx, "duplicate key \"%s\"", keys[i]);
	free(keys);
	return r;
}

int kv_map(struct kp_ctx *ctx, const char *key, const struct kk_map *map)
{
	return KV_AT(ctx, key, kv_keys(ctx, map->v, map->n, sizeof(*map->v), 0));
}

/* sethostname(2) and setdomainname(2) take at most 64 bytes. */
static int host_name(struct kp_ctx *ctx, const char *name)
{
	if (name == NULL || strlen(name) <= 64)
		return 0;
	return kp_fail(ctx, "is %zu bytes, more than the kernel's 64", strlen(name));
}

/* A lying parser child could hand over any number of warnings. */
static int warnings(struct kp_ctx *ctx, const struct kk_strv *w)
{
	if (w->n <= KK_LIMIT_WARNINGS)
		return 0;
	return kp_fail_limit(ctx, "%zu warnings, more than KK_LIMIT_WARNINGS (%d)", w->n,
			     KK_LIMIT_WARNINGS);
}

int kv_spec(struct kp_ctx *ctx, const struct kk_spec *spec)
{
	if (warnings(ctx, &spec->warnings) < 0 ||
	    KV_AT(ctx, "ociVersion", oci_version(ctx, spec->oci_version, true)) < 0 ||
	    KV_AT(ctx, "hostname", host_name(ctx, spec->hostname)) < 0 ||
	    KV_AT(ctx, "domainname", host_name(ctx, spec->domainname)) < 0)
		return -1;
	if (spec->root == NULL)
		return KV_AT(ctx, "root", kp_fail(ctx, "is required on Linux"));
	if (spec->root->path[0] == '\0')
		return KV_AT(ctx, "root", KV_AT(ctx, "path", kp_fail(ctx, "must not be empty")));
	if (mounts(ctx, spec) < 0 || kv_map(ctx, "annotations", &spec->annotations) < 0)
		return -1;
	if (spec->process && KV_AT(ctx, "process", kv_process(ctx, spec->process)) < 0)
		return -1;
	if (spec->hooks && KV_AT(ctx, "hooks", hooks(ctx, spec->hooks)) < 0)
		return -1;
	if (spec->linux_ && KV_AT(ctx, "linux", kv_linux(ctx, spec->linux_)) < 0)
		return -1;
	return 0;
}

static int rlimits(struct kp_ctx *ctx, const struct kk_process *p)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct kk_rlimit *r = &p->rlimits[i];
		const char *name = kk_vocab_name(&kk_vocab_rlimit, r->type);

		for (size_t j = 0; j < i; j++)
			if (p->rlimits[j].type == r->type)
				return KV_AT_INDEX(
					ctx, i,
					KV_AT(ctx, "type",
					      kp_fail(ctx, "duplicate rlimit \"%s\"", name)));
		if (r->soft > r->hard)
			return KV_AT_INDEX(
				ctx, i,
				KV_AT(ctx, "soft",
				      kp_fail(ctx, "soft limit %llu is above the hard limit %llu",
					      (unsigned long long)r->soft,
					      (unsigned long long)r->hard)));
	}
	return 0;
}

static int cpu_list(struct kp_ctx *ctx, const char *key, const char *list)
{
	if (list == NULL || strspn(list, "0123456789, -") == strlen(list))
		return 0;
	return KV_AT(ctx, key, kp_fail(ctx, "\"%s\" is not a CPU list", list));
}

/* sched_setattr(2): nice in [-20, 19]; for SCHED_DEADLINE
 * runtime <= deadline <= period (a zero period means "the deadline"). */
static int scheduler(struct kp_ctx *ctx, const struct kk_scheduler *s)
{
	uint64_t runtime = s->runtime.value, deadline = s->deadline.value;
	uint64_t period = s->period.value ? s->period.value : deadline;

	if (s->nice.set && (s->nice.value < -20 || s->nice.value > 19))
		return KV_AT(ctx, "nice",
			     kp_fail(ctx, "%d is out of range [-20, 19]", s->nice.value));
	if (s->policy == 6 /* SCHED_DEADLINE */ && (runtime > deadline || deadline > period))
		return kp_fail(ctx, "SCHED_DEADLINE needs runtime <= deadline <= period");
	return 0;
}

static int process_objects(struct kp_ctx *ctx, const struct kk_process *p)
{
	if (p->io_priority && (p->io_priority->priority < 0 || p->io_priority->priority > 7))
		return KV_AT(
			ctx, "ioPriority",
			KV_AT(ctx, "priority",
			      kp_fail(ctx, "%d is out of range [0, 7]", p->io_priority->priority)));
	if (p->exec_cpu_affinity &&
	    (KV_AT(ctx, "execCPUAffinity",
		   cpu_list(ctx, "initial", p->exec_cpu_affinity->initial)) < 0 ||
	     KV_AT(ctx, "execCPUAffinity", cpu_list(ctx, "final", p->exec_cpu_affinity->final)) <
		     0))
		return -1;
	if (p->scheduler && KV_AT(ctx, "scheduler", scheduler(ctx, p->scheduler)) < 0)
		return -1;
	if (p->user && p->user->umask.set && p->user->umask.value > 0777)
		return KV_AT(
			ctx, "user",
			KV_AT(ctx, "umask",
			      kp_fail(ctx, "%u is out of range [0, 511]", p->user->umask.value)));
	if (p->oom_score_adj.set &&
	    (p->oom_score_adj.value < -1000 || p->oom_score_adj.value > 1000))
		return KV_AT(
			ctx, "oomScoreAdj",
			kp_fail(ctx, "%d is out of range [-1000, 1000]", p->oom_score_adj.value));
	return KV_AT(ctx, "rlimits", rlimits(ctx, p));
}

int kv_process(struct kp_ctx *ctx, const struct kk_process *p)
{
	if (warnings(ctx, &p->warnings) < 0)
		return -1;
	if (p->cwd[0] != '/')
		return KV_AT(ctx, "cwd", kp_fail(ctx, "\"%s\" must be an absolute path", p->cwd));
	if (p->args.n == 0)
		return KV_AT(ctx, "args", kp_fail(ctx, "must have at least one entry"));
	if (p->args.v[0][0] == '\0')
		return KV_AT(ctx, "args", KV_AT_INDEX(ctx, 0, kp_fail(ctx, "must not be empty")));
	if (kv_env(ctx, "env", &p->env) < 0)
		return -1;
	return process_objects(ctx, p);
}

int kv_state(struct kp_ctx *ctx, const struct kk_state *st)
{
	if (KV_AT(ctx, "ociVersion", oci_version(ctx, st->oci_version, false)) < 0)
		return -1;
	if (st->id[0] == '\0')
		return KV_AT(ctx, "id", kp_fail(ctx, "must not be empty"));
	if (st->bundle[0] == '\0')
		return KV_AT(ctx, "bundle", kp_fail(ctx, "must not be empty"));
	if ((st->status == KK_STATUS_RUNNING || st->status == KK_STATUS_CREATED) &&
	    (!st->pid.set || st->pid.value <= 0))
		return KV_AT(ctx, "pid",
			     kp_fail(ctx, "is required when the status is \"%s\"",
				     kk_vocab_name(&kk_vocab_status, st->status)));
	if (st->pid.set && (st->pid.value < 0 || st->pid.value > INT32_MAX))
		return KV_AT(
			ctx, "pid",
			kp_fail(ctx, "%lld is not a valid process ID", (long long)st->pid.value));
	return kv_map(ctx, "annotations", &st->annotations);
}

static void ctx_init(struct kp_ctx *ctx, const char *doc, const char *path, struct kk_error *err)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->err = err;
	ctx->doc = doc;
	if (path != NULL && path[0] != '\0')
		kp_push_key(ctx, path);
}

int kk_spec_validate(const struct kk_spec *spec, struct kk_error *err)
{
	struct kp_ctx ctx;

	ctx_init(&ctx, kk_doc_name(KK_DOC_CONFIG), NULL, err);
	return kv_spec(&ctx, spec);
}

int kk_process_validate(const struct kk_process *process, const char *doc, const char *path,
			struct kk_error *err)
{
	struct kp_ctx ctx;

	ctx_init(&ctx, doc, path, err);
	return kv_process(&ctx, process);
}

int kk_state_validate(const struct kk_state *state, struct kk_error *err)
{
	struct kp_ctx ctx;

	ctx_init(&ctx, kk_doc_name(KK_DOC_STATE), NULL, err);
	return kv_state(&ctx, state);
}

int kk_resources_validate(const struct kk_resources *res, struct kk_error *err)
{
	struct kp_ctx ctx;

	ctx_init(&ctx, kk_doc_name(KK_DOC_RESOURCES), NULL, err);
	return kv_resources(&ctx, res);
}
