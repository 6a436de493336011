// A fake of the kernel's side of bpf(2), enough for kakoi's device programs
// on the fake cgroup trees (fake_cgroupfs.h installs it): loaded programs
// get ids and real fds (of /dev/null), attachments are kept per directory
// (by inode), and PROG_QUERY, PROG_GET_FD_BY_ID, OBJ_GET_INFO_BY_FD,
// PROG_ATTACH and PROG_DETACH answer from them. The Nth call can be made to
// fail, like the fake cgroupfs's mkdirat and write.
#ifndef KK_TESTS_CGROUP_FAKE_BPF_H
#define KK_TESTS_CGROUP_FAKE_BPF_H

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace fakebpf
{

using Inode = std::pair<dev_t, ino_t>;

struct State {
	uint32_t next_id = 100;
	std::map<int, uint32_t> fd_prog;	   // our fds -> program id
	std::map<uint32_t, std::string> names;	   // id -> name
	std::map<Inode, std::vector<uint32_t>> at; // directory -> attached ids
	int calls = 0, fail_at = 0, fail_errno = EIO;
};

inline State &state()
{
	static State s;
	return s;
}

inline void reset()
{
	state() = State();
}

// Every attachment still in place, over all directories.
inline size_t attached()
{
	size_t n = 0;
	for (const auto &kv : state().at)
		n += kv.second.size();
	return n;
}

inline int new_fd(uint32_t id)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		state().fd_prog[fd] = id;
	return fd;
}

inline bool inode_of(uint32_t fd, Inode *out)
{
	struct stat st;
	if (fstat(static_cast<int>(fd), &st) < 0)
		return false;
	*out = {st.st_dev, st.st_ino};
	return true;
}

inline int fail(int e)
{
	errno = e;
	return -1;
}

inline int attach(union bpf_attr *a, bool add)
{
	State &s = state();
	Inode dir;
	auto prog = s.fd_prog.find(static_cast<int>(a->attach_bpf_fd));
	if (!inode_of(a->target_fd, &dir) || prog == s.fd_prog.end())
		return fail(EBADF);
	std::vector<uint32_t> &v = s.at[dir];
	for (size_t i = 0; i < v.size(); i++)
		if (v[i] == prog->second) {
			if (add)
				return fail(EEXIST);
			v.erase(v.begin() + static_cast<long>(i));
			return 0;
		}
	if (!add)
		return fail(ENOENT);
	v.push_back(prog->second);
	return 0;
}

inline int query(union bpf_attr *a)
{
	Inode dir;
	if (!inode_of(a->query.target_fd, &dir))
		return fail(EBADF);
	const std::vector<uint32_t> &v = state().at[dir];
	uint32_t cap = a->query.prog_cnt;
	a->query.prog_cnt = static_cast<uint32_t>(v.size());
	if (v.size() > cap)
		return fail(ENOSPC);
	memcpy(reinterpret_cast<void *>(static_cast<uintptr_t>(a->query.prog_ids)), v.data(),
	       v.size() * sizeof(uint32_t));
	return 0;
}

inline int info(union bpf_attr *a)
{
	State &s = state();
	auto prog = s.fd_prog.find(static_cast<int>(a->info.bpf_fd));
	if (prog == s.fd_prog.end())
		return fail(EBADF);
	bpf_prog_info in;
	memset(&in, 0, sizeof(in));
	in.id = prog->second;
	strncpy(in.name, s.names[prog->second].c_str(), sizeof(in.name) - 1);
	memcpy(reinterpret_cast<void *>(static_cast<uintptr_t>(a->info.info)), &in,
	       std::min<size_t>(a->info.info_len, sizeof(in)));
	return 0;
}

inline int bpf(int cmd, union bpf_attr *a, unsigned int)
{
	State &s = state();
	if (++s.calls == s.fail_at)
		return fail(s.fail_errno);
	switch (cmd) {
	case BPF_PROG_LOAD:
		s.names[s.next_id] = a->prog_name;
		return new_fd(s.next_id++);
	case BPF_PROG_GET_FD_BY_ID:
		return s.names.count(a->prog_id) ? new_fd(a->prog_id) : fail(ENOENT);
	case BPF_OBJ_GET_INFO_BY_FD:
		return info(a);
	case BPF_PROG_ATTACH:
		return attach(a, true);
	case BPF_PROG_DETACH:
		return attach(a, false);
	case BPF_PROG_QUERY:
		return query(a);
	default:
		return fail(EINVAL);
	}
}

} // namespace fakebpf

#endif
