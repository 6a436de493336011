/* Seeds for //fuzz:record_fuzz: state records written by kk_record_write()
 * itself, plus damaged copies that each break one check of
 * kk_record_decode().
 *
 *   make_record_seeds OUTDIR
 *       Writes OUTDIR/good-*.rec (records as kakoi writes them) and
 *       OUTDIR/bad-*.rec (one corruption each: size, magic, version, pid,
 *       an unterminated string, an id kk_id_check refuses).
 *   make_record_seeds --check DIR
 *       Fails unless every good-*.rec in DIR decodes and every bad-*.rec
 *       is refused: the record layout is struct kk_record, so a change to
 *       it makes the committed seeds stale (//fuzz:record_seeds_test runs
 *       this; regenerate as fuzz/README.md says). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "fuzz/runfiles.h"
#include "runtime/state/state.h"

typedef void (*damage_fn)(uint8_t *r, size_t *len);

static void cut_one(uint8_t *r, size_t *len)
{
	(void)r;
	*len -= 1;
}
static void add_one(uint8_t *r, size_t *len)
{
	r[(*len)++] = 'x';
}
static void twice(uint8_t *r, size_t *len)
{
	memcpy(r + *len, r, *len);
	*len *= 2;
}
static void empty(uint8_t *r, size_t *len)
{
	(void)r;
	*len = 0;
}
static void magic(uint8_t *r, size_t *len)
{
	(void)len;
	r[offsetof(struct kk_record, magic)] ^= 1;
}
static void version(uint8_t *r, size_t *len)
{
	(void)len;
	r[offsetof(struct kk_record, version)] = 2;
}
static void negative_pid(uint8_t *r, size_t *len)
{
	(void)len;
	memset(r + offsetof(struct kk_record, pid), 0xff, 4);
}
static void id_open(uint8_t *r, size_t *len)
{
	(void)len;
	memset(r + offsetof(struct kk_record, id), 'a', KK_ID_MAX + 1);
}
static void bundle_open(uint8_t *r, size_t *len)
{
	(void)len;
	memset(r + offsetof(struct kk_record, bundle), 'b', PATH_MAX);
}
static void cgroup_open(uint8_t *r, size_t *len)
{
	(void)len;
	memset(r + offsetof(struct kk_record, cgroup_path), 'c', PATH_MAX);
}
static void id_dotdot(uint8_t *r, size_t *len)
{
	(void)len;
	strcpy((char *)r + offsetof(struct kk_record, id), "../x");
}
static void id_slash(uint8_t *r, size_t *len)
{
	(void)len;
	strcpy((char *)r + offsetof(struct kk_record, id), "a/b");
}
static void id_empty(uint8_t *r, size_t *len)
{
	(void)len;
	r[offsetof(struct kk_record, id)] = '\0';
}
static void id_control(uint8_t *r, size_t *len)
{
	(void)len;
	strcpy((char *)r + offsetof(struct kk_record, id), "a\n\x1b[31m");
}

static const struct {
	const char *name;
	damage_fn damage;
} damages[] = {
	{"truncated", cut_one},
	{"one-byte-long", add_one},
	{"doubled", twice},
	{"empty", empty},
	{"magic", magic},
	{"version-2", version},
	{"negative-pid", negative_pid},
	{"id-unterminated", id_open},
	{"bundle-unterminated", bundle_open},
	{"cgroup-unterminated", cgroup_open},
	{"id-dotdot", id_dotdot},
	{"id-slash", id_slash},
	{"id-empty", id_empty},
	{"id-control-chars", id_control},
};

static int write_raw(const char *dir, const char *name, const uint8_t *data, size_t len)
{
	KK_AUTOFREE char *path = NULL;
	FILE *f;

	if (asprintf(&path, "%s/%s.rec", dir, name) < 0 || (f = fopen(path, "wbe")) == NULL)
		return -1;
	/* fclose whether or not the write failed. */
	bool short_write = len > 0 && fwrite(data, 1, len, f) != len;

	if (fclose(f) != 0 || short_write)
		return -1;
	return 0;
}

/* kk_record_write()s rec into dir_fd, then copies the file to good-<name>.rec. */
static int write_good(const char *dir, int dir_fd, const struct kk_record *rec, const char *name,
		      uint8_t *raw, size_t *len)
{
	KK_AUTOFREE char *buf = NULL;
	KK_AUTOFREE char *seed = NULL;
	struct kk_error err;

	kk_error_clear(&err);
	if (kk_record_write(dir_fd, rec, &err) < 0 ||
	    kk_state_read_file(dir_fd, "record", sizeof(*rec) + 1, &buf, len, &err) < 0 ||
	    unlinkat(dir_fd, "record", 0) < 0) {
		fprintf(stderr, "make_record_seeds: %s: %s\n", name, err.msg);
		return -1;
	}
	memcpy(raw, buf, *len);
	if (asprintf(&seed, "good-%s", name) < 0)
		return -1;
	return write_raw(dir, seed, raw, *len);
}

