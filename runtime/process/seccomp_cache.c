/* Compiled seccomp filters, kept under the state root (issue 12).
 *
 * libseccomp takes 15-20 ms to turn a profile like Podman's (400-odd
 * syscalls) into BPF, on every create and every exec. The program depends
 * only on the profile, libseccomp's version, the API level it detects in
 * the kernel and the native architecture, so it is compiled once and
 * reused: <root>/.seccomp/<sha256 of all that>, one file per profile, a
 * header (magic, version, length, the key, the program's own sha256) then
 * the instructions. ("." keeps it out of `list`: container IDs never start
 * with one.)
 *
 * An entry is written atomically (state/file.c) after the program was
 * loaded once by a throwaway child, and read back only when its size, key
 * and digest are right; anything else is removed and compiled again. The
 * directory is the state root's, 0700 and root's: whoever can write there
 * can already do anything kakoi can. */
#define _GNU_SOURCE
#include "runtime/process/seccomp_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/state/state.h"
#include "runtime/sys/sys.h"

#define CACHE_DIR ".seccomp"
#define MAGIC "KKSECBPF"
#define VERSION 1
/* The kernel's limit on one filter (BPF_MAXINSNS). */
#define MAX_INSNS 4096

struct head {
	char magic[8];
	uint32_t version;
	uint32_t n;
	uint8_t key[KK_SHA256_LEN];
	uint8_t digest[KK_SHA256_LEN];
};

static void add_u64(struct kk_sha256 *h, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	kk_sha256_update(h, b, sizeof(b));
}

static void add_str(struct kk_sha256 *h, const char *s)
{
	size_t n = strlen(s);

	add_u64(h, n);
	kk_sha256_update(h, s, n);
}

static void add_rule(struct kk_sha256 *h, const struct kk_syscall_rule *r)
{
	add_u64(h, r->names.n);
	for (size_t i = 0; i < r->names.n; i++)
		add_str(h, r->names.v[i]);
	add_u64(h, (uint64_t)r->action);
	add_u64(h, r->errno_ret.set);
	add_u64(h, r->errno_ret.value);
	add_u64(h, r->n_args);
	for (size_t i = 0; i < r->n_args; i++) {
		add_u64(h, r->args[i].index);
		add_u64(h, r->args[i].value);
		add_u64(h, r->args[i].value_two);
		add_u64(h, (uint64_t)r->args[i].op);
	}
}

void kk_seccomp_cache_key(const struct kk_seccomp *s, uint8_t key[KK_SHA256_LEN])
{
	const struct scmp_version *v = seccomp_version();
	struct kk_sha256 h;

	kk_sha256_init(&h);
	add_str(&h, "kakoi seccomp cache 1");
	add_u64(&h, v->major);
	add_u64(&h, v->minor);
	add_u64(&h, v->micro);
	add_u64(&h, seccomp_api_get());
	add_u64(&h, seccomp_arch_native());
	add_u64(&h, (uint64_t)s->default_action);
	add_u64(&h, s->default_errno_ret.set);
	add_u64(&h, s->default_errno_ret.value);
	add_u64(&h, s->flags);
	add_u64(&h, s->n_architectures);
	for (size_t i = 0; i < s->n_architectures; i++)
		add_u64(&h, (uint64_t)s->architectures[i]);
	add_u64(&h, s->n_syscalls);
	for (size_t i = 0; i < s->n_syscalls; i++)
		add_rule(&h, &s->syscalls[i]);
	kk_sha256_final(&h, key);
}

static void entry_name(const uint8_t key[KK_SHA256_LEN], char name[2 * KK_SHA256_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < KK_SHA256_LEN; i++) {
		name[2 * i] = digits[key[i] >> 4];
		name[2 * i + 1] = digits[key[i] & 15];
	}
	name[2 * KK_SHA256_LEN] = '\0';
}

static void digest(const struct sock_filter *insns, size_t n, uint8_t out[KK_SHA256_LEN])
{
	struct kk_sha256 h;

	kk_sha256_init(&h);
	kk_sha256_update(&h, insns, n * sizeof(*insns));
	kk_sha256_final(&h, out);
}

bool kk_seccomp_cache_decode(const char *buf, size_t len, const uint8_t key[KK_SHA256_LEN],
			     struct kk_bpf *prog)
{
	struct head h;
	uint8_t d[KK_SHA256_LEN];

