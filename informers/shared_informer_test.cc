#include "informers/shared_informer.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "base/testing/fake_clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexers/testing/test_object.h"
#include "informers/error_class.h"
#include "informers/testing/fake_lister_watcher.h"
#include "informers/testing/recording_handler.h"

namespace kube::informers {
namespace {

using ::kube::indexers::testing::MakeObject;
using ::kube::indexers::testing::TestObject;
using ::kube::informers::testing::FakeListerWatcher;
using ::kube::informers::testing::FakeWatchStream;
using ::kube::informers::testing::RecordingHandler;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// Eventually polls `done` (yielding, never sleeping) until it holds; false after 10 s of real
// time, which only turns a hang into a failure.
template <typename F>
bool Eventually(F done) {
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!done()) {
    if (absl::Now() > give_up) return false;
    std::this_thread::yield();
  }
  return true;
}

// Releaser unblocks a "slow" handler when the test leaves, even after a failed assertion, so the
// informer's shutdown can join the handler thread.
struct Releaser {
  absl::Notification release;
  ~Releaser() {
    if (!release.HasBeenNotified()) release.Notify();
  }
};

class SharedInformerTest : public ::testing::Test {
 protected:
  SharedInformerOptions<TestObject> Options() {
    SharedInformerOptions<TestObject> o;
    o.reflector.clock = &clock_;
    o.reflector.random = [] { return 0.0; };
    o.reflector.use_watch_list = false;
    return o;
  }
  std::unique_ptr<SharedIndexInformer<TestObject>> Make(SharedInformerOptions<TestObject> o) {
    auto informer = SharedIndexInformer<TestObject>::Create(&lw_, std::move(o));
    EXPECT_TRUE(informer.ok());
    return *std::move(informer);
  }
  // Scripts a LIST at rv 10 of ns/a and ns/b and returns the watch that follows it.
  std::shared_ptr<FakeWatchStream<TestObject>> ScriptSync() {
    lw_.ExpectList(
        ListPage<TestObject>{{MakeObject("ns", "a", "1"), MakeObject("ns", "b", "2")}, "10", ""});
    return lw_.ExpectWatch();
  }

