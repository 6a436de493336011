/* pause and resume: freeze or thaw every process of the container's cgroup
 * (runc's pause/resume). A paused container's status is derived from the
 * freezer (kk_container_is_frozen), never stored. */
#define _GNU_SOURCE
#include <stdbool.h>

#include "base/cleanup.h"
#include "parser/vocab.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/container/container.h"
#include "runtime/container/frozen.h"
#include "runtime/container/internal.h"
#include "runtime/container/open.h"

static int freeze(const struct kk_record *rec, bool frozen, struct kk_error *err)
{
	struct kk_cgroup *cg = NULL;
	int rc;

	if (kk_record_cgroup(rec, &cg, err) < 0)
		return -1;
	rc = kk_cgroup_freeze(cg, frozen, err);
	kk_cgroup_free(cg);
	return rc;
}

bool kk_container_is_frozen(const struct kk_record *rec)
{
	struct kk_error ignored = {0};
	struct kk_cgroup *cg = NULL;
	bool frozen = false;

	if (rec->cgroup_path[0] == '\0' || rec->pid <= 0 ||
	    kk_record_cgroup(rec, &cg, &ignored) < 0)
		return false;
	if (kk_cgroup_frozen(cg, &frozen, &ignored) < 0)
		frozen = false;
	kk_cgroup_free(cg);
	return frozen;
}

void kk_container_thaw(const struct kk_record *rec)
{
	struct kk_error ignored = {0};

	if (kk_container_is_frozen(rec))
		freeze(rec, false, &ignored);
}

/* runc pauses created and running containers alike; a paused one is not
 * "running" any more, so pausing it twice is refused as runc does. */
int kk_container_pause(const char *root, const char *id, struct kk_error *err)
{
	KK_AUTOHANDLE struct kk_handle h;

	if (kk_handle_open(root, id, KK_OPEN_LOCK, &h, err) < 0)
		return -1;
	if ((h.status != KK_STATUS_RUNNING && h.status != KK_STATUS_CREATED) || h.rec.pid <= 0 ||
	    kk_container_is_frozen(&h.rec))
		return kk_error_set(err, KK_ERR_INVALID, "container not running");
	return freeze(&h.rec, true, err);
}

int kk_container_resume(const char *root, const char *id, struct kk_error *err)
{
	KK_AUTOHANDLE struct kk_handle h;

	if (kk_handle_open(root, id, KK_OPEN_LOCK, &h, err) < 0)
		return -1;
	if (h.status == KK_STATUS_STOPPED || h.rec.pid <= 0 || !kk_container_is_frozen(&h.rec))
		return kk_error_set(err, KK_ERR_INVALID, "container not paused");
	return freeze(&h.rec, false, err);
}
