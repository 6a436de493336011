/* ps: the host pids in the container's cgroup (runc's `ps`), sorted; for a
 * rootless container without a cgroup, those in the init's pid namespace. */
#define _GNU_SOURCE
#include <stdlib.h>

#include "base/cleanup.h"
#include "parser/vocab.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/container/container.h"
#include "runtime/container/internal.h"
#include "runtime/container/open.h"

static int by_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

int kk_container_pids(const char *root, const char *id, pid_t **pids, size_t *n,
		      struct kk_error *err)
{
	KK_AUTOHANDLE struct kk_handle h;
	struct kk_cgroup *cg = NULL;
	int rc;

	if (kk_handle_open(root, id, 0, &h, err) < 0)
		return -1;
	if (h.status == KK_STATUS_STOPPED || h.rec.pid <= 0)
		return kk_error_set(err, KK_ERR_INVALID, "container not running");
	if (h.rec.cgroup_path[0] == '\0') {
		rc = kk_pidns_pids(h.rec.pid, pids, n, err);
	} else {
		if (kk_record_cgroup(&h.rec, &cg, err) < 0)
			return -1;
		rc = kk_cgroup_pids(cg, pids, n, err);
		kk_cgroup_free(cg);
	}
	if (rc == 0 && *n > 1)
		qsort(*pids, *n, sizeof(**pids), by_pid);
	return rc;
}
