/* Fuzz target: the bytes of a container's state record
 * (<root>/<id>/record) -> kk_record_decode(), and the same bytes as a file
 * through kk_record_read(), which must agree with it; and the same bytes
 * as a mounts record (<root>/<id>/mounts) -> kk_mounts_record_decode(),
 * and as a cached seccomp program -> kk_seccomp_cache_decode(). The record is written
 * only by kakoi, but a torn disk or a meddling hand can leave anything
 * there, and `kill`/`delete` act on the pid it holds.
 *
 * The input is copied into an exact-size heap block, so ASan sees any read
 * past it. An accepted record must hold what kk_record_read promises: the
 * magic and version, terminated strings, a valid id, a pid >= 0; and it
 * must decode again from its own bytes to the same record. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/temp_tree.h"
#include "runtime/process/seccomp_cache.h"
#include "runtime/state/state.h"

static _Noreturn void violated(const char *what, const struct kk_error *err)
{
	fprintf(stderr, "fuzz property violated: %s%s%s\n", what, err ? ": " : "",
		err ? err->msg : "");
	abort();
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/* Field by field: struct assignment need not copy the padding. */
static bool same_record(const struct kk_record *a, const struct kk_record *b)
{
	return a->magic == b->magic && a->version == b->version && a->flags == b->flags &&
	       a->pid == b->pid && a->start_time == b->start_time &&
	       a->created_ns == b->created_ns && memcmp(a->id, b->id, sizeof(a->id)) == 0 &&
	       memcmp(a->bundle, b->bundle, sizeof(a->bundle)) == 0 &&
	       memcmp(a->cgroup_path, b->cgroup_path, sizeof(a->cgroup_path)) == 0;
}

static void check_accepted(const struct kk_record *rec)
{
	struct kk_record again;
	struct kk_error err;

	kk_error_clear(&err);
	if (rec->magic != KK_RECORD_MAGIC || rec->version != KK_RECORD_VERSION || rec->pid < 0 ||
	    !terminated(rec->id, sizeof(rec->id)) ||
	    !terminated(rec->bundle, sizeof(rec->bundle)) ||
	    !terminated(rec->cgroup_path, sizeof(rec->cgroup_path)))
		violated("an accepted record breaks kk_record_read's promises", NULL);
	if (kk_id_check(rec->id, &err) < 0)
		violated("an accepted record's id", &err);
	if (kk_record_decode(rec, sizeof(*rec), &again, &err) < 0)
		violated("an accepted record does not decode again", &err);
	if (!same_record(rec, &again))
		violated("decoding an accepted record changed it", NULL);
}

/* dir/record holds the input; one directory fd for the whole process. */
static int record_dir(void)
{
	static int fd = -1;

	if (fd < 0)
		fd = open(fz_temp_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		violated("fuzz harness: open the temp dir", NULL);
	return fd;
}

static void put_file(const uint8_t *data, size_t size)
{
	int fd = openat(record_dir(), "record", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size) || close(fd) < 0)
		violated("fuzz harness: write the record file", NULL);
}

/* kk_record_read is kk_record_decode plus the file: same verdict, same
 * record, and its error adds where. */
static void check_read(const uint8_t *data, size_t size, int decoded, const struct kk_record *rec)
{
	KK_AUTOFREE struct kk_record *got = malloc(sizeof(*got));
	struct kk_error err;
	int rc;

	if (got == NULL)
		abort();
	put_file(data, size);
	kk_error_clear(&err);
	rc = kk_record_read(record_dir(), got, &err);
	if (rc < 0)
		fz_check_failure("kk_record_read", &err, FZ_CODE(KK_ERR_INVALID));
	if (rc != decoded)
		violated("kk_record_read and kk_record_decode disagree", rc < 0 ? &err : NULL);
	if (rc == 0 && !same_record(got, rec))
		violated("kk_record_read and kk_record_decode read different records", NULL);
	if (rc < 0 && strstr(err.msg, "container record ") != err.msg)
		violated("kk_record_read's error does not say what is corrupt", &err);
}

/* The same bytes as a mounts record (delete unmounts at its rootfs): an
 * accepted one holds terminated, absolute paths and decodes again. */
static void check_mounts(const uint8_t *copy, size_t size)
{
	KK_AUTOFREE struct kk_mounts_record *r = malloc(sizeof(*r));
	KK_AUTOFREE struct kk_mounts_record *again = malloc(sizeof(*again));
	struct kk_error err;

	if (r == NULL || again == NULL)
		abort();
	kk_error_clear(&err);
	if (kk_mounts_record_decode(copy, size, r, &err) < 0) {
		fz_check_failure("kk_mounts_record_decode", &err, FZ_CODE(KK_ERR_INVALID));
		return;
	}
	if (r->magic != KK_MOUNTS_MAGIC || !terminated(r->rootfs, sizeof(r->rootfs)) ||
	    !terminated(r->ns_path, sizeof(r->ns_path)) || r->rootfs[0] != '/' ||
	    (r->ns_path[0] != '\0' && r->ns_path[0] != '/'))
		violated("an accepted mounts record breaks its promises", NULL);
	if (kk_mounts_record_decode(r, sizeof(*r), again, &err) < 0 ||
	    memcmp(r->rootfs, again->rootfs, sizeof(r->rootfs)) != 0 || r->mnt_id != again->mnt_id)
		violated("an accepted mounts record does not decode again to itself", &err);
}

/* The same bytes as a cached seccomp program (<root>/.seccomp/<key>),
 * under the key they claim and under another: accepted only with that key,
 * a whole number of instructions within the kernel's limit, and the
 * program's own digest. */
static void check_seccomp_cache(const uint8_t *copy, size_t size)
{
	uint8_t key[KK_SHA256_LEN] = {0};
	struct kk_bpf prog = {0};

	if (size >= 16 + KK_SHA256_LEN)
		memcpy(key, copy + 16, KK_SHA256_LEN);
	if (kk_seccomp_cache_decode((const char *)copy, size, key, &prog)) {
		if (prog.n == 0 || prog.n > 4096 || size != 16 + 2 * KK_SHA256_LEN + prog.n * 8)
			violated("an accepted seccomp cache entry has the wrong size", NULL);
		free(prog.insns);
	}
	key[0] ^= 1;
	prog = (struct kk_bpf){0};
	if (kk_seccomp_cache_decode((const char *)copy, size, key, &prog))
		violated("a seccomp cache entry was accepted under another key", NULL);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	record_dir();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	KK_AUTOFREE uint8_t *copy = malloc(size ? size : 1);
	KK_AUTOFREE struct kk_record *rec = malloc(sizeof(*rec));
	struct kk_error err;
	int rc;

	if (copy == NULL || rec == NULL)
		abort();
	if (size > 0)
		memcpy(copy, data, size);
	kk_error_clear(&err);
	rc = kk_record_decode(copy, size, rec, &err);
	if (rc < 0)
		fz_check_failure("kk_record_decode", &err, FZ_CODE(KK_ERR_INVALID));
	else
		check_accepted(rec);
	check_read(data, size, rc, rec);
	check_mounts(copy, size);
	check_seccomp_cache(copy, size);
	return 0;
}
