// Concurrency stress: many producers and workers on one rate-limiting queue on the real clock,
// with random Add / AddAfter / AddRateLimited / Forget, then shutdown. Asserts the two promises
// workers rely on: an item is never processed by two workers at once, and no add is lost (every
// item is handed out again after its last add). Meant for --config=tsan as much as for speed;
// bounded to a few seconds (./dev tsan runs it, tagged "stress").
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "workqueue/default_rate_limiters.h"
#include "workqueue/rate_limiting_queue.h"

namespace kube::workqueue {
namespace {

constexpr int kKeys = 64;
constexpr int kProducers = 4;
constexpr int kWorkers = 4;
constexpr int kOpsPerProducer = 20000;

// Sequence numbers order adds against hand-outs: a producer takes one just before it adds a
// key, a worker just after Get returns one. Every key must end with a hand-out newer than its
// last add.
struct KeyState {
  std::atomic<int> in_flight{0};
  std::atomic<uint64_t> last_add{0};
  std::atomic<uint64_t> last_handout{0};
  std::atomic<uint64_t> handouts{0};
};

void StoreMax(std::atomic<uint64_t>& target, uint64_t value) {
  uint64_t current = target.load();
  while (current < value && !target.compare_exchange_weak(current, value)) {
  }
}

class StressTest : public ::testing::Test {
 protected:
  StressTest() {
    for (int i = 0; i < kKeys; ++i) keys_[i] = absl::StrCat("namespace-", i % 4, "/object-", i);
    // Small delays keep the run short while still exercising the timer heap and backoff.
    std::shared_ptr<RateLimiter<std::string>> limiter =
        std::make_shared<MaxOfRateLimiter<std::string>>(
            std::vector<std::shared_ptr<RateLimiter<std::string>>>{
                std::make_shared<ItemExponentialFailureRateLimiter<std::string>>(
                    absl::Microseconds(10), absl::Milliseconds(5)),
                std::make_shared<BucketRateLimiter<std::string>>(nullptr, 50000, 500),
            });
    queue_ = NewRateLimitingQueue<std::string>({.rate_limiter = limiter});
  }

  int IndexOf(const std::string& key) {
    for (int i = 0; i < kKeys; ++i) {
      if (keys_[i] == key) return i;
    }
    ADD_FAILURE() << "unknown key " << key;
    return 0;
  }

  void Worker(uint32_t seed) {
    std::mt19937 rng(seed);
    while (std::optional<std::string> item = queue_->Get()) {
      const uint64_t seq = seq_.fetch_add(1);
      KeyState& state = state_[IndexOf(*item)];
      if (state.in_flight.fetch_add(1) != 0) overlaps_.fetch_add(1);
      StoreMax(state.last_handout, seq);
      state.handouts.fetch_add(1);
      if (rng() % 4 == 0) std::this_thread::yield();  // widen the processing window
      if (rng() % 2 == 0) queue_->Forget(*item);      // "reconciled": reset its backoff
      state.in_flight.fetch_sub(1);
      queue_->Done(*item);
    }
  }

  void Producer(uint32_t seed) {
    std::mt19937 rng(seed);
    for (int op = 0; op < kOpsPerProducer; ++op) {
      const int k = static_cast<int>(rng() % kKeys);
      StoreMax(state_[k].last_add, seq_.fetch_add(1));
      adds_.fetch_add(1);
      switch (rng() % 3) {
        case 0:
          queue_->Add(keys_[k]);
          break;
        case 1:
          queue_->AddAfter(keys_[k], absl::Microseconds(static_cast<int>(rng() % 2000)));
          break;
        default:
          queue_->AddRateLimited(keys_[k]);
          break;
      }
    }
  }

  bool EveryAddWasHandedOutAfterwards() {
    for (const KeyState& state : state_) {
      if (state.last_add.load() >= state.last_handout.load()) return false;
    }
    return true;
  }

  std::array<std::string, kKeys> keys_;
  std::array<KeyState, kKeys> state_;
  std::atomic<uint64_t> seq_{1};
  std::atomic<uint64_t> adds_{0};
  std::atomic<int> overlaps_{0};
  std::unique_ptr<RateLimitingQueue<std::string>> queue_;
};

TEST_F(StressTest, NoItemIsProcessedTwiceAtOnceAndNoAddIsLost) {
  std::vector<std::thread> workers;
  for (int i = 0; i < kWorkers; ++i) workers.emplace_back([this, i] { Worker(1000 + i); });
  std::vector<std::thread> producers;
  for (int i = 0; i < kProducers; ++i) producers.emplace_back([this, i] { Producer(i + 1); });
  for (auto& p : producers) p.join();

  // Nothing adds any more; delayed items (at most a few ms, or the bucket's backlog) come due.
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (!EveryAddWasHandedOutAfterwards() && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  queue_->ShutDownWithDrain();
  for (auto& w : workers) w.join();

  EXPECT_EQ(overlaps_.load(), 0) << "an item was processed by two workers at once";
  uint64_t handouts = 0;
  for (int i = 0; i < kKeys; ++i) {
    EXPECT_LT(state_[i].last_add.load(), state_[i].last_handout.load())
        << keys_[i] << " was added and never handed out afterwards (lost)";
    handouts += state_[i].handouts.load();
  }
  // De-duplication: never more hand-outs than adds.
  EXPECT_LE(handouts, adds_.load());
  EXPECT_GT(handouts, 0u);
  EXPECT_EQ(queue_->Len(), 0u);
}

TEST_F(StressTest, ShutDownWhileEverythingIsRunningStopsCleanly) {
  std::vector<std::thread> workers;
  for (int i = 0; i < kWorkers; ++i) workers.emplace_back([this, i] { Worker(2000 + i); });
  std::vector<std::thread> producers;
  for (int i = 0; i < kProducers; ++i) producers.emplace_back([this, i] { Producer(50 + i); });
  // Shut down mid-stream: producers keep calling into a shut-down queue, workers drain and stop.
  while (seq_.load() < kProducers * kOpsPerProducer / 4) std::this_thread::yield();
  queue_->ShutDown();
  for (auto& w : workers) w.join();  // every worker saw std::nullopt
  for (auto& p : producers) p.join();
  EXPECT_EQ(overlaps_.load(), 0);
  EXPECT_TRUE(queue_->ShuttingDown());
  EXPECT_EQ(queue_->Get(), std::nullopt);
  queue_.reset();  // joins the timer thread with items possibly still waiting
}

}  // namespace
}  // namespace kube::workqueue
