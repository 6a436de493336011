/* The hook's executable. It is opened once; the sha256 in the audit log is
 * computed from that fd and the same fd is executed (execveat with
 * AT_EMPTY_PATH), so the log names the bytes that ran, not whatever sits
 * at the path later. A file changed while it is being hashed is refused. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
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

static int digest(EVP_MD_CTX *md, int fd, struct hk_exe *exe, const char *path,
		  struct kk_error *err)
{
	unsigned char buf[65536], out[EVP_MAX_MD_SIZE];
	unsigned out_len = 0;
	off_t off = 0;
	ssize_t n;

	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		return kk_error_set(err, KK_ERR_INTERNAL, "%s: sha256 init failed", path);
	while ((n = pread(fd, buf, sizeof(buf), off)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kk_error_sys(err, errno, "%s: reading for sha256", path);
		if (off == 0)
			exe->script = n >= 2 && buf[0] == '#' && buf[1] == '!';
		if (EVP_DigestUpdate(md, buf, (size_t)n) != 1)
			return kk_error_set(err, KK_ERR_INTERNAL, "%s: sha256 failed", path);
		off += n;
	}
	if (EVP_DigestFinal_ex(md, out, &out_len) != 1)
		return kk_error_set(err, KK_ERR_INTERNAL, "%s: sha256 failed", path);
	hex(out, out_len, exe->sha256);
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static int hash(int fd, struct hk_exe *exe, const char *path, struct kk_error *err)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	struct stat before, after;
	int r;

	if (md == NULL)
		return kk_error_sys(err, ENOMEM, "%s: sha256", path);
	r = fstat(fd, &before) < 0 ? kk_error_sys(err, errno, "stat %s", path) : 0;
	if (r == 0 && !S_ISREG(before.st_mode))
		r = kk_error_set(err, KK_ERR_INVALID, "%s: not a regular file", path);
	if (r == 0)
		r = digest(md, fd, exe, path, err);
	EVP_MD_CTX_free(md);
	if (r == 0 && fstat(fd, &after) < 0)
		r = kk_error_sys(err, errno, "stat %s", path);
	if (r == 0 && !same_file(&before, &after))
		r = kk_error_set(err, KK_ERR_INVALID, "%s: changed while it was being hashed",
				 path);
	return r;
}

int hk_exe_open(const char *path, struct hk_exe *exe, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	memset(exe, 0, sizeof(*exe));
	exe->fd = -1;
	if (fd < 0)
		return kk_error_sys(err, errno, "open %s", path);
	if (resolve(fd, exe->resolved, sizeof(exe->resolved), path, err) < 0 ||
	    hash(fd, exe, path, err) < 0)
		return -1;
	exe->fd = kk_steal_fd(&fd);
	return 0;
}

void hk_exe_close(struct hk_exe *exe)
{
	if (exe->fd >= 0)
		close(exe->fd);
	exe->fd = -1;
}
