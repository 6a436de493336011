/* config.json's process object, also the whole of an `exec --process` file. */
#include "parser/parse.h"

static int parse_console_size(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_console_size *cs = out;

	if (kp_u64(ctx, jv, "height", KP_REQUIRED, &cs->height) < 0)
		return -1;
	return kp_u64(ctx, jv, "width", KP_REQUIRED, &cs->width) < 0 ? -1 : 0;
}

/* The spec gives umask no range; umask(2) keeps the permission bits, and
 * runc and crun pass the value through. So does kakoi, with a warning. */
static int mask_umask(struct kp_ctx *ctx, struct kk_opt_u32 *umask)
{
	size_t mark;
	int r;

	if (!umask->set || umask->value <= 0777)
		return 0;
	mark = kp_push_key(ctx, "umask");
	r = kp_warn(ctx, "%u has bits beyond 0777, used as %#o", umask->value, umask->value & 0777);
	kp_pop(ctx, mark);
	umask->value &= 0777;
	return r;
}

static int parse_user(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_user *u = out;

	if (kp_u32(ctx, jv, "uid", KP_REQUIRED, &u->uid) < 0 ||
	    kp_u32(ctx, jv, "gid", KP_REQUIRED, &u->gid) < 0 ||
	    kp_opt_u32(ctx, jv, "umask", &u->umask) < 0 || mask_umask(ctx, &u->umask) < 0 ||
	    kp_u32v(ctx, jv, "additionalGids", &u->additional_gids) < 0)
		return -1;
	return kp_str(ctx, jv, "username", KP_OPTIONAL, &u->username) < 0 ? -1 : 0;
}

/* A capability set: names to a bit mask. An unknown name is warned about
 * and left out (config.md: "MUST be logged as a warning by the runtime and
 * SHOULD NOT fail"): configs list capabilities of newer kernels. */
static int cap_item_set(struct kp_ctx *ctx, json_object *jv, const char *key, uint64_t *mask)
{
	struct kk_strv names = {0};
	int r = 0;

	if (kp_strv(ctx, jv, key, KP_OPTIONAL, &names) < 0)
		return -1;
	for (size_t i = 0; i < names.n && r == 0; i++) {
		int64_t cap;

		if (kk_vocab_lookup(&kk_vocab_capability, names.v[i], &cap) == 0) {
			*mask |= UINT64_C(1) << cap;
			continue;
		}
		size_t mark = kp_push_key(ctx, key);

		kp_push_index(ctx, i);
		r = kp_warn(ctx, "unknown capability \"%s\", ignored", names.v[i]);
		kp_pop(ctx, mark);
	}
	return r;
}

/* The kernel raises an ambient capability only when it is also permitted
 * and inheritable. runc warns and goes on; so does kakoi, at parse time,
 * so the plan shows the sets the process really gets. crun's default spec
 * lists ambient capabilities without inheritable ones. */
static int drop_lone_ambient(struct kp_ctx *ctx, struct kk_capabilities *c)
{
	uint64_t lone = c->ambient & ~(c->permitted & c->inheritable);
	size_t mark = kp_push_key(ctx, "ambient");
	int r = 0;

	for (int cap = 0; cap < 64 && r == 0; cap++)
		if (lone & (UINT64_C(1) << cap))
			r = kp_warn(ctx, "%s is not also permitted and inheritable, ignored",
				    kk_vocab_name(&kk_vocab_capability, cap));
	kp_pop(ctx, mark);
	c->ambient &= ~lone;
	return r;
}

static int parse_capabilities(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_capabilities *c = out;

	if (cap_item_set(ctx, jv, "bounding", &c->bounding) < 0 ||
	    cap_item_set(ctx, jv, "effective", &c->effective) < 0 ||
	    cap_item_set(ctx, jv, "inheritable", &c->inheritable) < 0 ||
	    cap_item_set(ctx, jv, "permitted", &c->permitted) < 0 ||
	    cap_item_set(ctx, jv, "ambient", &c->ambient) < 0)
		return -1;
	return drop_lone_ambient(ctx, c);
}

