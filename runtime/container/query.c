/* state and list: what is there, with the status taken from the live
 * process, never from a file. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "parser/parser.h"
#include "parser/vocab.h"
#include "runtime/container/container.h"
#include "runtime/container/frozen.h"
#include "runtime/container/internal.h"
#include "runtime/container/open.h"
#include "runtime/loader/loader.h"
#include "runtime/version.h"

/* The annotations live in the config copied at create, read through the
 * isolated parser like any config. */
const struct kk_spec *kk_load_config_copy(int dir_fd, struct kk_error *err)
{
	KK_AUTOFREE char *buf = NULL;
	size_t len = 0;

	if (kk_state_read_file(dir_fd, KK_CONFIG_COPY, 4 << 20, &buf, &len, err) < 0)
		return NULL;
	return kk_loader_parse(KK_DOC_CONFIG, buf, len, NULL, err);
}

char *kk_container_state(const char *root, const char *id, struct kk_error *err)
{
	KK_AUTOHANDLE struct kk_handle h;
	KK_AUTODOC const struct kk_spec *spec = NULL;
	struct kk_state st = {0};

	if (kk_handle_open(root, id, KK_OPEN_PARTIAL, &h, err) < 0)
		return NULL;
	/* A create killed early leaves no record or no config copy yet: it is
	 * reported as it is (creating, or stopped once its creator is gone). */
	if (!h.record_missing) {
		spec = kk_load_config_copy(h.dir_fd, err);
		if (spec == NULL && err->sys_errno != ENOENT)
			return NULL;
		kk_error_clear(err);
	}
	st.oci_version = KK_SPEC_VERSION;
	st.id = id;
	st.status = h.status;
	if ((h.status == KK_STATUS_RUNNING || h.status == KK_STATUS_CREATED) &&
	    kk_container_is_frozen(&h.rec))
		st.status = KK_STATUS_PAUSED;
	st.bundle = h.rec.bundle;
	if (spec != NULL)
		st.annotations = spec->annotations;
	if (h.status != KK_STATUS_STOPPED && h.rec.pid > 0)
		st.pid = (struct kk_opt_i64){.value = h.rec.pid, .set = true};
	return kk_state_to_json(&st, err);
}

static void summarize(int root_fd, const char *id, struct kk_summary *s)
{
	struct kk_error ignored = {0};
	KK_AUTOHANDLE struct kk_handle h;

	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", id);
	s->status = KK_STATUS_STOPPED;
	if (kk_handle_open_at(root_fd, id, 0, &h, &ignored) < 0)
		return; /* half-made or damaged: listed, as stopped */
	s->status = h.status;
	if ((h.status == KK_STATUS_RUNNING || h.status == KK_STATUS_CREATED) &&
	    kk_container_is_frozen(&h.rec))
		s->status = KK_STATUS_PAUSED;
	s->pid = h.status == KK_STATUS_STOPPED ? 0 : h.rec.pid;
	snprintf(s->bundle, sizeof(s->bundle), "%s", h.rec.bundle);
	s->created_ns = h.rec.created_ns;
}

int kk_container_list(const char *root, struct kk_summary **out, size_t *n, struct kk_error *err)
{
	KK_AUTOCLOSE int root_fd = kk_state_root_open(root, err);
	char **ids = NULL;
	size_t count = 0;

	if (root_fd < 0 || kk_state_list(root_fd, &ids, &count, err) < 0)
		return -1;
	*out = calloc(count ? count : 1, sizeof(**out));
	if (*out == NULL) {
		kk_state_ids_free(ids, count);
		return kk_error_set(err, KK_ERR_SYS, "list: out of memory");
	}
	for (size_t i = 0; i < count; i++)
		summarize(root_fd, ids[i], &(*out)[i]);
	*n = count;
	kk_state_ids_free(ids, count);
	return 0;
}
