// The watch hand-over queue of RestListerWatcher without a server: bounded, pausing the stream
// when full and resuming it at half, ending cleanly or with the stream's error, and Close.
// (List/Watch over the real apiserver: informer_apiserver_test.)
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "client/rest/watch_event.h"
#include "client/rest/watch_stream.h"
#include "gtest/gtest.h"
#include "informers/internal/rest_list_watch.h"

namespace kube::informers::internal {
namespace {

class FakeCall : public rest::WatchCall {
 public:
  void Stop() override { ++stops; }
  void Resume() override { ++resumes; }
  int stops = 0;
  int resumes = 0;
};

rest::WatchEvent Event(std::string object) {
  rest::WatchEvent e;
  e.type = rest::WatchEventType::kAdded;
  e.object = std::move(object);
  return e;
}

std::string NextObject(WatchQueue& q) {
  auto e = q.Next();
  EXPECT_TRUE(e.ok()) << e.status();
  if (!e.ok() || !e->has_value()) return "<none>";
  return (*e)->object;
}

TEST(WatchQueueTest, PausesWhenFullAndResumesAtHalf) {
  auto call = std::make_shared<FakeCall>();
  WatchQueue q(4);
  q.SetCall(call);
  EXPECT_TRUE(q.OnEvent(Event("1")));
  EXPECT_TRUE(q.OnEvent(Event("2")));
  EXPECT_TRUE(q.OnEvent(Event("3")));
  EXPECT_FALSE(q.OnEvent(Event("4")));  // full: pause the stream
  EXPECT_EQ(q.pauses(), 1);
  EXPECT_EQ(NextObject(q), "1");
  EXPECT_EQ(call->resumes, 0);  // 3 left: not yet half
  EXPECT_EQ(NextObject(q), "2");
  EXPECT_EQ(call->resumes, 1);  // 2 left = half: resume
  EXPECT_EQ(NextObject(q), "3");
  EXPECT_EQ(call->resumes, 1);  // not paused any more
  EXPECT_EQ(NextObject(q), "4");
}

TEST(WatchQueueTest, DeliversEverythingBeforeTheEnd) {
  WatchQueue q(8);
  q.SetCall(std::make_shared<FakeCall>());
  q.OnEvent(Event("a"));
  q.OnEnd(absl::OkStatus());
  EXPECT_EQ(NextObject(q), "a");
  auto end = q.Next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
}

TEST(WatchQueueTest, ABrokenStreamIsAnErrorAfterItsEvents) {
  WatchQueue q(8);
  q.SetCall(std::make_shared<FakeCall>());
  q.OnEvent(Event("a"));
  q.OnEnd(absl::UnavailableError("connection reset by peer"));
  EXPECT_EQ(NextObject(q), "a");
  auto end = q.Next();
  EXPECT_EQ(end.status().code(), absl::StatusCode::kUnavailable);
}

TEST(WatchQueueTest, CloseStopsTheCallAndUnblocksNext) {
  auto call = std::make_shared<FakeCall>();
  WatchQueue q(8);
  q.SetCall(call);
  std::optional<bool> got_value;
  std::thread reader([&] {
    auto e = q.Next();
    got_value = e.ok() && e->has_value();
  });
  q.Close();
  reader.join();
  EXPECT_EQ(got_value, false);
  EXPECT_EQ(call->stops, 1);
  q.Close();  // idempotent
  EXPECT_EQ(call->stops, 1);
}

TEST(WatchQueueTest, CloseBeforeTheCallIsAttachedStopsItOnAttach) {
  auto call = std::make_shared<FakeCall>();
  WatchQueue q(8);
  q.Close();
  q.SetCall(call);
  EXPECT_EQ(call->stops, 1);
}

}  // namespace
}  // namespace kube::informers::internal