	if (len < sizeof(h))
		return false;
	memcpy(&h, buf, sizeof(h));
	if (memcmp(h.magic, MAGIC, sizeof(h.magic)) != 0 || h.version != VERSION || h.n == 0 ||
	    h.n > MAX_INSNS || len != sizeof(h) + (size_t)h.n * sizeof(struct sock_filter) ||
	    memcmp(h.key, key, KK_SHA256_LEN) != 0)
		return false;
	prog->insns = malloc((size_t)h.n * sizeof(struct sock_filter));
	if (prog->insns == NULL)
		return false;
	memcpy(prog->insns, buf + sizeof(h), (size_t)h.n * sizeof(struct sock_filter));
	prog->n = h.n;
	digest(prog->insns, prog->n, d);
	if (memcmp(d, h.digest, KK_SHA256_LEN) == 0)
		return true;
	free(prog->insns);
	*prog = (struct kk_bpf){0};
	return false;
}

/* The cache directory, created when asked; -1 (err untouched) when it
 * does not exist and create is false. */
static int open_dir(int root_fd, bool create, struct kk_error *err)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd = openat(root_fd, CACHE_DIR, flags);

	if (fd >= 0 || (errno == ENOENT && !create))
		return fd;
	if (errno != ENOENT)
		return kk_error_sys(err, errno, "open %s", CACHE_DIR);
	if (kk_sys()->mkdirat(root_fd, CACHE_DIR, 0700) < 0 && errno != EEXIST)
		return kk_error_sys(err, errno, "create %s", CACHE_DIR);
	fd = openat(root_fd, CACHE_DIR, flags);
	return fd >= 0 ? fd : kk_error_sys(err, errno, "open %s", CACHE_DIR);
}

bool kk_seccomp_cache_get(int root_fd, const uint8_t key[KK_SHA256_LEN], struct kk_bpf *prog)
{
	struct kk_error ignored = {0};
	KK_AUTOCLOSE int dir = open_dir(root_fd, false, &ignored);
	KK_AUTOFREE char *buf = NULL;
	char name[2 * KK_SHA256_LEN + 1];
	size_t len = 0;

	if (dir < 0)
		return false;
	entry_name(key, name);
	if (kk_state_read_file(dir, name,
			       sizeof(struct head) + MAX_INSNS * sizeof(struct sock_filter), &buf,
			       &len, &ignored) < 0)
		return false;
	if (kk_seccomp_cache_decode(buf, len, key, prog))
		return true;
	kk_sys()->unlinkat(dir, name, 0); /* damaged: compiled again */
	return false;
}

/* At the limit, the other entries go: profiles change rarely, and a
 * cache that only grows would fill a tmpfs /run. */
static void make_room(int dir)
{
	KK_AUTOCLOSE int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	size_t n = 0;

	if (d == NULL)
		return;
	fd = -1; /* closedir closes it */
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	if (n >= KK_SECCOMP_CACHE_MAX) {
		rewinddir(d);
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				kk_sys()->unlinkat(dir, de->d_name, 0);
	}
	closedir(d);
}

int kk_seccomp_cache_put(int root_fd, const uint8_t key[KK_SHA256_LEN], const struct kk_bpf *prog,
			 struct kk_error *err)
{
	KK_AUTOCLOSE int dir = open_dir(root_fd, true, err);
	size_t size = sizeof(struct head) + prog->n * sizeof(struct sock_filter);
	KK_AUTOFREE char *buf = NULL;
	struct head h = {.version = VERSION, .n = (uint32_t)prog->n};
	char name[2 * KK_SHA256_LEN + 1];

	if (dir < 0)
		return -1;
	if (prog->n == 0 || prog->n > MAX_INSNS)
		return kk_error_set(err, KK_ERR_INTERNAL, "seccomp cache: %zu instructions",
				    prog->n);
	buf = malloc(size);
	if (buf == NULL)
		return kk_error_sys(err, ENOMEM, "seccomp cache");
	memcpy(h.magic, MAGIC, sizeof(h.magic));
	memcpy(h.key, key, KK_SHA256_LEN);
	digest(prog->insns, prog->n, h.digest);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), prog->insns, prog->n * sizeof(struct sock_filter));
	make_room(dir);
	entry_name(key, name);
	return kk_state_write_file(dir, name, buf, size, err);
}
