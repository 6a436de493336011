/* runtime/cgroup: re-limiting a live container's cgroup (`kakoi update`).
 * The values are written by the same writers as create's plan (one field
 * -> file mapping and one set of conversions), but at once, each after
 * reading the value it replaces. */
#ifndef KK_RUNTIME_CGROUP_UPDATE_H
#define KK_RUNTIME_CGROUP_UPDATE_H

#include "base/error.h"
#include "parser/spec.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/exec/undo.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the limits of res that runc's `update` changes: memory limit,
 * reservation and swap; cpu shares, quota, period, burst, realtime runtime
 * and period, cpus, mems, idle; pids limit; blockIO weight; unified. As in
 * runc, a zero (or empty cpus/mems) means "leave alone", memory.limit -1
 * without a swap also makes swap unlimited, and the rest of res
 * (hugepageLimits, blockIO throttles, network, rdma, memory swappiness and
 * disableOOMKiller) is ignored. Each write pushes onto undo a step that
 * writes the old value back; on failure the caller runs kk_undo_rollback
 * so the cgroup is left as it was. A limit whose controller is missing
 * fails before anything is written. Device rules, where res has any and
 * the host a cgroup2 hierarchy, replace the device program last (attach
 * the new one, then detach kakoi's old ones; all or nothing, no undo
 * needed); the v1 device list is never rewritten, as in runc. */
int kk_cgroup_update(struct kk_cgroup *cg, const struct kk_resources *res, struct kk_undo *undo,
		     struct kk_error *err);

#ifdef __cplusplus
}
#endif

#endif
