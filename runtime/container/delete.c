/* delete: remove a stopped container's cgroup and state. A created or
 * running one is refused (runtime.md: delete of a container that is not
 * stopped MUST error); --force kills it first, and a missing one is fine. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "base/cleanup.h"
#include "parser/vocab.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/container/container.h"
#include "runtime/container/internal.h"
#include "runtime/container/open.h"
#include "runtime/sys/sys.h"

static const char *status_name(int status)
{
	switch (status) {
	case KK_STATUS_CREATING:
		return "creating";
	case KK_STATUS_CREATED:
		return "created";
	case KK_STATUS_RUNNING:
		return "running";
	case KK_STATUS_PAUSED:
		return "paused";
	default:
		return "stopped";
	}
}

/* SIGKILL to the init and everything in its cgroup, then wait (bounded) for
 * the init to be gone: it is not our child, so its pidfd tells us. */
static int kill_all(const struct kk_record *rec, struct kk_error *err)
{
	KK_AUTOCLOSE int pidfd = -1;
	struct kk_error ignored = {0};
	struct pollfd p;

	if (rec->pid > 0)
		pidfd = kk_record_pidfd(rec, &ignored);
	if (pidfd >= 0 && kk_sys()->pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0 &&
	    errno != ESRCH)
		return kk_error_sys(err, errno, "kill the container init");
	if (rec->cgroup_path[0] != '\0' && kk_signal_cgroup(rec, SIGKILL, err) < 0)
		return -1;
	if (pidfd < 0)
		return 0;
	p = (struct pollfd){.fd = pidfd, .events = POLLIN};
	if (poll(&p, 1, 10000) <= 0)
		return kk_error_set(err, KK_ERR_SYS, "the container init did not die within 10 s");
	return 0;
}

static int remove_cgroup(const struct kk_record *rec, struct kk_error *err)
{
	struct kk_cgroup *cg = NULL;
	int rc;

	if (rec->cgroup_path[0] == '\0')
		return 0;
	if (kk_cgroup_open(KK_CGROUP_ROOT, rec->cgroup_path, rec->id, &cg, err) < 0)
		return -1;
	rc = kk_cgroup_remove(cg, err);
	kk_cgroup_free(cg);
	return rc;
}

int kk_container_delete(const char *root, const char *id, bool force, struct kk_error *err)
{
	KK_AUTOHANDLE struct kk_handle h;

	if (kk_handle_open(root, id, true, &h, err) < 0) {
		/* runc: delete --force of a container that does not exist succeeds. */
		if (force && err->code == KK_ERR_NOT_FOUND) {
			kk_error_clear(err);
			return 0;
		}
		return -1;
	}
	if (h.status != KK_STATUS_STOPPED) {
		if (!force)
			return kk_error_set(err, KK_ERR_INVALID,
					    "cannot delete container %s that is not stopped: %s",
					    id, status_name(h.status));
		if (kill_all(&h.rec, err) < 0)
			return -1;
	}
	if (remove_cgroup(&h.rec, err) < 0)
		return -1;
	return kk_state_remove(h.root_fd, id, err);
}
