/* A kk_sys table (runtime/sys/sys.h) whose every entry aborts: planning
 * must not change the host, so plan_fuzz installs it and any host-changing
 * call the planners make is reported as a crash, naming the call. */
#ifndef KK_FUZZ_HOST_TRAP_H
#define KK_FUZZ_HOST_TRAP_H

/* Installs the table for the rest of the process. */
void fz_forbid_host_changes(void);

#endif
