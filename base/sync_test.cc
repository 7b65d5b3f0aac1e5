#include "base/sync.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace kube {
namespace {

TEST(MutexLockTest, SerializesWriters) {
  absl::Mutex mu;
  int counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        MutexLock lock(&mu);
        ++counter;
      }
    });
  }
  for (auto& t : threads) t.join();
  MutexLock lock(&mu);
  EXPECT_EQ(counter, 40000);
}

TEST(AwaitConditionTest, ReturnsOnceAnotherThreadMakesTheConditionTrue) {
  absl::Mutex mu;
  bool ready = false;
  int value = 0;
  std::thread setter([&] {
    MutexLock lock(&mu);
    value = 42;
    ready = true;
  });
  {
    MutexLock lock(&mu);
    AwaitCondition(mu, absl::Condition(&ready));
    EXPECT_EQ(value, 42);
  }
  setter.join();
}

TEST(AwaitConditionWithDeadlineTest, ReturnsFalseAtTheDeadline) {
  absl::Mutex mu;
  bool never = false;
  MutexLock lock(&mu);
  const absl::Time start = absl::Now();
  EXPECT_FALSE(
      AwaitConditionWithDeadline(mu, absl::Condition(&never), start + absl::Milliseconds(20)));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(20));
}

TEST(AwaitConditionWithDeadlineTest, ReturnsTrueWhenTheConditionHolds) {
  absl::Mutex mu;
  bool ready = false;
  std::thread setter([&] {
    MutexLock lock(&mu);
    ready = true;
  });
  {
    MutexLock lock(&mu);
    EXPECT_TRUE(
        AwaitConditionWithDeadline(mu, absl::Condition(&ready), absl::Now() + absl::Seconds(60)));
  }
  setter.join();
}

TEST(ReaderMutexLockTest, ReadersShareTheLock) {
  absl::Mutex mu;
  std::atomic<int> readers_inside{0};
  std::atomic<bool> both_seen{false};
  auto reader = [&] {
    ReaderMutexLock lock(&mu);
    readers_inside.fetch_add(1);
    // Both readers hold the lock at once, or this loop would never end (bounded for safety).
    const absl::Time give_up = absl::Now() + absl::Seconds(30);
    while (readers_inside.load() < 2 && absl::Now() < give_up) std::this_thread::yield();
    if (readers_inside.load() == 2) both_seen = true;
  };
  std::thread a(reader), b(reader);
  a.join();
  b.join();
  EXPECT_TRUE(both_seen.load());
}

}  // namespace
}  // namespace kube
