// Many threads through one token bucket on a fake clock that a driver thread keeps moving:
// every acquisition must respect burst + qps * elapsed, and nobody may be lost or stuck.
#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/sync.h"
#include "base/testing/fake_clock.h"
#include "client/rest/rate_limiter.h"
#include "gtest/gtest.h"

namespace kube::rest {
namespace {

TEST(RateLimiterStressTest, ConcurrentWaitersNeverExceedTheBucket) {
  constexpr double kQps = 100;
  constexpr int kBurst = 7;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 60;
  kube::testing::FakeClock clock;
  absl::StatusOr<std::unique_ptr<RateLimiter>> limiter =
      NewTokenBucketRateLimiter(kQps, kBurst, &clock);
  ASSERT_TRUE(limiter.ok());
  const absl::Time start = clock.Now();

  absl::Mutex mu;
  std::vector<absl::Time> acquired;  // guarded by mu
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Mix the blocking and the non-blocking entry points.
        if ((i + t) % 5 == 0) {
          if (!(*limiter)->TryAccept()) continue;
        } else {
          ASSERT_TRUE((*limiter)->Wait(absl::InfiniteFuture()).ok());
        }
        const absl::Time now = clock.Now();
        MutexLock lock(&mu);
        acquired.push_back(now);
      }
      ++finished;
    });
  }
  // Drive time until every thread is done; a hung limiter fails the test by timeout.
  while (finished.load() < kThreads) {
    clock.Advance(absl::Milliseconds(3));
    std::this_thread::yield();
  }
  for (std::thread& t : threads) t.join();

  MutexLock lock(&mu);
  std::sort(acquired.begin(), acquired.end());
  ASSERT_GT(acquired.size(), static_cast<size_t>(kThreads * kPerThread * 3 / 4));
  for (size_t i = 0; i < acquired.size(); ++i) {
    // The (i+1)-th token cannot exist before (i + 1 - burst) / qps seconds have passed.
    const double allowed = kBurst + absl::ToDoubleSeconds(acquired[i] - start) * kQps;
    ASSERT_LE(static_cast<double>(i + 1), allowed + 1e-6) << "acquisition " << i;
  }
}

TEST(RateLimiterStressTest, RealClockThroughput) {
  // 200 requests at 2000 qps with burst 20 need at least (200 - 20) / 2000 = 90 ms.
  absl::StatusOr<std::unique_ptr<RateLimiter>> limiter = NewTokenBucketRateLimiter(2000, 20);
  ASSERT_TRUE(limiter.ok());
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) ASSERT_TRUE((*limiter)->Wait(absl::InfiniteFuture()).ok());
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(89));
}

}  // namespace
}  // namespace kube::rest
