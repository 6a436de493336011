// The handle of a host file as an escaping hook would need it for
// open_by_handle_at: its type and bytes (hex). Shared by the hooks unit and
// integration escape tests.
#ifndef KK_TESTS_HOOKS_FILE_HANDLE_H
#define KK_TESTS_HOOKS_FILE_HANDLE_H

#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>

#include <string>
#include <vector>

namespace kk_hooks_test
{

inline bool FileHandle(const std::string &path, std::string *type, std::string *hex)
{
	std::vector<unsigned char> buf(sizeof(file_handle) + MAX_HANDLE_SZ);
	auto *h = reinterpret_cast<file_handle *>(buf.data());
	const unsigned char *bytes = buf.data() + offsetof(file_handle, f_handle);
	int mount_id = 0;
	char two[3];

	h->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, path.c_str(), h, &mount_id, 0) < 0)
		return false;
	*type = std::to_string(h->handle_type);
	for (unsigned i = 0; i < h->handle_bytes; i++) {
		snprintf(two, sizeof(two), "%02x", bytes[i]);
		*hex += two;
	}
	return true;
}

} // namespace kk_hooks_test

#endif
