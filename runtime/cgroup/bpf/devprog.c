/* kk_devprog_build: device rules to a BPF_PROG_TYPE_CGROUP_DEVICE program.
 *
 * The program walks the rules from the last to the first, one block each,
 * as runc and crun do: the first block that decides returns. Where they
 * compare the whole request against a rule's letters, kakoi keeps the
 * letters not yet decided in w3: an allowing rule clears the letters it
 * names and allows once none is left; a denying rule that names a letter
 * still undecided denies. So `deny c 1:3 r` after `allow c 1:3 rwm` stops
 * an O_RDWR open (in runc's form the rw request does not match the "r" rule
 * and falls through to the allow), and `allow r` plus `allow w` on one
 * device allow rw, as the v1 controller does. Falling off the first rule
 * denies. A request naming no letter (access(2) with F_OK on a device node
 * asks for none) carries a pseudo-letter ANY that every rule names, so the
 * last rule matching the device decides it, as in runc.
 *
 *   prologue:  w3 = access | (access == 0 ? ANY : 0)
 *   per rule:  w0 = (type ^ T) | (major ^ M) | (minor ^ m)  (0: it matches;
 *                   a part is left out for type 'a', any major, any minor)
 *     rwm:     if w0 != 0 goto next; w0 = allow; exit
 *     other:   w2 = w0 == 0 ? L : 0           (L: the letters, and ANY)
 *       deny:  w2 &= w3; if w2 == 0 goto next; w0 = 0; exit
 *       allow: w3 &= ~w2; if w3 != 0 goto next; w0 = 1; exit
 *   end:       w0 = 0; exit
 *
 * Why it is branch-free up to one jump per block: the verifier walks every
 * branch, keeping the side it has not taken yet on a stack of at most 8192
 * entries; with one jump to the next block, whose other side returns at
 * once, the stack stays short however long the list is, and no register
 * is ever compared equal to a constant (which would make the verifier tell
 * apart, and walk again, each way a later block is reached). So its work
 * grows with the program's length and the parser's longest list (16384
 * rules) loads. Only 32-bit ALU ops and 64-bit jumps against 0, which
 * every kernel with cgroup device programs (4.15) has. A block with no
 * condition (type 'a', any numbers, rwm) always returns, so nothing is
 * emitted after it: the verifier refuses unreachable instructions. */
#define _GNU_SOURCE
#include "runtime/cgroup/bpf/devprog.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cgroup/bpf/insn.h"

enum { R0 = 0, R_CTX = 1, R_TMP = 2, R_PENDING = 3 };

#define ACC_ALL (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)
/* The pseudo-letter of a request that names none; every rule names it. */
#define ACC_ANY 8
/* The longest block: three compares (3 each), the match flag (6), allow (5). */
#define BLOCK_MAX 20

void kk_devprog_free(struct kk_devprog *p)
{
	free(p->insns);
	memset(p, 0, sizeof(*p));
}

static int append(struct kk_devprog *p, const struct bpf_insn *insns, size_t n,
		  struct kk_error *err)
{
	if (p->n + n > KK_DEVPROG_MAX_INSNS)
		return kk_error_set(err, KK_ERR_LIMIT,
				    "linux.resources.devices: the device program would be longer "
				    "than the kernel's %d instructions",
				    KK_DEVPROG_MAX_INSNS);
	if (p->n + n > p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		struct bpf_insn *nv;

		while (cap < p->n + n)
			cap *= 2;
		nv = reallocarray(p->insns, cap, sizeof(*nv));
		if (nv == NULL)
			return kk_error_sys(err, ENOMEM, "linux.resources.devices: device program");
		p->insns = nv;
		p->cap = cap;
	}
	memcpy(p->insns + p->n, insns, n * sizeof(*insns));
	p->n += n;
	return 0;
}

static unsigned access_bits(const char *access)
{
	unsigned bits = 0;

	for (const char *c = access ? access : ""; *c != '\0'; c++)
		bits |= *c == 'r'   ? BPF_DEVCG_ACC_READ
			: *c == 'w' ? BPF_DEVCG_ACC_WRITE
			: *c == 'm' ? BPF_DEVCG_ACC_MKNOD
				    : 0;
	return bits ? bits : ACC_ALL;
}

/* A major or minor as the rule compares it: false when the rule can match
 * no device (beyond the kernel's 32 bits); *any when it matches all. */
static bool device_number(const struct kk_opt_i64 *v, bool *any, uint32_t *out)
{
	*any = !v->set || v->value < 0;
	*out = *any ? 0 : (uint32_t)v->value;
	return *any || v->value <= (int64_t)UINT32_MAX;
}

/* One part of the match: reg = field ^ value, or-ed into w0 after the
 * first. Loaded afresh from the context, so no register the verifier sees
 * compared keeps the field. */
static size_t part(int16_t field, bool type, uint32_t value, bool first, struct bpf_insn *out)
{
	unsigned reg = first ? R0 : R_TMP;
	size_t n = 0;

	out[n++] = kk_insn_ldx_w(reg, R_CTX, field);
	if (type)
		out[n++] = kk_insn_alu32_imm(BPF_AND, reg, 0xffff);
	out[n++] = kk_insn_alu32_imm(BPF_XOR, reg, (int32_t)value);
	if (!first)
		out[n++] = kk_insn_alu32_reg(BPF_OR, R0, R_TMP);
	return n;
}

