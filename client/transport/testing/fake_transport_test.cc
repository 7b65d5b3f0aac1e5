#include "client/transport/testing/fake_transport.h"

#include <atomic>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "base/sync.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::transport::testing {
namespace {

using ::testing::ElementsAre;

Request Get(std::string target) {
  Request r;
  r.method = "GET";
  r.target = std::move(target);
  return r;
}

TEST(FakeTransportTest, AnswersExpectationsInOrderAndRecordsRequests) {
  FakeTransport fake;
  fake.ExpectRoundTrip("GET", "/a", FakeTransport::MakeResponse(200, "A"));
  fake.ExpectRoundTrip("", "", absl::UnavailableError("connection reset by peer"));
  absl::StatusOr<Response> a = fake.RoundTrip(Get("/a"));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->head.status, 200);
  EXPECT_EQ(a->body, "A");
  EXPECT_EQ(fake.RoundTrip(Get("/anything")).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(fake.AllExpectationsMet());
  std::vector<Request> requests = fake.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].target, "/anything");
  EXPECT_EQ(fake.BaseUrl(), "https://fake.invalid:6443");
}

TEST(FakeTransportTest, UnexpectedRequestsFailAndAreListed) {
  FakeTransport fake;
  EXPECT_EQ(fake.RoundTrip(Get("/x")).status().code(), absl::StatusCode::kInternal);
  fake.ExpectRoundTrip("POST", "/y", FakeTransport::MakeResponse(201, ""));
  EXPECT_EQ(fake.RoundTrip(Get("/y")).status().code(), absl::StatusCode::kInternal);
  EXPECT_FALSE(fake.AllExpectationsMet());
  EXPECT_EQ(fake.Failures().size(), 2u);
  EXPECT_EQ(fake.PendingExpectations(), 1u);
}

TEST(FakeTransportTest, FallbackAnswersWhenTheQueueIsEmpty) {
  FakeTransport fake;
  fake.SetFallback([](const Request& r) { return FakeTransport::MakeResponse(200, r.target); });
  fake.ExpectRoundTrip("", "", FakeTransport::MakeResponse(500, "first"));
  EXPECT_EQ(fake.RoundTrip(Get("/1"))->body, "first");
  EXPECT_EQ(fake.RoundTrip(Get("/2"))->body, "/2");
  EXPECT_TRUE(fake.AllExpectationsMet());
}

// Records what a stream delivers; can pause after a chosen number of chunks.
class Recorder : public StreamHandler {
 public:
  explicit Recorder(int pause_after = -1) : pause_after_(pause_after) {}
  void OnHead(const ResponseHead& head) override {
    MutexLock lock(&mu_);
    status_ = head.status;
  }
  bool OnBody(absl::string_view data) override {
    MutexLock lock(&mu_);
    chunks_.emplace_back(data);
    return static_cast<int>(chunks_.size()) != pause_after_;
  }
  void OnEnd(const absl::Status& status) override {
    MutexLock lock(&mu_);
    end_ = status;
    ++ends_;
  }
  std::vector<std::string> chunks() {
    MutexLock lock(&mu_);
    return chunks_;
  }
  int ends() {
    MutexLock lock(&mu_);
    return ends_;
  }
  absl::Status end() {
    MutexLock lock(&mu_);
    return end_;
  }
  int head_status() {
    MutexLock lock(&mu_);
    return status_;
  }

 private:
  absl::Mutex mu_;
  const int pause_after_;
  int status_ = 0;
  std::vector<std::string> chunks_;
  absl::Status end_;
  int ends_ = 0;
};

TEST(FakeTransportTest, StreamDeliversChunksThenEnds) {
  FakeTransport fake;
  fake.ExpectStream("GET", "/w", {FakeTransport::MakeHead(200), {"ab", "c"}, absl::OkStatus()});
  auto recorder = std::make_shared<Recorder>();
  std::shared_ptr<Call> call = fake.Stream(Get("/w"), recorder);
  ASSERT_TRUE(fake.WaitForStreamEnded(0));
  EXPECT_EQ(recorder->head_status(), 200);
  EXPECT_THAT(recorder->chunks(), ElementsAre("ab", "c"));
  EXPECT_EQ(recorder->ends(), 1);
  EXPECT_TRUE(recorder->end().ok());
}

