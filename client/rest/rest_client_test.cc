#include "client/rest/rest_client.h"

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "base/sync.h"
#include "base/testing/fake_clock.h"
#include "client/rest/status.h"
#include "client/transport/testing/fake_transport.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::rest {
namespace {

using kube::testing::FakeClock;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using transport::testing::FakeStream;
using transport::testing::FakeTransport;

const char kNotFound[] = R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                         R"("message":"configmaps \"x\" not found","reason":"NotFound",)"
                         R"("details":{"name":"x","kind":"configmaps"},"code":404})";

transport::Response Reply(int status, std::string body = "{}",
                          transport::Headers headers = {{"Content-Type", "application/json"}}) {
  return FakeTransport::MakeResponse(status, std::move(body), std::move(headers));
}

transport::Response RetryAfter(int status, absl::string_view seconds) {
  return Reply(status, "busy",
               {{"Content-Type", "text/plain"}, {"Retry-After", std::string(seconds)}});
}

class RecordingMetrics : public RestMetrics {
 public:
  void ObserveRequestLatency(const RequestLabels& l, absl::Duration d) override {
    Add(absl::StrCat("latency ", l.verb, " ", l.host, " ", l.path_template, " ",
                     absl::FormatDuration(d)));
  }
  void IncrementRequestResult(const RequestLabels& l, absl::string_view code) override {
    Add(absl::StrCat("result ", l.verb, " ", code));
  }
  void IncrementRequestRetry(const RequestLabels& l, absl::string_view code) override {
    Add(absl::StrCat("retry ", l.verb, " ", code));
  }
  void ObserveRateLimiterLatency(const RequestLabels& l, absl::Duration d) override {
    Add(absl::StrCat("limiter ", absl::FormatDuration(d)));
  }
  std::vector<std::string> events() {
    MutexLock lock(&mu_);
    return events_;
  }

 private:
  void Add(std::string e) {
    MutexLock lock(&mu_);
    events_.push_back(std::move(e));
  }
  absl::Mutex mu_;
  std::vector<std::string> events_;
};

// Runs Do() on its own thread, for requests that sleep on the fake clock.
class AsyncDo {
 public:
  explicit AsyncDo(Request request)
      : thread_([this, request = std::move(request)] {
          absl::StatusOr<Result> r = request.Do();
          MutexLock lock(&mu_);
          result_ = std::move(r);
        }) {}
  ~AsyncDo() {
    if (thread_.joinable()) thread_.join();
  }
  absl::StatusOr<Result> Wait() {
    thread_.join();
    MutexLock lock(&mu_);
    return *result_;
  }
  bool done() {
    MutexLock lock(&mu_);
    return result_.has_value();
  }

 private:
  absl::Mutex mu_;
  std::optional<absl::StatusOr<Result>> result_;
  std::thread thread_;
};

class RestClientTest : public ::testing::Test {
 protected:
  // qps < 0 turns client-side limiting off, so requests never sleep unless a test wants it.
  std::shared_ptr<RestClient> NewClient(double qps = -1, int burst = 0,
                                        absl::Duration timeout = absl::ZeroDuration(),
                                        std::string host = "https://fake.invalid:6443") {
    RestClientOptions options;
    options.config.host = std::move(host);
    options.config.qps = qps;
    options.config.burst = burst;
    options.config.timeout = timeout;
    options.clock = &clock_;
    options.metrics = metrics_;
    options.warning_handler = [this](const Warning& w) {
      MutexLock lock(&mu_);
      warnings_.push_back(w.text);
    };
    absl::StatusOr<std::shared_ptr<RestClient>> client = RestClient::Create(fake_, options);
    EXPECT_TRUE(client.ok()) << client.status();
    return *client;
  }
  std::vector<std::string> warnings() {
    MutexLock lock(&mu_);
    return warnings_;
  }
  void ExpectAllMet() {
    EXPECT_TRUE(fake_->AllExpectationsMet()) << absl::StrJoin(fake_->Failures(), "\n");
  }