  kube::testing::FakeClock clock_;
  FakeListerWatcher<TestObject> lw_;
};

TEST_F(SharedInformerTest, SyncDeliversInitialAddsAndRegistrationSyncsAfterDelivery) {
  auto informer = Make(Options());
  auto w = ScriptSync();
  Releaser releaser;
  absl::Notification& release = releaser.release;
  RecordingHandler<TestObject> rec;
  auto reg = informer->AddEventHandler(rec.Handler([&] { release.WaitForNotification(); }));
  ASSERT_TRUE(reg.ok());
  EXPECT_FALSE(informer->HasSynced());
  informer->Run();
  EXPECT_TRUE(informer->WaitForCacheSync(absl::InfiniteFuture()));
  EXPECT_EQ(informer->GetIndexer().Size(), 2u);
  // The informer has synced, but this handler has not run its initial adds yet.
  EXPECT_FALSE((*reg)->HasSynced());
  release.Notify();
  ASSERT_TRUE(rec.WaitFor(2));
  EXPECT_THAT(rec.log(), ElementsAre("ADD ns/a@1 initial", "ADD ns/b@2 initial"));
  ASSERT_TRUE(w->WaitDrained());
  // HasSynced turns true once the last initial add has been delivered (counted after the call).
  EXPECT_TRUE(Eventually([&] { return (*reg)->HasSynced(); }));
  w->Push(WatchEventType::kModified, MakeObject("ns", "a", "11"));
  w->Push(WatchEventType::kDeleted, MakeObject("ns", "b", "12"));
  w->Push(WatchEventType::kAdded, MakeObject("ns", "c", "13"));
  ASSERT_TRUE(rec.WaitFor(5));
  EXPECT_THAT(rec.log(), ElementsAre("ADD ns/a@1 initial", "ADD ns/b@2 initial",
                                     "UPDATE ns/a@1->11", "DELETE ns/b@12", "ADD ns/c@13"));
  EXPECT_TRUE((*reg)->HasSynced());
  ASSERT_TRUE(w->WaitDrained());  // the reflector is back in Next: it has recorded the RV
  EXPECT_EQ(informer->LastSyncResourceVersion(), "13");
  EXPECT_EQ(informer->Stats().events_applied, 3);
  informer->Shutdown();
}

// A handler registered before start must not hold the informer hostage: the informer syncs (the
// store holds the list) and other handlers can be added while that handler still sits on its
// first initial add, even when the list is larger than its buffer.
TEST_F(SharedInformerTest, SlowHandlerDoesNotDelayInformerSyncOrAddEventHandler) {
  auto informer = Make(Options());
  lw_.ExpectList(ListPage<TestObject>{{MakeObject("ns", "a", "1"), MakeObject("ns", "b", "2"),
                                       MakeObject("ns", "c", "3"), MakeObject("ns", "d", "4")},
                                      "10",
                                      ""});
  auto w = lw_.ExpectWatch();
  Releaser releaser;
  absl::Notification& release = releaser.release;
  RecordingHandler<TestObject> slow;
  auto slow_reg = informer->AddEventHandler(slow.Handler([&] { release.WaitForNotification(); }),
                                            {.buffer_capacity = 1});
  ASSERT_TRUE(slow_reg.ok());
  informer->Run();
  EXPECT_TRUE(Eventually([&] { return informer->HasSynced(); }));
  EXPECT_EQ(informer->GetIndexer().Size(), 4u);
  EXPECT_FALSE((*slow_reg)->HasSynced());
  // AddEventHandler returns although the slow handler still holds its first initial add.
  RecordingHandler<TestObject> late;
  absl::Notification added;
  std::thread adder([&] {
    EXPECT_TRUE(informer->AddEventHandler(late.Handler()).ok());
    added.Notify();
  });
  EXPECT_TRUE(added.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_TRUE(late.WaitFor(4));
  release.Notify();
  adder.join();
  ASSERT_TRUE(slow.WaitFor(4));
  EXPECT_THAT(slow.log(), ElementsAre("ADD ns/a@1 initial", "ADD ns/b@2 initial",
                                      "ADD ns/c@3 initial", "ADD ns/d@4 initial"));
  EXPECT_TRUE(Eventually([&] { return (*slow_reg)->HasSynced(); }));
  ASSERT_TRUE(w->WaitDrained());
  w->Push(WatchEventType::kAdded, MakeObject("ns", "e", "11"));
  ASSERT_TRUE(slow.WaitFor(5));
  EXPECT_EQ(slow.log().back(), "ADD ns/e@11");
  informer->Shutdown();
}

// The informer aggregates its handlers' lag: total buffered events and the age of the oldest
// event any handler has not taken yet (on the informer's clock).
TEST_F(SharedInformerTest, StatsAggregateHandlerLag) {
  auto informer = Make(Options());
  auto w = ScriptSync();
  Releaser releaser;
  absl::Notification& release = releaser.release;
  RecordingHandler<TestObject> slow, fast;
  ASSERT_TRUE(informer->AddEventHandler(slow.Handler([&] { release.WaitForNotification(); })).ok());
  ASSERT_TRUE(informer->AddEventHandler(fast.Handler()).ok());
  informer->Run();
  ASSERT_TRUE(fast.WaitFor(2));
  ASSERT_TRUE(w->WaitDrained());
  w->Push(WatchEventType::kAdded, MakeObject("ns", "c", "11"));
  ASSERT_TRUE(fast.WaitFor(3));
  clock_.Advance(absl::Seconds(2));
  w->Push(WatchEventType::kAdded, MakeObject("ns", "d", "12"));
  ASSERT_TRUE(fast.WaitFor(4));
  clock_.Advance(absl::Seconds(3));
  InformerStats stats = informer->Stats();
  EXPECT_EQ(stats.handlers, 2u);
  // The slow handler sits on its first initial add: both live events are buffered for it, the
  // older one for 5 s; the fast handler has nothing buffered.
  EXPECT_EQ(stats.handler_buffer_depth, 2u);
  EXPECT_EQ(stats.handler_max_oldest_queued_age, absl::Seconds(5));
  release.Notify();
  ASSERT_TRUE(slow.WaitFor(4));
  EXPECT_TRUE(Eventually([&] { return informer->Stats().handler_buffer_depth == 0; }));
  EXPECT_EQ(informer->Stats().handler_max_oldest_queued_age, absl::ZeroDuration());
  informer->Shutdown();
}

TEST_F(SharedInformerTest, WaitForCacheSyncTimesOutOnTheInformersClock) {
  auto informer = Make(Options());
  lw_.ExpectList(absl::InternalError("down"));  // never syncs
  informer->Run();
  EXPECT_FALSE(informer->WaitForCacheSync(clock_.Now()));
  informer->Shutdown();
}

TEST_F(SharedInformerTest, LateHandlerGetsTheCacheThenLiveEvents) {
  auto informer = Make(Options());
  auto w = ScriptSync();
  informer->Run();
  ASSERT_TRUE(informer->WaitForCacheSync(absl::InfiniteFuture()));
  w->Push(WatchEventType::kAdded, MakeObject("ns", "c", "11"));
  ASSERT_TRUE(w->WaitDrained());
  RecordingHandler<TestObject> rec;
  auto reg = informer->AddEventHandler(rec.Handler());
  ASSERT_TRUE(reg.ok());
  w->Push(WatchEventType::kModified, MakeObject("ns", "c", "12"));
  ASSERT_TRUE(rec.WaitFor(4));
  std::vector<std::string> log = rec.log();
  EXPECT_THAT(
      std::vector<std::string>(log.begin(), log.begin() + 3),
      UnorderedElementsAre("ADD ns/a@1 initial", "ADD ns/b@2 initial", "ADD ns/c@11 initial"));
  EXPECT_EQ(log[3], "UPDATE ns/c@11->12");
  EXPECT_TRUE((*reg)->HasSynced());
  informer->Shutdown();
}

TEST_F(SharedInformerTest, RelistDeliversDeletesFirstAndSkipsUnchanged) {
  auto informer = Make(Options());
  auto w = ScriptSync();
  RecordingHandler<TestObject> rec;
  ASSERT_TRUE(informer->AddEventHandler(rec.Handler()).ok());
  informer->Run();
  ASSERT_TRUE(rec.WaitFor(2));
  // Watch 410: relist at rv 10 without paging finds a unchanged, b gone, c new.
  lw_.ExpectList(
      ListPage<TestObject>{{MakeObject("ns", "c", "20"), MakeObject("ns", "a", "1")}, "21", ""});
  auto w2 = lw_.ExpectWatch();
  w->PushError(ExpiredError("too old"));
  ASSERT_TRUE(rec.WaitFor(4));
  EXPECT_THAT(rec.log(), ElementsAre("ADD ns/a@1 initial", "ADD ns/b@2 initial", "DELETE ns/b@2",
                                     "ADD ns/c@20"));
  EXPECT_EQ(lw_.list_calls().back().resource_version, "10");
  informer->Shutdown();
}

TEST_F(SharedInformerTest, TransformsRunOncePerObjectBeforeStoring) {
  std::atomic<int> calls{0};
  auto o = Options();
  o.transforms.push_back({"test:strip-payload", [&calls](ObjectPtr<TestObject> in) {
                            ++calls;
                            auto out = std::make_shared<TestObject>(*in);
                            out->payload = "stripped";
                            return ObjectPtr<TestObject>(out);
                          }});
  auto informer = Make(std::move(o));
  lw_.ExpectList(ListPage<TestObject>{{MakeObject("ns", "a", "1", {}, "big")}, "10", ""});
  auto w = lw_.ExpectWatch();
  std::vector<std::string> seen;
  absl::Mutex mu;
  RecordingHandler<TestObject> rec;
  EventHandler<TestObject> h = rec.Handler();
  auto inner = h.on_add;
  h.on_add = [&](const ObjectPtr<TestObject>& obj, bool initial) {
    {
      MutexLock l(&mu);
      seen.push_back(obj->payload);
    }
    inner(obj, initial);
  };
  ASSERT_TRUE(informer->AddEventHandler(h).ok());
  ASSERT_TRUE(informer->AddEventHandler(rec.Handler()).ok());  // two handlers, one transform
  informer->Run();
  w->Push(WatchEventType::kAdded, MakeObject("ns", "b", "11", {}, "big"));
  ASSERT_TRUE(rec.WaitFor(4));
  EXPECT_EQ(calls.load(), 2);  // once per object, not per handler
  EXPECT_EQ(informer->GetIndexer().GetByKey("ns/a")->payload, "stripped");
  EXPECT_EQ(informer->GetIndexer().GetByKey("ns/b")->payload, "stripped");
  MutexLock l(&mu);
  EXPECT_THAT(seen, ElementsAre("stripped", "stripped"));
}

TEST_F(SharedInformerTest, ResyncReachesOnlyHandlersThatAskedForIt) {
  auto informer = Make(Options());
  auto w = ScriptSync();
  RecordingHandler<TestObject> with, without;
  ASSERT_TRUE(informer->AddEventHandler(with.Handler(), {.resync_period = absl::Seconds(30)}).ok());
  ASSERT_TRUE(informer->AddEventHandler(without.Handler()).ok());
  const absl::Time start = clock_.Now();
  informer->Run();
  ASSERT_TRUE(with.WaitFor(2));
  ASSERT_TRUE(without.WaitFor(2));
  // Resync starts once synced (a deadline reached before that is pushed back a period).
  ASSERT_TRUE(informer->WaitForCacheSync(absl::InfiniteFuture()));
  ASSERT_TRUE(clock_.BlockUntilDeadline(start + absl::Seconds(30)));
  clock_.Advance(absl::Seconds(30));
  ASSERT_TRUE(with.WaitFor(4));
  std::vector<std::string> log = with.log();
  EXPECT_THAT(std::vector<std::string>(log.begin() + 2, log.end()),
              UnorderedElementsAre("UPDATE ns/a@1->1", "UPDATE ns/b@2->2"));
  // The next resync is armed 30 s later; the other handler got nothing.
  ASSERT_TRUE(clock_.BlockUntilDeadline(start + absl::Seconds(60)));
  EXPECT_EQ(without.size(), 2u);
  informer->Shutdown();
}

TEST_F(SharedInformerTest, SlowHandlerBlocksProducerWithinItsBufferAndNothingIsDropped) {
  auto informer = Make(Options());
  lw_.ExpectList(ListPage<TestObject>{{}, "1", ""});
  auto w = lw_.ExpectWatch();
  Releaser releaser;
  absl::Notification& release = releaser.release;
  RecordingHandler<TestObject> slow, fast;
  auto slow_reg = informer->AddEventHandler(slow.Handler([&] { release.WaitForNotification(); }),
                                            {.buffer_capacity = 2});
  ASSERT_TRUE(slow_reg.ok());
  ASSERT_TRUE(informer->AddEventHandler(fast.Handler(), {.buffer_capacity = 100}).ok());
  informer->Run();
  ASSERT_TRUE(informer->WaitForCacheSync(absl::InfiniteFuture()));
  constexpr int kEvents = 10;
  for (int i = 0; i < kEvents; ++i) {
    w->Push(WatchEventType::kAdded, MakeObject("ns", absl::StrCat("o", i), absl::StrCat(100 + i)));
  }
  // The slow handler holds one event in its callback and two in its buffer; the informer waits to
  // queue the fourth (the slow handler is served first), so the fast handler gets three and then
  // nothing more until the slow one moves (it may have waited once before, depending on when the
  // slow handler picked up the first event).
  ASSERT_TRUE(Eventually([&] {
    HandlerStats s = (*slow_reg)->Stats();
    return s.producer_waits >= 1 && s.buffer_depth == 2 && fast.size() == 3;
  }));
  EXPECT_LE((*slow_reg)->Stats().producer_waits, 2);
  EXPECT_EQ(fast.size(), 3u);
  release.Notify();
  ASSERT_TRUE(slow.WaitFor(kEvents));
  ASSERT_TRUE(fast.WaitFor(kEvents));
  EXPECT_EQ(slow.log(), fast.log());  // same events, same order, none dropped
  EXPECT_LE((*slow_reg)->Stats().max_buffer_depth, 2u);
  informer->Shutdown();
}

TEST_F(SharedInformerTest, RemovedHandlerGetsNothingMore) {
  auto informer = Make(Options());
  auto w = ScriptSync();
  RecordingHandler<TestObject> removed, kept;
  auto reg = informer->AddEventHandler(removed.Handler());
  ASSERT_TRUE(informer->AddEventHandler(kept.Handler()).ok());
  informer->Run();
  ASSERT_TRUE(removed.WaitFor(2));
  ASSERT_TRUE(informer->RemoveEventHandler(*reg).ok());
  EXPECT_EQ(informer->RemoveEventHandler(*reg).code(), absl::StatusCode::kNotFound);
  w->Push(WatchEventType::kAdded, MakeObject("ns", "c", "11"));
  ASSERT_TRUE(kept.WaitFor(3));
  EXPECT_EQ(removed.size(), 2u);
  informer->Shutdown();
}

TEST_F(SharedInformerTest, WatchErrorHandlerSeesErrorsAndIsFixedAtStart) {
  auto informer = Make(Options());
  absl::Mutex mu;
  std::vector<absl::Status> errors;
  ASSERT_TRUE(informer
                  ->SetWatchErrorHandler([&](const absl::Status& s) {
                    MutexLock l(&mu);
                    errors.push_back(s);
                  })
                  .ok());
  lw_.ExpectList(absl::PermissionDeniedError("forbidden"));
  informer->Run();
  EXPECT_EQ(informer->SetWatchErrorHandler(nullptr).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(clock_.BlockUntilDeadline(clock_.Now() + absl::Milliseconds(800)));  // backing off
  informer->Shutdown();
  MutexLock l(&mu);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(SharedInformerTest, ShutdownWithABlockedHandlerAndProducerCompletes) {
  auto informer = Make(Options());
  lw_.ExpectList(ListPage<TestObject>{{}, "1", ""});
  auto w = lw_.ExpectWatch();
  Releaser releaser;
  absl::Notification& release = releaser.release;
  RecordingHandler<TestObject> slow;
  auto reg = informer->AddEventHandler(slow.Handler([&] { release.WaitForNotification(); }),
                                       {.buffer_capacity = 1});
  informer->Run();
  for (int i = 0; i < 5; ++i)
    w->Push(WatchEventType::kAdded, MakeObject("ns", absl::StrCat(i), "5"));
  ASSERT_TRUE(Eventually([&] { return (*reg)->Stats().producer_waits > 0; }));
  std::thread unblock([&] {
    // Shutdown waits for the callback in progress; let it finish.
    release.Notify();
  });
  informer->Shutdown();
  unblock.join();
  EXPECT_FALSE(informer->AddEventHandler(slow.Handler()).ok());
  EXPECT_TRUE(w->closed());
}

}  // namespace
}  // namespace kube::informers
