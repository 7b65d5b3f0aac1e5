#include "informers/reflector.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/testing/fake_clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexers/testing/test_object.h"
#include "informers/error_class.h"
#include "informers/testing/fake_lister_watcher.h"

namespace kube::informers {
namespace {

using ::kube::indexers::testing::MakeObject;
using ::kube::indexers::testing::TestObject;
using ::kube::informers::testing::FakeListerWatcher;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// RecordingSink writes down what the reflector tells it, one line per call.
class RecordingSink : public ReflectorSink<TestObject> {
 public:
  void Replace(std::vector<ObjectPtr<TestObject>> objects, const std::string& rv) override {
    std::vector<std::string> names;
    for (const auto& o : objects) names.push_back(o->name);
    log.push_back(absl::StrCat("REPLACE@", rv, " [", absl::StrJoin(names, ","), "]"));
  }
  void Apply(WatchEventType type, ObjectPtr<TestObject> o) override {
    log.push_back(absl::StrCat(WatchEventTypeName(type), " ", o->name, "@", o->resource_version));
  }
  std::vector<std::string> log;
};

ObjectPtr<TestObject> Bookmark(std::string rv, bool initial_events_end = false) {
  auto o = std::make_shared<TestObject>();
  o->resource_version = std::move(rv);
  if (initial_events_end) o->annotations[std::string(kInitialEventsEndAnnotation)] = "true";
  return o;
}

ListPage<TestObject> Page(std::vector<ObjectPtr<TestObject>> items, std::string rv,
                          std::string cont = "") {
  return {std::move(items), std::move(rv), std::move(cont)};
}

class ReflectorTest : public ::testing::Test {
 protected:
  ReflectorOptions Options(bool watch_list) {
    ReflectorOptions o;
    o.clock = &clock_;
    o.random = [] { return 0.5; };
    o.use_watch_list = watch_list;
    o.label_selector = "app=web";
    o.watch_error_handler = [this](const absl::Status& s) { errors_.push_back(s); };
    return o;
  }
  // Syncs with a plain LIST at rv 10 holding a and b, and opens the watch.
  std::shared_ptr<testing::FakeWatchStream<TestObject>> SyncByList(Reflector<TestObject>& r) {
    lw_.ExpectList(Page({MakeObject("ns", "a", "3"), MakeObject("ns", "b", "4")}, "10"));
    auto w = lw_.ExpectWatch();
    EXPECT_EQ(r.Step(), ReflectorState::kList);
    EXPECT_EQ(r.Step(), ReflectorState::kWatchStart);
    EXPECT_EQ(r.Step(), ReflectorState::kWatching);
    return w;
  }

