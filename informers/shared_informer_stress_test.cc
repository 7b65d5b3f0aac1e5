// A SharedIndexInformer under churn: watch events, 410s with relists that drop and add objects,
// handlers added and removed concurrently, readers on the lister, then Shutdown. Run under
// --config=tsan. After quiescence a handler that stayed registered has seen exactly the cache.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/sync.h"
#include "base/testing/fake_clock.h"
#include "gtest/gtest.h"
#include "indexers/testing/test_object.h"
#include "informers/error_class.h"
#include "informers/shared_informer.h"
#include "informers/testing/fake_lister_watcher.h"

namespace kube::informers {
namespace {

using ::kube::indexers::testing::MakeObject;
using ::kube::indexers::testing::TestObject;
using ::kube::informers::testing::FakeListerWatcher;

// MirrorHandler rebuilds key -> resourceVersion from the callbacks it receives.
class Mirror {
 public:
  EventHandler<TestObject> Handler() {
    EventHandler<TestObject> h;
    h.on_add = [this](const ObjectPtr<TestObject>& o, bool) { Set(o); };
    h.on_update = [this](const ObjectPtr<TestObject>&, const ObjectPtr<TestObject>& o) { Set(o); };
    h.on_delete = [this](const ObjectPtr<TestObject>& o) {
      MutexLock l(&mu_);
      state_.erase(indexers::KeyOf(*o).String());
    };
    return h;
  }
  std::map<std::string, std::string> state() const {
    MutexLock l(&mu_);
    return state_;
  }

 private:
  void Set(const ObjectPtr<TestObject>& o) {
    MutexLock l(&mu_);
    state_[indexers::KeyOf(*o).String()] = o->resource_version;
  }
  mutable absl::Mutex mu_;
  std::map<std::string, std::string> state_ ABSL_GUARDED_BY(mu_);
};

std::map<std::string, std::string> CacheState(const SharedIndexInformer<TestObject>& informer) {
  std::map<std::string, std::string> out;
  for (const auto& o : informer.GetIndexer().List()) {
    out[indexers::KeyOf(*o).String()] = o->resource_version;
  }
  return out;
}

TEST(SharedInformerStressTest, ChurnRelistsHandlersReadersAndShutdown) {
  kube::testing::FakeClock clock;
  FakeListerWatcher<TestObject> lw;
  SharedInformerOptions<TestObject> options;
  options.reflector.clock = &clock;
  options.reflector.use_watch_list = false;
  options.indexers.push_back(indexers::LabelIndex<TestObject>("app"));
  auto informer = *SharedIndexInformer<TestObject>::Create(&lw, std::move(options));

  std::mt19937 rng(42);
  int rv = 1;
  std::map<std::string, ObjectPtr<TestObject>> truth;
  auto random_object = [&] {
    int i = static_cast<int>(rng() % 60);
    return MakeObject(absl::StrCat("ns", i % 3), absl::StrCat("o", i), absl::StrCat(++rv),
                      {{"app", absl::StrCat("a", i % 5)}});
  };
  auto script_list = [&] {
    std::vector<ObjectPtr<TestObject>> items;
    for (const auto& [k, o] : truth) items.push_back(o);
    lw.ExpectList(ListPage<TestObject>{std::move(items), absl::StrCat(rv), ""});
    return lw.ExpectWatch();
  };

  Mirror stayed;
  ASSERT_TRUE(informer->AddEventHandler(stayed.Handler(), {.buffer_capacity = 4}).ok());
  auto stream = script_list();
  informer->Run();

  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  threads.emplace_back([&] {  // handlers come and go
    while (!stop.load()) {
      Mirror transient;
      auto reg = informer->AddEventHandler(transient.Handler(), {.buffer_capacity = 2});
      if (!reg.ok()) break;
      (void)informer->RemoveEventHandler(*reg);
    }
  });
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {  // readers
      auto lister = informer->GetLister();
      while (!stop.load()) {
        for (const auto& o : lister.List(*meta::LabelSelector::Parse("app=a1"))) {
          EXPECT_EQ(o->labels.at("app"), "a1");
        }
        (void)informer->Stats();
        (void)informer->HasSynced();
      }
    });
  }