TEST(FakeTransportTest, StreamPausesUntilResumed) {
  FakeTransport fake;
  fake.ExpectStream("", "", {FakeTransport::MakeHead(200), {"1", "2", "3"}, absl::OkStatus()});
  auto recorder = std::make_shared<Recorder>(/*pause_after=*/1);
  std::shared_ptr<Call> call = fake.Stream(Get("/w"), recorder);
  ASSERT_TRUE(fake.WaitForStreamPaused(0));
  EXPECT_THAT(recorder->chunks(), ElementsAre("1"));
  EXPECT_EQ(fake.GetStreamState(0).pauses, 1);
  absl::SleepFor(absl::Milliseconds(20));  // a paused stream stays paused
  EXPECT_THAT(recorder->chunks(), ElementsAre("1"));
  call->Resume();
  ASSERT_TRUE(fake.WaitForStreamEnded(0));
  EXPECT_THAT(recorder->chunks(), ElementsAre("1", "2", "3"));
  EXPECT_EQ(fake.GetStreamState(0).resumes, 1);
}

TEST(FakeTransportTest, HeldOpenStreamEndsCancelledOnCancel) {
  FakeTransport fake;
  FakeStream script{FakeTransport::MakeHead(200), {"x"}, absl::OkStatus(), /*hold_open=*/true};
  fake.ExpectStream("", "", script);
  auto recorder = std::make_shared<Recorder>();
  std::shared_ptr<Call> call = fake.Stream(Get("/w"), recorder);
  ASSERT_TRUE(fake.WaitForStreamDelivered(0, 1));
  EXPECT_FALSE(fake.GetStreamState(0).ended);
  call->Cancel();
  ASSERT_TRUE(fake.WaitForStreamEnded(0));
  EXPECT_EQ(recorder->end().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(recorder->ends(), 1);
}

TEST(FakeTransportTest, StreamFailingBeforeTheHead) {
  FakeTransport fake;
  fake.ExpectStream("", "", {FakeTransport::MakeHead(0), {}, absl::UnavailableError("refused")});
  auto recorder = std::make_shared<Recorder>();
  fake.Stream(Get("/w"), recorder);
  ASSERT_TRUE(fake.WaitForStreamEnded(0));
  EXPECT_EQ(recorder->head_status(), 0);
  EXPECT_EQ(recorder->end().code(), absl::StatusCode::kUnavailable);
}

TEST(FakeTransportTest, DestructionCancelsOpenStreams) {
  auto recorder = std::make_shared<Recorder>();
  {
    FakeTransport fake;
    fake.ExpectStream("", "", {FakeTransport::MakeHead(200), {}, absl::OkStatus(), true});
    fake.Stream(Get("/w"), recorder);
  }
  EXPECT_EQ(recorder->ends(), 1);
  EXPECT_EQ(recorder->end().code(), absl::StatusCode::kCancelled);
}

TEST(FakeTransportTest, ChunkHelpersCoverTheInput) {
  EXPECT_THAT(FakeTransport::Chunk("abcdefg", 3), ElementsAre("abc", "def", "g"));
  const std::string data(1000, 'q');
  for (uint32_t seed = 0; seed < 10; ++seed) {
    std::vector<std::string> chunks = FakeTransport::RandomChunks(data, seed, 17);
    EXPECT_EQ(absl::StrJoin(chunks, ""), data);
    for (const std::string& c : chunks) {
      EXPECT_GE(c.size(), 1u);
      EXPECT_LE(c.size(), 17u);
    }
  }
}

}  // namespace
}  // namespace kube::transport::testing
