/* Shared between the files of runtime/container: whether a container's
 * cgroup is frozen, for the "paused" status. Not a contract for others. */
#ifndef KK_CONTAINER_FROZEN_H
#define KK_CONTAINER_FROZEN_H

#include <stdbool.h>

struct kk_record;

/* True when the record's cgroup is frozen; false when it cannot tell. */
bool kk_container_is_frozen(const struct kk_record *rec);

/* Thaws the record's cgroup if it is frozen, so a SIGKILL already sent is
 * delivered (a frozen task dies only once thawed). Best effort. */
void kk_container_thaw(const struct kk_record *rec);

#endif
