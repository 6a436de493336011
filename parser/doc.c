/* The parser's entry points: bytes -> tree (arena) -> image -> one mapping,
 * checked, relocated, validated and sealed read-only. The same path serves
 * the in-process parse and the isolated child, which stops at the image.
 * Semantic validation runs where the image is built (the child) and again
 * in kk_image_open() on the final form: the parent validates what it will
 * use, whoever built it. */
#include <string.h>
#include <sys/mman.h>

#include "base/cleanup.h"
#include "parser/image.h"
#include "parser/limits.h"
#include "parser/parse.h"
#include "parser/policy.h"
#include "parser/validate.h"

const char *kk_doc_name(enum kk_doc_kind kind)
{
	switch (kind) {
	case KK_DOC_CONFIG:
		return "config.json";
	case KK_DOC_PROCESS:
		return "process.json";
	case KK_DOC_STATE:
		return "state.json";
	case KK_DOC_HOOK_POLICY:
		return "hook policy";
	case KK_DOC_RESOURCES:
		return "resources.json";
	}
	return "document";
}

static const struct {
	size_t size;
	kp_parse_fn parse;
} builders[] = {
	[KK_DOC_CONFIG] = {sizeof(struct kk_spec), kp_parse_spec},
	[KK_DOC_PROCESS] = {sizeof(struct kk_process), kp_parse_process},
	[KK_DOC_STATE] = {sizeof(struct kk_state), kp_parse_state},
	[KK_DOC_HOOK_POLICY] = {sizeof(struct kk_hook_policy), kp_parse_hook_policy},
	[KK_DOC_RESOURCES] = {sizeof(struct kk_resources), kp_parse_resources_doc},
};

/* The builder validates what it built (in the isolated child, before the
 * image leaves it); kk_image_open() validates again what it decoded, so the
 * parent never relies on the child having done so. */
static int validate(struct kp_ctx *ctx, int kind, const void *root)
{
	if (kind == KK_DOC_CONFIG)
		return kv_spec(ctx, root);
	if (kind == KK_DOC_PROCESS)
		return kv_process(ctx, root);
	if (kind == KK_DOC_HOOK_POLICY)
		return kv_hook_policy(ctx, root);
	if (kind == KK_DOC_RESOURCES)
		return kv_resources(ctx, root);
	return kv_state(ctx, root);
}

/* The warnings travel in the document's image, so the runtime reports
 * what the isolated parser found. Other kinds have none to give. */
static void attach_warnings(const struct kp_ctx *ctx, int kind, void *root)
{
	struct kk_strv w = {ctx->warnings, ctx->n_warnings};

	if (kind == KK_DOC_CONFIG)
		((struct kk_spec *)root)->warnings = w;
	else if (kind == KK_DOC_PROCESS)
		((struct kk_process *)root)->warnings = w;
}

const void *kp_build(struct kp_ctx *ctx, int kind, const char *buf, size_t len)
{
	KK_CLEANUP(kp_json_putp) json_object *jv = NULL;
	void *root;

	if (kind < KK_DOC_CONFIG || kind > KK_DOC_RESOURCES) {
		kk_error_set(ctx->err, KK_ERR_INTERNAL, "unknown document kind %d", kind);
		return NULL;
	}
	if (len <= KK_LIMIT_INPUT_BYTES && kp_prescan(ctx, buf, len) < 0)
		return NULL;
	jv = kp_parse_json(ctx, buf, len);
	if (jv == NULL)
		return NULL;
	root = kk_arena_alloc(ctx->arena, builders[kind].size);
	if (root == NULL) {
		kp_oom(ctx);
		return NULL;
	}
	if (builders[kind].parse(ctx, jv, root) < 0)
		return NULL;
	attach_warnings(ctx, kind, root);
	return root;
}

void *kk_image_build(enum kk_doc_kind kind, const char *buf, size_t len, size_t *image_len,
		     struct kk_error *err)
{
	KK_CLEANUP(kk_arena_freep) struct kk_arena *arena = kk_arena_new();
	struct kp_ctx ctx = {.arena = arena, .err = err, .doc = kk_doc_name(kind)};
	const void *root;

	if (arena == NULL) {
		kk_error_sys(err, ENOMEM, "%s", ctx.doc);
		return NULL;
	}
	root = kp_build(&ctx, kind, buf, len);
	if (root == NULL || validate(&ctx, kind, root) < 0)
		return NULL;
	return kk_image_encode(kind, root, image_len, err);
}

const void *kk_image_map(enum kk_doc_kind kind, const void *image, size_t len, struct kk_error *err)
{
	void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	const void *root;

	if (map == MAP_FAILED) {
		kk_error_sys(err, errno, "mapping %s", kk_doc_name(kind));
		return NULL;
	}
	memcpy(map, image, len);
	root = kk_image_open(kind, map, len, err);
	if (root == NULL || mprotect(map, len, PROT_READ) < 0) {
		if (root != NULL)
			kk_error_sys(err, errno, "sealing %s read-only", kk_doc_name(kind));
		munmap(map, len);
		return NULL;
	}
	return root;
}

const void *kk_doc_parse(enum kk_doc_kind kind, const char *buf, size_t len, struct kk_error *err)
{
	KK_AUTOFREE void *image = NULL;
	size_t image_len = 0;

	image = kk_image_build(kind, buf, len, &image_len, err);
	if (image == NULL)
		return NULL;
	return kk_image_map(kind, image, image_len, err);
}

const struct kk_spec *kk_spec_parse(const char *buf, size_t len, struct kk_error *err)
{
	return kk_doc_parse(KK_DOC_CONFIG, buf, len, err);
}

const struct kk_process *kk_process_parse(const char *buf, size_t len, struct kk_error *err)
{
	return kk_doc_parse(KK_DOC_PROCESS, buf, len, err);
}

const struct kk_state *kk_state_parse(const char *buf, size_t len, struct kk_error *err)
{
	return kk_doc_parse(KK_DOC_STATE, buf, len, err);
}

/* The root sits right after the header, which records the mapping's size. */
void kk_doc_free(const void *root)
{
	const struct kk_image_header *h;

	if (root == NULL)
		return;
	h = (const struct kk_image_header *)((const unsigned char *)root - KK_IMAGE_ROOT_OFFSET);
	munmap((void *)h, h->size);
}