static int parse_rlimit(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_rlimit *r = out;

	if (kp_enum(ctx, jv, "type", KP_REQUIRED, &kk_vocab_rlimit, &r->type) < 0 ||
	    kp_u64(ctx, jv, "soft", KP_REQUIRED, &r->soft) < 0)
		return -1;
	return kp_u64(ctx, jv, "hard", KP_REQUIRED, &r->hard) < 0 ? -1 : 0;
}

static int parse_scheduler(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_scheduler *s = out;

	if (kp_enum(ctx, jv, "policy", KP_REQUIRED, &kk_vocab_sched_policy, &s->policy) < 0 ||
	    kp_opt_i32(ctx, jv, "nice", &s->nice) < 0 ||
	    kp_opt_i32(ctx, jv, "priority", &s->priority) < 0 ||
	    kp_flags(ctx, jv, "flags", &kk_vocab_sched_flag, &s->flags) < 0 ||
	    kp_opt_u64(ctx, jv, "runtime", &s->runtime) < 0 ||
	    kp_opt_u64(ctx, jv, "deadline", &s->deadline) < 0)
		return -1;
	return kp_opt_u64(ctx, jv, "period", &s->period) < 0 ? -1 : 0;
}

static int parse_io_priority(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_io_priority *p = out;

	if (kp_enum(ctx, jv, "class", KP_REQUIRED, &kk_vocab_ioprio_class, &p->klass) < 0)
		return -1;
	return kp_i32(ctx, jv, "priority", KP_OPTIONAL, &p->priority) < 0 ? -1 : 0;
}

static int parse_cpu_affinity(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_cpu_affinity *a = out;

	if (kp_str(ctx, jv, "initial", KP_OPTIONAL, &a->initial) < 0)
		return -1;
	return kp_str(ctx, jv, "final", KP_OPTIONAL, &a->final) < 0 ? -1 : 0;
}

static int parse_scalars(struct kp_ctx *ctx, json_object *jv, struct kk_process *p)
{
	if (kp_bool(ctx, jv, "terminal", &p->terminal) < 0 ||
	    kp_str(ctx, jv, "cwd", KP_REQUIRED, &p->cwd) < 0 ||
	    kp_strv(ctx, jv, "env", KP_OPTIONAL, &p->env) < 0 ||
	    kp_strv(ctx, jv, "args", KP_OPTIONAL, &p->args) < 0 ||
	    kp_str(ctx, jv, "commandLine", KP_OPTIONAL, &p->command_line) < 0 ||
	    kp_str(ctx, jv, "apparmorProfile", KP_OPTIONAL, &p->apparmor_profile) < 0 ||
	    kp_bool(ctx, jv, "noNewPrivileges", &p->no_new_privileges) < 0 ||
	    kp_opt_i32(ctx, jv, "oomScoreAdj", &p->oom_score_adj) < 0)
		return -1;
	return kp_str(ctx, jv, "selinuxLabel", KP_OPTIONAL, &p->selinux_label) < 0 ? -1 : 0;
}

static int parse_objects(struct kp_ctx *ctx, json_object *jv, struct kk_process *p)
{
	if (KP_OBJECT(ctx, jv, "consoleSize", parse_console_size, p->console_size) < 0 ||
	    KP_OBJECT(ctx, jv, "user", parse_user, p->user) < 0 ||
	    KP_OBJECT(ctx, jv, "capabilities", parse_capabilities, p->capabilities) < 0 ||
	    KP_OBJECT(ctx, jv, "scheduler", parse_scheduler, p->scheduler) < 0 ||
	    KP_OBJECT(ctx, jv, "ioPriority", parse_io_priority, p->io_priority) < 0 ||
	    KP_OBJECT(ctx, jv, "execCPUAffinity", parse_cpu_affinity, p->exec_cpu_affinity) < 0)
		return -1;
	return KP_ARRAY(ctx, jv, "rlimits", parse_rlimit, p->rlimits, p->n_rlimits) < 0 ? -1 : 0;
}

int kp_parse_process(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_process *p = out;

	if (parse_scalars(ctx, jv, p) < 0)
		return -1;
	return parse_objects(ctx, jv, p);
}
