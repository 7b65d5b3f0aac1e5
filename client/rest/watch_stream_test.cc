#include "client/rest/watch_stream.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/sync.h"
#include "client/rest/internal/proto_wire_testing.h"
#include "client/rest/status.h"
#include "client/transport/testing/fake_transport.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::rest {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using transport::testing::FakeStream;
using transport::testing::FakeTransport;

// Records everything a watch delivers; checks the ordering promises as it goes.
class RecordingHandler : public WatchHandler {
 public:
  // pause_at: OnEvent returns false for these event numbers (1-based).
  explicit RecordingHandler(std::vector<int> pause_at = {}) : pause_at_(std::move(pause_at)) {}

  void OnStarted() override {
    MutexLock lock(&mu_);
    EXPECT_EQ(started_, 0);
    EXPECT_TRUE(names_.empty());
    ++started_;
  }
  bool OnEvent(WatchEvent event) override {
    MutexLock lock(&mu_);
    EXPECT_EQ(started_, 1) << "OnEvent before OnStarted";
    EXPECT_EQ(ends_, 0) << "OnEvent after OnEnd";
    EXPECT_FALSE(in_call_) << "overlapping handler calls";
    types_.push_back(event.type);
    names_.push_back(event.object);
    errors_.push_back(event.error);
    if (on_event_) {
      in_call_ = true;
      auto hook = on_event_;
      UnlockMutex(mu_);
      hook(static_cast<int>(names_.size()));
      LockMutex(mu_);
      in_call_ = false;
    }
    const int n = static_cast<int>(names_.size());
    return std::find(pause_at_.begin(), pause_at_.end(), n) == pause_at_.end();
  }
  void OnEnd(const absl::Status& status) override {
    MutexLock lock(&mu_);
    ++ends_;
    end_ = status;
  }

  void SetOnEvent(std::function<void(int)> hook) {
    MutexLock lock(&mu_);
    on_event_ = std::move(hook);
  }
  bool WaitForEnd(absl::Duration timeout = absl::Seconds(30)) {
    MutexLock lock(&mu_);
    auto ended = [this]() { return ends_ > 0; };
    return AwaitConditionWithDeadline(mu_, absl::Condition(&ended), absl::Now() + timeout);
  }
  bool WaitForEvents(size_t n, absl::Duration timeout = absl::Seconds(30)) {
    MutexLock lock(&mu_);
    auto reached = [this, n]() { return names_.size() >= n; };
    return AwaitConditionWithDeadline(mu_, absl::Condition(&reached), absl::Now() + timeout);
  }
  std::vector<std::string> objects() {
    MutexLock lock(&mu_);
    return names_;
  }
  std::vector<WatchEventType> types() {
    MutexLock lock(&mu_);
    return types_;
  }
  std::vector<absl::Status> errors() {
    MutexLock lock(&mu_);
    return errors_;
  }
  int started() {
    MutexLock lock(&mu_);
    return started_;
  }
  int ends() {
    MutexLock lock(&mu_);
    return ends_;
  }
  absl::Status end() {
    MutexLock lock(&mu_);
    return end_;
  }

 private:
  absl::Mutex mu_;
  const std::vector<int> pause_at_;
  std::function<void(int)> on_event_;
  bool in_call_ = false;
  int started_ = 0;
  int ends_ = 0;
  absl::Status end_;
  std::vector<WatchEventType> types_;
  std::vector<std::string> names_;
  std::vector<absl::Status> errors_;
};

std::string JsonEvent(absl::string_view type, int i) {
  return absl::StrCat(R"({"type":")", type, R"(","object":{"n":)", i, "}}\n");
}

std::string JsonObject(int i) { return absl::StrCat(R"({"n":)", i, "}"); }

transport::ResponseHead Head(int status, absl::string_view content_type = "application/json") {
  return FakeTransport::MakeHead(status, {{"Content-Type", std::string(content_type)}});
}

// Runs `stream` over `fake`, as RestClient does.
void Connect(FakeTransport& fake, const std::shared_ptr<WatchStream>& stream) {
  transport::Request request;
  request.target = "/api/v1/configmaps?watch=1";
  stream->Attach(fake.Stream(request, stream));
}

