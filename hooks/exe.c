/* The hook's executable. It is opened once and copied into a memfd that
 * is then sealed; the sha256 in the audit log is computed from the memfd
 * and the memfd is executed (execveat with AT_EMPTY_PATH). Hashing and
 * executing the file's own fd would not pin its bytes: a binary can be
 * rewritten before execveat, and a script is read by its interpreter
 * after exec. A file changed while it is being copied is refused. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/seal.h"
#include "base/sha256.h"
#include "hooks/hooks_int.h"

static int resolve(int fd, char *out, size_t size, const char *path, struct kk_error *err)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, size - 1);
	if (n < 0)
		return kk_error_sys(err, errno, "%s: resolving the opened file", path);
	out[n] = '\0';
	return 0;
}

static void hex(const unsigned char *md, unsigned len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned i = 0; i < len; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[2 * len] = '\0';
}

static int hash(int fd, struct hk_exe *exe, const char *path, struct kk_error *err)
{
	unsigned char buf[65536], out[KK_SHA256_LEN];
	struct kk_sha256 md;
	off_t off = 0;
	ssize_t n;

	kk_sha256_init(&md);
	while ((n = pread(fd, buf, sizeof(buf), off)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kk_error_sys(err, errno, "%s: reading for sha256", path);
		if (off == 0)
			exe->script = n >= 2 && buf[0] == '#' && buf[1] == '!';
		kk_sha256_update(&md, buf, (size_t)n);
		off += n;
	}
	kk_sha256_final(&md, out);
	hex(out, KK_SHA256_LEN, exe->sha256);
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* The memfd is executed instead of the file, so what exec would have
 * checked on the file is checked here: an execute bit, and no noexec
 * mount. */
static int executable(int fd, const struct stat *st, const char *path, struct kk_error *err)
{
	struct statvfs vfs;

	if (!S_ISREG(st->st_mode))
		return kk_error_set(err, KK_ERR_INVALID, "%s: not a regular file", path);
	if (!(st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		return kk_error_sys(err, EACCES, "%s: no execute permission", path);
	if (fstatvfs(fd, &vfs) < 0)
		return kk_error_sys(err, errno, "statvfs %s", path);
	if (vfs.f_flag & ST_NOEXEC)
		return kk_error_sys(err, EACCES, "%s: on a noexec mount", path);
	return 0;
}

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

static int new_memfd(const char *path, struct kk_error *err)
{
	/* MFD_EXEC (6.3+) says so explicitly where vm.memfd_noexec asks. */
	int fd = memfd_create("kakoi-hook", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("kakoi-hook", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return kk_error_sys(err, errno, "%s: memfd_create", path);
	return fd;
}

/* Copies the file into a sealed memfd; refuses a copy torn by a concurrent
 * change of the file. */
static int copy_sealed(int src, const struct stat *before, const char *path, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = new_memfd(path, err);
	struct stat after;
	off_t off = 0;

	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t n = sendfile(fd, src, &off, 1 << 20);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kk_error_sys(err, errno, "%s: copying", path);
		if (n == 0)
			break;
	}
	if (fstat(src, &after) < 0)
		return kk_error_sys(err, errno, "stat %s", path);
	if (!same_file(before, &after) || off != after.st_size)
		return kk_error_set(err, KK_ERR_INVALID, "%s: changed while it was being copied",
				    path);
	if (kk_memfd_seal(fd) < 0)
		return kk_error_sys(err, errno, "%s: sealing the copy", path);
	return kk_steal_fd(&fd);
}

int hk_exe_open(const char *path, struct hk_exe *exe, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	KK_AUTOCLOSE int copy = -1;
	struct stat st;

	memset(exe, 0, sizeof(*exe));
	exe->fd = -1;
	if (fd < 0)
		return kk_error_sys(err, errno, "open %s", path);
	if (fstat(fd, &st) < 0)
		return kk_error_sys(err, errno, "stat %s", path);
	exe->dev = st.st_dev;
	exe->ino = st.st_ino;
	if (resolve(fd, exe->resolved, sizeof(exe->resolved), path, err) < 0 ||
	    executable(fd, &st, path, err) < 0)
		return -1;
	copy = copy_sealed(fd, &st, path, err);
	if (copy < 0 || hash(copy, exe, path, err) < 0)
		return -1;
	exe->fd = kk_steal_fd(&copy);
	return 0;
}

void hk_exe_close(struct hk_exe *exe)
{
	if (exe->fd >= 0)
		close(exe->fd);
	exe->fd = -1;
}
