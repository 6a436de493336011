/* kill: signal the init through a pidfd checked against its start time (a
 * recycled pid is never signalled), or with --all every process in the
 * container's cgroup. A SIGKILL to a paused container thaws it after the
 * signal, as runc does: a frozen task dies only once thawed, and a killed
 * container must not stay paused. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>

#include "base/cleanup.h"
#include "parser/vocab.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/container/container.h"
#include "runtime/container/frozen.h"
#include "runtime/container/internal.h"
#include "runtime/container/open.h"
#include "runtime/sys/sys.h"

int kk_signal_init(const struct kk_record *rec, int sig, struct kk_error *err)
{
	KK_AUTOCLOSE int pidfd = kk_record_pidfd(rec, err);

	if (pidfd < 0)
		return -1;
	if (kk_sys()->pidfd_send_signal(pidfd, sig, NULL, 0) < 0 && errno != ESRCH)
		return kk_error_sys(err, errno, "signal %d to the container init", sig);
	return 0;
}

int kk_signal_cgroup(const struct kk_record *rec, int sig, struct kk_error *err)
{
	struct kk_cgroup *cg = NULL;
	size_t n = 0;
	int rc;

	/* A rootless container without a cgroup: its processes are those
	 * in the init's pid namespace. */
	if (rec->cgroup_path[0] == '\0')
		return kk_record_alive(rec) ? kk_pidns_signal(rec->pid, sig, err) : 0;

	if (kk_record_cgroup(rec, &cg, err) < 0)
		return -1;
	rc = kk_cgroup_signal_all(cg, sig, &n, err);
	kk_cgroup_free(cg);
	return rc;
}

int kk_container_kill(const char *root, const char *id, int sig, bool all, struct kk_error *err)
{
	KK_AUTOHANDLE struct kk_handle h;

	if (kk_handle_open(root, id, KK_OPEN_LOCK, &h, err) < 0)
		return -1;
	int rc;

	/* With --all a stopped container may still have processes: without a
	 * pid namespace the init's children outlive it, and containerd's shim
	 * kills them this way (runc allows it). An empty cgroup is success. */
	if (all && h.status == KK_STATUS_STOPPED)
		return kk_signal_cgroup(&h.rec, sig, err);
	if (h.status == KK_STATUS_STOPPED || h.rec.pid <= 0)
		return kk_error_set(err, KK_ERR_INVALID, "container not running");
	rc = all ? kk_signal_cgroup(&h.rec, sig, err) : kk_signal_init(&h.rec, sig, err);
	if (rc == 0 && sig == SIGKILL)
		kk_container_thaw(&h.rec);
	return rc;
}
