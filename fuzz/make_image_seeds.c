/* Seeds for //fuzz:image_fuzz: real spec images, built by the parser from
 * JSON documents, plus damaged variants that pass the cheap header checks
 * and fail deep inside the decoder (where the interesting code is).
 *
 *   make_image_seeds OUTDIR [--config|--process|--state|--policy|--resources] FILE...
 *       Builds an image from each FILE with kk_image_build() (the kind
 *       flag applies to the files after it; JSON the parser refuses is
 *       skipped) and writes, as image_fuzz reads them, a kind byte then
 *       the image:
 *         <kind>-<name>.valid.img      the image as built, if it opens
 *         <kind>-<name>.refused.img    the image as built, if validation
 *                                      refuses it (from a bad-* seed)
 *       and for images up to VARIANT_MAX bytes:
 *         <kind>-<name>.trunc.img      cut in half, header size adjusted
 *         <kind>-<name>.flip.img       one body byte inverted
 *         <kind>-<name>.alias.img      two offsets made to point at one object
 *         <kind>-<name>.otherkind.img  declared (byte and header) as another kind
 *   make_image_seeds --check DIR
 *       Fails unless every *.valid.img in DIR still opens: the image layout
 *       follows spec.h, so a struct change makes committed seeds stale.
 *       (//fuzz:image_seeds_test runs this; regenerate as fuzz/README.md says.) */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/cleanup.h"
#include "fuzz/runfiles.h"
#include "parser/image.h"

#define VARIANT_MAX (16 * 1024)

static const char *const kind_names[] = {
	[KK_DOC_CONFIG] = "config",	 [KK_DOC_PROCESS] = "process",	   [KK_DOC_STATE] = "state",
	[KK_DOC_HOOK_POLICY] = "policy", [KK_DOC_RESOURCES] = "resources",
};

