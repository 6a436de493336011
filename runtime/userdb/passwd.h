/* runtime/userdb: one entry of a passwd(5) file, read as kakoi needs it:
 * without NSS (kakoi is linked statically, and the file may be a
 * container's, which NSS modules of the host must not interpret), only a
 * regular file, only its first KK_PASSWD_MAX bytes, never blocking (a FIFO
 * planted at the path would hang the reader). */
#ifndef KK_RUNTIME_USERDB_PASSWD_H
#define KK_RUNTIME_USERDB_PASSWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KK_PASSWD_MAX (1 << 20)

/* The fields of a line, name:passwd:uid:gid:gecos:home:shell. */
enum kk_passwd_field {
	KK_PASSWD_NAME = 0,
	KK_PASSWD_HOME = 5,
};

/* Copies field of the first line of path whose uid is uid into buf (cut to
 * len - 1 bytes). False, buf untouched, when the file cannot be read or
 * has no such line, or the field is empty (or, for the home, not
 * absolute). */
bool kk_passwd_lookup(const char *path, uint32_t uid, enum kk_passwd_field field, char *buf,
		      size_t len);

#ifdef __cplusplus
}
#endif

#endif
