/* Device programs in the kernel: load, attach, query, detach, replace.
 * Every bpf(2) call goes through kk_sys(), so tests can fail or fake each
 * one. Programs are held by the cgroup they are attached to; kakoi keeps
 * no fd open past a call, and finds its programs again by id or name. */
#define _GNU_SOURCE
#include "runtime/cgroup/bpf/kernel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "runtime/sys/sys.h"

/* The license matters to the kernel only for GPL-only helpers, which a
 * device program does not call; runc's says "Apache" too. */
static const char license[] = "Apache";

/* Room for the end of a verifier log in an error message. */
#define LOG_SIZE (64 * 1024)
#define LOG_TAIL 400

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return kk_sys()->bpf(cmd, attr, sizeof(*attr));
}

static void load_attr(union bpf_attr *attr, const struct kk_devprog *p)
{
	memset(attr, 0, sizeof(*attr));
	attr->prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr->insns = (uint64_t)(uintptr_t)p->insns;
	attr->insn_cnt = (uint32_t)p->n;
	attr->license = (uint64_t)(uintptr_t)license;
	snprintf(attr->prog_name, sizeof(attr->prog_name), "%s", KK_DEVPROG_NAME);
}

/* The verifier's reason is at the end of its log; the load is repeated
 * with a log only after a refusal, which should never happen. */
static int load_refused(const struct kk_devprog *p, int first_errno, struct kk_error *err)
{
	KK_AUTOFREE char *log = calloc(1, LOG_SIZE);
	union bpf_attr attr;
	size_t len;
	int fd;

	if (log == NULL || (first_errno != EINVAL && first_errno != EACCES))
		return kk_error_sys(err, first_errno, "bpf load device program");
	load_attr(&attr, p);
	attr.log_level = 1;
	attr.log_buf = (uint64_t)(uintptr_t)log;
	attr.log_size = LOG_SIZE;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0) {
		close(fd);
		return kk_error_sys(err, first_errno, "bpf load device program");
	}
	len = strnlen(log, LOG_SIZE);
	while (len > 0 && log[len - 1] == '\n')
		log[--len] = '\0';
	return kk_error_sys(err, first_errno, "bpf load device program (verifier: ...%s)",
			    log + (len > LOG_TAIL ? len - LOG_TAIL : 0));
}

int kk_devprog_load(const struct kk_devprog *p, struct kk_error *err)
{
	union bpf_attr attr;
	int fd;

	load_attr(&attr, p);
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0)
		return load_refused(p, errno, err);
	return fd;
}

static int prog_info(int prog_fd, struct bpf_prog_info *info, struct kk_error *err)
{
	union bpf_attr attr;

	memset(info, 0, sizeof(*info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (uint32_t)prog_fd;
	attr.info.info_len = sizeof(*info);
	attr.info.info = (uint64_t)(uintptr_t)info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) < 0)
		return kk_error_sys(err, errno, "bpf program info");
	return 0;
}

int kk_devprog_id(int prog_fd, uint32_t *id, struct kk_error *err)
{
	struct bpf_prog_info info;

	if (prog_info(prog_fd, &info, err) < 0)
		return -1;
	*id = info.id;
	return 0;
}

static int attach(int cgroup_fd, int prog_fd, uint32_t cmd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup_fd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = cmd == BPF_PROG_ATTACH ? BPF_F_ALLOW_MULTI : 0;
	return sys_bpf((int)cmd, &attr);
}

int kk_devprog_attach(int cgroup_fd, int prog_fd, struct kk_error *err)
{
	if (attach(cgroup_fd, prog_fd, BPF_PROG_ATTACH) < 0)
		return kk_error_sys(err, errno, "bpf attach device program");
	return 0;
}

/* An fd for program id; -1 with errno ENOENT when it is gone. */
static int prog_by_id(uint32_t id)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	return sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
}

int kk_devprog_detach(int cgroup_fd, uint32_t id, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = prog_by_id(id);

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return kk_error_sys(err, errno, "bpf device program %u", id);
	if (attach(cgroup_fd, fd, BPF_PROG_DETACH) < 0 && errno != ENOENT)
		return kk_error_sys(err, errno, "bpf detach device program %u", id);
	return 0;
}

/* Every id attached to the cgroup itself; the kernel says how many there
 * are when the array is too small (ENOSPC). */