  for (int round = 0; round < 20; ++round) {
    for (int e = 0; e < 50; ++e) {
      auto o = random_object();
      std::string key = indexers::KeyOf(*o).String();
      auto it = truth.find(key);
      if (it != truth.end() && rng() % 4 == 0) {
        auto deleted = MakeObject(o->ns, o->name, o->resource_version, it->second->labels);
        truth.erase(it);
        stream->Push(WatchEventType::kDeleted, deleted);
      } else {
        stream->Push(it == truth.end() ? WatchEventType::kAdded : WatchEventType::kModified, o);
        truth[key] = o;
      }
    }
    // Changes missed while the watch was down: some deletions, some additions.
    for (int g = 0; g < 5; ++g) {
      if (!truth.empty() && rng() % 2 == 0) {
        truth.erase(truth.begin());
      } else {
        auto o = random_object();
        truth[indexers::KeyOf(*o).String()] = o;
      }
    }
    auto next = script_list();
    stream->PushError(ExpiredError("too old resource version"));
    stream = next;
  }
  ASSERT_TRUE(stream->WaitDrained(absl::Seconds(60)));
  std::map<std::string, std::string> expected;
  for (const auto& [k, o] : truth) expected[k] = o->resource_version;
  EXPECT_EQ(CacheState(*informer), expected);
  // The stayed handler converges on the cache (its buffer drains).
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (stayed.state() != expected && absl::Now() < give_up) std::this_thread::yield();
  EXPECT_EQ(stayed.state(), expected);
  stop = true;
  for (auto& t : threads) t.join();
  informer->Shutdown();
  EXPECT_EQ(informer->Stats().reflector.relists_expired, 20);
}

// Shutdown while everything else is in motion: events flowing into tiny buffers (the producer
// blocked on a slow handler), handlers being added and removed (one removes itself from its own
// callback), readers on the cache and stats. Shutdown must return, join every thread, and leave
// later calls failing cleanly. Repeated so the race lands at different points.
TEST(SharedInformerStressTest, ShutdownRacesEventsHandlersAndReaders) {
  for (int iteration = 0; iteration < 15; ++iteration) {
    kube::testing::FakeClock clock;
    FakeListerWatcher<TestObject> lw;
    SharedInformerOptions<TestObject> options;
    options.reflector.clock = &clock;
    options.reflector.use_watch_list = false;
    auto informer = *SharedIndexInformer<TestObject>::Create(&lw, std::move(options));
    lw.ExpectList(ListPage<TestObject>{{MakeObject("ns", "seed", "1")}, "1", ""});
    auto stream = lw.ExpectWatch();

    std::atomic<int> slow_calls{0};
    EventHandler<TestObject> slow;
    slow.on_add = [&](const ObjectPtr<TestObject>&, bool) {
      ++slow_calls;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    };
    ASSERT_TRUE(informer->AddEventHandler(slow, {.buffer_capacity = 2}).ok());
    // A handler that removes itself from inside its callback after a few events.
    std::shared_ptr<HandlerRegistration> self_removing;
    absl::Mutex self_mu;
    std::atomic<int> self_calls{0};
    EventHandler<TestObject> remover;
    remover.on_add = [&](const ObjectPtr<TestObject>&, bool) {
      if (++self_calls != 5) return;
      std::shared_ptr<HandlerRegistration> reg;
      {
        MutexLock l(&self_mu);
        reg = self_removing;
      }
      if (reg != nullptr) (void)informer->RemoveEventHandler(reg);
    };
    {
      auto reg = informer->AddEventHandler(remover, {.buffer_capacity = 1});
      ASSERT_TRUE(reg.ok());
      MutexLock l(&self_mu);
      self_removing = *reg;
    }
    informer->Run();

    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    threads.emplace_back([&] {  // events
      for (int i = 0; i < 2000 && !stop.load(); ++i) {
        stream->Push(WatchEventType::kAdded,
                     MakeObject("ns", absl::StrCat("o", i % 50), absl::StrCat(2 + i)));
      }
    });
    threads.emplace_back([&] {  // handlers come and go until the informer refuses them
      while (!stop.load()) {
        Mirror transient;
        auto reg = informer->AddEventHandler(transient.Handler(), {.buffer_capacity = 1});
        if (!reg.ok()) {
          EXPECT_EQ(reg.status().code(), absl::StatusCode::kFailedPrecondition);
          break;
        }
        (void)(*reg)->HasSynced();
        (void)(*reg)->Stats();
        (void)informer->RemoveEventHandler(*reg);
      }
    });
    threads.emplace_back([&] {  // readers
      while (!stop.load()) {
        for (const auto& o : informer->GetIndexer().List()) EXPECT_EQ(o->ns, "ns");
        (void)informer->Stats();
        (void)informer->LastSyncResourceVersion();
      }
    });
    // Let things get going (bounded), then shut down in the middle of it.
    const absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (slow_calls.load() < 10 * (iteration % 4 + 1) && absl::Now() < give_up) {
      std::this_thread::yield();
    }
    informer->Shutdown();
    EXPECT_FALSE(informer->AddEventHandler(Mirror().Handler()).ok());
    stop = true;
    for (auto& t : threads) t.join();
    informer.reset();  // destructor after Shutdown: nothing left to join
  }
}

}  // namespace
}  // namespace kube::informers
