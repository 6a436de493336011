/* A private temporary directory for the targets that need files, and the
 * fake cgroup mount roots plan_fuzz plans against. Made on first use (or in
 * LLVMFuzzerInitialize), once per process, and removed at exit by the
 * process that made it (not by forked children, which share it). Failing to
 * make it is a harness failure: these abort. */
#ifndef KK_FUZZ_TEMP_TREE_H
#define KK_FUZZ_TEMP_TREE_H

/* $TEST_TMPDIR, $TMPDIR or /tmp, plus "/kakoi-fuzz-tree.XXXXXX". */
const char *fz_temp_dir(void);

enum fz_cgroup_tree {
	/* This host's kind: v1 controllers (cpu,cpuacct and net_cls,net_prio
	 * with their symlinks) plus cgroup2 at unified/ holding hugetlb. */
	FZ_CGROUP_HYBRID,
	/* cgroup2 at the root with the usual controllers. */
	FZ_CGROUP_V2,
	FZ_CGROUP_TREES,
};

/* The mount root of a fake tree (made with the temp dir). Nothing writes
 * there: the planners only read it. */
const char *fz_cgroup_root(enum fz_cgroup_tree tree);

#endif
