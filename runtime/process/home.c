/* HOME, when process.env has none: runc sets it from the container's
 * /etc/passwd entry of process.user.uid, or "/" without one, and programs
 * (shells, ssh, git) rely on it. The file is the container's, read after
 * pivot_root, as runtime/userdb reads any passwd file. */
#define _GNU_SOURCE
#include <stdio.h>

#include "runtime/process/process_ops.h"
#include "runtime/userdb/passwd.h"

void kk_proc_home(const char *passwd_path, uint32_t uid, char *buf, size_t len)
{
	if (!kk_passwd_lookup(passwd_path, uid, KK_PASSWD_HOME, buf, len))
		snprintf(buf, len, "/");
}
