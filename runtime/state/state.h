/* runtime/state: the containers' state directories under the root
 * (--root, default /run/kakoi): one directory per container ID, a lock per
 * container, records written atomically, and the status derived from the
 * real process, never trusted from a file.
 *
 * Layout of <root>/<id>/:
 *   record       fixed-layout binary record (struct kk_record), the runtime's own facts
 *   config.json  the config as it was at create (delete and kill read it, not the bundle)
 *   start.sock   the init waits here for `start` (created only while waiting)
 *   mounts       only without a mount namespace of the container's own: see below
 *
 * Nothing here prints or exits; host changes go through the syscall seam. */
#ifndef KK_RUNTIME_STATE_H
#define KK_RUNTIME_STATE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "runtime/exec/undo.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Container IDs: [A-Za-z0-9][A-Za-z0-9_.+-]*, at most KK_ID_MAX bytes, never
 * "." or "..". Errors name the ID ("invalid container id ..."). */
#define KK_ID_MAX 128
int kk_id_check(const char *id, struct kk_error *err);

#define KK_RECORD_MAGIC 0x6b6b7374u /* "kkst" */
#define KK_RECORD_VERSION 1

enum kk_record_flags {
	KK_RECORD_CREATED = 1 << 0, /* create finished: the init waits for start */
	KK_RECORD_STARTED = 1 << 1, /* start released the init */
	/* The config has hooks of these kinds: start and delete then read the
	 * config copy; without them they never parse anything. */
	KK_RECORD_HOOKS_POSTSTART = 1 << 2,
	KK_RECORD_HOOKS_POSTSTOP = 1 << 3,
	/* The cgroup is a systemd scope (--systemd-cgroup): delete stops the
	 * unit, update changes its properties. */
	KK_RECORD_SYSTEMD = 1 << 4,
	/* The init is pid 1 of a pid namespace of its own: once it is dead, so
	 * is every process of the container, and delete need not look for
	 * others in the cgroup. */
	KK_RECORD_OWN_PIDNS = 1 << 5,
};

struct kk_record {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	int32_t pid;	     /* host pid of the init; 0 before it exists */
	uint64_t start_time; /* field 22 of /proc/<pid>/stat: tells a recycled pid apart */
	int64_t created_ns;  /* CLOCK_REALTIME when create began */
	char id[KK_ID_MAX + 1];
	char bundle[PATH_MAX];
	char cgroup_path[PATH_MAX]; /* relative to the hierarchy roots */
};

/* Opens (creating it 0700 if needed) the state root; returns an O_DIRECTORY fd. */
int kk_state_root_open(const char *root, struct kk_error *err);

/* Creates <root>/<id> exclusively (mode 0700) and returns its fd. An
 * existing ID is KK_ERR_INVALID "container with id exists: <id>" (runc's
 * wording). Registers the removal of the whole directory on undo. */
int kk_state_create(int root_fd, const char *id, struct kk_undo *undo, struct kk_error *err);

/* Opens an existing container's directory; "container does not exist"
 * when absent (KK_ERR_INVALID, runc's wording). */
int kk_state_open(int root_fd, const char *id, struct kk_error *err);

/* Takes the container's exclusive lock (flock on the directory), blocking.
 * Returns the fd that holds it; closing it releases. Commands on one ID
 * serialize; different IDs do not contend. */
int kk_state_lock(int dir_fd, struct kk_error *err);

/* Writes data to dir_fd/name atomically: a temp file put in its place. */
int kk_state_write_file(int dir_fd, const char *name, const void *data, size_t len,
			struct kk_error *err);
/* Reads dir_fd/name whole (bounded by max); *buf is malloc'ed. */
int kk_state_read_file(int dir_fd, const char *name, size_t max, char **buf, size_t *len,
		       struct kk_error *err);

int kk_record_write(int dir_fd, const struct kk_record *rec, struct kk_error *err);
/* Checks magic, version, size, terminators. */
int kk_record_read(int dir_fd, struct kk_record *rec, struct kk_error *err);
/* kk_record_read's checks on len bytes at buf (any alignment): the file's
 * contents, copied into *rec only when valid. The error says what is wrong,
 * not where (kk_record_read prefixes the file). */
int kk_record_decode(const void *buf, size_t len, struct kk_record *rec, struct kk_error *err);

/* Where the mounts of a container without a mount namespace of its own
 * went (file "mounts", written only then): the shared namespace, and the
 * mount that was at the rootfs before the container's were stacked on it.
 * Delete takes away what is stacked above mnt_id, and nothing else. */
#define KK_MOUNTS_MAGIC 0x6b6b6d6eu /* "kkmn" */
#define KK_MOUNTS_VERSION 1

struct kk_mounts_record {
	uint32_t magic;
	uint32_t version;
	uint64_t ns_dev, ns_ino; /* the shared mount namespace (its nsfs inode) */
	uint64_t mnt_id;	 /* the mount at rootfs before the container's */
	char ns_path[PATH_MAX];	 /* joined by this path; "" for kakoi's own */
	char rootfs[PATH_MAX];	 /* absolute, as resolved in that namespace */
};

int kk_mounts_record_write(int dir_fd, const struct kk_mounts_record *r, struct kk_error *err);
/* *found is false (and 0 returned) when the container has no such file. */
int kk_mounts_record_read(int dir_fd, struct kk_mounts_record *r, bool *found,
			  struct kk_error *err);
/* kk_mounts_record_read's checks on len bytes at buf (any alignment). */
int kk_mounts_record_decode(const void *buf, size_t len, struct kk_mounts_record *r,
			    struct kk_error *err);

/* Writes a pid file (plain decimal, no newline like runc) at an absolute or
 * cwd-relative path, atomically; registers its removal on undo when undo is
 * not NULL. */
int kk_pid_file_write(const char *path, pid_t pid, struct kk_undo *undo, struct kk_error *err);

/* Start time (clock ticks since boot) of pid from /proc/<pid>/stat. */
int kk_pid_start_time(pid_t pid, uint64_t *start_time, struct kk_error *err);

/* Is the record's init alive and the same process (pid and start time
 * match, and not a zombie)? */
bool kk_record_alive(const struct kk_record *rec);

/* The OCI status from the record and the real process:
 * no CREATED flag -> creating; dead or recycled -> stopped;
 * alive: STARTED -> running, else created. (paused comes with the freezer.) */
int kk_record_status(const struct kk_record *rec);

/* A pidfd for the record's init, checked against its start time so a
 * recycled pid is never signalled. -1 with "container not running"
 * (KK_ERR_INVALID) when it is gone. */
int kk_record_pidfd(const struct kk_record *rec, struct kk_error *err);

/* True only with proof that the recorded init has exited, whole thread
 * group included: its pid is free, taken by another process, or its pidfd
 * reports the exit. False when unsure (a /proc read failed, or a zombie
 * leader's threads live on), unlike !kk_record_alive(). */
bool kk_record_init_gone(const struct kk_record *rec);

/* Removes <root>/<id> and everything in it (not following symlinks). */
int kk_state_remove(int root_fd, const char *id, struct kk_error *err);

/* Lists the container IDs under the root, sorted; *ids is a malloc'ed array
 * of malloc'ed strings (free with kk_state_ids_free). Skips non-directories. */
int kk_state_list(int root_fd, char ***ids, size_t *n, struct kk_error *err);
void kk_state_ids_free(char **ids, size_t n);

#ifdef __cplusplus
}
#endif

#endif
