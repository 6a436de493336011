/* Is kakoi rootless? Either an unprivileged user runs it, or it is uid 0
 * inside a user namespace that is not the host's (rootless Podman runs its
 * runtime that way, from `podman unshare`-like namespaces). In both cases
 * the host's cgroups, the id maps beyond the caller's own ids and /run
 * belong to someone else; runc decides the same way (RunningInUserNS plus
 * the effective uid). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/container/container.h"

/* The initial user namespace maps every id: "0 0 4294967295" and nothing
 * else (runc's uidMapInUserNS). A missing file (no user namespaces in the
 * kernel) is the initial one. */
bool kk_uid_map_is_initial(const char *text)
{
	unsigned long a, b, c;
	int used = 0;

	if (sscanf(text, " %lu %lu %lu %n", &a, &b, &c, &used) != 3)
		return false;
	return a == 0 && b == 0 && c == 4294967295UL && text[used] == '\0';
}

bool kk_in_user_ns(void)
{
	KK_AUTOCLOSE int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	char text[256];
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, text, sizeof(text) - 1);
	if (n <= 0)
		return false;
	text[n] = '\0';
	return !kk_uid_map_is_initial(text);
}

bool kk_rootless(void)
{
	return geteuid() != 0 || kk_in_user_ns();
}

/* runc's shouldHonorXDGRuntimeDir: an unprivileged user, or uid 0 in a
 * user namespace whose $USER is not root (`podman unshare`). */
static bool honors_xdg(void)
{
	const char *user = getenv("USER");

	if (geteuid() != 0)
		return true;
	return kk_in_user_ns() && (user == NULL || strcmp(user, "root") != 0);
}

const char *kk_default_root(const char *system_root)
{
	static char root[4096];
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (xdg == NULL || xdg[0] == '\0' || !honors_xdg())
		return system_root;
	if (snprintf(root, sizeof(root), "%s/kakoi", xdg) >= (int)sizeof(root))
		return system_root;
	return root;
}
