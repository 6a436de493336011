/* linux.seccomp (config-linux.md, "Seccomp"). Names become vocab.h values
 * here; libseccomp's numbering is the executor's business. */
#include "parser/parse.h"

static int parse_arg(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_seccomp_arg *a = out;

	if (kp_u32(ctx, jv, "index", KP_REQUIRED, &a->index) < 0 ||
	    kp_u64(ctx, jv, "value", KP_REQUIRED, &a->value) < 0 ||
	    kp_u64(ctx, jv, "valueTwo", KP_OPTIONAL, &a->value_two) < 0)
		return -1;
	return kp_enum(ctx, jv, "op", KP_REQUIRED, &kk_vocab_seccomp_op, &a->op) < 0 ? -1 : 0;
}

/* runc and crun skip a name libseccomp does not know, "" too; so does the
 * runtime (seccomp.c). The empty one gets a warning: it is surely a typo. */
static int warn_empty_names(struct kp_ctx *ctx, const struct kk_strv *names)
{
	for (size_t i = 0; i < names->n; i++) {
		size_t mark;
		int r;

		if (names->v[i][0] != '\0')
			continue;
		mark = kp_push_key(ctx, "names");
		kp_push_index(ctx, i);
		r = kp_warn(ctx, "an empty syscall name, ignored");
		kp_pop(ctx, mark);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int parse_syscall(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_syscall_rule *s = out;
	const void *args = NULL;

	if (kp_strv(ctx, jv, "names", KP_REQUIRED, &s->names) < 0 ||
	    warn_empty_names(ctx, &s->names) < 0 ||
	    kp_enum(ctx, jv, "action", KP_REQUIRED, &kk_vocab_seccomp_action, &s->action) < 0 ||
	    kp_opt_u32(ctx, jv, "errnoRet", &s->errno_ret) < 0 ||
	    kp_array(ctx, jv, "args", KP_OPTIONAL, sizeof(struct kk_seccomp_arg), parse_arg, &args,
		     &s->n_args) < 0)
		return -1;
	s->args = args;
	return 0;
}

static int unknown_arch(struct kp_ctx *ctx, size_t i, const char *name)
{
	size_t mark = kp_push_key(ctx, "architectures");

	kp_push_index(ctx, i);
	kp_fail(ctx, "unknown %s \"%s\"", kk_vocab_seccomp_arch.what, name);
	kp_pop(ctx, mark);
	return -1;
}

/* Whether value is among the first n. */
static bool seen(const int *archs, size_t n, int value)
{
	for (size_t i = 0; i < n; i++)
		if (archs[i] == value)
			return true;
	return false;
}

static int duplicate_arch(struct kp_ctx *ctx, size_t i, const char *name)
{
	size_t mark = kp_push_key(ctx, "architectures");
	int r;

	kp_push_index(ctx, i);
	r = kp_warn(ctx, "\"%s\" is listed twice, ignored", name);
	kp_pop(ctx, mark);
	return r;
}

/* An array of names from a (non-flag) vocabulary, kept as an int array. A
 * name given twice is kept once, with a warning: libseccomp's EEXIST, which
 * runc and crun ignore (Docker-style profiles list the native one again). */
static int architectures(struct kp_ctx *ctx, json_object *jv, struct kk_seccomp *s)
{
	struct kk_strv names = {0};
	size_t n = 0;
	int *archs;

	if (kp_strv(ctx, jv, "architectures", KP_OPTIONAL, &names) < 0)
		return -1;
	if (names.n == 0)
		return 0;
	archs = kk_arena_array(ctx->arena, names.n, sizeof(*archs));
	if (archs == NULL)
		return kp_oom(ctx);
	for (size_t i = 0; i < names.n; i++) {
		int64_t value;

		if (kk_vocab_lookup(&kk_vocab_seccomp_arch, names.v[i], &value) < 0)
			return unknown_arch(ctx, i, names.v[i]);
		if (!seen(archs, n, (int)value))
			archs[n++] = (int)value;
		else if (duplicate_arch(ctx, i, names.v[i]) < 0)
			return -1;
	}
	s->architectures = archs;
	s->n_architectures = n;
	return 0;
}

static int syscalls(struct kp_ctx *ctx, json_object *jv, struct kk_seccomp *s)
{
	const void *v = NULL;

	if (kp_array(ctx, jv, "syscalls", KP_OPTIONAL, sizeof(struct kk_syscall_rule),
		     parse_syscall, &v, &s->n_syscalls) < 0)
		return -1;
	s->syscalls = v;
	return 0;
}

int kp_parse_seccomp(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_seccomp *s = out;

	if (kp_enum(ctx, jv, "defaultAction", KP_REQUIRED, &kk_vocab_seccomp_action,
		    &s->default_action) < 0 ||
	    kp_opt_u32(ctx, jv, "defaultErrnoRet", &s->default_errno_ret) < 0 ||
	    architectures(ctx, jv, s) < 0 ||
	    kp_flags(ctx, jv, "flags", &kk_vocab_seccomp_flag, &s->flags) < 0 ||
	    kp_str(ctx, jv, "listenerPath", KP_OPTIONAL, &s->listener_path) < 0 ||
	    kp_str(ctx, jv, "listenerMetadata", KP_OPTIONAL, &s->listener_metadata) < 0)
		return -1;
	return syscalls(ctx, jv, s);
}
