/* Private to hooks/: the pieces of one hook execution and the messages
 * between the runtime (R), the hook's supervisor (S, a subreaper child of
 * R) and the hook itself (H, S's child, in its own process group):
 *
 *   R: opens + hashes the executable, checks the policy, forks S
 *   S: forks H, sends R {pid}, waits for R's "go" (R first writes and
 *      fsyncs the audit "start" record), releases H, captures its output,
 *      enforces the timeout, kills and reaps H's whole tree, sends R the
 *      result and exits
 *   H: confines itself, waits for S's go, execveat()s the hashed fd
 *
 * R writes the "end" record from the result. */
#ifndef KK_HOOKS_INT_H
#define KK_HOOKS_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "base/error.h"
#include "hooks/hooks.h"

#define HK_STDERR_KEEP 1024  /* bytes of stderr S keeps (the rest is counted, drained) */
#define HK_AUDIT_STDERR 256  /* of which the audit record carries this many */
#define HK_MSG_REASON 256    /* a setup/exec failure inside H or S */
#define HK_REPLY_MARGIN_S 10 /* how long R waits for S beyond the hook's timeout */
#define HK_REAP_MARGIN_S 3   /* how long S tries to reap beyond the hook's deadline */

/* HK_REPLY_MARGIN_S, shortened by tests of the "supervisor did not
 * answer" path. */
extern long hk_reply_margin_s;

/* clock_gettime(clock) in nanoseconds. */
int64_t hk_now_ns(clockid_t clock);

/* The hook's executable, opened once and copied into a sealed memfd:
 * the memfd is hashed and the memfd is executed, so neither a rewrite of
 * the file nor a script's interpreter reading it after exec can run bytes
 * other than the hashed ones. */
struct hk_exe {
	int fd;	   /* the sealed memfd, O_CLOEXEC */
	dev_t dev; /* of the file that was opened (the allowlist pins these) */
	ino_t ino;
	char resolved[PATH_MAX]; /* the path the kernel opened (/proc/self/fd) */
	char sha256[65];	 /* hex */
	bool script;		 /* starts with "#!": the fd must survive exec */
};

int hk_exe_open(const char *path, struct hk_exe *exe, struct kk_error *err);
void hk_exe_close(struct hk_exe *exe);

/* What the policy means for one hook. */
struct hk_limits {
	enum kk_hook_profile profile;
	long timeout_s;	    /* effective: min(hook's, policy max), or the policy max */
	uint64_t keep_caps; /* strict: bounding set kept */
	struct kk_strv env; /* the environment the hook gets */
	/* The container's process, whose power the hook may not exceed; NULL
	 * for a hook that is not the image's (kk_hook_run.as_process). */
	const struct kk_process *as_process;
};

void hk_policy_limits(const struct kk_hook_policy *policy, const struct kk_hook *hook,
		      struct hk_limits *out);
/* 0 when the policy lets exe run, or -1 with err saying why not. */
int hk_policy_allows(const struct kk_hook_policy *policy, const struct hk_exe *exe,
		     struct kk_error *err);
const char *hk_profile_name(enum kk_hook_profile profile);

/* S -> R messages (one SOCK_SEQPACKET datagram each). */
enum hk_msg_type { HK_MSG_PID = 1, HK_MSG_RESULT, HK_MSG_FAIL };

struct hk_result {
	int exit_code; /* H's exit status, or -1 when it was killed */
	int signal;    /* the signal that killed H, or 0 */
	bool timed_out;
	int64_t start_ns;      /* CLOCK_REALTIME when H was released */
	int64_t duration_ns;   /* from release to H's end */
	uint64_t stdout_bytes; /* all read, none kept */
	uint64_t stderr_bytes;
	uint32_t stderr_len; /* bytes in stderr[] */
	char stderr_head[HK_STDERR_KEEP];
	char reason[HK_MSG_REASON]; /* setup or exec failure in H, "" if none */
};

struct hk_msg {
	int type;
	pid_t pid;		    /* HK_MSG_PID */
	char reason[HK_MSG_REASON]; /* HK_MSG_FAIL */
	struct hk_result result;    /* HK_MSG_RESULT */
};

/* Everything H needs, prepared by R before S is forked. */
struct hk_job {
	const struct kk_hook *hook;
	const struct hk_exe *exe;
	const struct hk_limits *limits;
	const char *cwd;   /* the bundle, or the run's cwd */
	int stdin_fd;	   /* sealed memfd holding the state */
	char *const *argv; /* NULL-terminated */
	char *const *envp; /* NULL-terminated, limits->env */
	bool container_ns; /* run->container_ns: no CAP_SYS_PTRACE, whatever the profile */
};

/* S: never returns. chan is S's end of the seqpacket pair with R. */
__attribute__((noreturn)) void hk_supervise(const struct hk_job *job, int chan);

/* H: never returns. go_fd blocks until S releases it; report_fd
 * (CLOEXEC) carries a reason if confinement or exec fails. */
__attribute__((noreturn)) void hk_hook_exec(const struct hk_job *job, int out_fd, int err_fd,
					    int go_fd, int report_fd);

/* The strict profile's pieces, in H. */
int hk_confine_caps(uint64_t keep, struct kk_error *err);
int hk_confine_seccomp(struct kk_error *err);
/* A seccomp filter failing each of names (where it exists) with EPERM. */
int hk_deny_syscalls(const char *const *names, size_t n, struct kk_error *err);
int hk_confine_mounts(struct kk_error *err);
/* Any profile, for hooks in a container's namespaces. */
int hk_confine_no_ptrace(struct kk_error *err);
int hk_confine_rlimits(long timeout_s, struct kk_error *err);
/* A hook the container's image supplies (confine_process.c). */
bool hk_image_supplied(const struct kk_hook_run *run, const struct hk_exe *exe);
int hk_confine_as_process(const struct kk_process *p, bool strict, struct kk_error *err);
/* Is any of /proc/sys, /proc/sysrq-trigger, /sys a writable mount here? */
bool hk_knobs_writable(void);

/* The audit record of one event. */
enum hk_event { HK_EV_START, HK_EV_END, HK_EV_REFUSED };

struct hk_record {
	enum hk_event event;
	const struct kk_hook_run *run;
	enum kk_hook_kind kind;
	size_t index;
	const struct kk_hook *hook;
	const struct hk_exe *exe; /* NULL when it could not be opened */
	const struct hk_limits *limits;
	pid_t pid;			/* 0 when none */
	const struct hk_result *result; /* HK_EV_END */
	const char *reason;		/* refusal or failure, or NULL */
};

/* One line, one write(2) through kk_sys(), then fsync. */
int hk_audit_write(int fd, const struct hk_record *rec, struct kk_error *err);

/* Writes "\xNN" for bytes outside printable ASCII (and for '\'), so any
 * bytes become valid, unambiguous JSON string content. Returns dst. */
char *hk_escape(const char *src, size_t len, char *dst, size_t dst_size);

#endif