  kube::testing::FakeClock clock_;
  FakeListerWatcher<TestObject> lw_;
  RecordingSink sink_;
  std::vector<absl::Status> errors_;
};

TEST_F(ReflectorTest, StreamingListEndsAtInitialEventsEndBookmarkAndKeepsWatching) {
  Reflector<TestObject> r(&lw_, &sink_, Options(true));
  auto w = lw_.ExpectWatch();
  w->Push(WatchEventType::kAdded, MakeObject("ns", "b", "7"));
  w->Push(WatchEventType::kAdded, MakeObject("ns", "a", "9"));
  w->Push(WatchEventType::kBookmark, Bookmark("8"));  // not the end: ignored, RV not advanced
  w->Push(WatchEventType::kBookmark, Bookmark("20", true));
  w->Push(WatchEventType::kModified, MakeObject("ns", "a", "21"));

  EXPECT_EQ(r.Step(), ReflectorState::kWatchList);
  EXPECT_EQ(r.Step(), ReflectorState::kWatching);
  EXPECT_THAT(sink_.log, ElementsAre("REPLACE@20 [b,a]"));
  EXPECT_EQ(r.LastSyncResourceVersion(), "20");
  ASSERT_EQ(lw_.watch_count(), 1);
  ListOptions o = lw_.watch_calls()[0];
  EXPECT_TRUE(o.send_initial_events);
  EXPECT_EQ(o.resource_version_match, "NotOlderThan");
  EXPECT_EQ(o.resource_version, "");
  EXPECT_TRUE(o.allow_watch_bookmarks);
  EXPECT_EQ(o.timeout_seconds, 450);  // min + (max - min) * 0.5
  EXPECT_EQ(o.label_selector, "app=web");

  EXPECT_EQ(r.Step(), ReflectorState::kWatching);  // same stream, ordinary events now
  EXPECT_THAT(sink_.log, ElementsAre("REPLACE@20 [b,a]", "MODIFIED a@21"));
  EXPECT_EQ(r.LastSyncResourceVersion(), "21");
  EXPECT_EQ(lw_.list_count(), 0);
}

TEST_F(ReflectorTest, InitialListConsistentListsAtEmptyRvInPages) {
  ReflectorOptions options = Options(false);
  options.initial_list_consistent = true;
  options.page_size = 10;
  Reflector<TestObject> r(&lw_, &sink_, options);
  lw_.ExpectList(Page({MakeObject("ns", "a", "1")}, "5", "token-1"));
  lw_.ExpectList(Page({MakeObject("ns", "b", "2")}, "5"));
  auto w = lw_.ExpectWatch();

  EXPECT_EQ(r.Step(), ReflectorState::kList);
  EXPECT_EQ(r.Step(), ReflectorState::kWatchStart);
  EXPECT_THAT(sink_.log, ElementsAre("REPLACE@5 [a,b]"));
  std::vector<ListOptions> lists = lw_.list_calls();
  ASSERT_EQ(lists.size(), 2u);
  EXPECT_EQ(lists[0].resource_version, "");
  EXPECT_EQ(lists[0].limit, 10);
  EXPECT_EQ(lists[1].resource_version, "");
  EXPECT_EQ(lists[1].continue_token, "token-1");
}

TEST_F(ReflectorTest, StreamingListRefusedFallsBackToPagedList) {
  Reflector<TestObject> r(&lw_, &sink_, Options(true));
  lw_.ExpectWatchError(absl::InvalidArgumentError("sendInitialEvents not supported"));
  lw_.ExpectList(Page({MakeObject("ns", "a", "1")}, "5", "token-1"));
  lw_.ExpectList(Page({}, "5", "token-2"));  // an empty page with a token: more follow
  lw_.ExpectList(Page({MakeObject("ns", "b", "2")}, "6"));
  auto w = lw_.ExpectWatch();

  EXPECT_EQ(r.Step(), ReflectorState::kWatchList);
  EXPECT_EQ(r.Step(), ReflectorState::kList);
  EXPECT_EQ(r.Step(), ReflectorState::kWatchStart);
  EXPECT_THAT(sink_.log, ElementsAre("REPLACE@6 [a,b]"));
  std::vector<ListOptions> lists = lw_.list_calls();
  ASSERT_EQ(lists.size(), 3u);
  EXPECT_EQ(lists[0].resource_version, "0");
  EXPECT_EQ(lists[0].limit, 500);
  EXPECT_EQ(lists[0].continue_token, "");
  EXPECT_EQ(lists[1].continue_token, "token-1");
  EXPECT_EQ(lists[2].continue_token, "token-2");
  EXPECT_EQ(r.Step(), ReflectorState::kWatching);
  ListOptions watch = lw_.watch_calls()[1];
  EXPECT_EQ(watch.resource_version, "6");
  EXPECT_TRUE(watch.allow_watch_bookmarks);
  EXPECT_FALSE(watch.send_initial_events);
  EXPECT_GE(watch.timeout_seconds, 300);
  EXPECT_LE(watch.timeout_seconds, 600);
  EXPECT_EQ(r.Stats().watch_list_fallbacks, 1);
  ASSERT_EQ(errors_.size(), 1u);
}

TEST_F(ReflectorTest, StreamingListErrorEventOrEarlyEndFallsBack) {
  {
    Reflector<TestObject> r(&lw_, &sink_, Options(true));
    auto w = lw_.ExpectWatch();
    w->Push(WatchEventType::kAdded, MakeObject("ns", "a", "1"));
    w->PushError(absl::InternalError("boom"));
    EXPECT_EQ(r.Step(), ReflectorState::kWatchList);
    EXPECT_EQ(r.Step(), ReflectorState::kList);
    EXPECT_TRUE(w->closed());
  }
  {
    Reflector<TestObject> r(&lw_, &sink_, Options(true));
    auto w = lw_.ExpectWatch();
    w->Push(WatchEventType::kAdded, MakeObject("ns", "a", "1"));
    w->End();
    EXPECT_EQ(r.Step(), ReflectorState::kWatchList);
    EXPECT_EQ(r.Step(), ReflectorState::kList);
  }
  EXPECT_THAT(sink_.log, IsEmpty());  // the partial initial events were never stored
}

TEST_F(ReflectorTest, WatchEventsAndBookmarksAdvanceTheResourceVersion) {
  Reflector<TestObject> r(&lw_, &sink_, Options(false));
  auto w = SyncByList(r);
  EXPECT_EQ(r.LastSyncResourceVersion(), "10");
  w->Push(WatchEventType::kAdded, MakeObject("ns", "c", "11"));
  w->Push(WatchEventType::kDeleted, MakeObject("ns", "a", "12"));
  w->Push(WatchEventType::kBookmark, Bookmark("15"));
  EXPECT_EQ(r.Step(), ReflectorState::kWatching);
  EXPECT_EQ(r.LastSyncResourceVersion(), "11");
  EXPECT_EQ(r.Step(), ReflectorState::kWatching);
  EXPECT_EQ(r.LastSyncResourceVersion(), "12");
  EXPECT_EQ(r.Step(), ReflectorState::kWatching);
  EXPECT_EQ(r.LastSyncResourceVersion(), "15");
  EXPECT_THAT(sink_.log, ElementsAre("REPLACE@10 [a,b]", "ADDED c@11", "DELETED a@12"));
}

TEST_F(ReflectorTest, SyntheticAddsOfAWatchFromEmptyRvDoNotAdvanceIt) {
  Reflector<TestObject> r(&lw_, &sink_, Options(false));
  lw_.ExpectList(Page({}, ""));  // a server that reports no RV: the watch starts at ""
  auto w = lw_.ExpectWatch();
  EXPECT_EQ(r.Step(), ReflectorState::kList);
  EXPECT_EQ(r.Step(), ReflectorState::kWatchStart);
  EXPECT_EQ(r.Step(), ReflectorState::kWatching);
  w->Push(WatchEventType::kAdded, MakeObject("ns", "a", "30"));
  w->Push(WatchEventType::kAdded, MakeObject("ns", "b", "20"));
  w->Push(WatchEventType::kModified, MakeObject("ns", "a", "31"));
  w->Push(WatchEventType::kAdded, MakeObject("ns", "c", "32"));
  r.Step();
  r.Step();
  EXPECT_EQ(r.LastSyncResourceVersion(), "");
  r.Step();
  EXPECT_EQ(r.LastSyncResourceVersion(), "31");
  r.Step();  // after the synthetic phase, ADDED advances
  EXPECT_EQ(r.LastSyncResourceVersion(), "32");
}

TEST_F(ReflectorTest, WatchExpiredRelistsAtLastRvWithoutPaging) {
  Reflector<TestObject> r(&lw_, &sink_, Options(false));
  auto w = SyncByList(r);
  w->Push(WatchEventType::kModified, MakeObject("ns", "a", "12"));
  w->PushError(ExpiredError("too old resource version: 12 (40)"));
  EXPECT_EQ(r.Step(), ReflectorState::kWatching);
  EXPECT_EQ(r.Step(), ReflectorState::kList);
  EXPECT_TRUE(w->closed());
  lw_.ExpectList(Page({MakeObject("ns", "b", "41")}, "45"));
  EXPECT_EQ(r.Step(), ReflectorState::kWatchStart);
  ListOptions relist = lw_.list_calls().back();
  EXPECT_EQ(relist.resource_version, "12");
  EXPECT_EQ(relist.limit, 0);  // no paging: the watch cache serves it
  EXPECT_THAT(sink_.log.back(), "REPLACE@45 [b]");
  EXPECT_EQ(r.Stats().relists_expired, 1);
  EXPECT_EQ(r.Stats().last_relist_reason, "watch Expired");
  EXPECT_EQ(clock_.Now(), kube::testing::FakeClock::kDefaultStart);  // no backoff
}

TEST_F(ReflectorTest, WatchOpenExpiredAlsoRelistsAtLastRv) {
  Reflector<TestObject> r(&lw_, &sink_, Options(false));
  lw_.ExpectList(Page({}, "10"));
  lw_.ExpectWatchError(ExpiredError("gone"));
  EXPECT_EQ(r.Step(), ReflectorState::kList);
  EXPECT_EQ(r.Step(), ReflectorState::kWatchStart);
  EXPECT_EQ(r.Step(), ReflectorState::kList);
  lw_.ExpectList(Page({}, "11"));
  r.Step();
  EXPECT_EQ(lw_.list_calls().back().resource_version, "10");
}

TEST_F(ReflectorTest, ListExpiredOrTooLargeRelistsConsistentlyFromScratch) {
  for (absl::Status error : {ExpiredError("x"), TooLargeResourceVersionError("x")}) {
    FakeListerWatcher<TestObject> lw;
    RecordingSink sink;
    Reflector<TestObject> r(&lw, &sink, Options(false));
    lw.ExpectList(Page({}, "10"));
    auto w = lw.ExpectWatch();
    r.Step();
    r.Step();
    r.Step();
    w->PushError(ExpiredError("watch"));
    EXPECT_EQ(r.Step(), ReflectorState::kList);
    lw.ExpectList(error);
    EXPECT_EQ(r.Step(), ReflectorState::kList) << error;  // at once, no backoff
    lw.ExpectList(Page({}, "5", "more"));
    lw.ExpectList(Page({}, "50"));
    EXPECT_EQ(r.Step(), ReflectorState::kWatchStart);
    std::vector<ListOptions> lists = lw.list_calls();
    ASSERT_EQ(lists.size(), 4u);
    EXPECT_EQ(lists[1].resource_version, "10");
    EXPECT_EQ(lists[2].resource_version, "");  // consistent read
    EXPECT_EQ(lists[2].limit, 500);            // paged again
    EXPECT_EQ(lists[3].continue_token, "more");
    EXPECT_EQ(r.LastSyncResourceVersion(), "50");
  }
}

TEST_F(ReflectorTest, ExpiredAgainAtConsistentRvBacksOff) {
  Reflector<TestObject> r(&lw_, &sink_, Options(false));
  lw_.ExpectList(ExpiredError("continue token expired"));
  EXPECT_EQ(r.Step(), ReflectorState::kList);  // from kStart
  EXPECT_EQ(r.Step(), ReflectorState::kList);  // RV "0" expired -> relist at ""
  lw_.ExpectList(ExpiredError("continue token expired"));
  EXPECT_EQ(r.Step(), ReflectorState::kBackoff);
  EXPECT_EQ(r.BackoffDeadline(), clock_.Now() + absl::Milliseconds(1200));
  EXPECT_EQ(r.Stats().relists_list_expired, 2);
  EXPECT_EQ(r.Stats().last_relist_reason, "list Expired");
}

TEST_F(ReflectorTest, TooManyRequestsAndConnectionRefusedRewatchWithoutRelist) {
  Reflector<TestObject> r(&lw_, &sink_, Options(false));
  auto w = SyncByList(r);
  w->PushError(TooManyRequestsError("slow down"));
  EXPECT_EQ(r.Step(), ReflectorState::kBackoff);
  EXPECT_EQ(r.BackoffDeadline(),
            clock_.Now() + absl::Milliseconds(1200));  // 800 ms + jitter 0.5 x 800 ms
  clock_.Advance(absl::Milliseconds(1200));
  EXPECT_EQ(r.Step(), ReflectorState::kWatchStart);
  lw_.ExpectWatchError(ConnectionRefusedError("dial tcp"));
  EXPECT_EQ(r.Step(), ReflectorState::kBackoff);
  EXPECT_EQ(r.BackoffDeadline(), clock_.Now() + absl::Milliseconds(2400));  // doubled
  clock_.Advance(absl::Milliseconds(2400));
  EXPECT_EQ(r.Step(), ReflectorState::kWatchStart);
  auto w2 = lw_.ExpectWatch();
  EXPECT_EQ(r.Step(), ReflectorState::kWatching);
  EXPECT_EQ(lw_.list_count(), 1);  // never relisted
  EXPECT_EQ(lw_.watch_calls().back().resource_version, "10");
  EXPECT_EQ(errors_.size(), 2u);
}

TEST_F(ReflectorTest, BrokenStreamRewatchesAfterBackoff) {
  Reflector<TestObject> r(&lw_, &sink_, Options(false));
  auto w = SyncByList(r);
  w->Break(absl::UnavailableError("connection reset"));
  EXPECT_EQ(r.Step(), ReflectorState::kBackoff);
  clock_.Advance(absl::Milliseconds(1200));
  EXPECT_EQ(r.Step(), ReflectorState::kWatchStart);
  EXPECT_EQ(lw_.list_count(), 1);
}

TEST_F(ReflectorTest, CleanWatchEndRewatchesAtOnceFromLastRv) {
  Reflector<TestObject> r(&lw_, &sink_, Options(false));
  auto w = SyncByList(r);
  w->Push(WatchEventType::kModified, MakeObject("ns", "a", "13"));
  w->End();  // the server's timeoutSeconds ran out
  r.Step();
  EXPECT_EQ(r.Step(), ReflectorState::kWatchStart);
  auto w2 = lw_.ExpectWatch();
  EXPECT_EQ(r.Step(), ReflectorState::kWatching);
  EXPECT_EQ(lw_.watch_calls().back().resource_version, "13");
  EXPECT_TRUE(errors_.empty());
}

TEST_F(ReflectorTest, VeryShortEmptyWatchBacksOffBeforeRewatching) {
  Reflector<TestObject> r(&lw_, &sink_, Options(false));
  auto w = SyncByList(r);
  w->End();  // closed at once, no events
  EXPECT_EQ(r.Step(), ReflectorState::kBackoff);
  EXPECT_EQ(r.BackoffDeadline(), clock_.Now() + absl::Milliseconds(1200));
  clock_.Advance(absl::Milliseconds(1200));
  EXPECT_EQ(r.Step(), ReflectorState::kWatchStart);
  // An empty watch that lasted its time (the server's timeout) is re-opened at once.
  auto w2 = lw_.ExpectWatch();
  EXPECT_EQ(r.Step(), ReflectorState::kWatching);
  clock_.Advance(absl::Minutes(5));
  w2->End();
  EXPECT_EQ(r.Step(), ReflectorState::kWatchStart);
  EXPECT_EQ(lw_.list_count(), 1);
}

TEST_F(ReflectorTest, OtherListErrorBacksOffThenStartsOver) {
  Reflector<TestObject> r(&lw_, &sink_, Options(false));
  lw_.ExpectList(absl::PermissionDeniedError("forbidden"));
  EXPECT_EQ(r.Step(), ReflectorState::kList);
  EXPECT_EQ(r.Step(), ReflectorState::kBackoff);
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0].code(), absl::StatusCode::kPermissionDenied);
  clock_.Advance(absl::Milliseconds(1200));
  EXPECT_EQ(r.Step(), ReflectorState::kStart);
  // Never synced: retrying the first list is not a relist.
  EXPECT_EQ(r.Stats().relists_error, 0);
}

