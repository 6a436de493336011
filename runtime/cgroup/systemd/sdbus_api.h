/* runtime/cgroup/systemd: the sd-bus functions of libsystemd, loaded at run
 * time. kakoi does not link libsystemd: it and what it pulls in (libgcrypt,
 * liblzma, libzstd, liblz4, libgpg-error) would be loaded by every kakoi
 * exec, while only the systemd cgroup driver needs it. The driver (and the
 * kk_sys()->sd_call seam) calls sd-bus only through this table, which the
 * first use resolves from libsystemd.so.0 with dlopen. <systemd/sd-bus.h>
 * still gives the types, and the members take the prototypes' types, so
 * the compiler checks every call as before. */
#ifndef KK_RUNTIME_CGROUP_SYSTEMD_SDBUS_API_H
#define KK_RUNTIME_CGROUP_SYSTEMD_SDBUS_API_H

#include <systemd/sd-bus.h>

#include "base/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KK_SDBUS_SONAME "libsystemd.so.0"

/* sd_bus_<name> is bus_<name> (sd_ dropped: `new` is a C++ keyword). */
struct kk_sdbus {
	__typeof__(sd_bus_new) *bus_new;
	__typeof__(sd_bus_set_address) *bus_set_address;
	__typeof__(sd_bus_start) *bus_start;
	__typeof__(sd_bus_open_system) *bus_open_system;
	__typeof__(sd_bus_call) *bus_call;
	__typeof__(sd_bus_call_method) *bus_call_method;
	__typeof__(sd_bus_get_property_string) *bus_get_property_string;
	__typeof__(sd_bus_message_new_method_call) *bus_message_new_method_call;
	__typeof__(sd_bus_message_append) *bus_message_append;
	__typeof__(sd_bus_message_append_array) *bus_message_append_array;
	__typeof__(sd_bus_message_append_basic) *bus_message_append_basic;
	__typeof__(sd_bus_message_open_container) *bus_message_open_container;
	__typeof__(sd_bus_message_close_container) *bus_message_close_container;
	__typeof__(sd_bus_message_read) *bus_message_read;
	__typeof__(sd_bus_message_unref) *bus_message_unref;
	__typeof__(sd_bus_error_free) *bus_error_free;
	__typeof__(sd_bus_error_has_name) *bus_error_has_name;
	__typeof__(sd_bus_error_is_set) *bus_error_is_set;
	__typeof__(sd_bus_flush_close_unref) *bus_flush_close_unref;
	__typeof__(sd_bus_unref) *bus_unref;
};

/* The table, resolved on the first call (dlopen RTLD_NOW | RTLD_LOCAL, then
 * every function) and kept for the process. NULL when the library cannot be
 * loaded or lacks a function, err naming --systemd-cgroup and the library
 * ("--systemd-cgroup: cannot load libsystemd.so.0: <dlerror>"); the next call
 * tries again. Not thread-safe (kakoi is single-threaded). */
const struct kk_sdbus *kk_sdbus(struct kk_error *err);

/* For tests: the library the next kk_sdbus() loads (NULL: KK_SDBUS_SONAME).
 * A table resolved already is dropped (its library stays loaded). Returns
 * the name in effect before. */
const char *kk_sdbus_set_soname(const char *soname);

#ifdef __cplusplus
}
#endif

#endif
