/* A small eBPF interpreter with the verifier's static checks, enough for
 * cgroup device programs: loads from the context, 32- and 64-bit ALU,
 * conditional jumps (JMP and JMP32), exit. No helpers, no stack, no maps:
 * a device program needs none, and a program using them is refused as
 * unknown rather than modelled wrongly. The kernel is the authority; this
 * model is checked against it (tests/cgroup/devices_interp_test.cc). */
#define _GNU_SOURCE
#include "runtime/cgroup/bpf/interp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"

#define NREGS 10 /* r0..r9; r10, the frame pointer, is refused (no stack) */

enum kind { UNINIT, SCALAR, CTX };

struct reg {
	enum kind kind;
	uint64_t v; /* the value, or the offset into the context */
};

static bool is_jump(uint8_t cls)
{
	return cls == BPF_JMP || cls == BPF_JMP32;
}

static bool known_alu(uint8_t op)
{
	return op != BPF_END && op <= BPF_ARSH;
}

/* The verifier's "reserved fields" checks, per class. */
static int check_fields(const struct bpf_insn *in, size_t i, struct kk_error *err)
{
	uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	bool reg_src = BPF_SRC(in->code) == BPF_X;

	if (in->dst_reg >= NREGS || in->src_reg >= NREGS)
		return kk_error_set(err, KK_ERR_INVALID, "insn %zu: register out of range", i);
	if (cls == BPF_LDX)
		return BPF_MODE(in->code) == BPF_MEM && in->imm == 0
			       ? 0
			       : kk_error_set(err, KK_ERR_INVALID, "insn %zu: bad load", i);
	if (cls == BPF_ALU || cls == BPF_ALU64) {
		bool shift = op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH;
		uint32_t width = cls == BPF_ALU ? 32 : 64;

		if (!known_alu(op) || in->off != 0 || (reg_src ? in->imm != 0 : in->src_reg != 0) ||
		    (op == BPF_NEG && (reg_src || in->imm != 0)) ||
		    (shift && !reg_src && (uint32_t)in->imm >= width))
			return kk_error_set(err, KK_ERR_INVALID, "insn %zu: bad ALU op 0x%02x", i,
					    in->code);
		return 0;
	}
	if (is_jump(cls)) {
		if (op == BPF_CALL || (cls == BPF_JMP32 && (op == BPF_JA || op == BPF_EXIT)) ||
		    op > BPF_JSLE || (reg_src ? in->imm != 0 : in->src_reg != 0))
			return kk_error_set(err, KK_ERR_INVALID, "insn %zu: bad jump 0x%02x", i,
					    in->code);
		if (op == BPF_EXIT && (in->dst_reg || in->src_reg || in->off || in->imm))
			return kk_error_set(err, KK_ERR_INVALID, "insn %zu: bad exit", i);
		return 0;
	}
	return kk_error_set(err, KK_ERR_INVALID, "insn %zu: unknown opcode 0x%02x", i, in->code);
}

/* Where control may go after insn i: up to two successors, -1 for none. */
static void successors(const struct bpf_insn *in, size_t i, long next[2])
{
	uint8_t op = BPF_OP(in->code);

	next[0] = (long)i + 1;
	next[1] = -1;
	if (!is_jump(BPF_CLASS(in->code)))
		return;
	if (op == BPF_EXIT)
		next[0] = -1;
	else if (op == BPF_JA)
		next[0] = (long)i + 1 + in->off;
	else
		next[1] = (long)i + 1 + in->off;
}

/* Every instruction reachable from the first, and no path off either end
 * (the verifier's check_cfg). */
