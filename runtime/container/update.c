/* kk_container_update: new limits on a live container's cgroup (runc's
 * `update`). All or nothing: if one write fails, the ones made before it
 * are written back, which runc does not do. The new limits are not kept in
 * the state record (runc keeps them in state.json for its next update);
 * the cgroup files themselves are where they live. */
#define _GNU_SOURCE
#include "runtime/cgroup/update.h"
#include "parser/vocab.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/container/container.h"
#include "runtime/container/internal.h"
#include "runtime/container/open.h"
#include "runtime/exec/undo.h"

int kk_container_update(const char *root, const char *id, const struct kk_resources *res,
			struct kk_error *err)
{
	KK_AUTOHANDLE struct kk_handle h;
	struct kk_undo undo = KK_UNDO_INIT;
	struct kk_cgroup *cg = NULL;
	int rc;

	if (kk_handle_open(root, id, KK_OPEN_LOCK, &h, err) < 0)
		return -1;
	/* runc refuses a stopped container with these words; created,
	 * running and paused ones are updated alike. */
	if ((h.status != KK_STATUS_CREATED && h.status != KK_STATUS_RUNNING &&
	     h.status != KK_STATUS_PAUSED) ||
	    h.rec.pid <= 0)
		return kk_error_set(err, KK_ERR_INVALID, "container not running");
	if (kk_record_cgroup(&h.rec, &cg, err) < 0)
		return -1;
	rc = kk_cgroup_update(cg, res, &undo, err);
	if (rc < 0)
		kk_undo_rollback(&undo, err);
	else
		kk_undo_forget(&undo);
	kk_cgroup_free(cg);
	return rc;
}
