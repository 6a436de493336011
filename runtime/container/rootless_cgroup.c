/* The cgroup of a rootless create. Where the user may make the container's
 * cgroup (a delegated subtree) kakoi uses it, without device rules; where
 * it may not (in any hierarchy), a config that asks for no limit runs
 * without a cgroup of its own (in the caller's, as runc's rootless mode does), with one warning; a
 * config that asks for a limit is refused, naming the field and the
 * cgroup, since running it unlimited would quietly drop what it asked. */
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/warn.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/container/container.h"
#include "runtime/container/internal.h"
#include "runtime/state/state.h"

int kk_rootless_cgroup(struct kk_cgroup **cg, const struct kk_spec *spec, struct kk_error *err)
{
	const struct kk_resources *res = spec->linux_ != NULL ? spec->linux_->resources : NULL;
	const char *field = kk_cgroup_asked(res);
	char dropped[PATH_MAX];
	size_t kept;

	if (!kk_rootless())
		return 0;
	kk_cgroup_skip_devices(*cg);
	kept = kk_cgroup_keep_writable(*cg, dropped, sizeof(dropped));
	if (dropped[0] == '\0')
		return 0;
	if (field != NULL)
		return kk_error_set(err, KK_ERR_INVALID,
				    "%s: rootless (uid %u) and cgroup %s cannot be written: "
				    "a limit needs a cgroup delegated to this user",
				    field, (unsigned)geteuid(), dropped);
	if (kept > 0) {
		kk_warn("rootless (uid %u): cgroup %s cannot be written; the container's cgroup "
			"is made only in the hierarchies delegated to this user",
			(unsigned)geteuid(), dropped);
		return 0;
	}
	kk_warn("rootless (uid %u): cgroup %s cannot be written; the container runs in "
		"the caller's cgroup (no limits were asked for)",
		(unsigned)geteuid(), dropped);
	kk_cgroup_free(*cg);
	*cg = NULL;
	return 0;
}

int kk_container_cgroup(const struct kk_spec *spec, const char *id, bool systemd,
			struct kk_cgroup **cg, struct kk_error *err)
{
	const char *path = spec->linux_ != NULL ? spec->linux_->cgroups_path : NULL;

	if (systemd && kk_rootless())
		return kk_error_set(err, KK_ERR_USAGE,
				    "--systemd-cgroup: not supported for a rootless container "
				    "(kakoi does not talk to the user's systemd)");
	if ((systemd ? kk_cgroup_open_systemd(KK_CGROUP_ROOT, path, id, cg, err)
		     : kk_cgroup_open(KK_CGROUP_ROOT, path, id, cg, err)) < 0)
		return -1;
	if (kk_rootless_cgroup(cg, spec, err) == 0)
		return 0;
	kk_cgroup_free(*cg);
	*cg = NULL;
	return -1;
}

int kk_record_cgroup(const struct kk_record *rec, struct kk_cgroup **cg, struct kk_error *err)
{
	if (kk_cgroup_open(KK_CGROUP_ROOT, rec->cgroup_path, rec->id, cg, err) < 0)
		return -1;
	if ((rec->flags & KK_RECORD_SYSTEMD) && kk_cgroup_use_systemd(*cg, err) < 0) {
		kk_cgroup_free(*cg);
		*cg = NULL;
		return -1;
	}
	/* Made only where it was delegated (kk_rootless_cgroup). */
	if (kk_rootless())
		kk_cgroup_keep_existing(*cg);
	return 0;
}