/* w0 = 0 exactly when the request's device matches the rule. */
static size_t match(const struct kk_device_rule *r, const bool any[2], const uint32_t num[2],
		    struct bpf_insn *out)
{
	size_t n = 0;

	if (r->type == 'c' || r->type == 'b')
		n += part(offsetof(struct bpf_cgroup_dev_ctx, access_type), true,
			  r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK, n == 0,
			  out + n);
	if (!any[0])
		n += part(offsetof(struct bpf_cgroup_dev_ctx, major), false, num[0], n == 0,
			  out + n);
	if (!any[1])
		n += part(offsetof(struct bpf_cgroup_dev_ctx, minor), false, num[1], n == 0,
			  out + n);
	return n;
}

/* w2 = letters when w0 is 0 (the device matches), else 0; without a
 * condition, always letters. */
static size_t letters_if_match(bool conditional, unsigned letters, struct bpf_insn *out)
{
	size_t n = 0;

	if (!conditional) {
		out[n++] = kk_insn_alu32_imm(BPF_MOV, R_TMP, (int32_t)letters);
		return n;
	}
	out[n++] = kk_insn_alu32_reg(BPF_MOV, R_TMP, R0);
	out[n++] = kk_insn_alu32_imm(BPF_NEG, R_TMP, 0);
	out[n++] = kk_insn_alu32_reg(BPF_OR, R_TMP, R0); /* bit 31 set iff w0 != 0 */
	out[n++] = kk_insn_alu32_imm(BPF_RSH, R_TMP, 31);
	out[n++] = kk_insn_alu32_imm(BPF_XOR, R_TMP, 1); /* 1 iff it matches */
	out[n++] = kk_insn_alu32_imm(BPF_MUL, R_TMP, (int32_t)letters);
	return n;
}

/* What the rule does once w0 says whether it matches: one jump to the
 * next block (its offset set by the caller), then "w0 = verdict; exit". */
static size_t decision(bool allow, unsigned letters, bool conditional, struct bpf_insn *out)
{
	size_t n = 0;

	if (letters == ACC_ALL) {
		out[n++] = kk_insn_jmp_imm(BPF_JNE, R0, 0, 0);
	} else {
		n += letters_if_match(conditional, letters | ACC_ANY, out);
		if (allow) {
			out[n++] = kk_insn_alu32_imm(BPF_XOR, R_TMP, -1);
			out[n++] = kk_insn_alu32_reg(BPF_AND, R_PENDING, R_TMP);
			out[n++] = kk_insn_jmp_imm(BPF_JNE, R_PENDING, 0, 0);
		} else {
			out[n++] = kk_insn_alu32_reg(BPF_AND, R_TMP, R_PENDING);
			out[n++] = kk_insn_jmp_imm(BPF_JEQ, R_TMP, 0, 0);
		}
	}
	out[n++] = kk_insn_alu32_imm(BPF_MOV, R0, allow ? 1 : 0);
	out[n++] = kk_insn_exit();
	return n;
}

/* One rule's block; *final when it returns whatever the request. */
static int rule_block(struct kk_devprog *p, const struct kk_device_rule *r, bool *final,
		      struct kk_error *err)
{
	struct bpf_insn b[BLOCK_MAX];
	uint32_t num[2];
	bool any[2];
	unsigned letters = access_bits(r->access);
	size_t n;

	*final = false;
	if (!device_number(&r->major, &any[0], &num[0]) ||
	    !device_number(&r->minor, &any[1], &num[1]))
		return 0;
	n = match(r, any, num, b);
	if (n == 0 && letters == ACC_ALL) {
		*final = true;
		b[0] = kk_insn_alu32_imm(BPF_MOV, R0, r->allow ? 1 : 0);
		b[1] = kk_insn_exit();
		return append(p, b, 2, err);
	}
	n += decision(r->allow, letters, n > 0, b + n);
	b[n - 3].off = 2; /* the one jump, before "w0 = verdict; exit": past them */
	return append(p, b, n, err);
}

int kk_devprog_build(struct kk_devprog *p, const struct kk_device_rule *rules, size_t n,
		     struct kk_error *err)
{
	/* w3 = access; w0 = ((w3 - 1) >> 28) & ANY, which is ANY exactly when
	 * access is 0 (access is at most 16 bits); w3 |= w0. */
	const struct bpf_insn prologue[] = {
		kk_insn_ldx_w(R_PENDING, R_CTX, offsetof(struct bpf_cgroup_dev_ctx, access_type)),
		kk_insn_alu32_imm(BPF_RSH, R_PENDING, 16),
		kk_insn_alu32_reg(BPF_MOV, R0, R_PENDING),
		kk_insn_alu32_imm(BPF_ADD, R0, -1),
		kk_insn_alu32_imm(BPF_RSH, R0, 28),
		kk_insn_alu32_imm(BPF_AND, R0, ACC_ANY),
		kk_insn_alu32_reg(BPF_OR, R_PENDING, R0),
	};
	const struct bpf_insn deny[] = {kk_insn_alu32_imm(BPF_MOV, R0, 0), kk_insn_exit()};
	bool final = false;

	p->n = 0;
	if (append(p, prologue, sizeof(prologue) / sizeof(*prologue), err) < 0)
		return -1;
	for (size_t i = n; i-- > 0 && !final;)
		if (rule_block(p, &rules[i], &final, err) < 0)
			return -1;
	return final ? 0 : append(p, deny, 2, err);
}