/* The mounts record of a container in a joined mount namespace, as
 * mounts-joined.rec (record_fuzz decodes every input as both files). */
static int write_mounts(const char *dir, int dir_fd)
{
	struct kk_mounts_record r = {.ns_dev = 4, .ns_ino = 4026532000, .mnt_id = 29};
	KK_AUTOFREE char *buf = NULL;
	struct kk_error err;
	size_t len = 0;

	kk_error_clear(&err);
	strcpy(r.ns_path, "/proc/4321/ns/mnt");
	strcpy(r.rootfs, "/srv/bundles/web/rootfs");
	if (kk_mounts_record_write(dir_fd, &r, &err) < 0 ||
	    kk_state_read_file(dir_fd, "mounts", sizeof(r) + 1, &buf, &len, &err) < 0 ||
	    unlinkat(dir_fd, "mounts", 0) < 0) {
		fprintf(stderr, "make_record_seeds: mounts: %s\n", err.msg);
		return -1;
	}
	return write_raw(dir, "mounts-joined", (const uint8_t *)buf, len);
}

static int write_all(const char *dir)
{
	struct kk_record running = {.flags = KK_RECORD_CREATED | KK_RECORD_STARTED,
				    .pid = 1234,
				    .start_time = 987654321,
				    .created_ns = 1700000000123456789};
	static struct kk_record creating;
	static uint8_t raw[2 * sizeof(struct kk_record)];
	int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t len = 0;
	int rc = 0;

	strcpy(running.id, "web-1");
	strcpy(running.bundle, "/srv/bundles/web");
	strcpy(running.cgroup_path, "/kakoi/web-1");
	/* Every string as long as it may be. */
	memset(creating.id, 'i', KK_ID_MAX);
	memset(creating.bundle, 'b', PATH_MAX - 1);
	memset(creating.cgroup_path, 'c', PATH_MAX - 1);
	if (dir_fd < 0 || write_good(dir, dir_fd, &creating, "creating-longest", raw, &len) < 0 ||
	    write_mounts(dir, dir_fd) < 0 ||
	    write_good(dir, dir_fd, &running, "running", raw, &len) < 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < sizeof(damages) / sizeof(damages[0]); i++) {
		KK_AUTOFREE uint8_t *copy = malloc(sizeof(raw));
		KK_AUTOFREE char *name = NULL;
		size_t n = len;

		if (copy == NULL || asprintf(&name, "bad-%s", damages[i].name) < 0)
			rc = -1;
		else {
			memcpy(copy, raw, len);
			damages[i].damage(copy, &n);
			rc = write_raw(dir, name, copy, n);
		}
	}
	if (dir_fd >= 0)
		close(dir_fd);
	return rc;
}

/* good-* must decode, bad-* must not. */
static int check_seed(const char *path, bool good)
{
	KK_AUTOFREE uint8_t *data = NULL;
	struct kk_record rec;
	struct kk_error err;
	size_t len = 0;
	int rc;

	kk_error_clear(&err);
	if (fz_read_file(path, &data, &len) < 0) {
		fprintf(stderr, "make_record_seeds: %s: cannot read\n", path);
		return -1;
	}
	rc = kk_record_decode(data, len, &rec, &err);
	if ((rc == 0) == good)
		return 0;
	fprintf(stderr, "make_record_seeds: %s: %s (regenerate, see fuzz/README.md)\n", path,
		good ? err.msg : "decodes, but should not");
	return -1;
}

static int check_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), checked = 0, rc = 0;

	if (n < 0) {
		perror(dir);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		bool good = strncmp(name, "good-", 5) == 0;
		KK_AUTOFREE char *path = NULL;

		if ((good || strncmp(name, "bad-", 4) == 0) &&
		    asprintf(&path, "%s/%s", dir, name) >= 0) {
			checked++;
			if (check_seed(path, good) < 0)
				rc = 1;
		}
		free(names[i]);
	}
	free(names);
	fprintf(stderr, "make_record_seeds: %d seed(s) checked\n", checked);
	return checked == 0 ? 1 : rc;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--check") == 0) {
		if (fz_enter_workspace() < 0) {
			perror("runfiles");
			return 1;
		}
		return check_dir(argv[2]);
	}
	if (argc != 2) {
		fprintf(stderr, "usage: make_record_seeds OUTDIR | --check DIR\n");
		return 2;
	}
	if (write_all(argv[1]) < 0) {
		perror("make_record_seeds");
		return 1;
	}
	return 0;
}
