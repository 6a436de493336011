/* The cgroup of a rootless create. Where the user may make the container's
 * cgroup (a delegated subtree) kakoi uses it, without device rules; where
 * it may not, a config that asks for no limit runs without a cgroup of its
 * own (in the caller's, as runc's rootless mode does), with one warning; a
 * config that asks for a limit is refused, naming the field and the
 * cgroup, since running it unlimited would quietly drop what it asked. */
#include <stdlib.h>
#include <unistd.h>

#include "base/warn.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/container/container.h"
#include "runtime/container/internal.h"

int kk_rootless_cgroup(struct kk_cgroup **cg, const struct kk_spec *spec, struct kk_error *err)
{
	const struct kk_resources *res = spec->linux_ != NULL ? spec->linux_->resources : NULL;
	const char *dir, *field;

	if (!kk_rootless())
		return 0;
	kk_cgroup_skip_devices(*cg);
	dir = kk_cgroup_unwritable(*cg);
	if (dir == NULL)
		return 0;
	field = kk_cgroup_asked(res);
	if (field != NULL)
		return kk_error_set(err, KK_ERR_INVALID,
				    "%s: rootless (uid %u) and cgroup %s cannot be written: "
				    "a limit needs a cgroup delegated to this user",
				    field, (unsigned)geteuid(), dir);
	kk_warn("rootless (uid %u): cgroup %s cannot be written; the container runs in "
		"the caller's cgroup (no limits were asked for)",
		(unsigned)geteuid(), dir);
	kk_cgroup_free(*cg);
	*cg = NULL;
	return 0;
}
