/* libsystemd's sd-bus, loaded on first use (see sdbus_api.h). */
#define _GNU_SOURCE
#include "runtime/cgroup/systemd/sdbus_api.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define FLAG "--systemd-cgroup"

/* Each member and the symbol it is resolved from. */
#define FN(member)                                                                                 \
	{                                                                                          \
		"sd_" #member, offsetof(struct kk_sdbus, member)                                   \
	}
static const struct {
	const char *symbol;
	size_t offset;
} fns[] = {
	FN(bus_new),
	FN(bus_set_address),
	FN(bus_start),
	FN(bus_open_system),
	FN(bus_call),
	FN(bus_call_method),
	FN(bus_get_property_string),
	FN(bus_message_new_method_call),
	FN(bus_message_append),
	FN(bus_message_append_array),
	FN(bus_message_append_basic),
	FN(bus_message_open_container),
	FN(bus_message_close_container),
	FN(bus_message_read),
	FN(bus_message_unref),
	FN(bus_error_free),
	FN(bus_error_has_name),
	FN(bus_error_is_set),
	FN(bus_flush_close_unref),
	FN(bus_unref),
};
#undef FN

/* The table is all function pointers, each listed above once. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "dlsym's pointers are functions'");
_Static_assert(sizeof(fns) / sizeof(fns[0]) * sizeof(void *) == sizeof(struct kk_sdbus),
	       "every member of struct kk_sdbus is resolved");

static const char *soname = KK_SDBUS_SONAME;
static struct kk_sdbus table;
static bool loaded;

static void dlclosep(void **handle)
{
	if (*handle != NULL)
		dlclose(*handle);
}

static const char *why(void)
{
	const char *e = dlerror();

	return e != NULL ? e : "unknown error";
}

/* Resolves every function from name into *out; the library stays loaded. */
static int load(const char *name, struct kk_sdbus *out, struct kk_error *err)
{
	__attribute__((cleanup(dlclosep))) void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);

	if (handle == NULL)
		return kk_error_set(err, KK_ERR_SYS, FLAG ": cannot load %s: %s", name, why());
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		void *fn = dlsym(handle, fns[i].symbol);

		if (fn == NULL)
			return kk_error_set(err, KK_ERR_SYS, FLAG ": cannot load %s: %s", name,
					    why());
		/* The member is a function pointer: copy the bytes, not through
		 * a void * lvalue. */
		memcpy((char *)out + fns[i].offset, &fn, sizeof(fn));
	}
	handle = NULL; /* kept for the process: the table points into it */
	return 0;
}

const struct kk_sdbus *kk_sdbus(struct kk_error *err)
{
	struct kk_sdbus t;

	if (!loaded) {
		if (load(soname, &t, err) < 0)
			return NULL;
		table = t;
		loaded = true;
	}
	return &table;
}

const char *kk_sdbus_set_soname(const char *name)
{
	const char *old = soname;

	soname = name != NULL ? name : KK_SDBUS_SONAME;
	loaded = false;
	return old;
}
