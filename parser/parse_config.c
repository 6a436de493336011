/* config.json top level: ociVersion, root, mounts, hostname, domainname,
 * hooks, annotations; process and linux are delegated to their files. */
#include "parser/parse.h"

static int parse_root(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_root *root = out;

	if (kp_str(ctx, jv, "path", KP_REQUIRED, &root->path) < 0)
		return -1;
	return kp_bool(ctx, jv, "readonly", &root->readonly) < 0 ? -1 : 0;
}

static int parse_mount(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_mount *m = out;

	if (kp_str(ctx, jv, "destination", KP_REQUIRED, &m->destination) < 0 ||
	    kp_str(ctx, jv, "source", KP_OPTIONAL, &m->source) < 0 ||
	    kp_str(ctx, jv, "type", KP_OPTIONAL, &m->type) < 0 ||
	    kp_strv(ctx, jv, "options", KP_OPTIONAL, &m->options) < 0)
		return -1;
	if (kp_parse_id_mappings(ctx, jv, "uidMappings", &m->uid_mappings) < 0)
		return -1;
	return kp_parse_id_mappings(ctx, jv, "gidMappings", &m->gid_mappings);
}

static int parse_hook(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_hook *h = out;
	int env;

	if (kp_str(ctx, jv, "path", KP_REQUIRED, &h->path) < 0 ||
	    kp_strv(ctx, jv, "args", KP_OPTIONAL, &h->args) < 0)
		return -1;
	env = kp_strv(ctx, jv, "env", KP_OPTIONAL, &h->env);
	if (env < 0)
		return -1;
	h->env_set = env > 0;
	return kp_opt_i64(ctx, jv, "timeout", &h->timeout) < 0 ? -1 : 0;
}

static int parse_hooks(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_hooks *hooks = out;

	for (size_t i = 0; i < kk_vocab_hook_kind.n; i++) {
		const struct kk_vocab_entry *kind = &kk_vocab_hook_kind.entries[i];
		struct kk_hook_list *list = &hooks->kind[kind->value];

		if (KP_ARRAY(ctx, jv, kind->name, parse_hook, list->v, list->n) < 0)
			return -1;
	}
	return 0;
}

static int parse_objects(struct kp_ctx *ctx, json_object *jv, struct kk_spec *spec)
{
	if (KP_ARRAY(ctx, jv, "mounts", parse_mount, spec->mounts, spec->n_mounts) < 0 ||
	    KP_OBJECT(ctx, jv, "root", parse_root, spec->root) < 0 ||
	    KP_OBJECT(ctx, jv, "process", kp_parse_process, spec->process) < 0 ||
	    KP_OBJECT(ctx, jv, "hooks", parse_hooks, spec->hooks) < 0)
		return -1;
	return KP_OBJECT(ctx, jv, "linux", kp_parse_linux, spec->linux_) < 0 ? -1 : 0;
}

int kp_parse_spec(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_spec *spec = out;

	if (kp_str(ctx, jv, "ociVersion", KP_REQUIRED, &spec->oci_version) < 0 ||
	    kp_str(ctx, jv, "hostname", KP_OPTIONAL, &spec->hostname) < 0 ||
	    kp_str(ctx, jv, "domainname", KP_OPTIONAL, &spec->domainname) < 0 ||
	    kp_map(ctx, jv, "annotations", &spec->annotations) < 0)
		return -1;
	return parse_objects(ctx, jv, spec);
}
