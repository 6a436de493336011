/* Where a process says that its fault fired. The init and the parser child
 * cannot reach a path (pivot_root, closed fds, seccomp), so the report file
 * is mapped shared at start-up: a later store into the mapping needs no
 * syscall, no fd and no path. */
#ifndef KK_RUNTIME_FAULT_REPORT_H
#define KK_RUNTIME_FAULT_REPORT_H

#include <stdbool.h>

/* Maps path (created if missing); NULL or a failure: report to stderr. */
void kk_fault_report_open(const char *path);

/* Whether the report file is mapped (the shared count exists). */
bool kk_fault_report_mapped(void);

/* The next number of the count shared by the processes of the run; 0 when
 * there is no report mapping. */
long kk_fault_report_next_call(void);

/* Claims the run's one failure: true for the first caller only (and always
 * without a report mapping). */
bool kk_fault_report_claim(void);

/* Records "fault fired at N: NAME (pid P)", with ": ACTION" appended when
 * action is not NULL ("crash"). */
void kk_fault_report_fired(long n, const char *name, const char *action);

#endif