TEST_F(ReflectorTest, OtherWatchErrorEventBacksOffThenRelists) {
  Reflector<TestObject> r(&lw_, &sink_, Options(false));
  auto w = SyncByList(r);
  w->PushError(absl::InternalError("etcd unavailable"));
  EXPECT_EQ(r.Step(), ReflectorState::kBackoff);
  clock_.Advance(absl::Milliseconds(1200));
  EXPECT_EQ(r.Step(), ReflectorState::kStart);
  lw_.ExpectList(Page({}, "99"));
  EXPECT_EQ(r.Step(), ReflectorState::kList);
  EXPECT_EQ(r.Step(), ReflectorState::kWatchStart);
  EXPECT_EQ(lw_.list_calls().back().resource_version, "10");  // not back in time
  // The relist is counted under its cause, with the error as the reason.
  ReflectorStats stats = r.Stats();
  EXPECT_EQ(stats.relists_error, 1);
  EXPECT_EQ(stats.relists_expired, 0);
  EXPECT_NE(stats.last_relist_reason.find("watch error"), std::string::npos)
      << stats.last_relist_reason;
  EXPECT_NE(stats.last_relist_reason.find("etcd unavailable"), std::string::npos)
      << stats.last_relist_reason;
}

TEST(BackoffTest, DoublesToCapAndResetsAfterTwoHealthyMinutes) {
  kube::testing::FakeClock clock;
  Backoff b(&clock, {});
  std::vector<absl::Duration> got;
  for (int i = 0; i < 8; ++i) {
    got.push_back(b.Next());
    clock.Advance(absl::Seconds(1));
  }
  EXPECT_THAT(
      got, ElementsAre(absl::Milliseconds(800), absl::Milliseconds(1600), absl::Milliseconds(3200),
                       absl::Milliseconds(6400), absl::Milliseconds(12800),
                       absl::Milliseconds(25600), absl::Seconds(30), absl::Seconds(30)));
  clock.Advance(absl::Seconds(118));       // 119 s since the last failure
  EXPECT_EQ(b.Next(), absl::Seconds(30));  // 2 minutes not yet reached
  clock.Advance(absl::Minutes(2));
  EXPECT_EQ(b.Next(), absl::Milliseconds(800));
}

