#include "informers/internal/control_block_pool.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace kube::informers::internal {
namespace {

struct Counted {
  static std::atomic<int> live;
  Counted() { ++live; }
  ~Counted() { --live; }
  int value = 0;
};
std::atomic<int> Counted::live{0};

TEST(ControlBlockPoolTest, TheObjectDiesWithItsLastReference) {
  const int before = Counted::live.load();
  std::shared_ptr<const Counted> a = PooledObjectPtr(new Counted());
  std::shared_ptr<const Counted> b = a;
  EXPECT_EQ(Counted::live.load(), before + 1);
  a.reset();
  EXPECT_EQ(Counted::live.load(), before + 1);
  b.reset();
  EXPECT_EQ(Counted::live.load(), before);
  EXPECT_EQ(PooledObjectPtr<Counted>(nullptr), nullptr);
}

TEST(ControlBlockPoolTest, ControlBlocksComeFromSlabsAndAreReused) {
  // More live objects than one slab holds: the pool has to add slabs (the block is pooled).
  constexpr size_t kObjects = 3 * SlotPool::kSlabBytes / SlotPool::kSlotBytes;
  std::vector<std::shared_ptr<const Counted>> live;
  const size_t slabs_before = SlotPool::Instance().slabs();
  for (size_t i = 0; i < kObjects; ++i) live.push_back(PooledObjectPtr(new Counted()));
  const size_t slabs_full = SlotPool::Instance().slabs();
  EXPECT_GE(slabs_full, slabs_before + 2);
  // Freed slots are reused: the same number again needs no new slab.
  live.clear();
  for (size_t i = 0; i < kObjects; ++i) live.push_back(PooledObjectPtr(new Counted()));
  EXPECT_EQ(SlotPool::Instance().slabs(), slabs_full);
  // Each object has its own counts.
  for (size_t i = 0; i < live.size(); ++i) const_cast<Counted*>(live[i].get())->value = int(i);
  for (size_t i = 0; i < live.size(); ++i) ASSERT_EQ(live[i]->value, int(i));
}

// Objects made on one thread and released on another, from several threads at once (run under
// --config=tsan by ./dev test).
TEST(ControlBlockPoolStressTest, ThreadsAllocateAndReleaseEachOthersBlocks) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 20000;
  const int before = Counted::live.load();
  std::vector<std::vector<std::shared_ptr<const Counted>>> handoff(kThreads);
  std::vector<std::thread> threads;
  std::atomic<int> ready{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::shared_ptr<const Counted>> mine;
      for (int i = 0; i < kRounds; ++i) {
        mine.push_back(PooledObjectPtr(new Counted()));
        if (mine.size() > 64) mine.erase(mine.begin(), mine.begin() + 32);
      }
      handoff[t] = std::move(mine);
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      handoff[(t + 1) % kThreads].clear();  // release a neighbour's objects
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(Counted::live.load(), before);
}

}  // namespace
}  // namespace kube::informers::internal
