/* Hooks the container's image supplies: startContainer (its path resolves
 * in the container) and a createContainer hook whose file lies in the
 * rootfs. Such a hook is the image's code, run next to an init that still
 * holds every capability, so it gets no more power than the container's
 * own process: that process's bounding set, user, groups and umask, its
 * other capability sets and its no_new_privs. On top, and whatever the
 * process may do, it never gets the mount(2) family (a fresh procfs would
 * bring a writable /proc/sys back) nor open_by_handle_at (which opens host
 * files by handle, past any mount confinement). Runs in H after the mount
 * confinement, which needs CAP_SYS_ADMIN, and before exec. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hooks/hooks_int.h"

#define CAP(c) (UINT64_C(1) << (c))

/* runc's meaning of an absent process.capabilities and process.user. */
static const struct kk_capabilities no_caps;
static const struct kk_user root_user;

/* The umask of a process.user without one (runc's). */
#define DEFAULT_UMASK 0022

static const char *const no_mount[] = {
	"mount",    "umount",  "umount2", "open_tree",	   "move_mount", "fsopen",
	"fsconfig", "fsmount", "fspick",  "mount_setattr", "pivot_root", "open_by_handle_at",
};

/* The rootfs that cannot be resolved counts as everything: when in doubt
 * the hook is the image's. */
bool hk_image_supplied(const struct kk_hook_run *run, const struct hk_exe *exe)
{
	char root[PATH_MAX];
	size_t n;

	if (run->as_process == NULL)
		return false;
	if (run->image_rootfs == NULL || realpath(run->image_rootfs, root) == NULL)
		return true;
	n = strlen(root);
	if (n == 1)
		return true; /* the rootfs is "/" */
	return strncmp(exe->resolved, root, n) == 0 &&
	       (exe->resolved[n] == '/' || exe->resolved[n] == '\0');
}

/* Drops every capability outside keep from the bounding set (needs
 * CAP_SETPCAP, so before the user change) and returns what is left. */
static int cut_bounding(uint64_t keep, uint64_t *left, struct kk_error *err)
{
	*left = 0;
	for (int cap = 0; cap < 64; cap++) {
		int held = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

		if (held < 0 && errno == EINVAL)
			break; /* past the kernel's last capability */
		if (held <= 0)
			continue;
		if (keep & CAP(cap))
			*left |= CAP(cap);
		else if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return kk_error_sys(err, errno, "hook bounding set: dropping capability %d",
					    cap);
	}
	return 0;
}

/* setgroups, gid, uid, keeping the permitted set across setuid so the
 * process's sets can be set after it. A user namespace whose setgroups is
 * "deny" has no groups to clear. */
static int become(const struct kk_user *u, struct kk_error *err)
{
	const gid_t *gids = (const gid_t *)u->additional_gids.v;

	if (setgroups(u->additional_gids.n, gids) < 0 &&
	    !(errno == EPERM && u->additional_gids.n == 0))
		return kk_error_sys(err, errno, "hook as process.user: setgroups");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return kk_error_sys(err, errno, "hook as process.user: gid %u", (unsigned)u->gid);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return kk_error_sys(err, errno, "hook as process.user: PR_SET_KEEPCAPS");
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return kk_error_sys(err, errno, "hook as process.user: uid %u", (unsigned)u->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return kk_error_sys(err, errno, "hook as process.user: clearing PR_SET_KEEPCAPS");
	umask(u->umask.set ? (mode_t)u->umask.value : DEFAULT_UMASK);
	return 0;
}

static int set_flag(cap_t c, cap_flag_t flag, uint64_t mask)
{
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
		cap_value_t v = cap;

		if ((mask & CAP(cap)) && cap_set_flag(c, flag, 1, &v, CAP_SET) < 0)
			return -1;
	}
	return 0;
}

/* The process's sets, within what is left of the bounding set, so that a
 * config the process phase would warn about cannot make the hook fail or
 * give it more than the bounding set. Strict empties inheritable and
 * ambient, as it does for every hook. */
static struct kk_capabilities within(const struct kk_capabilities *c, uint64_t bounding,
				     bool strict)
{
	struct kk_capabilities w = {.bounding = bounding};

	w.permitted = c->permitted & bounding;
	w.effective = c->effective & w.permitted;
	w.inheritable = strict ? 0 : c->inheritable & bounding;
	w.ambient = c->ambient & w.permitted & w.inheritable;
	return w;
}

static int set_sets(const struct kk_capabilities *w, struct kk_error *err)
{
	cap_t c = cap_init();
	int r;

	if (c == NULL)
		return kk_error_sys(err, errno, "hook capabilities: cap_init");
	r = set_flag(c, CAP_PERMITTED, w->permitted) == 0 &&
			    set_flag(c, CAP_EFFECTIVE, w->effective) == 0 &&
			    set_flag(c, CAP_INHERITABLE, w->inheritable) == 0 &&
			    cap_set_proc(c) == 0
		    ? 0
		    : kk_error_sys(err, errno, "hook capabilities: the process's sets");
	cap_free(c);
	if (r < 0)
		return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return kk_error_sys(err, errno, "hook ambient capabilities");
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if ((w->ambient & CAP(cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return kk_error_sys(err, errno, "hook ambient capability %d", cap);
	return 0;
}

int hk_confine_as_process(const struct kk_process *p, bool strict, struct kk_error *err)
{
	const struct kk_capabilities *caps = p->capabilities ? p->capabilities : &no_caps;
	const struct kk_user *u = p->user ? p->user : &root_user;
	struct kk_capabilities want;
	uint64_t bounding;

	/* Loaded while CAP_SYS_ADMIN still allows it without no_new_privs. */
	if (hk_deny_syscalls(no_mount, sizeof(no_mount) / sizeof(no_mount[0]), err) < 0)
		return -1;
	if (cut_bounding(caps->bounding & ~CAP(CAP_SYS_PTRACE), &bounding, err) < 0)
		return -1;
	want = within(caps, bounding, strict);
	if (become(u, err) < 0 || set_sets(&want, err) < 0)
		return -1;
	if ((p->no_new_privileges || strict) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return kk_error_sys(err, errno, "hook no_new_privs");
	return 0;
}