// Starts `handler` on a fresh WatchStream over `fake`.
std::shared_ptr<WatchStream> Start(FakeTransport& fake, std::shared_ptr<WatchHandler> handler,
                                   WatchStreamOptions options = {}) {
  auto stream = std::make_shared<WatchStream>(std::move(handler), std::move(options));
  Connect(fake, stream);
  return stream;
}

TEST(WatchStreamTest, DeliversJsonEventsInOrderThenEnds) {
  std::string body;
  std::vector<std::string> want;
  for (int i = 0; i < 30; ++i) {
    body += JsonEvent(i % 2 ? "MODIFIED" : "ADDED", i);
    want.push_back(JsonObject(i));
  }
  for (uint32_t seed = 0; seed < 20; ++seed) {
    FakeTransport fake;
    fake.ExpectStream("", "", {Head(200), FakeTransport::RandomChunks(body, seed, 50)});
    auto handler = std::make_shared<RecordingHandler>();
    std::shared_ptr<WatchStream> stream = Start(fake, handler);
    ASSERT_TRUE(handler->WaitForEnd());
    EXPECT_TRUE(handler->end().ok()) << handler->end();
    EXPECT_EQ(handler->started(), 1);
    EXPECT_EQ(handler->ends(), 1);
    ASSERT_THAT(handler->objects(), ElementsAreArray(want)) << "seed " << seed;
  }
}

TEST(WatchStreamTest, DeliversProtobufEvents) {
  using internal::testing::BytesField;
  using internal::testing::Envelope;
  using internal::testing::Frame;
  const std::string raw = Envelope("v1", "ConfigMap", BytesField(1, "m"));
  const std::string body = Frame(BytesField(1, "ADDED") + BytesField(2, BytesField(1, raw))) +
                           Frame(BytesField(1, "DELETED") + BytesField(2, BytesField(1, raw)));
  FakeTransport fake;
  fake.ExpectStream("", "",
                    {Head(200, "application/vnd.kubernetes.protobuf;stream=watch"),
                     FakeTransport::Chunk(body, 7)});
  auto handler = std::make_shared<RecordingHandler>();
  std::shared_ptr<WatchStream> stream = Start(fake, handler);
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_TRUE(handler->end().ok()) << handler->end();
  EXPECT_THAT(handler->types(), ElementsAre(WatchEventType::kAdded, WatchEventType::kDeleted));
  EXPECT_THAT(handler->objects(), ElementsAre(raw, raw));
}