/* Writes [kind byte][image] to OUTDIR/<kind>-<name>.<variant>.img. */
static int write_seed(const char *outdir, int kind, const char *name, const char *variant,
		      const unsigned char *image, size_t len)
{
	KK_AUTOFREE char *path = NULL;
	unsigned char k = (unsigned char)kind;
	FILE *f;
	int ok;

	if (asprintf(&path, "%s/%s-%s.%s.img", outdir, kind_names[kind], name, variant) < 0)
		return -1;
	f = fopen(path, "wb");
	if (f == NULL) {
		fprintf(stderr, "make_image_seeds: %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = fwrite(&k, 1, 1, f) == 1 && fwrite(image, 1, len, f) == len;
	if (fclose(f) != 0 || !ok) {
		fprintf(stderr, "make_image_seeds: %s: write failed\n", path);
		return -1;
	}
	return 0;
}

static void set_header(unsigned char *image, int kind, uint64_t size)
{
	struct kk_image_header h;

	memcpy(&h, image, sizeof(h));
	h.kind = (uint32_t)kind;
	h.size = size;
	memcpy(image, &h, sizeof(h));
}

/* Offsets of 8-byte aligned words past the header that look like offsets
 * into the image: the encoder's pointers. Returns how many were found. */
static size_t find_offsets(const unsigned char *image, size_t len, size_t *found, size_t max)
{
	size_t n = 0;

	for (size_t at = KK_IMAGE_ROOT_OFFSET; at + 8 <= len && n < max; at += 8) {
		uint64_t v;

		memcpy(&v, image + at, sizeof(v));
		if (v > KK_IMAGE_ROOT_OFFSET && v < len && v != at)
			found[n++] = at;
	}
	return n;
}

/* One variant: a private copy of the image, damaged by `damage`. */
typedef void damage_fn(unsigned char *copy, size_t *len, int *kind);

static void damage_trunc(unsigned char *copy, size_t *len, int *kind)
{
	*len = KK_IMAGE_ROOT_OFFSET + (*len - KK_IMAGE_ROOT_OFFSET) / 2;
	set_header(copy, *kind, *len);
}

/* The position is fixed (not random) so regenerating gives the same files. */
static void damage_flip(unsigned char *copy, size_t *len, int *kind)
{
	(void)kind;
	copy[KK_IMAGE_ROOT_OFFSET + (*len - KK_IMAGE_ROOT_OFFSET) * 2 / 3] ^= 0xff;
}

static void damage_alias(unsigned char *copy, size_t *len, int *kind)
{
	size_t at[2];

	(void)kind;
	if (find_offsets(copy, *len, at, 2) == 2)
		memcpy(copy + at[1], copy + at[0], 8);
}

static void damage_otherkind(unsigned char *copy, size_t *len, int *kind)
{
	*kind = *kind % KK_DOC_RESOURCES + 1;
	set_header(copy, *kind, *len);
}

static const struct {
	const char *name;
	damage_fn *fn;
} variants[] = {
	{"trunc", damage_trunc},
	{"flip", damage_flip},
	{"alias", damage_alias},
	{"otherkind", damage_otherkind},
};

static int write_variants(const char *outdir, int kind, const char *name,
			  const unsigned char *image, size_t len)
{
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		KK_AUTOFREE unsigned char *copy = malloc(len);
		size_t copy_len = len;
		int copy_kind = kind;

		if (copy == NULL)
			return -1;
		memcpy(copy, image, len);
		variants[i].fn(copy, &copy_len, &copy_kind);
		if (write_seed(outdir, copy_kind, name, variants[i].name, copy, copy_len) < 0)
			return -1;
	}
	return 0;
}

/* Opens a copy of an image the way image_fuzz does (aligned, writable). */
static int image_opens(int kind, const unsigned char *image, size_t len, struct kk_error *err)
{
	KK_AUTOFREE void *copy = NULL;

	if (posix_memalign(&copy, 16, len ? len : 1) != 0)
		return kk_error_sys(err, ENOMEM, "copying the image");
	memcpy(copy, image, len);
	kk_error_clear(err);
	return kk_image_open(kind, copy, len, err) != NULL ? 0 : -1;
}

/* "dir/spec-example.json" -> "spec-example" (in place). */
static char *seed_name(char *path)
{
	char *name = basename(path);
	char *dot = strrchr(name, '.');

	if (dot != NULL && dot != name)
		*dot = '\0';
	return name;
}

static int make_seeds(const char *outdir, int kind, const char *file)
{
	KK_AUTOFREE unsigned char *json = NULL;
	KK_AUTOFREE unsigned char *image = NULL;
	KK_AUTOFREE char *copy = strdup(file);
	struct kk_error err;
	size_t json_len = 0, len = 0;
	const char *name;
	bool valid;

	if (copy == NULL || fz_read_file(file, &json, &json_len) < 0) {
		fprintf(stderr, "make_image_seeds: %s: %s\n", file, strerror(errno));
		return -1;
	}
	kk_error_clear(&err);
	image = kk_image_build(kind, (const char *)json, json_len, &len, &err);
	if (image == NULL) {
		fprintf(stderr, "make_image_seeds: skipping %s: %s\n", file, err.msg);
		return 0;
	}
	/* kk_image_build() does not validate; an image validation refuses is
	 * still a good seed (it reaches the validator), just not a valid one. */
	name = seed_name(copy);
	valid = image_opens(kind, image, len, &err) == 0;
	if (write_seed(outdir, kind, name, valid ? "valid" : "refused", image, len) < 0)
		return -1;
	return len <= VARIANT_MAX ? write_variants(outdir, kind, name, image, len) : 0;
}

/* Opens one committed seed the way image_fuzz does. */
static int check_seed(const char *path)
{
	KK_AUTOFREE unsigned char *data = NULL;
	struct kk_error err;
	size_t len = 0;

	if (fz_read_file(path, &data, &len) < 0 || len < 1) {
		fprintf(stderr, "%s: unreadable or empty\n", path);
		return -1;
	}
	if (image_opens(data[0], data + 1, len - 1, &err) < 0) {
		fprintf(stderr,
			"%s: stale seed (%s); regenerate the image corpus "
			"(fuzz/README.md)\n",
			path, err.msg);
		return -1;
	}
	return 0;
}

static int check_dir(const char *dir)
{
	struct dirent **names;
	int n = fz_enter_workspace() == 0 ? scandir(dir, &names, NULL, alphasort) : -1;
	int checked = 0, r = 0;

	if (n < 0) {
		fprintf(stderr, "make_image_seeds: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		KK_AUTOFREE char *path = NULL;

		if (strstr(names[i]->d_name, ".valid.img") != NULL &&
		    asprintf(&path, "%s/%s", dir, names[i]->d_name) >= 0) {
			checked++;
			if (check_seed(path) < 0)
				r = 1;
		}
		free(names[i]);
	}
	free(names);
	fprintf(stderr, "make_image_seeds: %d valid seed(s) checked\n", checked);
	return checked == 0 ? 1 : r;
}

static int kind_flag(const char *arg)
{
	for (int k = KK_DOC_CONFIG; k <= KK_DOC_RESOURCES; k++)
		if (strncmp(arg, "--", 2) == 0 && strcmp(arg + 2, kind_names[k]) == 0)
			return k;
	return 0;
}

int main(int argc, char **argv)
{
	int kind = KK_DOC_CONFIG;

	if (argc == 3 && strcmp(argv[1], "--check") == 0)
		return check_dir(argv[2]);
	if (argc < 2) {
		fprintf(stderr,
			"usage: %s OUTDIR [--config|--process|--state|--policy|--resources] "
			"FILE...\n"
			"       %s --check DIR\n",
			argv[0], argv[0]);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (kind_flag(argv[i]) != 0)
			kind = kind_flag(argv[i]);
		else if (make_seeds(argv[1], kind, argv[i]) < 0)
			return 1;
	}
	return 0;
}