static int check_flow(const struct bpf_insn *insns, size_t n, struct kk_error *err)
{
	KK_AUTOFREE bool *seen = calloc(n, sizeof(*seen));
	KK_AUTOFREE size_t *todo = calloc(n, sizeof(*todo));
	size_t top = 0;

	if (seen == NULL || todo == NULL)
		return kk_error_sys(err, ENOMEM, "bpf check");
	seen[0] = true;
	todo[top++] = 0;
	while (top > 0) {
		size_t i = todo[--top];
		long next[2];

		successors(&insns[i], i, next);
		for (int k = 0; k < 2; k++) {
			if (next[k] == -1)
				continue;
			if (next[k] < 0 || (size_t)next[k] >= n)
				return kk_error_set(err, KK_ERR_INVALID,
						    "insn %zu: %s out of the program", i,
						    k ? "jump" : "falls or jumps");
			if (!seen[next[k]]) {
				seen[next[k]] = true;
				todo[top++] = (size_t)next[k];
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!seen[i])
			return kk_error_set(err, KK_ERR_INVALID, "insn %zu: unreachable", i);
	return 0;
}

int kk_bpf_check(const struct bpf_insn *insns, size_t n, struct kk_error *err)
{
	if (n == 0 || n > 1000000)
		return kk_error_set(err, KK_ERR_INVALID, "program of %zu instructions", n);
	for (size_t i = 0; i < n; i++)
		if (check_fields(&insns[i], i, err) < 0)
			return -1;
	return check_flow(insns, n, err);
}

/* ---- running ------------------------------------------------------------ */

static int scalar(const struct reg *r, int regno, size_t pc, struct kk_error *err)
{
	if (r->kind == SCALAR)
		return 0;
	return kk_error_set(err, KK_ERR_INVALID, "insn %zu: r%d is %s", pc, regno,
			    r->kind == UNINIT ? "not initialised" : "a pointer, not a scalar");
}

/* The context allows aligned loads of each u32 field, and narrower ones of
 * access_type only (the kernel's cgroup_dev_is_valid_access). */
static int load(const struct reg *src, const struct bpf_insn *in, size_t pc,
		const struct bpf_cgroup_dev_ctx *ctx, uint64_t *out, struct kk_error *err)
{
	static const uint32_t sizes[] = {
		[BPF_W >> 3] = 4, [BPF_H >> 3] = 2, [BPF_B >> 3] = 1, [BPF_DW >> 3] = 8};
	uint32_t size = sizes[BPF_SIZE(in->code) >> 3];
	int64_t off = (int64_t)src->v + in->off;
	const unsigned char *base = (const unsigned char *)ctx;

	if (src->kind != CTX)
		return kk_error_set(err, KK_ERR_INVALID, "insn %zu: load from a non-pointer", pc);
	if (off < 0 || off + size > (int64_t)sizeof(*ctx) || off % size != 0 ||
	    (size != 4 && off >= 4) || size == 8)
		return kk_error_set(err, KK_ERR_INVALID, "insn %zu: invalid context access", pc);
	*out = 0;
	memcpy(out, base + off, size); /* little-endian host, as the kernel's */
	return 0;
}

/* Shifts take the count modulo the width; the arithmetic one extends the
 * sign of the width's top bit. */
static uint64_t shift(uint8_t op, uint64_t d, uint64_t s, bool wide)
{
	unsigned n = (unsigned)(s & (wide ? 63 : 31));

	if (op == BPF_LSH)
		return d << n;
	if (op == BPF_RSH)
		return (wide ? d : (uint32_t)d) >> n;
	return wide ? (uint64_t)((int64_t)d >> n) : (uint32_t)((int32_t)d >> n);
}

static uint64_t arith(uint8_t op, uint64_t d, uint64_t s, bool wide)
{
	switch (op) {
	case BPF_ADD:
		return d + s;
	case BPF_SUB:
		return d - s;
	case BPF_MUL:
		return d * s;
	case BPF_DIV:
		return s ? d / s : 0;
	case BPF_MOD:
		return s ? d % s : d;
	case BPF_OR:
		return d | s;
	case BPF_AND:
		return d & s;
	case BPF_XOR:
		return d ^ s;
	case BPF_NEG:
		return -d;
	case BPF_MOV:
		return s;
	default:
		return shift(op, d, s, wide);
	}
}

static int alu(struct reg *r, const struct bpf_insn *in, size_t pc, struct kk_error *err)
{
	uint8_t op = BPF_OP(in->code);
	bool x = BPF_SRC(in->code) == BPF_X, wide = BPF_CLASS(in->code) == BPF_ALU64;
	struct reg *d = &r[in->dst_reg];
	uint64_t s;

	if (wide && op == BPF_MOV && x && r[in->src_reg].kind == CTX) {
		*d = r[in->src_reg]; /* a copy of the context pointer */
		return 0;
	}
	if ((x && scalar(&r[in->src_reg], in->src_reg, pc, err) < 0) ||
	    (op != BPF_MOV && scalar(d, in->dst_reg, pc, err) < 0))
		return -1;
	s = x ? r[in->src_reg].v : (uint64_t)(int64_t)in->imm;
	/* 32-bit ops work on the low halves and zero the upper one. */
	d->v = wide ? arith(op, d->v, s, true)
		    : (uint32_t)arith(op, (uint32_t)d->v, (uint32_t)s, false);
	d->kind = SCALAR;
	return 0;
}

static bool taken(uint8_t op, uint64_t d, uint64_t s, bool wide)
{
	int64_t sd = wide ? (int64_t)d : (int32_t)d, ss = wide ? (int64_t)s : (int32_t)s;

	if (!wide) {
		d = (uint32_t)d;
		s = (uint32_t)s;
	}
	switch (op) {
	case BPF_JEQ:
		return d == s;
	case BPF_JNE:
		return d != s;
	case BPF_JGT:
		return d > s;
	case BPF_JGE:
		return d >= s;
	case BPF_JLT:
		return d < s;
	case BPF_JLE:
		return d <= s;
	case BPF_JSET:
		return (d & s) != 0;
	case BPF_JSGT:
		return sd > ss;
	case BPF_JSGE:
		return sd >= ss;
	case BPF_JSLT:
		return sd < ss;
	default: /* BPF_JSLE */
		return sd <= ss;
	}
}

/* The next pc after a jump instruction; SIZE_MAX at exit. */
static int jump(struct reg *r, const struct bpf_insn *in, size_t pc, size_t *next,
		struct kk_error *err)
{
	uint8_t op = BPF_OP(in->code);
	bool x = BPF_SRC(in->code) == BPF_X;

	*next = pc + 1;
	if (op == BPF_EXIT) {
		*next = SIZE_MAX;
		return scalar(&r[0], 0, pc, err);
	}
	if (op == BPF_JA) {
		*next = pc + 1 + (size_t)(long)in->off;
		return 0;
	}
	if (scalar(&r[in->dst_reg], in->dst_reg, pc, err) < 0 ||
	    (x && scalar(&r[in->src_reg], in->src_reg, pc, err) < 0))
		return -1;
	if (taken(op, r[in->dst_reg].v, x ? r[in->src_reg].v : (uint64_t)(int64_t)in->imm,
		  BPF_CLASS(in->code) == BPF_JMP))
		*next = pc + 1 + (size_t)(long)in->off;
	return 0;
}

static int step(struct reg *r, const struct bpf_insn *in, size_t pc,
		const struct bpf_cgroup_dev_ctx *ctx, size_t *next, struct kk_error *err)
{
	uint8_t cls = BPF_CLASS(in->code);

	*next = pc + 1;
	if (cls == BPF_LDX) {
		if (load(&r[in->src_reg], in, pc, ctx, &r[in->dst_reg].v, err) < 0)
			return -1;
		r[in->dst_reg].kind = SCALAR;
		return 0;
	}
	if (cls == BPF_ALU || cls == BPF_ALU64)
		return alu(r, in, pc, err);
	return jump(r, in, pc, next, err);
}

int kk_bpf_run(const struct bpf_insn *insns, size_t n, const struct bpf_cgroup_dev_ctx *ctx,
	       size_t max_steps, uint64_t *ret, struct kk_error *err)
{
	struct reg r[NREGS] = {[1] = {CTX, 0}};
	size_t pc = 0;

	for (size_t steps = 0; steps < max_steps; steps++) {
		size_t next;

		if (pc >= n)
			return kk_error_set(err, KK_ERR_INVALID, "pc %zu: out of the program", pc);
		if (step(r, &insns[pc], pc, ctx, &next, err) < 0)
			return -1;
		if (next == SIZE_MAX) {
			if (r[0].v > 1)
				return kk_error_set(err, KK_ERR_INVALID,
						    "insn %zu: returns %llu, not 0 or 1", pc,
						    (unsigned long long)r[0].v);
			*ret = r[0].v;
			return 0;
		}
		pc = next;
	}
	return kk_error_set(err, KK_ERR_LIMIT, "more than %zu steps", max_steps);
}
