#include "workqueue/queue.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/sync.h"
#include "gtest/gtest.h"

namespace kube::workqueue {
namespace {

using internal::QueueImpl;

TEST(QueueTest, HandsOutItemsInFifoOrder) {
  auto q = NewQueue<std::string>();
  q->Add("a");
  q->Add("b");
  q->Add("c");
  EXPECT_EQ(q->Len(), 3u);
  EXPECT_EQ(q->Get(), "a");
  EXPECT_EQ(q->Get(), "b");
  EXPECT_EQ(q->Get(), "c");
  EXPECT_EQ(q->Len(), 0u);
}

TEST(QueueTest, AddOfAPendingItemIsMergedAndKeepsItsPlace) {
  auto q = NewQueue<std::string>();
  q->Add("a");
  q->Add("b");
  q->Add("a");
  EXPECT_EQ(q->Len(), 2u);
  EXPECT_EQ(q->Get(), "a");
  EXPECT_EQ(q->Get(), "b");
  EXPECT_EQ(q->Len(), 0u);
}

TEST(QueueTest, AddDuringProcessingIsProcessedAgainAfterDone) {
  auto q = NewQueue<std::string>();
  q->Add("a");
  ASSERT_EQ(q->Get(), "a");
  q->Add("a");
  q->Add("a");  // several adds while processing: still one more round
  // Not handed out while a worker holds it, so no second worker can get it.
  EXPECT_EQ(q->Len(), 0u);
  q->Done("a");
  EXPECT_EQ(q->Len(), 1u);
  EXPECT_EQ(q->Get(), "a");
  q->Done("a");
  EXPECT_EQ(q->Len(), 0u);
}

TEST(QueueTest, DoneWithoutReAddDoesNotRequeue) {
  auto q = NewQueue<std::string>();
  q->Add("a");
  ASSERT_EQ(q->Get(), "a");
  q->Done("a");
  EXPECT_EQ(q->Len(), 0u);
  q->Add("a");  // once done, an add queues it again at once
  EXPECT_EQ(q->Len(), 1u);
}

TEST(QueueTest, DoneForAnItemNotBeingProcessedIsIgnored) {
  auto q = NewQueue<std::string>();
  q->Add("a");
  q->Done("a");  // pending, not processing: client-go would queue a duplicate here
  q->Done("zzz");
  EXPECT_EQ(q->Len(), 1u);
  EXPECT_EQ(q->Get(), "a");
  q->ShutDown();
  EXPECT_EQ(q->Get(), std::nullopt);
}

TEST(QueueTest, GetBlocksUntilAnItemIsAdded) {
  QueueImpl<std::string> q(QueueOptions{});
  std::optional<std::string> got;
  std::thread worker([&] { got = q.Get(); });
  ASSERT_TRUE(q.AwaitBlockedForTesting(1, 0));
  q.Add("a");
  worker.join();
  EXPECT_EQ(got, "a");
}

TEST(QueueTest, ShutDownWakesEveryWorkerBlockedInGet) {
  QueueImpl<std::string> q(QueueOptions{});
  constexpr int kWorkers = 4;
  std::atomic<int> got_nullopt{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < kWorkers; ++i) {
    workers.emplace_back([&] {
      if (!q.Get().has_value()) got_nullopt.fetch_add(1);
    });
  }
  ASSERT_TRUE(q.AwaitBlockedForTesting(kWorkers, 0));
  q.ShutDown();
  for (auto& w : workers) w.join();
  EXPECT_EQ(got_nullopt.load(), kWorkers);
  EXPECT_TRUE(q.ShuttingDown());
}

TEST(QueueTest, AfterShutDownGetDrainsPendingItemsThenReturnsNullopt) {
  auto q = NewQueue<std::string>();
  q->Add("a");
  q->Add("b");
  q->ShutDown();
  q->Add("c");  // ignored
  EXPECT_EQ(q->Len(), 2u);
  EXPECT_EQ(q->Get(), "a");
  EXPECT_EQ(q->Get(), "b");
  EXPECT_EQ(q->Get(), std::nullopt);
  EXPECT_EQ(q->Get(), std::nullopt);  // and keeps doing so
}

TEST(QueueTest, AddWhileProcessingAfterShutDownIsDropped) {
  auto q = NewQueue<std::string>();
  q->Add("a");
  ASSERT_EQ(q->Get(), "a");
  q->ShutDown();
  q->Add("a");
  q->Done("a");
  EXPECT_EQ(q->Get(), std::nullopt);
}

TEST(QueueTest, ReAddMadeBeforeShutDownIsStillProcessed) {
  auto q = NewQueue<std::string>();
  q->Add("a");
  ASSERT_EQ(q->Get(), "a");
  q->Add("a");  // accepted: the queue is not shut down yet
  q->ShutDown();
  q->Done("a");
  EXPECT_EQ(q->Get(), "a");
  q->Done("a");
  EXPECT_EQ(q->Get(), std::nullopt);
}

TEST(QueueTest, ShutDownWithDrainWaitsForInFlightItems) {
  QueueImpl<std::string> q(QueueOptions{});
  q.Add("a");
  q.Add("b");
  ASSERT_EQ(q.Get(), "a");
  ASSERT_EQ(q.Get(), "b");

  std::atomic<int> done_calls{0};
  std::atomic<int> done_calls_seen_by_drain{-1};
  std::thread drainer([&] {
    q.ShutDownWithDrain();
    done_calls_seen_by_drain = done_calls.load();
  });
  ASSERT_TRUE(q.AwaitBlockedForTesting(0, 1));
  EXPECT_TRUE(q.ShuttingDown());
  q.Add("c");  // ignored: the queue is shutting down
  EXPECT_EQ(q.Len(), 0u);

  done_calls = 1;
  q.Done("a");
  // Still one item in flight: the drain goes on waiting.
  ASSERT_TRUE(q.AwaitBlockedForTesting(0, 1));
  done_calls = 2;
  q.Done("b");
  drainer.join();
  EXPECT_EQ(done_calls_seen_by_drain.load(), 2);
  EXPECT_EQ(q.Get(), std::nullopt);
}

TEST(QueueTest, ShutDownWithDrainReturnsAtOnceWhenNothingIsInFlight) {
  auto q = NewQueue<std::string>();
  q->Add("a");  // pending but not in flight: stays available to Get
  q->ShutDownWithDrain();
  EXPECT_TRUE(q->ShuttingDown());
  EXPECT_EQ(q->Get(), "a");
  q->Done("a");
  EXPECT_EQ(q->Get(), std::nullopt);
}

TEST(QueueTest, ShutDownEndsAWaitingDrainEarly) {
  QueueImpl<std::string> q(QueueOptions{});
  q.Add("a");
  ASSERT_EQ(q.Get(), "a");
  std::thread drainer([&] { q.ShutDownWithDrain(); });
  ASSERT_TRUE(q.AwaitBlockedForTesting(0, 1));
  q.ShutDown();
  drainer.join();  // returns although "a" is still in flight
  q.Done("a");
}

TEST(QueueTest, WorkersProcessEveryItemExactlyOnce) {
  auto q = NewQueue<std::string>();
  constexpr int kItems = 2000;
  constexpr int kWorkers = 4;
  absl::Mutex mu;
  absl::flat_hash_map<std::string, int> processed;
  std::vector<std::thread> workers;
  for (int i = 0; i < kWorkers; ++i) {
    workers.emplace_back([&] {
      while (auto item = q->Get()) {
        {
          MutexLock lock(&mu);
          ++processed[*item];
        }
        q->Done(*item);
      }
    });
  }
  for (int i = 0; i < kItems; ++i) q->Add(absl::StrCat("item-", i));
  q->ShutDownWithDrain();
  for (auto& w : workers) w.join();
  // The workers have been joined: no lock is needed to read `processed` any more.
  ASSERT_EQ(processed.size(), static_cast<size_t>(kItems));
  for (const auto& [item, count] : processed) EXPECT_EQ(count, 1) << item;
}

// A key type of the user's own: anything hashable with absl::Hash works.
struct ObjectKey {
  std::string ns;
  std::string name;
  bool operator==(const ObjectKey& other) const { return ns == other.ns && name == other.name; }
  template <typename H>
  friend H AbslHashValue(H h, const ObjectKey& k) {
    return H::combine(std::move(h), k.ns, k.name);
  }
};

TEST(QueueTest, WorksWithUserKeyTypes) {
  auto q = NewQueue<ObjectKey>();
  q->Add({"default", "web"});
  q->Add({"kube-system", "web"});
  q->Add({"default", "web"});
  EXPECT_EQ(q->Len(), 2u);
  auto first = q->Get();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->ns, "default");