  FakeClock clock_;
  std::shared_ptr<FakeTransport> fake_ = std::make_shared<FakeTransport>();
  std::shared_ptr<RecordingMetrics> metrics_ = std::make_shared<RecordingMetrics>();
  absl::Mutex mu_;
  std::vector<std::string> warnings_;
};

TEST_F(RestClientTest, GetSendsPrefixedPathAndAccept) {
  auto client = NewClient(-1, 0, absl::ZeroDuration(), "https://h:6443/prefix/");
  EXPECT_EQ(client->PathPrefix(), "/prefix");
  fake_->ExpectRoundTrip("GET", "/prefix/api/v1/namespaces/ns/configmaps/x",
                         Reply(200, "{\"a\":1}"));
  absl::StatusOr<Result> r = client->Get().Namespace("ns").Resource("configmaps").Name("x").Do();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status_code, 200);
  EXPECT_EQ(r->body, "{\"a\":1}");
  EXPECT_EQ(r->content_type, "application/json");
  EXPECT_FALSE(r->WasCreated());
  ExpectAllMet();
  transport::Request sent = fake_->Requests().at(0);
  EXPECT_EQ(transport::FindHeader(sent.headers, "Accept"), "application/json");
  EXPECT_EQ(transport::FindHeader(sent.headers, "Content-Type"), std::nullopt);
  EXPECT_EQ(transport::FindHeader(sent.headers, "User-Agent"), std::nullopt);  // transport's job
  EXPECT_EQ(sent.timeout, absl::InfiniteDuration());
}

TEST_F(RestClientTest, PostSendsBodyContentTypeAndCustomHeaders) {
  auto client = NewClient();
  fake_->ExpectRoundTrip("POST", "/apis/apps/v1/namespaces/ns/deployments?dryRun=All",
                         Reply(201, "{}"));
  absl::StatusOr<Result> r = client->Post()
                                 .GroupVersion("apps", "v1")
                                 .Namespace("ns")
                                 .Resource("deployments")
                                 .Param("dryRun", "All")
                                 .Body(R"({"kind":"Deployment"})", "application/json")
                                 .Accept("application/vnd.kubernetes.protobuf, application/json")
                                 .Header("X-Request-Id", "7")
                                 .Do();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->WasCreated());
  ExpectAllMet();
  transport::Request sent = fake_->Requests().at(0);
  EXPECT_EQ(sent.body, R"({"kind":"Deployment"})");
  EXPECT_EQ(transport::FindHeader(sent.headers, "Content-Type"), "application/json");
  EXPECT_EQ(transport::FindHeader(sent.headers, "Accept"),
            "application/vnd.kubernetes.protobuf, application/json");
  EXPECT_EQ(transport::FindHeader(sent.headers, "X-Request-Id"), "7");
}

TEST_F(RestClientTest, TimeoutIsSentAndBoundsTheTransport) {
  auto client = NewClient(-1, 0, absl::Seconds(30));
  fake_->ExpectRoundTrip("GET", "/api/v1/pods?timeout=30s", Reply(200));
  fake_->ExpectRoundTrip("GET", "/api/v1/pods?timeout=1500ms", Reply(200));
  ASSERT_TRUE(client->Get().Resource("pods").Do().ok());
  ASSERT_TRUE(client->Get().Resource("pods").Timeout(absl::Milliseconds(1500)).Do().ok());
  ExpectAllMet();
  EXPECT_EQ(fake_->Requests().at(0).timeout, absl::Seconds(30));
  EXPECT_EQ(fake_->Requests().at(1).timeout, absl::Milliseconds(1500));
}

TEST_F(RestClientTest, ErrorResponsesBecomeStatuses) {
  auto client = NewClient();
  fake_->ExpectRoundTrip("", "", Reply(404, kNotFound));
  absl::StatusOr<Result> r = client->Get().Namespace("ns").Resource("configmaps").Name("x").Do();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(rest::IsNotFound(r.status()));
  EXPECT_EQ(r.status().message(), "configmaps \"x\" not found");
  EXPECT_EQ(GetApiStatus(r.status())->details->name, "x");
}

