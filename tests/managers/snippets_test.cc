// docs/managers.md shows the manager configs the Podman and containerd
// suites run with (docs/examples/managers/), unchanged: each block that
// follows a "<!-- snippet: PATH -->" line is the file at PATH, and every
// file of docs/examples/managers has its block.
#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>

#include "tests/parser/fixture.h"

namespace
{

const char kMarker[] = "<!-- snippet: ";

TEST(Snippets, ManagersPageShowsTheTestedConfigs)
{
	std::string page = ReadRunfile("docs/managers.md");
	ASSERT_FALSE(page.empty());
	std::set<std::string> shown;
	for (size_t at = page.find(kMarker); at != std::string::npos;
	     at = page.find(kMarker, at + 1)) {
		size_t name_end = page.find(" -->\n", at);
		ASSERT_NE(name_end, std::string::npos);
		std::string path =
			page.substr(at + strlen(kMarker), name_end - at - strlen(kMarker));
		// The fence line ("```toml"), the file, the closing fence.
		size_t body = page.find('\n', name_end + 5);
		ASSERT_EQ(page.compare(name_end + 5, 3, "```"), 0) << path << ": no block follows";
		size_t close = page.find("\n```\n", body);
		ASSERT_NE(close, std::string::npos) << path;
		std::string file = ReadRunfile(path);
		ASSERT_FALSE(file.empty()) << path;
		EXPECT_EQ(page.substr(body + 1, close + 1 - (body + 1)), file) << path;
		shown.insert(path);
	}
	for (const char *name : {"containers.conf", "containerd-config.toml", "runtimeclass.yaml"})
		EXPECT_EQ(shown.count(std::string("docs/examples/managers/") + name), 1u) << name;
}

} // namespace
