/* runtime/cgroup/bpf: a device program in the kernel. Loads it, attaches
 * it to a cgroup2 directory (BPF_F_ALLOW_MULTI: it runs besides whatever a
 * parent or another tool attached, and every one of them must allow),
 * finds and detaches kakoi's own, replaces one with another. Every bpf(2)
 * call goes through kk_sys(). Functions take the cgroup directory as an
 * open fd; errors say what failed, the caller names the directory. */
#ifndef KK_RUNTIME_CGROUP_BPF_KERNEL_H
#define KK_RUNTIME_CGROUP_BPF_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "runtime/cgroup/bpf/devprog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The name kakoi's device programs carry (bpf_prog_info.name): how kakoi
 * tells its own programs from those of other tools on the same cgroup. */
#define KK_DEVPROG_NAME "kakoi_devices"

/* Loads p as a BPF_PROG_TYPE_CGROUP_DEVICE program named KK_DEVPROG_NAME;
 * the program's fd (close-on-exec), or -1. A refusal by the verifier
 * carries the end of its log. */
int kk_devprog_load(const struct kk_devprog *p, struct kk_error *err);

/* The kernel's id of a loaded program. */
int kk_devprog_id(int prog_fd, uint32_t *id, struct kk_error *err);

/* Attaches prog_fd to the cgroup with BPF_F_ALLOW_MULTI. */
int kk_devprog_attach(int cgroup_fd, int prog_fd, struct kk_error *err);

/* Detaches program id from the cgroup; one already gone is fine. */
int kk_devprog_detach(int cgroup_fd, uint32_t id, struct kk_error *err);

/* The ids of the device programs attached to the cgroup itself (not those
 * it inherits), in attach order; with ours, only those named
 * KK_DEVPROG_NAME. *ids is malloc'ed (NULL when *n is 0). */
int kk_devprog_query(int cgroup_fd, bool ours, uint32_t **ids, size_t *n, struct kk_error *err);

/* Attaches prog_fd, then detaches every other kakoi program of the cgroup.
 * Between the two both are attached, and with BPF_F_ALLOW_MULTI a request
 * must pass both, so no moment allows more than the old or the new rules.
 * All or nothing: when a detach fails, the old programs detached so far
 * are attached again and the new one detached. */
int kk_devprog_replace(int cgroup_fd, int prog_fd, struct kk_error *err);

#ifdef __cplusplus
}
#endif

#endif