// Jitter (client-go's backoff manager: factor 1.0): each wait is the exponential step d plus
// random() * d, so reflectors failing together do not retry in lockstep.
TEST(BackoffTest, JitterAddsUpToOneStepFromTheRandomSource) {
  kube::testing::FakeClock clock;
  std::vector<double> randoms = {0.0, 0.25, 0.5, 0.999, 0.5};
  size_t next = 0;
  Backoff b(&clock, {}, [&] { return randoms[next++]; });
  std::vector<absl::Duration> got;
  for (int i = 0; i < 5; ++i) {
    got.push_back(b.Next());
    clock.Advance(absl::Seconds(1));
  }
  EXPECT_THAT(
      got, ElementsAre(absl::Milliseconds(800), absl::Milliseconds(2000), absl::Milliseconds(4800),
                       absl::Microseconds(12793600), absl::Milliseconds(19200)));
  // The exponential step itself is not jittered: it still doubles to the 30 s cap.
  for (int i = 0; i < 3; ++i) {
    randoms.push_back(0.0);
  }
  EXPECT_EQ(b.Next(), absl::Milliseconds(25600));
  EXPECT_EQ(b.Next(), absl::Seconds(30));
  // A broken random source cannot make the wait negative or more than twice the step.
  Backoff wild(&clock, {}, [] { return 7.0; });
  EXPECT_EQ(wild.Next(), absl::Milliseconds(1600));
  Backoff none(&clock, {.jitter = 0.0}, [] { return 0.9; });
  EXPECT_EQ(none.Next(), absl::Milliseconds(800));
}

TEST_F(ReflectorTest, StopEndsRunWhileWatchingAndWhileBackingOff) {
  {
    Reflector<TestObject> r(&lw_, &sink_, Options(false));
    lw_.ExpectList(Page({}, "1"));
    auto w = lw_.ExpectWatch();
    std::thread t([&] { r.Run(); });
    ASSERT_TRUE(w->WaitDrained());  // blocked in Next
    r.Stop();
    t.join();
    EXPECT_EQ(r.state(), ReflectorState::kStopped);
    EXPECT_TRUE(w->closed());
  }
  {
    Reflector<TestObject> r(&lw_, &sink_, Options(false));
    lw_.ExpectList(absl::InternalError("x"));
    std::thread t([&] { r.Run(); });
    ASSERT_TRUE(clock_.BlockUntilWaiters(1));  // in the backoff wait
    r.Stop();
    t.join();
    EXPECT_EQ(r.state(), ReflectorState::kStopped);
  }
}

}  // namespace
}  // namespace kube::informers
