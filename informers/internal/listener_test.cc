// Which thread drops the references a delivered notification held: the producer at its next
// Push, or the dispatch thread once the producer has been quiet for idle_release.
#include "informers/internal/listener.h"

#include <atomic>
#include <memory>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/testing/fake_clock.h"
#include "gtest/gtest.h"
#include "indexers/testing/test_object.h"

namespace kube::informers::internal {
namespace {

using ::kube::indexers::testing::TestObject;
using Pending = Listener<TestObject>::Notification;

// Tracked is an object whose deleter records the thread that freed it.
struct Tracked {
  std::atomic<bool> freed{false};
  std::thread::id freed_on;
  indexers::ObjectPtr<TestObject> Make(std::string name) {
    auto* o = new TestObject();
    o->ns = "ns";
    o->name = std::move(name);
    o->resource_version = "1";
    return indexers::ObjectPtr<TestObject>(o, [this](const TestObject* p) {
      freed_on = std::this_thread::get_id();
      freed.store(true);
      delete p;
    });
  }
};

// WaitUntil polls for at most 10 s of real time (a hang becomes a failure, not a timeout).
template <typename F>
bool WaitUntil(F done) {
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!done()) {
    if (absl::Now() > give_up) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

class ListenerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Listener<TestObject>> Start(absl::Duration idle_release) {
    EventHandler<TestObject> handler;
    handler.on_add = [this](const indexers::ObjectPtr<TestObject>&, bool) {
      dispatch_thread_ = std::this_thread::get_id();
    };
    auto listener = std::make_unique<Listener<TestObject>>(std::move(handler), HandlerOptions{},
                                                           &clock_, idle_release);
    listener->Start();
    return listener;
  }
  static bool Delivered(const Listener<TestObject>& l, int64_t n) {
    return WaitUntil([&] { return l.Stats().delivered >= n; });
  }

  kube::testing::FakeClock clock_;
  std::atomic<std::thread::id> dispatch_thread_;
};

TEST_F(ListenerTest, TheNextPushFreesWhatTheHandlerFinished) {
  auto listener = Start(absl::Hours(1));
  Tracked first;
  ASSERT_TRUE(listener->Push(Pending{Listener<TestObject>::Kind::kAdd, first.Make("a"), nullptr}));
  ASSERT_TRUE(Delivered(*listener, 1));
  // Delivered, and the listener's reference is the last one: still alive until the producer
  // comes back, however long the dispatch thread idles.
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_FALSE(first.freed.load());
  Tracked second;
  ASSERT_TRUE(listener->Push(Pending{Listener<TestObject>::Kind::kAdd, second.Make("b"), nullptr}));
  ASSERT_TRUE(first.freed.load());
  EXPECT_EQ(first.freed_on, std::this_thread::get_id());  // the producer's thread
  listener->Stop();
  listener->Join();
}

TEST_F(ListenerTest, AQuietProducerLetsTheDispatchThreadFree) {
  auto listener = Start(absl::Milliseconds(20));
  Tracked only;
  ASSERT_TRUE(listener->Push(Pending{Listener<TestObject>::Kind::kAdd, only.Make("a"), nullptr}));
  ASSERT_TRUE(Delivered(*listener, 1));
  ASSERT_TRUE(WaitUntil([&] { return only.freed.load(); }));
  EXPECT_EQ(only.freed_on, dispatch_thread_.load());
  EXPECT_NE(only.freed_on, std::this_thread::get_id());
  listener->Stop();
  listener->Join();
}

TEST_F(ListenerTest, StoppingFreesWhatIsLeft) {
  Tracked only;
  {
    auto listener = Start(absl::Hours(1));
    ASSERT_TRUE(listener->Push(Pending{Listener<TestObject>::Kind::kAdd, only.Make("a"), nullptr}));
    ASSERT_TRUE(Delivered(*listener, 1));
    listener->Stop();
    listener->Join();
    EXPECT_FALSE(only.freed.load());
  }
  EXPECT_TRUE(only.freed.load());
}

}  // namespace
}  // namespace kube::informers::internal