  auto ints = NewQueue<int>();
  ints->Add(7);
  ints->Add(7);
  EXPECT_EQ(ints->Len(), 1u);
}

// Done recycles entries (and their items' capacity) for later adds: items of every length,
// more of them than the queue keeps spare, must come back exactly as added, and merging must
// still see the live items only.
TEST(QueueTest, RecycledEntriesHandOutExactlyTheItemsAdded) {
  auto q = NewQueue<std::string>();
  for (int round = 0; round < 3; ++round) {
    std::vector<std::string> items;
    for (int i = 0; i < 3000; ++i) {
      // Lengths cycle from 1 to 99 characters: short items reuse long items' entries and back.
      items.push_back(absl::StrCat(std::string(1 + (i * 7 + round) % 90, 'x'), "/", i));
    }
    for (const std::string& item : items) q->Add(item);
    for (const std::string& item : items) q->Add(item);  // all pending: merged
    ASSERT_EQ(q->Len(), items.size());
    for (const std::string& item : items) {
      std::optional<std::string> got = q->Get();
      ASSERT_EQ(got, item);
      q->Done(*got);
    }
    EXPECT_EQ(q->Len(), 0u);
    // A done item is not pending any more: adding it again queues it once.
    q->Add(items.front());
    q->Add(items.front());
    ASSERT_EQ(q->Len(), 1u);
    ASSERT_EQ(q->Get(), items.front());
    q->Done(items.front());
  }
}

// Adds made while a worker waits in Get (first polling, then asleep) reach a worker, and a burst
// of adds reaches more than one: no item waits while a worker sleeps.
TEST(QueueTest, AddsReachWaitingWorkersWhetherPollingOrAsleep) {
  QueueImpl<std::string> q(QueueOptions{});
  constexpr int kWorkers = 3;
  absl::Mutex mu;
  std::vector<std::string> got;
  int holding = 0;  // workers between Get and the end of the test, each holding one item
  std::vector<std::thread> workers;
  for (int i = 0; i < kWorkers; ++i) {
    workers.emplace_back([&] {
      std::optional<std::string> item = q.Get();
      ASSERT_TRUE(item.has_value());
      MutexLock lock(&mu);
      got.push_back(*item);
      ++holding;
    });
  }
  ASSERT_TRUE(q.AwaitBlockedForTesting(kWorkers, 0));  // every worker asleep
  // Three adds in a row: each must end up with its own worker, none may stay queued.
  q.Add("a");
  q.Add("b");
  q.Add("c");
  for (auto& w : workers) w.join();
  EXPECT_EQ(q.Len(), 0u);
  EXPECT_EQ(holding, kWorkers);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b", "c"}));

  // A worker that comes back to an empty queue polls first: an add made right away still
  // reaches it, as does ShutDown.
  for (int i = 0; i < 200; ++i) {
    std::optional<std::string> item;
    std::thread worker([&] { item = q.Get(); });
    q.Add(absl::StrCat("quick-", i));
    worker.join();
    ASSERT_EQ(item, absl::StrCat("quick-", i));
    q.Done(*item);
  }
  std::optional<std::string> last = "unset";
  std::thread worker([&] { last = q.Get(); });
  q.ShutDown();
  worker.join();
  EXPECT_EQ(last, std::nullopt);
}

// Adds made while another thread holds the queue's lock are handed over (the inbox) instead of
// waiting; they must behave exactly as adds under the lock.
class HandedOverAddsTest : public ::testing::Test {
 protected:
  // AddsWhileLocked runs Add(item) for each item on another thread while this thread holds the
  // queue's lock, and returns once every add has been handed over (they never wait for it).
  void AddsWhileLocked(const std::vector<std::string>& items) {
    q_.RunLockedForTesting([&] {
      std::thread adder([&] {
        for (const std::string& item : items) q_.Add(item);
      });
      adder.join();
      ASSERT_FALSE(q_.InboxEmptyForTesting());
    });
  }

