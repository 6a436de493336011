/* runtime/cgroup/bpf: a userspace model of how the kernel checks and runs a
 * cgroup device program, for the fuzz target and the tests (not linked
 * into kakoi). tests/cgroup/devices_interp_test checks that it agrees with
 * the kernel. */
#ifndef KK_RUNTIME_CGROUP_BPF_INTERP_H
#define KK_RUNTIME_CGROUP_BPF_INTERP_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "parser/spec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the verifier would refuse before running anything, for the
 * instructions this model knows: an empty program, an unknown opcode or
 * register, a jump out of the program, an instruction no path reaches, a
 * last instruction that can fall off the end. */
int kk_bpf_check(const struct bpf_insn *insns, size_t n, struct kk_error *err);

/* Runs the program on ctx as the kernel would (after kk_bpf_check): *ret
 * is R0 at exit. Also an error: reading a register never written, loading
 * from anything but the context (which allows only aligned 32-bit loads,
 * narrower ones of access_type), a result other than 0 or 1, more than
 * max_steps instructions. */
int kk_bpf_run(const struct bpf_insn *insns, size_t n, const struct bpf_cgroup_dev_ctx *ctx,
	       size_t max_steps, uint64_t *ret, struct kk_error *err);

/* The reference for the rule semantics of devprog.h, written straight from
 * its definition: whether rules[0..n) allow a request for access (the
 * kernel's BPF_DEVCG_ACC_* bits; 0 for none) on a device of type 'c' or
 * 'b' with these numbers. */
bool kk_devrules_allow(const struct kk_device_rule *rules, size_t n, char type, uint32_t major,
		       uint32_t minor, unsigned access);

#ifdef __cplusplus
}
#endif

#endif
