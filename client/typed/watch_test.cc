// WatchQueue's hand-over rules that the apiserver test cannot force: pausing a full queue and
// resuming at half, the end status after the last event, Stop, and Next's timeout.
#include "client/typed/watch.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace kube::typed {
namespace {

class CountingCall : public rest::WatchCall {
 public:
  void Stop() override { ++stops; }
  void Resume() override { ++resumes; }
  int stops = 0;
  int resumes = 0;
};

rest::WatchEvent Event(std::string object) {
  rest::WatchEvent e;
  e.type = rest::WatchEventType::kModified;
  e.object = std::move(object);
  return e;
}

TEST(WatchQueueTest, AFullQueuePausesAndResumesAtHalf) {
  auto queue = std::make_shared<WatchQueue>(4);
  auto call = std::make_shared<CountingCall>();
  queue->SetCall(call);
  EXPECT_TRUE(queue->OnEvent(Event("1")));
  EXPECT_TRUE(queue->OnEvent(Event("2")));
  EXPECT_TRUE(queue->OnEvent(Event("3")));
  EXPECT_FALSE(queue->OnEvent(Event("4")));  // full: pause the stream
  ASSERT_EQ((*queue->Next(absl::ZeroDuration()))->object, "1");
  EXPECT_EQ(call->resumes, 0);  // 3 left, more than half
  ASSERT_EQ((*queue->Next(absl::ZeroDuration()))->object, "2");
  EXPECT_EQ(call->resumes, 1);  // 2 left: resume once
  ASSERT_EQ((*queue->Next(absl::ZeroDuration()))->object, "3");
  EXPECT_EQ(call->resumes, 1);
}

TEST(WatchQueueTest, TheEndComesAfterTheLastEvent) {
  WatchQueue queue(8);
  queue.OnEvent(Event("a"));
  queue.OnEnd(absl::UnavailableError("connection reset"));
  absl::StatusOr<std::optional<rest::WatchEvent>> first = queue.Next(absl::ZeroDuration());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)->object, "a");
  absl::StatusOr<std::optional<rest::WatchEvent>> end = queue.Next(absl::ZeroDuration());
  EXPECT_EQ(end.status().code(), absl::StatusCode::kUnavailable);
}

TEST(WatchQueueTest, CleanEndsAndCancellationAreNullopt) {
  WatchQueue clean(8);
  clean.OnEnd(absl::OkStatus());
  absl::StatusOr<std::optional<rest::WatchEvent>> end = clean.Next(absl::ZeroDuration());
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());

  WatchQueue cancelled(8);
  cancelled.OnEnd(absl::CancelledError("stopped"));
  end = cancelled.Next(absl::ZeroDuration());
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
}

TEST(WatchQueueTest, StopDropsEventsAndStopsTheCallOnce) {
  auto queue = std::make_shared<WatchQueue>(8);
  auto call = std::make_shared<CountingCall>();
  queue->SetCall(call);
  queue->OnEvent(Event("a"));
  queue->Stop();
  queue->Stop();
  EXPECT_EQ(call->stops, 1);
  absl::StatusOr<std::optional<rest::WatchEvent>> next = queue->Next(absl::ZeroDuration());
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
  // A Stop before the call is attached stops it on SetCall.
  auto early = std::make_shared<WatchQueue>(8);
  early->Stop();
  auto late_call = std::make_shared<CountingCall>();
  early->SetCall(late_call);
  EXPECT_EQ(late_call->stops, 1);
}

TEST(WatchQueueTest, NextTimesOutWhenNothingComes) {
  WatchQueue queue(8);
  EXPECT_EQ(queue.Next(absl::Milliseconds(20)).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  queue.OnEvent(Event("late"));
  EXPECT_EQ((*queue.Next(absl::Milliseconds(20)))->object, "late");
}

}  // namespace
}  // namespace kube::typed