  QueueImpl<std::string> q_{QueueOptions{}};
};

TEST_F(HandedOverAddsTest, KeepFifoOrderWithAddsUnderTheLockAndMerge) {
  q_.Add("first");
  AddsWhileLocked({"a", "b", "a", "first"});
  q_.Add("c");
  EXPECT_EQ(q_.Len(), 4u);
  for (const char* want : {"first", "a", "b", "c"}) {
    std::optional<std::string> got = q_.Get();
    ASSERT_EQ(got, want);
    q_.Done(*got);
  }
  EXPECT_EQ(q_.Len(), 0u);
}

TEST_F(HandedOverAddsTest, AReAddOfAnItemBeingProcessedQueuesItAgainAtDone) {
  q_.Add("x");
  ASSERT_EQ(q_.Get(), "x");
  AddsWhileLocked({"x"});
  EXPECT_EQ(q_.Len(), 0u);  // processing: not handed to a second worker
  q_.Done("x");
  EXPECT_EQ(q_.Len(), 1u);
  EXPECT_EQ(q_.Get(), "x");
}

TEST_F(HandedOverAddsTest, WakeAWorkerAsleepInGet) {
  std::optional<std::string> got;
  std::thread worker([&] { got = q_.Get(); });
  ASSERT_TRUE(q_.AwaitBlockedForTesting(1, 0));
  std::thread adder;
  q_.RunLockedForTesting([&] {
    // The add is handed over, sees the sleeping worker and waits for the lock to wake it.
    adder = std::thread([&] { q_.Add("z"); });
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (q_.InboxEmptyForTesting() && absl::Now() < deadline)
      absl::SleepFor(absl::Milliseconds(1));
    ASSERT_FALSE(q_.InboxEmptyForTesting());
  });
  adder.join();
  worker.join();
  EXPECT_EQ(got, "z");
}

TEST_F(HandedOverAddsTest, AreKeptByShutDownAndDroppedAfterIt) {
  AddsWhileLocked({"p"});
  q_.ShutDown();
  q_.RunLockedForTesting([&] {
    std::thread adder([&] { q_.Add("late"); });
    adder.join();
    EXPECT_TRUE(q_.InboxEmptyForTesting());  // refused before the hand-over
  });
  EXPECT_EQ(q_.Get(), "p");
  EXPECT_EQ(q_.Get(), std::nullopt);
}

TEST(QueueTest, DestroyingAQueueWithPendingAndInFlightItemsIsFine) {
  auto q = NewQueue<std::string>();
  q->Add("a");
  q->Add("b");
  ASSERT_EQ(q->Get(), "a");
  q.reset();
}

}  // namespace
}  // namespace kube::workqueue
