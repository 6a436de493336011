#ifndef KK_CLI_RELAY_H
#define KK_CLI_RELAY_H

#include <sys/types.h>

#include "base/error.h"

/* Waits for pid (the init of run, or exec's process: a child) to exit,
 * forwarding every signal read from sfd to it and, when console >= 0,
 * copying stdin to the pty master and the master to stdout, in raw mode
 * with the caller's window size (kept up to date on SIGWINCH). *status is
 * the wait status. */
int kk_relay_until_exit(int sfd, pid_t pid, int console, int *status, struct kk_error *err);

#endif
