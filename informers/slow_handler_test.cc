// A slow handler, measured (issue 6): one handler sleeps per event with a small buffer, another
// is fast. The informer waits for the slow handler's buffer (never drops, never grows it), so
//   * the slow buffer never holds more than its capacity (memory bound),
//   * the fast handler never runs more than capacity + 1 events ahead of the slow one and its
//     own buffer never fills (it is held back only through the shared producer),
//   * latency is measured from the moment each event is handed to the informer (pushed into its
//     watch stream), so the time the event waits while the producer is blocked on the slow
//     buffer is included; apply->callback (from the transform, right before storing) is printed
//     too, to separate the handler's own queueing from the producer wait,
//   * the fast handler's events still reach it well before the slow handler's,
//   * the wait is visible: producer_waits and producer_wait_time (the lag metric).
// The figures printed here are quoted in docs/informers.md. Real clock: the sleeps are real.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/sync.h"
#include "gtest/gtest.h"
#include "indexers/testing/test_object.h"
#include "informers/shared_informer.h"
#include "informers/testing/fake_lister_watcher.h"

namespace kube::informers {
namespace {

using ::kube::indexers::testing::MakeObject;
using ::kube::indexers::testing::TestObject;
using ::kube::informers::testing::FakeListerWatcher;

constexpr int kEvents = 1000;
constexpr size_t kSlowBuffer = 64;
constexpr absl::Duration kSlowPerEvent = absl::Milliseconds(1);

absl::Duration Percentile(std::vector<absl::Duration> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

TEST(SlowHandlerTest, FastHandlerIsNotHeldBeyondTheSlowBufferAndMemoryStaysBounded) {
  FakeListerWatcher<TestObject> lw;
  lw.ExpectList(ListPage<TestObject>{{}, "1", ""});
  auto stream = lw.ExpectWatch();

  // The push time of each event (handed to the informer's watch) and its apply time (transforms
  // run on the reflector thread right before storing).
  absl::Mutex mu;
  std::map<std::string, absl::Time> pushed_at, applied_at;
  SharedInformerOptions<TestObject> options;
  options.reflector.use_watch_list = false;
  options.transforms.push_back({"test:record-apply-time", [&](ObjectPtr<TestObject> o) {
                                  MutexLock l(&mu);
                                  applied_at[o->resource_version] = absl::Now();
                                  return o;
                                }});
  auto informer = *SharedIndexInformer<TestObject>::Create(&lw, std::move(options));

  std::atomic<int> slow_done = 0;
  std::vector<absl::Duration> fast_latency, slow_latency;  // push -> callback
  std::vector<absl::Duration> fast_applied, slow_applied;  // apply -> callback
  std::vector<int> fast_lead;                              // fast's event index - slow_done
  int fast_seen = 0;
  auto latency_of = [&](const ObjectPtr<TestObject>& o) {
    MutexLock l(&mu);
    const absl::Time now = absl::Now();
    return std::make_pair(now - pushed_at.at(o->resource_version),
                          now - applied_at.at(o->resource_version));
  };
  EventHandler<TestObject> slow;
  slow.on_add = [&](const ObjectPtr<TestObject>& o, bool) {
    auto [from_push, from_apply] = latency_of(o);
    absl::SleepFor(kSlowPerEvent);
    slow_latency.push_back(from_push);  // only this handler's thread touches these
    slow_applied.push_back(from_apply);
    ++slow_done;
  };
  EventHandler<TestObject> fast;
  fast.on_add = [&](const ObjectPtr<TestObject>& o, bool) {
    auto [from_push, from_apply] = latency_of(o);
    fast_latency.push_back(from_push);
    fast_applied.push_back(from_apply);
    fast_lead.push_back(++fast_seen - slow_done.load());
  };
  auto slow_reg = informer->AddEventHandler(slow, {.buffer_capacity = kSlowBuffer});
  auto fast_reg = informer->AddEventHandler(fast, {.buffer_capacity = 1024});
  ASSERT_TRUE(slow_reg.ok() && fast_reg.ok());
  informer->Run();
  ASSERT_TRUE(informer->WaitForCacheSync(absl::Now() + absl::Seconds(10)));

  const absl::Time start = absl::Now();
  for (int i = 0; i < kEvents; ++i) {
    {
      MutexLock l(&mu);
      pushed_at[absl::StrCat(100 + i)] = absl::Now();
    }
    stream->Push(WatchEventType::kAdded,
                 MakeObject("ns", absl::StrCat("o", i), absl::StrCat(100 + i), {}));
  }
  size_t max_depth_sampled = 0;
  while ((*slow_reg)->Stats().delivered < kEvents && absl::Now() - start < absl::Seconds(30)) {
    max_depth_sampled = std::max(max_depth_sampled, (*slow_reg)->Stats().buffer_depth);
    absl::SleepFor(absl::Milliseconds(2));
  }
  const absl::Duration total = absl::Now() - start;
  HandlerStats s = (*slow_reg)->Stats();
  HandlerStats f = (*fast_reg)->Stats();
  informer->Shutdown();  // joins the handler threads: the vectors are ours now

  ASSERT_EQ(s.delivered, kEvents);
  ASSERT_EQ(f.delivered, kEvents);
  EXPECT_LE(s.max_buffer_depth, kSlowBuffer);
  EXPECT_LE(max_depth_sampled, kSlowBuffer);
  EXPECT_GT(s.producer_waits, 0);
  EXPECT_GT(s.producer_wait_time, absl::ZeroDuration());
  EXPECT_EQ(f.producer_waits, 0) << "the fast handler's own buffer filled";
  const int max_lead = *std::max_element(fast_lead.begin(), fast_lead.end());
  EXPECT_LE(max_lead, static_cast<int>(kSlowBuffer) + 1);
  const absl::Duration fast_p50 = Percentile(fast_latency, 0.5);
  const absl::Duration slow_p50 = Percentile(slow_latency, 0.5);
  // The slow handler's events wait behind up to a buffer of sleeps; the fast one's do not.
  EXPECT_LT(fast_p50, slow_p50);
  std::printf(
      "slow handler (%s/event, buffer %zu): %d events in %s; slow max depth %zu, producer waits "
      "%lld, producer wait time %s; fast max lead %d events; push->callback latency fast "
      "p50 %s p99 %s max %s, slow p50 %s p99 %s max %s; apply->callback fast p50 %s max %s, "
      "slow p50 %s max %s\n",
      absl::FormatDuration(kSlowPerEvent).c_str(), kSlowBuffer, kEvents,
      absl::FormatDuration(total).c_str(), s.max_buffer_depth,
      static_cast<long long>(s.producer_waits), absl::FormatDuration(s.producer_wait_time).c_str(),
      max_lead, absl::FormatDuration(fast_p50).c_str(),
      absl::FormatDuration(Percentile(fast_latency, 0.99)).c_str(),
      absl::FormatDuration(Percentile(fast_latency, 1.0)).c_str(),
      absl::FormatDuration(slow_p50).c_str(),
      absl::FormatDuration(Percentile(slow_latency, 0.99)).c_str(),
      absl::FormatDuration(Percentile(slow_latency, 1.0)).c_str(),
      absl::FormatDuration(Percentile(fast_applied, 0.5)).c_str(),
      absl::FormatDuration(Percentile(fast_applied, 1.0)).c_str(),
      absl::FormatDuration(Percentile(slow_applied, 0.5)).c_str(),
      absl::FormatDuration(Percentile(slow_applied, 1.0)).c_str());
}

}  // namespace
}  // namespace kube::informers
