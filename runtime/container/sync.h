/* The boundary between the runtime and the container init: a SOCK_SEQPACKET
 * socketpair carrying a closed set of fixed-layout messages, never JSON and
 * never anything the init could use to make the runtime parse. A message of
 * the wrong size, magic or type is a protocol error; the side that sees it
 * stops. */
#ifndef KK_CONTAINER_SYNC_H
#define KK_CONTAINER_SYNC_H

#include <stdint.h>

#include "base/error.h"

enum kk_msg_type {
	KK_MSG_GO = 1,	      /* runtime -> init: the host side is ready, set up the container */
	KK_MSG_CREATED,	      /* init -> runtime: waiting for start */
	KK_MSG_ERROR,	      /* init -> runtime or start: a step failed (code, errno, text) */
	KK_MSG_CONSOLE,	      /* init -> runtime: the pty master, as SCM_RIGHTS */
	KK_MSG_START,	      /* start -> init: exec the process */
	KK_MSG_HOOKS,	      /* init -> runtime: rootfs ready, run prestart/createRuntime */
	KK_MSG_RESUME,	      /* runtime -> init: the hooks succeeded, go on */
	KK_MSG_MOUNT_SOURCES, /* init -> runtime: open the bind sources (user namespace) */
	KK_MSG_MOUNT_SOURCE,  /* runtime -> init: one bind source, O_PATH, as SCM_RIGHTS */
	KK_MSG_TYPE_LAST,     /* not a message */
};

#define KK_MSG_MAGIC 0x6b6b6d67u /* "kkmg" */

struct kk_msg {
	uint32_t magic;
	uint32_t type;
	int32_t code;
	int32_t sys_errno;
	char text[1024]; /* NUL-terminated; KK_MSG_ERROR only */
};

/* Sends a message, with fd attached when fd >= 0. */
int kk_msg_send(int sock, enum kk_msg_type type, int fd, struct kk_error *err);

/* Sends a message carrying a number in .code (GO: the init's host pid). */
int kk_msg_send_code(int sock, enum kk_msg_type type, int32_t code, struct kk_error *err);

/* Sends err as a KK_MSG_ERROR. Best effort: the sender is failing already. */
void kk_msg_send_error(int sock, const struct kk_error *failure);

/* Receives one message and checks it; *fd gets an attached fd (or -1) when
 * fd is not NULL. EOF is an error ("the container init exited"). */
int kk_msg_recv(int sock, struct kk_msg *msg, int *fd, struct kk_error *err);

/* Receives a message and requires `want`; a KK_MSG_ERROR is turned into err.
 * code (may be NULL) gets the message's number. */
int kk_msg_expect(int sock, enum kk_msg_type want, int *fd, int32_t *code, struct kk_error *err);

#endif
