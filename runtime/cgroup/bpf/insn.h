/* runtime/cgroup/bpf: building eBPF instructions by hand. Only the few
 * forms a cgroup device program needs, spelled the way the kernel's own
 * filter.h macros spell them (that header is not part of the uapi). Plain
 * functions rather than compound literals, so C++ tests can use them. */
#ifndef KK_RUNTIME_CGROUP_BPF_INSN_H
#define KK_RUNTIME_CGROUP_BPF_INSN_H

#include <linux/bpf.h>
#include <stdint.h>
#include <string.h>

static inline struct bpf_insn kk_insn(unsigned code, unsigned dst, unsigned src, int16_t off,
				      int32_t imm)
{
	struct bpf_insn in;

	memset(&in, 0, sizeof(in));
	in.code = (uint8_t)code;
	in.dst_reg = dst & 0xf;
	in.src_reg = src & 0xf;
	in.off = off;
	in.imm = imm;
	return in;
}

/* dst = *(u32 *)(src + off) */
static inline struct bpf_insn kk_insn_ldx_w(unsigned dst, unsigned src, int16_t off)
{
	return kk_insn(BPF_LDX | BPF_W | BPF_MEM, dst, src, off, 0);
}

/* 32-bit ALU with an immediate: dst = (u32)(dst OP imm), upper half zeroed. */
static inline struct bpf_insn kk_insn_alu32_imm(unsigned op, unsigned dst, int32_t imm)
{
	return kk_insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}

/* 32-bit ALU on two registers: dst = (u32)(dst OP src). */
static inline struct bpf_insn kk_insn_alu32_reg(unsigned op, unsigned dst, unsigned src)
{
	return kk_insn(BPF_ALU | op | BPF_X, dst, src, 0, 0);
}

/* if (dst OP imm) goto pc + 1 + off, compared in 64 bits: kakoi compares
 * only values a 32-bit ALU op made (upper half zero) against 0. */
static inline struct bpf_insn kk_insn_jmp_imm(unsigned op, unsigned dst, int32_t imm, int16_t off)
{
	return kk_insn(BPF_JMP | op | BPF_K, dst, 0, off, imm);
}

static inline struct bpf_insn kk_insn_exit(void)
{
	return kk_insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

#endif
