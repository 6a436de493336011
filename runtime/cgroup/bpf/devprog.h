/* runtime/cgroup/bpf: the cgroup v2 device filter, a
 * BPF_PROG_TYPE_CGROUP_DEVICE program compiled from a device rule list.
 *
 * The rules' meaning (the same as the v1 list kakoi writes, as runc and
 * crun emit it): the default is deny; for each access letter a request
 * asks for (r, w, m), the last rule in the list that matches the device
 * (type, or 'a'; major and minor, or any) and names that letter decides it;
 * the request is allowed when every letter it asks for is. A rule that
 * names all three letters decides the whole request, which is runc's "last
 * match wins". A request that names no letter (access(2) with F_OK on a
 * device node) is decided by the last rule matching the device, as in
 * runc. An absent or empty access is "rwm" (as kakoi's v1 list writes it),
 * an absent type 'a', a negative (or absent) major or minor any; a number
 * beyond 32 bits matches no device, so its rule is left out.
 *
 * Nothing here touches the host: kernel.h loads and attaches. */
#ifndef KK_RUNTIME_CGROUP_BPF_DEVPROG_H
#define KK_RUNTIME_CGROUP_BPF_DEVPROG_H

#include <linux/bpf.h>
#include <stddef.h>

#include "base/cleanup.h"
#include "base/error.h"
#include "parser/spec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The kernel's limit on a program's length (BPF_COMPLEXITY_LIMIT_INSNS). */
#define KK_DEVPROG_MAX_INSNS 1000000

struct kk_devprog {
	struct bpf_insn *insns; /* malloc'ed */
	size_t n, cap;
};

/* Builds the program for rules[0..n) into *p (emptied first). Fails only
 * on ENOMEM or a program longer than KK_DEVPROG_MAX_INSNS (KK_ERR_LIMIT,
 * naming linux.resources.devices). */
int kk_devprog_build(struct kk_devprog *p, const struct kk_device_rule *rules, size_t n,
		     struct kk_error *err);

void kk_devprog_free(struct kk_devprog *p);
#define KK_AUTODEVPROG KK_CLEANUP(kk_devprog_free)

#ifdef __cplusplus
}
#endif

#endif