TEST_F(RestClientTest, BuilderErrorsSendNothing) {
  auto client = NewClient();
  absl::StatusOr<Result> r = client->Get().Resource("configmaps").Name("a/b").Do();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(fake_->RequestCount(), 0u);
}

TEST_F(RestClientTest, TooManyRequestsWithRetryAfterIsRetriedAfterTheDelay) {
  auto client = NewClient();
  fake_->ExpectRoundTrip("GET", "/api/v1/pods", RetryAfter(429, "2"));
  fake_->ExpectRoundTrip("GET", "/api/v1/pods", Reply(200, "ok"));
  const absl::Time start = clock_.Now();
  AsyncDo call(client->Get().Resource("pods"));
  ASSERT_TRUE(clock_.BlockUntilWaiters(1));
  EXPECT_EQ(clock_.NextDeadline(), start + absl::Seconds(2));
  EXPECT_EQ(fake_->RequestCount(), 1u);
  clock_.Advance(absl::Milliseconds(1999));
  EXPECT_EQ(fake_->RequestCount(), 1u);
  clock_.Advance(absl::Milliseconds(1));
  absl::StatusOr<Result> r = call.Wait();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, "ok");
  ExpectAllMet();
  EXPECT_THAT(metrics_->events(),
              ElementsAre("limiter 0", "result GET 429", "retry GET 429", "limiter 0",
                          "result GET 200", "latency GET fake.invalid:6443 /api/v1/pods 2s"));
}

TEST_F(RestClientTest, ServerErrorsWithRetryAfterAreRetriedUpToMaxRetries) {
  RestClientOptions options;
  options.config.qps = -1;
  options.clock = &clock_;
  options.max_retries = 3;
  auto client = *RestClient::Create(fake_, options);
  for (int i = 0; i < 4; ++i) fake_->ExpectRoundTrip("", "", RetryAfter(503, "1"));
  AsyncDo call(client->Get().Resource("pods"));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(clock_.BlockUntilWaiters(1));
    clock_.Advance(absl::Seconds(1));
  }
  absl::StatusOr<Result> r = call.Wait();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(rest::IsServiceUnavailable(r.status()));
  EXPECT_THAT(r.status().message(), HasSubstr("(after 3 retries)"));
  EXPECT_EQ(SuggestedRetryDelay(r.status()), absl::Seconds(1));
  EXPECT_EQ(fake_->RequestCount(), 4u);
  ExpectAllMet();
}

TEST_F(RestClientTest, PerRequestMaxRetriesZeroDisablesRetries) {
  auto client = NewClient();
  fake_->ExpectRoundTrip("", "", RetryAfter(429, "1"));
  absl::StatusOr<Result> r = client->Get().Resource("pods").MaxRetries(0).Do();
  EXPECT_TRUE(rest::IsTooManyRequests(r.status()));
  EXPECT_THAT(r.status().message(), ::testing::Not(HasSubstr("retr")));
  ExpectAllMet();
}