static int query_all(int cgroup_fd, uint32_t **ids, size_t *n, struct kk_error *err)
{
	uint32_t cap = 64;

	for (int tries = 0; tries < 8; tries++) {
		uint32_t *v = calloc(cap, sizeof(*v));
		union bpf_attr attr;

		if (v == NULL)
			return kk_error_sys(err, ENOMEM, "bpf query device programs");
		memset(&attr, 0, sizeof(attr));
		attr.query.target_fd = (uint32_t)cgroup_fd;
		attr.query.attach_type = BPF_CGROUP_DEVICE;
		attr.query.prog_ids = (uint64_t)(uintptr_t)v;
		attr.query.prog_cnt = cap;
		if (sys_bpf(BPF_PROG_QUERY, &attr) == 0) {
			*n = attr.query.prog_cnt;
			*ids = v;
			return 0;
		}
		free(v);
		if (errno != ENOSPC)
			return kk_error_sys(err, errno, "bpf query device programs");
		cap = attr.query.prog_cnt > cap ? attr.query.prog_cnt : cap * 2;
	}
	return kk_error_set(err, KK_ERR_SYS, "bpf query device programs: the list keeps growing");
}

/* Whether program id is kakoi's. One that is gone, or that an LSM hides
 * from us (runc meets these under strict SELinux policies), is not. */
static int is_ours(uint32_t id, bool *ours, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = prog_by_id(id);
	struct bpf_prog_info info;

	*ours = false;
	if (fd < 0 && (errno == ENOENT || errno == EPERM || errno == EACCES))
		return 0;
	if (fd < 0)
		return kk_error_sys(err, errno, "bpf device program %u", id);
	if (prog_info(fd, &info, err) < 0)
		return -1;
	*ours = strncmp(info.name, KK_DEVPROG_NAME, sizeof(info.name)) == 0;
	return 0;
}

int kk_devprog_query(int cgroup_fd, bool ours, uint32_t **ids, size_t *n, struct kk_error *err)
{
	size_t kept = 0;

	if (query_all(cgroup_fd, ids, n, err) < 0)
		return -1;
	for (size_t i = 0; ours && i < *n; i++) {
		bool mine;

		if (is_ours((*ids)[i], &mine, err) < 0) {
			free(*ids);
			*ids = NULL;
			return -1;
		}
		if (mine)
			(*ids)[kept++] = (*ids)[i];
	}
	if (ours)
		*n = kept;
	if (*n == 0) {
		free(*ids);
		*ids = NULL;
	}
	return 0;
}

/* The old programs to detach, each held open so a failed replace can
 * attach it again (a detached program without an fd is freed). */
struct olds {
	int *fd;
	size_t n;
};

static void olds_close(struct olds *o)
{
	if (o->fd == NULL)
		return;
	for (size_t i = 0; i < o->n; i++)
		kk_closep(&o->fd[i]);
	free(o->fd);
}

static int olds_open(int cgroup_fd, uint32_t new_id, struct olds *o, struct kk_error *err)
{
	KK_AUTOFREE uint32_t *ids = NULL;
	size_t n;

	if (kk_devprog_query(cgroup_fd, true, &ids, &n, err) < 0)
		return -1;
	o->fd = calloc(n ? n : 1, sizeof(*o->fd));
	if (o->fd == NULL)
		return kk_error_sys(err, ENOMEM, "bpf replace device program");
	for (size_t i = 0; i < n; i++) {
		int fd;

		if (ids[i] == new_id)
			continue;
		fd = prog_by_id(ids[i]);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0)
			return kk_error_sys(err, errno, "bpf device program %u", ids[i]);
		o->fd[o->n++] = fd;
	}
	return 0;
}

/* Puts back what a failed replace changed: the old programs detached so
 * far, then takes the new one off. What fails here is noted in err. */
static void replace_back(int cgroup_fd, int prog_fd, const struct olds *o, size_t detached,
			 struct kk_error *err)
{
	for (size_t i = 0; i < detached; i++)
		if (attach(cgroup_fd, o->fd[i], BPF_PROG_ATTACH) < 0)
			kk_error_prefix(err, "re-attaching an old device program failed (%s); ",
					strerror(errno));
	if (attach(cgroup_fd, prog_fd, BPF_PROG_DETACH) < 0)
		kk_error_prefix(err, "detaching the new device program failed (%s); ",
				strerror(errno));
}

int kk_devprog_replace(int cgroup_fd, int prog_fd, struct kk_error *err)
{
	KK_CLEANUP(olds_close) struct olds o = {0};
	uint32_t new_id;

	if (kk_devprog_id(prog_fd, &new_id, err) < 0 || olds_open(cgroup_fd, new_id, &o, err) < 0 ||
	    kk_devprog_attach(cgroup_fd, prog_fd, err) < 0)
		return -1;
	for (size_t i = 0; i < o.n; i++) {
		if (attach(cgroup_fd, o.fd[i], BPF_PROG_DETACH) < 0 && errno != ENOENT) {
			kk_error_sys(err, errno, "bpf detach old device program");
			replace_back(cgroup_fd, prog_fd, &o, i, err);
			return -1;
		}
	}
	return 0;
}