TEST(WatchStreamTest, ErrorResponseBecomesTheEndStatus) {
  const std::string gone =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
      R"j("message":"too old resource version: 5 (90)","reason":"Expired","code":410})j";
  FakeTransport fake;
  fake.ExpectStream("", "", {Head(410), FakeTransport::Chunk(gone, 10)});
  auto handler = std::make_shared<RecordingHandler>();
  std::shared_ptr<WatchStream> stream = Start(fake, handler);
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_EQ(handler->end().code(), absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(rest::IsExpired(handler->end()));
  EXPECT_EQ(handler->started(), 0);
  EXPECT_TRUE(handler->objects().empty());
}

TEST(WatchStreamTest, PlainTextTooManyRequestsKeepsRetryAfter) {
  FakeTransport fake;
  fake.ExpectStream(
      "", "",
      {FakeTransport::MakeHead(429, {{"Content-Type", "text/plain"}, {"Retry-After", "4"}}),
       {"Too many requests, please try again later.\n"}});
  auto handler = std::make_shared<RecordingHandler>();
  std::shared_ptr<WatchStream> stream = Start(fake, handler);
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_TRUE(rest::IsTooManyRequests(handler->end()));
  EXPECT_EQ(SuggestedRetryDelay(handler->end()), absl::Seconds(4));
}

TEST(WatchStreamTest, ErrorEventCarriesItsStatus) {
  const std::string body =
      JsonEvent("ADDED", 1) +
      R"({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},)"
      R"("status":"Failure","message":"too old","reason":"Expired","code":410}})" +
      "\n";
  FakeTransport fake;
  fake.ExpectStream("", "", {Head(200), {body}});
  auto handler = std::make_shared<RecordingHandler>();
  std::shared_ptr<WatchStream> stream = Start(fake, handler);
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_TRUE(handler->end().ok());
  ASSERT_THAT(handler->types(), ElementsAre(WatchEventType::kAdded, WatchEventType::kError));
  EXPECT_TRUE(handler->errors()[0].ok());
  EXPECT_TRUE(rest::IsExpired(handler->errors()[1]));
}

TEST(WatchStreamTest, UnsupportedContentTypeCancelsTheStream) {
  FakeTransport fake;
  FakeStream script{Head(200, "application/cbor-seq"), {"\xa1"}, absl::OkStatus(), true};
  fake.ExpectStream("", "", script);
  auto handler = std::make_shared<RecordingHandler>();
  std::shared_ptr<WatchStream> stream = Start(fake, handler);
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_EQ(handler->end().code(), absl::StatusCode::kUnimplemented);
  EXPECT_TRUE(fake.GetStreamState(0).cancelled);
  EXPECT_EQ(handler->started(), 0);
}

TEST(WatchStreamTest, MalformedStreamDeliversWhatCameBeforeAndCancels) {
  FakeTransport fake;
  FakeStream script{Head(200),
                    {JsonEvent("ADDED", 1) + JsonEvent("SYNC", 2) + JsonEvent("ADDED", 3)},
                    absl::OkStatus(),
                    /*hold_open=*/true};
  fake.ExpectStream("", "", script);
  auto handler = std::make_shared<RecordingHandler>();
  std::shared_ptr<WatchStream> stream = Start(fake, handler);
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_EQ(handler->end().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(handler->end().message(), ::testing::HasSubstr("SYNC"));
  EXPECT_THAT(handler->objects(), ElementsAre(JsonObject(1)));
  EXPECT_TRUE(fake.GetStreamState(0).cancelled);
}

TEST(WatchStreamTest, StreamEndingMidEventIsDataLoss) {
  FakeTransport fake;
  const std::string body = JsonEvent("ADDED", 1) + JsonEvent("ADDED", 2);
  fake.ExpectStream("", "", {Head(200), {body.substr(0, body.size() - 5)}});
  auto handler = std::make_shared<RecordingHandler>();
  std::shared_ptr<WatchStream> stream = Start(fake, handler);
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_EQ(handler->end().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(handler->objects(), ElementsAre(JsonObject(1)));
}

TEST(WatchStreamTest, TransportErrorsPassThrough) {
  FakeTransport fake;
  fake.ExpectStream(
      "", "",
      {Head(200), {JsonEvent("ADDED", 1)}, absl::UnavailableError("connection reset by peer")});
  fake.ExpectStream("", "", {FakeTransport::MakeHead(0), {}, absl::UnavailableError("refused")});
  auto first = std::make_shared<RecordingHandler>();
  auto second = std::make_shared<RecordingHandler>();
  std::shared_ptr<WatchStream> a = Start(fake, first);
  std::shared_ptr<WatchStream> b = Start(fake, second);
  ASSERT_TRUE(first->WaitForEnd());
  ASSERT_TRUE(second->WaitForEnd());
  EXPECT_EQ(first->end().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(first->objects().size(), 1u);
  EXPECT_EQ(second->end().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(second->started(), 0);
}

TEST(WatchStreamTest, PausingStopsReadingUntilResume) {
  std::string chunk1;
  for (int i = 1; i <= 5; ++i) chunk1 += JsonEvent("ADDED", i);
  FakeTransport fake;
  fake.ExpectStream("", "", {Head(200), {chunk1, JsonEvent("ADDED", 6), JsonEvent("ADDED", 7)}});
  auto handler = std::make_shared<RecordingHandler>(std::vector<int>{2, 6});
  std::shared_ptr<WatchStream> stream = Start(fake, handler);

  ASSERT_TRUE(fake.WaitForStreamPaused(0));
  absl::SleepFor(absl::Milliseconds(20));  // nothing more arrives while paused
  EXPECT_THAT(handler->objects(), ElementsAre(JsonObject(1), JsonObject(2)));
  EXPECT_EQ(fake.GetStreamState(0).on_body_calls, 1);

  stream->Resume();  // delivers 3..5 from the held chunk, then 6 pauses again
  ASSERT_TRUE(handler->WaitForEvents(6));
  ASSERT_TRUE(fake.WaitForStreamPaused(0));
  EXPECT_EQ(handler->ends(), 0);
  EXPECT_EQ(fake.GetStreamState(0).pauses, 2);

  stream->Resume();
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_TRUE(handler->end().ok());
  EXPECT_EQ(handler->objects().size(), 7u);
  EXPECT_EQ(handler->objects().back(), JsonObject(7));
}

TEST(WatchStreamTest, ResumeFromInsideOnEventKeepsReading) {
  std::string body;
  for (int i = 1; i <= 4; ++i) body += JsonEvent("ADDED", i);
  FakeTransport fake;
  fake.ExpectStream("", "", {Head(200), {body}});
  auto handler = std::make_shared<RecordingHandler>(std::vector<int>{1, 2, 3});
  auto stream = std::make_shared<WatchStream>(handler, WatchStreamOptions());
  std::weak_ptr<WatchStream> weak = stream;
  handler->SetOnEvent([weak](int) {
    if (auto s = weak.lock()) s->Resume();  // resumed before the pause is even returned
  });
  Connect(fake, stream);
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_EQ(handler->objects().size(), 4u);
  EXPECT_EQ(fake.GetStreamState(0).pauses, 0);
}

TEST(WatchStreamTest, StopEndsWithCancelledExactlyOnce) {
  FakeTransport fake;
  FakeStream script{Head(200), {JsonEvent("ADDED", 1)}, absl::OkStatus(), /*hold_open=*/true};
  fake.ExpectStream("", "", script);
  auto handler = std::make_shared<RecordingHandler>();
  std::shared_ptr<WatchStream> stream = Start(fake, handler);
  ASSERT_TRUE(handler->WaitForEvents(1));
  stream->Stop();
  stream->Stop();
  ASSERT_TRUE(handler->WaitForEnd());
  ASSERT_TRUE(fake.WaitForStreamEnded(0));
  EXPECT_EQ(handler->end().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(handler->ends(), 1);
  stream->Resume();  // harmless after the end
  EXPECT_EQ(handler->ends(), 1);
}

TEST(WatchStreamTest, StopFromInsideOnEventDeliversNothingMore) {
  std::string body;
  for (int i = 1; i <= 5; ++i) body += JsonEvent("ADDED", i);
  FakeTransport fake;
  fake.ExpectStream("", "", {Head(200), {body, JsonEvent("ADDED", 6)}, absl::OkStatus(), true});
  auto handler = std::make_shared<RecordingHandler>();
  auto stream = std::make_shared<WatchStream>(handler, WatchStreamOptions());
  std::weak_ptr<WatchStream> weak = stream;
  handler->SetOnEvent([weak](int n) {
    if (n == 2) {
      if (auto s = weak.lock()) s->Stop();
    }
  });
  Connect(fake, stream);
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_EQ(handler->end().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(handler->objects().size(), 2u);
}

// A Call that records what the stream asks of the transport, for driving a WatchStream by hand.
class RecordingCall : public transport::Call {
 public:
  void Cancel() override { ++cancels; }
  void Resume() override { ++resumes; }
  int cancels = 0;
  int resumes = 0;
};

TEST(WatchStreamTest, EndWaitsForHeldEventsWhilePaused) {
  auto handler = std::make_shared<RecordingHandler>(std::vector<int>{1});
  auto stream = std::make_shared<WatchStream>(handler, WatchStreamOptions());
  auto call = std::make_shared<RecordingCall>();
  stream->Attach(call);
  stream->OnHead(Head(200));
  EXPECT_FALSE(stream->OnBody(JsonEvent("ADDED", 1) + JsonEvent("ADDED", 2)));  // paused
  stream->OnEnd(absl::OkStatus());  // e.g. the server closed while we were paused
  EXPECT_EQ(handler->ends(), 0);
  EXPECT_EQ(handler->objects().size(), 1u);
  stream->Resume();
  EXPECT_EQ(handler->objects().size(), 2u);
  EXPECT_EQ(handler->ends(), 1);
  EXPECT_TRUE(handler->end().ok());
  EXPECT_EQ(call->resumes, 0);  // the exchange is over: nothing to resume
}

TEST(WatchStreamTest, ResumeRestartsTheTransportOnlyWhenTheQueueIsEmpty) {
  auto handler = std::make_shared<RecordingHandler>(std::vector<int>{1, 2});
  auto stream = std::make_shared<WatchStream>(handler, WatchStreamOptions());
  auto call = std::make_shared<RecordingCall>();
  stream->Attach(call);
  stream->OnHead(Head(200));
  EXPECT_FALSE(
      stream->OnBody(JsonEvent("ADDED", 1) + JsonEvent("ADDED", 2) + JsonEvent("ADDED", 3)));
  stream->Resume();  // delivers 2, which pauses again with 3 still held
  EXPECT_EQ(handler->objects().size(), 2u);
  EXPECT_EQ(call->resumes, 0);
  stream->Resume();  // delivers 3: the queue is empty, reading resumes
  EXPECT_EQ(handler->objects().size(), 3u);
  EXPECT_EQ(call->resumes, 1);
  EXPECT_TRUE(stream->OnBody(JsonEvent("ADDED", 4)));
  stream->OnEnd(absl::OkStatus());
  EXPECT_EQ(handler->ends(), 1);
}

TEST(WatchStreamTest, StopWhileEndIsHeldDeliversCancelled) {
  auto handler = std::make_shared<RecordingHandler>(std::vector<int>{1});
  auto stream = std::make_shared<WatchStream>(handler, WatchStreamOptions());
  auto call = std::make_shared<RecordingCall>();
  stream->Attach(call);
  stream->OnHead(Head(200));
  stream->OnBody(JsonEvent("ADDED", 1) + JsonEvent("ADDED", 2));
  stream->OnEnd(absl::OkStatus());
  stream->Stop();
  EXPECT_EQ(handler->ends(), 1);
  EXPECT_EQ(handler->end().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(handler->objects().size(), 1u);
}

TEST(WatchStreamTest, CallbacksBeforeAttachAreHandled) {
  // A transport may call back before Stream() returns: the stream must cope, and a cancel
  // requested then reaches the call once it is attached.
  auto handler = std::make_shared<RecordingHandler>();
  auto stream = std::make_shared<WatchStream>(handler, WatchStreamOptions());
  stream->OnHead(Head(200, "text/html"));  // unsupported: wants to cancel, no call yet
  auto call = std::make_shared<RecordingCall>();
  stream->Attach(call);
  EXPECT_EQ(call->cancels, 1);
  stream->OnEnd(absl::CancelledError("cancelled"));
  EXPECT_EQ(handler->end().code(), absl::StatusCode::kUnimplemented);
}

TEST(WatchStreamTest, ErrorBodyIsCapped) {
  WatchStreamOptions options;
  options.max_error_body_bytes = 10;
  auto handler = std::make_shared<RecordingHandler>();
  auto stream = std::make_shared<WatchStream>(handler, options);
  stream->Attach(std::make_shared<RecordingCall>());
  stream->OnHead(Head(500, "text/plain"));
  stream->OnBody("0123456789abcdefghij");
  stream->OnEnd(absl::OkStatus());
  std::optional<ApiStatus> api = GetApiStatus(handler->end());
  ASSERT_TRUE(api.has_value());
  EXPECT_EQ(api->details->causes[0].message, "0123456789");
}

TEST(WatchStreamTest, OnHeadHookSeesTheHead) {
  int seen = 0;
  WatchStreamOptions options;
  options.on_head = [&seen](const transport::ResponseHead& head) { seen = head.status; };
  auto handler = std::make_shared<RecordingHandler>();
  auto stream = std::make_shared<WatchStream>(handler, options);
  stream->Attach(std::make_shared<RecordingCall>());
  stream->OnHead(Head(200));
  EXPECT_EQ(seen, 200);
  EXPECT_EQ(handler->started(), 1);
  stream->OnEnd(absl::OkStatus());
}

}  // namespace
}  // namespace kube::rest