TEST_F(RestClientTest, ErrorsWithoutRetryAfterAreNotRetried) {
  auto client = NewClient();
  fake_->ExpectRoundTrip("", "", Reply(500, "oops", {}));
  fake_->ExpectRoundTrip("", "", Reply(429, "slow", {}));
  fake_->ExpectRoundTrip("", "", Reply(409, "{}", {{"Retry-After", "1"}}));  // not 429/5xx
  EXPECT_EQ(client->Get().Resource("a").Do().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(client->Get().Resource("b").Do().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(client->Get().Resource("c").Do().status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(fake_->RequestCount(), 3u);
  ExpectAllMet();
}

TEST_F(RestClientTest, RetryAfterRetriesEveryVerbWithTheSameBody) {
  auto client = NewClient();
  fake_->ExpectRoundTrip("POST", "/api/v1/namespaces/ns/configmaps", RetryAfter(429, "0"));
  fake_->ExpectRoundTrip("POST", "/api/v1/namespaces/ns/configmaps", Reply(201));
  absl::StatusOr<Result> r = client->Post()
                                 .Namespace("ns")
                                 .Resource("configmaps")
                                 .Body("{\"x\":1}", "application/json")
                                 .Do();
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<transport::Request> sent = fake_->Requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].body, "{\"x\":1}");
  ExpectAllMet();
}

TEST_F(RestClientTest, BrokenConnectionsAreRetriedForGetOnly) {
  auto client = NewClient();
  fake_->ExpectRoundTrip("GET", "", absl::UnavailableError("read: connection reset by peer"));
  fake_->ExpectRoundTrip("GET", "", Reply(200));
  AsyncDo get(client->Get().Resource("pods"));
  ASSERT_TRUE(clock_.BlockUntilWaiters(1));
  EXPECT_EQ(clock_.NextDeadline(), clock_.Now() + absl::Seconds(1));
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(get.Wait().ok());

  fake_->ExpectRoundTrip("POST", "", absl::UnavailableError("connection reset by peer"));
  absl::StatusOr<Result> post = client->Post().Resource("pods").Body("{}", "application/json").Do();
  EXPECT_EQ(post.status().code(), absl::StatusCode::kUnavailable);

  fake_->ExpectRoundTrip("GET", "", absl::UnavailableError("connect: connection refused"));
  EXPECT_EQ(client->Get().Resource("pods").Do().status().code(), absl::StatusCode::kUnavailable);

  fake_->ExpectRoundTrip("GET", "", absl::DeadlineExceededError("timeout"));
  EXPECT_EQ(client->Get().Resource("pods").Do().status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(fake_->RequestCount(), 5u);
  ExpectAllMet();
}

TEST_F(RestClientTest, NoRetryThatWouldOutliveTheTimeout) {
  auto client = NewClient(-1, 0, absl::Seconds(5));
  fake_->ExpectRoundTrip("", "", RetryAfter(429, "10"));
  absl::StatusOr<Result> r = client->Get().Resource("pods").Do();
  EXPECT_TRUE(rest::IsTooManyRequests(r.status()));
  EXPECT_EQ(fake_->RequestCount(), 1u);
  EXPECT_FALSE(clock_.HasWaiters());
}

TEST_F(RestClientTest, RateLimiterSpacesRequests) {
  auto client = NewClient(/*qps=*/2, /*burst=*/1);
  fake_->SetFallback([](const transport::Request&) { return Reply(200); });
  const absl::Time start = clock_.Now();
  ASSERT_TRUE(client->Get().Resource("pods").Do().ok());  // the burst token
  AsyncDo second(client->Get().Resource("pods"));
  ASSERT_TRUE(clock_.BlockUntilWaiters(1));
  EXPECT_EQ(clock_.NextDeadline(), start + absl::Milliseconds(500));
  EXPECT_EQ(fake_->RequestCount(), 1u);
  clock_.Advance(absl::Milliseconds(500));
  ASSERT_TRUE(second.Wait().ok());
  EXPECT_EQ(fake_->RequestCount(), 2u);
  EXPECT_THAT(metrics_->events(), ::testing::Contains("limiter 500ms"));
}

TEST_F(RestClientTest, EveryRetryPassesThroughTheRateLimiter) {
  auto client = NewClient(/*qps=*/1, /*burst=*/1);
  fake_->ExpectRoundTrip("", "", RetryAfter(429, "0"));
  fake_->ExpectRoundTrip("", "", Reply(200));
  const absl::Time start = clock_.Now();
  AsyncDo call(client->Get().Resource("pods"));
  // Retry-After 0 sleeps for nothing; the limiter then holds the retry for a second.
  ASSERT_TRUE(clock_.BlockUntilWaiters(1));
  EXPECT_EQ(clock_.NextDeadline(), start + absl::Seconds(1));
  EXPECT_EQ(fake_->RequestCount(), 1u);
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(call.Wait().ok());
  ExpectAllMet();
}

TEST_F(RestClientTest, RateLimiterWaitPastTheTimeoutFails) {
  auto client = NewClient(/*qps=*/0.1, /*burst=*/1, /*timeout=*/absl::Seconds(5));
  fake_->SetFallback([](const transport::Request&) { return Reply(200); });
  ASSERT_TRUE(client->Get().Resource("pods").Do().ok());
  absl::StatusOr<Result> r = client->Get().Resource("pods").Do();  // next token in 10 s
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(r.status().message(), HasSubstr("rate limiter"));
  EXPECT_EQ(fake_->RequestCount(), 1u);
}

TEST_F(RestClientTest, SharedRateLimiterAcrossClients) {
  std::shared_ptr<RateLimiter> shared = *RateLimiterForConfig(1, 1, &clock_);
  RestClientOptions options;
  options.clock = &clock_;
  options.rate_limiter = shared;
  auto a = *RestClient::Create(fake_, options);
  auto b = *RestClient::Create(fake_, options);
  fake_->SetFallback([](const transport::Request&) { return Reply(200); });
  ASSERT_TRUE(a->Get().Resource("pods").Do().ok());
  AsyncDo second(b->Get().Resource("pods"));
  ASSERT_TRUE(clock_.BlockUntilWaiters(1));  // b waits for the token a took
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(second.Wait().ok());
  EXPECT_EQ(&a->rate_limiter(), &b->rate_limiter());
}

TEST_F(RestClientTest, WarningsReachTheHandlerAndTheResult) {
  auto client = NewClient();
  fake_->ExpectRoundTrip("", "",
                         Reply(200, "{}",
                               {{"Warning", R"(299 - "v1beta1 is deprecated")"},
                                {"warning", R"(299 - "unknown field \"spec.x\"", 299 - "two")"},
                                {"Warning", "not a warning"}}));
  absl::StatusOr<Result> r = client->Get().Resource("pods").Do();
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(warnings(), ElementsAre("v1beta1 is deprecated", "unknown field \"spec.x\"", "two"));
  ASSERT_EQ(r->warnings.size(), 3u);
  EXPECT_EQ(r->warnings[0], (Warning{299, "-", "v1beta1 is deprecated"}));
  // Failed responses warn too.
  fake_->ExpectRoundTrip("", "", Reply(404, kNotFound, {{"Warning", R"(299 - "on error")"}}));
  EXPECT_FALSE(client->Get().Resource("pods").Do().ok());
  EXPECT_EQ(warnings().back(), "on error");
}

TEST_F(RestClientTest, CreateRejectsBadOptions) {
  RestClientOptions bad_burst;
  bad_burst.config.qps = 5;
  bad_burst.config.burst = -1;
  EXPECT_FALSE(RestClient::Create(fake_, bad_burst).ok());
  RestClientOptions bad_host;
  bad_host.config.host = "https://h/a/../b";
  EXPECT_FALSE(RestClient::Create(fake_, bad_host).ok());
  RestClientOptions query_host;
  query_host.config.host = "https://h/a?x=1";
  EXPECT_FALSE(RestClient::Create(fake_, query_host).ok());
  EXPECT_FALSE(RestClient::Create(nullptr, RestClientOptions()).ok());
  RestClientOptions negative_retries;
  negative_retries.max_retries = -1;
  EXPECT_FALSE(RestClient::Create(fake_, negative_retries).ok());
}

TEST(PathPrefixOfTest, Forms) {
  EXPECT_EQ(*PathPrefixOf("https://h:6443"), "");
  EXPECT_EQ(*PathPrefixOf("https://h:6443/"), "");
  EXPECT_EQ(*PathPrefixOf("https://h/a/b/"), "/a/b");
  EXPECT_EQ(*PathPrefixOf("h:1/x"), "/x");
  EXPECT_EQ(*PathPrefixOf(""), "");
}

TEST(IsBrokenConnectionTest, Messages) {
  EXPECT_TRUE(IsBrokenConnection(absl::UnavailableError("read: Connection reset by peer")));
  EXPECT_TRUE(IsBrokenConnection(absl::UnavailableError("write: broken pipe")));
  EXPECT_TRUE(IsBrokenConnection(
      absl::UnavailableError("the server closed the connection before any response")));
  EXPECT_TRUE(IsBrokenConnection(absl::UnavailableError("unexpected EOF")));
  EXPECT_TRUE(IsBrokenConnection(absl::UnavailableError("read: End of file")));
  EXPECT_TRUE(IsBrokenConnection(absl::UnavailableError("read: stream truncated")));
  EXPECT_FALSE(IsBrokenConnection(absl::UnavailableError("dial h:1: connection timed out")));
  EXPECT_FALSE(IsBrokenConnection(absl::UnavailableError("connect: connection refused")));
  EXPECT_FALSE(IsBrokenConnection(absl::DataLossError("connection reset")));
}

// ---- watches ----------------------------------------------------------------------------------

class CollectingHandler : public WatchHandler {
 public:
  bool OnEvent(WatchEvent event) override {
    MutexLock lock(&mu_);
    objects_.push_back(event.object);
    return true;
  }
  void OnEnd(const absl::Status& status) override {
    MutexLock lock(&mu_);
    end_ = status;
  }
  bool WaitForEnd() {
    MutexLock lock(&mu_);
    auto ended = [this]() { return end_.has_value(); };
    return AwaitConditionWithDeadline(mu_, absl::Condition(&ended),
                                      absl::Now() + absl::Seconds(30));
  }
  absl::Status end() {
    MutexLock lock(&mu_);
    return end_.value_or(absl::UnknownError("not ended"));
  }
  std::vector<std::string> objects() {
    MutexLock lock(&mu_);
    return objects_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> objects_;
  std::optional<absl::Status> end_;
};

TEST_F(RestClientTest, WatchAddsWatchParamIgnoresConfigTimeoutAndDeliversEvents) {
  auto client = NewClient(-1, 0, absl::Seconds(30), "https://h/p");
  fake_->ExpectStream(
      "GET", "/p/api/v1/namespaces/ns/configmaps?resourceVersion=5&watch=1",
      {FakeTransport::MakeHead(
           200, {{"Content-Type", "application/json"}, {"Warning", R"(299 - "watch warning")"}}),
       {R"({"type":"ADDED","object":{"a":1}})", "\n", R"({"type":"DELETED","object":{"a":2}})"}});
  auto handler = std::make_shared<CollectingHandler>();
  absl::StatusOr<std::shared_ptr<WatchCall>> call = client->Get()
                                                        .Namespace("ns")
                                                        .Resource("configmaps")
                                                        .Param("resourceVersion", "5")
                                                        .Watch(handler);
  ASSERT_TRUE(call.ok()) << call.status();
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_TRUE(handler->end().ok()) << handler->end();
  EXPECT_THAT(handler->objects(), ElementsAre(R"({"a":1})", R"({"a":2})"));
  ExpectAllMet();
  transport::Request sent = fake_->Requests().at(0);
  EXPECT_EQ(sent.timeout, absl::InfiniteDuration());
  EXPECT_EQ(transport::FindHeader(sent.headers, "Accept"), "application/json");
  EXPECT_THAT(warnings(), ElementsAre("watch warning"));
  EXPECT_THAT(metrics_->events(), ::testing::Contains("result WATCH 200"));
}

TEST_F(RestClientTest, WatchesAreNeitherRateLimitedNorRetried) {
  auto client = NewClient(/*qps=*/1, /*burst=*/1);
  fake_->ExpectRoundTrip("", "", Reply(200));
  ASSERT_TRUE(client->Get().Resource("pods").Do().ok());  // the only token is gone
  fake_->ExpectStream("", "",
                      {FakeTransport::MakeHead(503, {{"Retry-After", "1"}}), {"unavailable"}});
  auto handler = std::make_shared<CollectingHandler>();
  ASSERT_TRUE(client->Get().Resource("pods").Param("watch", "true").Watch(handler).ok());
  ASSERT_TRUE(handler->WaitForEnd());  // no clock advance was needed
  EXPECT_EQ(handler->end().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(fake_->RequestCount(), 2u);
  EXPECT_EQ(fake_->Requests().at(1).target, "/api/v1/pods?watch=true");
  ExpectAllMet();
}

TEST_F(RestClientTest, WatchRejectsBuilderErrorsAndOtherVerbs) {
  auto client = NewClient();
  auto handler = std::make_shared<CollectingHandler>();
  EXPECT_EQ(client->Get().Resource("a/b").Watch(handler).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client->Post().Resource("pods").Watch(handler).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client->Get().Resource("pods").Watch(nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(fake_->RequestCount(), 0u);
}

TEST_F(RestClientTest, WatchStopCancelsTheStream) {
  auto client = NewClient();
  fake_->ExpectStream("", "",
                      {FakeTransport::MakeHead(200, {{"Content-Type", "application/json"}}),
                       {},
                       absl::OkStatus(),
                       /*hold_open=*/true});
  auto handler = std::make_shared<CollectingHandler>();
  absl::StatusOr<std::shared_ptr<WatchCall>> call =
      client->Get().Resource("pods").Timeout(absl::Minutes(5)).Watch(handler);
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(fake_->Requests().at(0).timeout, absl::Minutes(5));
  EXPECT_EQ(fake_->Requests().at(0).target, "/api/v1/pods?timeout=300s&watch=1");
  (*call)->Stop();
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_EQ(handler->end().code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(fake_->WaitForStreamEnded(0));
}

TEST_F(RestClientTest, DoStreamHandsTheBodyOverChunkByChunk) {
  auto client = NewClient();
  fake_->ExpectStream(
      "GET", "/api/v1/pods",
      {FakeTransport::MakeHead(200, {{"Content-Type", "application/x"}}), {"ab", "c", "def"}});
  std::vector<std::string> chunks;
  absl::StatusOr<Result> result =
      client->Get().Resource("pods").DoStream([&](absl::string_view type, absl::string_view c) {
        EXPECT_EQ(type, "application/x");
        chunks.emplace_back(c);
        return absl::OkStatus();
      });
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->status_code, 200);
  EXPECT_EQ(result->content_type, "application/x");
  EXPECT_TRUE(result->body.empty());
  EXPECT_EQ(absl::StrJoin(chunks, ""), "abcdef");
  ExpectAllMet();
}

TEST_F(RestClientTest, DoStreamErrorStatusIsNotStreamed) {
  auto client = NewClient();
  fake_->ExpectStream(
      "", "",
      {FakeTransport::MakeHead(404, {{"Content-Type", "application/json"}}),
       {R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404})"}});
  int calls = 0;
  absl::StatusOr<Result> result =
      client->Get().Resource("pods").DoStream([&](absl::string_view, absl::string_view) {
        ++calls;
        return absl::OkStatus();
      });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound) << result.status();
  EXPECT_EQ(calls, 0);
}

TEST_F(RestClientTest, DoStreamSinkErrorCancelsAndIsReturned) {
  auto client = NewClient();
  fake_->ExpectStream("", "",
                      {FakeTransport::MakeHead(200, {{"Content-Type", "application/x"}}),
                       {"bad"},
                       absl::OkStatus(),
                       /*hold_open=*/true});
  absl::StatusOr<Result> result = client->Get().Resource("pods").DoStream(
      [&](absl::string_view, absl::string_view) { return absl::DataLossError("sink refuses"); });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(fake_->WaitForStreamEnded(0));
}

TEST_F(RestClientTest, DoStreamDoesNotRetryAfterBodyBytesWereDelivered) {
  auto client = NewClient();
  fake_->ExpectStream("", "",
                      {FakeTransport::MakeHead(200, {{"Content-Type", "application/x"}}),
                       {"part"},
                       absl::UnavailableError("connection reset by peer")});
  std::string got;
  absl::StatusOr<Result> result =
      client->Get().Resource("pods").DoStream([&](absl::string_view, absl::string_view c) {
        got.append(c.data(), c.size());
        return absl::OkStatus();
      });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(got, "part");
  EXPECT_EQ(fake_->RequestCount(), 1u);
}

}  // namespace
}  // namespace kube::rest
