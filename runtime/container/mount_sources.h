/* Bind-mount sources in a user namespace (mount_sources.c). */
#ifndef KK_CONTAINER_MOUNT_SOURCES_H
#define KK_CONTAINER_MOUNT_SOURCES_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "parser/spec.h"
#include "runtime/exec/ctx.h"
#include "runtime/exec/plan.h"

/* With a user namespace and a bind mount, or an idmapped bind: an init-rootfs op, before the
 * first mount, that asks the runtime for the bind sources and keeps the fds
 * in ctx->mount_sources. */
int kk_plan_mount_sources(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);

/* The runtime's answer to KK_MSG_MOUNT_SOURCES: each bind source opened as
 * host root in the init's mount namespace and sent, in mount order. */
int kk_mount_sources_send(const struct kk_ctx *ctx, struct kk_error *err);

/* An idmapped bind's source (idmap_mounts.c): a detached copy of source
 * (rbind: with the mounts under it), idmapped (ridmap: all of them) with
 * mounts[index]'s mappings or, without any, the container's. Returns its
 * fd, to be attached by the init. */
int kk_idmapped_tree(const struct kk_spec *spec, size_t index, const char *source,
		     bool tree_recursive, bool idmap_recursive, struct kk_error *err);

#endif
