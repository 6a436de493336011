/* The single error idiom of kakoi: a code plus a message with context.
 * See base/README.md for the calling convention. */
#ifndef KK_BASE_ERROR_H
#define KK_BASE_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

enum kk_err_code {
	KK_OK = 0,
	KK_ERR_USAGE,	  /* bad command line */
	KK_ERR_INVALID,	  /* bad input document or value */
	KK_ERR_LIMIT,	  /* input exceeds a named resource limit */
	KK_ERR_SYS,	  /* a system call failed; sys_errno says why */
	KK_ERR_ISOLATION, /* the isolated parser child crashed, hung or lied */
	KK_ERR_INTERNAL,  /* a broken invariant in kakoi itself */
	KK_ERR_NOT_FOUND, /* the named container (or other object) does not exist */
	KK_ERR_COUNT,	  /* not a code */
};

#define KK_ERROR_MSG_MAX 1024

struct kk_error {
	enum kk_err_code code;
	int sys_errno;
	char msg[KK_ERROR_MSG_MAX];
};

#define KK_PRINTF(fmt_idx, arg_idx) __attribute__((format(printf, fmt_idx, arg_idx)))

/* Sets code and message. Always returns -1 so `return kk_error_set(...)` reads naturally. */
int kk_error_set(struct kk_error *err, enum kk_err_code code, const char *fmt, ...) KK_PRINTF(3, 4);

/* Like kk_error_set with KK_ERR_SYS; appends ": strerror(errnum)". */
int kk_error_sys(struct kk_error *err, int errnum, const char *fmt, ...) KK_PRINTF(3, 4);

/* Prepends "context: " to the message already in err, keeping the code. */
void kk_error_prefix(struct kk_error *err, const char *fmt, ...) KK_PRINTF(2, 3);

void kk_error_clear(struct kk_error *err);

/* Replaces control characters in the message with '?': messages quote
 * untrusted input (config keys, a parser child's report) and are printed
 * to terminals and logs, where an ESC or a newline could forge output. */
void kk_error_make_printable(struct kk_error *err);

const char *kk_error_code_name(enum kk_err_code code);

#ifdef __cplusplus
}
#endif

#endif
