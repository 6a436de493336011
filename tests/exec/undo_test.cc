// The undo stack: reverse order, copies of arguments, keeps going past a
// failing step, forget keeps the changes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/exec/undo.h"

namespace
{

std::vector<int> ran;

int record(const void *arg, struct kk_error *err)
{
	(void)err;
	ran.push_back(*static_cast<const int *>(arg));
	return 0;
}

int fail(const void *arg, struct kk_error *err)
{
	ran.push_back(*static_cast<const int *>(arg));
	return kk_error_set(err, KK_ERR_SYS, "step %d failed", *static_cast<const int *>(arg));
}

TEST(Undo, RunsNewestFirstWithCopiedArguments)
{
	struct kk_undo undo = KK_UNDO_INIT;
	struct kk_error err = {};
	ran.clear();
	for (int i = 1; i <= 3; i++)
		ASSERT_EQ(kk_undo_push(&undo, "step", record, &i, sizeof(i), &err), 0);
	EXPECT_EQ(undo.n, 3u);
	EXPECT_EQ(kk_undo_run(&undo, &err), 0);
	EXPECT_EQ(ran, (std::vector<int>{3, 2, 1}));
	EXPECT_EQ(undo.n, 0u);
	EXPECT_EQ(undo.top, nullptr);
}

TEST(Undo, KeepsGoingPastAFailureAndReportsTheFirst)
{
	struct kk_undo undo = KK_UNDO_INIT;
	struct kk_error err = {};
	int a = 1, b = 2, c = 3;
	ran.clear();
	kk_undo_push(&undo, "remove a", record, &a, sizeof(a), &err);
	kk_undo_push(&undo, "remove b", fail, &b, sizeof(b), &err);
	kk_undo_push(&undo, "remove c", fail, &c, sizeof(c), &err);
	EXPECT_EQ(kk_undo_run(&undo, &err), -1);
	EXPECT_EQ(ran, (std::vector<int>{3, 2, 1}));
	EXPECT_EQ(std::string(err.msg), "rollback: remove c: step 3 failed");
}

TEST(Undo, ForgetKeepsTheChanges)
{
	struct kk_undo undo = KK_UNDO_INIT;
	struct kk_error err = {};
	int a = 1;
	ran.clear();
	kk_undo_push(&undo, "a", record, &a, sizeof(a), &err);
	kk_undo_forget(&undo);
	EXPECT_EQ(kk_undo_run(&undo, &err), 0);
	EXPECT_TRUE(ran.empty());
}

TEST(Undo, CleanupRunsWhatIsLeft)
{
	int a = 7;
	ran.clear();
	{
		KK_AUTOUNDO struct kk_undo undo = KK_UNDO_INIT;
		struct kk_error err = {};
		kk_undo_push(&undo, "a", record, &a, sizeof(a), &err);
	}
	EXPECT_EQ(ran, (std::vector<int>{7}));
}

} // namespace
