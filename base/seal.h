/* Sealing a memfd for good: every copy kakoi executes or maps read-only
 * (its own binary, hooks, hook state, parsed spec images) is sealed with
 * one call, so all of them get the same EBUSY handling. */
#ifndef KK_BASE_SEAL_H
#define KK_BASE_SEAL_H

/* Adds F_SEAL_WRITE, F_SEAL_GROW, F_SEAL_SHRINK and F_SEAL_SEAL. Returns 0,
 * or -1 with errno set. */
int kk_memfd_seal(int fd);

#endif
