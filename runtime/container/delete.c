/* delete: remove a stopped container's cgroup, its mounts in a shared mount
 * namespace (shared_mounts.c) and its state. A created or
 * running one is refused (runtime.md: delete of a container that is not
 * stopped MUST error); --force kills it first, and a missing one is fine. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/warn.h"
#include "parser/parser.h"
#include "parser/vocab.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/container/container.h"
#include "runtime/container/frozen.h"
#include "runtime/container/internal.h"
#include "runtime/container/lifecycle_hooks.h"
#include "runtime/container/open.h"
#include "runtime/container/shared_mounts.h"
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

/* Processes left in the cgroup (the container had no pid namespace of its
 * own, or the init died and left orphans) must go before the cgroup can:
 * SIGKILL them until the cgroup is empty, for at most 10 s. */
static int kill_cgroup(const struct kk_record *rec, struct kk_error *err)
{
	struct kk_cgroup *cg = NULL;
	size_t n = 1;
	int rc = 0;

	if (rec->cgroup_path[0] == '\0')
		return 0;
	if (kk_record_cgroup(rec, &cg, err) < 0)
		return -1;
	for (int i = 0; i < 1000 && n > 0; i++) {
		rc = kk_cgroup_signal_all(cg, SIGKILL, &n, err);
		if (rc < 0)
			break;
		if (n > 0)
			usleep(10000);
	}
	if (rc == 0 && n > 0)
		rc = kk_error_set(err, KK_ERR_SYS, "processes left in cgroup %s after 10 s",
				  rec->cgroup_path);
	kk_cgroup_free(cg);
	return rc;
}

/* SIGKILL to the init, wait (bounded) for it to be gone (it is not our
 * child: its pidfd tells us), then empty the cgroup. With a pid namespace
 * of its own, a dead init leaves nothing to empty: the kernel kills the
 * namespace's other processes before the init's exit completes, which is
 * what the pidfd reports. runc skips the cgroup then too. */
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
	kk_container_thaw(rec); /* a paused container dies once thawed */
	if (pidfd >= 0) {
		p = (struct pollfd){.fd = pidfd, .events = POLLIN};
		if (poll(&p, 1, 10000) <= 0)
			return kk_error_set(err, KK_ERR_SYS,
					    "the container init did not die within 10 s");
	}
	if ((rec->flags & KK_RECORD_OWN_PIDNS) && kk_record_init_gone(rec))
		return 0;
	return kill_cgroup(rec, err);
}

static int remove_cgroup(const struct kk_record *rec, struct kk_error *err)
{
	struct kk_cgroup *cg = NULL;
	int rc;

	if (rec->cgroup_path[0] == '\0')
		return 0;
	if (kk_record_cgroup(rec, &cg, err) < 0)
		return -1;
	rc = kk_cgroup_remove(cg, err);
	kk_cgroup_free(cg);
	return rc;
}

/* Loads what poststop needs before anything is removed: a delete that
 * cannot audit its hooks fails with nothing changed. */
static int prepare_poststop(const struct kk_runtime_opts *rt, const struct kk_handle *h,
			    const struct kk_spec **spec, struct kk_hook_session *hooks,
			    struct kk_error *err)
{
	if (!(h->rec.flags & KK_RECORD_HOOKS_POSTSTOP))
		return 0;
	*spec = kk_load_config_copy(h->dir_fd, err);
	if (*spec == NULL)
		return -1;
	return kk_hook_session_open(rt, hooks, err);
}

/* poststop failures are warnings (runtime.md): the container is gone. */
static void poststop(const struct kk_handle *h, const struct kk_spec *spec,
		     const struct kk_hook_session *hooks)
{
	struct kk_error failed = {0};

	if (spec != NULL &&
	    kk_lifecycle_hooks(hooks, spec, KK_HOOK_POSTSTOP, h->rec.id, h->rec.bundle,
			       KK_STATUS_STOPPED, h->rec.pid, &failed) < 0)
		kk_warn("%s", failed.msg);
}

static int tear_down(const struct kk_runtime_opts *rt, const char *id, bool force,
		     struct kk_handle *h, struct kk_error *err)
{
	KK_AUTODOC const struct kk_spec *spec = NULL;
	KK_CLEANUP(kk_hook_session_close) struct kk_hook_session hooks = KK_HOOK_SESSION_INIT;

	/* We hold the lock, so a "creating" container's create is dead: its
	 * leftovers are deleted like a stopped container's. */
	if ((h->status == KK_STATUS_CREATED || h->status == KK_STATUS_RUNNING ||
	     h->status == KK_STATUS_PAUSED) &&
	    !force)
		return kk_error_set(err, KK_ERR_INVALID,
				    "cannot delete container %s that is not stopped: %s", id,
				    status_name(kk_container_is_frozen(&h->rec) ? KK_STATUS_PAUSED
										: h->status));
	if (prepare_poststop(rt, h, &spec, &hooks, err) < 0)
		return -1;
	if (kill_all(&h->rec, err) < 0 || kk_shared_mounts_delete(h->dir_fd, err) < 0 ||
	    remove_cgroup(&h->rec, err) < 0 || kk_state_remove(h->root_fd, id, err) < 0)
		return -1;
	poststop(h, spec, &hooks);
	return 0;
}

int kk_container_delete(const struct kk_runtime_opts *rt, const char *id, bool force,
			struct kk_error *err)
{
	KK_AUTOHANDLE struct kk_handle h;

	if (kk_handle_open(rt->root, id, KK_OPEN_LOCK | KK_OPEN_PARTIAL, &h, err) < 0) {
		/* runc: delete --force of a container that does not exist succeeds. */
		if (force && err->code == KK_ERR_NOT_FOUND) {
			kk_error_clear(err);
			return 0;
		}
		return -1;
	}
	/* Killed before it wrote a record: it made nothing but the directory. */
	if (h.record_missing)
		return kk_state_remove(h.root_fd, id, err);
	return tear_down(rt, id, force, &h, err);
}
