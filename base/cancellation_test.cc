#include "base/cancellation.h"

#include "gtest/gtest.h"

namespace kube {
namespace {

TEST(CancellationTest, CancelRunsTheAttachedCallbackOnce) {
  Cancellation c;
  int runs = 0;
  ASSERT_TRUE(c.Attach([&] { ++runs; }));
  EXPECT_FALSE(c.cancelled());
  c.Cancel();
  c.Cancel();
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(c.cancelled());
}

TEST(CancellationTest, AttachAfterCancelIsRefused) {
  Cancellation c;
  c.Cancel();
  int runs = 0;
  EXPECT_FALSE(c.Attach([&] { ++runs; }));
  EXPECT_EQ(runs, 0);
}

TEST(CancellationTest, DetachedCallbackDoesNotRun) {
  Cancellation c;
  int runs = 0;
  ASSERT_TRUE(c.Attach([&] { ++runs; }));
  c.Detach();
  c.Cancel();
  EXPECT_EQ(runs, 0);
  EXPECT_TRUE(c.cancelled());
}

}  // namespace
}  // namespace kube
