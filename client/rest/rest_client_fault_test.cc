// RestClient over the real HTTP transport against an in-process fake server: the faults the real
// apiserver will not produce on demand (429 storms with and without a Status body, 5xx with
// Retry-After, events split across chunks, oversized frames, stalled streams), end to end
// through sockets, HTTP framing and the rest layer's retry and watch logic.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "base/cancellation.h"
#include "base/sync.h"
#include "client/config/rest_config.h"
#include "client/rest/rest_client.h"
#include "client/rest/status.h"
#include "client/rest/watch_stream.h"
#include "client/transport/http_transport.h"
#include "client/transport/testing/fake_http_server.h"
#include "gtest/gtest.h"

namespace kube::rest {
namespace {

using transport::testing::Chunk;
using transport::testing::ChunkedResponseHead;
using transport::testing::FakeConnection;
using transport::testing::FakeHttpServer;
using transport::testing::HttpResponse;
using transport::testing::LastChunk;

constexpr char kConfigMap[] =
    R"({"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","namespace":"default"}})";
constexpr char kTooManyRequestsStatus[] =
    R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"slow down",)"
    R"("reason":"TooManyRequests","details":{"retryAfterSeconds":1},"code":429})";

// Scripted serves the i-th request (counted across connections) with replies[i].
class Scripted {
 public:
  explicit Scripted(std::vector<std::string> replies) : replies_(std::move(replies)) {}

  void Serve(FakeConnection& connection) {
    while (std::optional<transport::testing::FakeRequest> request = connection.ReadRequest()) {
      int index = served_.fetch_add(1);
      if (index >= static_cast<int>(replies_.size())) {
        connection.Write(HttpResponse(500, "unexpected request"));
        return;
      }
      if (!connection.Write(replies_[index])) return;
    }
  }
  int served() const { return served_.load(); }

 private:
  const std::vector<std::string> replies_;
  std::atomic<int> served_{0};
};

struct Client {
  std::unique_ptr<FakeHttpServer> server;
  std::shared_ptr<RestClient> rest;
};

Client Connect(std::function<void(FakeConnection&)> handler, int max_retries = kDefaultMaxRetries) {
  Client client;
  absl::StatusOr<std::unique_ptr<FakeHttpServer>> server =
      FakeHttpServer::Start(std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status();
  if (!server.ok()) return client;
  client.server = *std::move(server);
  config::RestConfig config;
  config.host = client.server->url();
  config.qps = -1;  // no client-side limit: the test is about retries
  absl::StatusOr<std::shared_ptr<transport::Transport>> transport =
      transport::NewHttpTransport(config);
  EXPECT_TRUE(transport.ok()) << transport.status();
  if (!transport.ok()) return client;
  absl::StatusOr<std::shared_ptr<RestClient>> rest =
      RestClient::Create(*transport, {.config = config, .max_retries = max_retries});
  EXPECT_TRUE(rest.ok()) << rest.status();
  if (rest.ok()) client.rest = *rest;
  return client;
}

absl::StatusOr<Result> GetConfigMap(const Client& client) {
  return client.rest->Get().Namespace("default").Resource("configmaps").Name("a").Do();
}

TEST(RestClientFault, TooManyRequestsWithStatusBodyIsRetriedAfterRetryAfter) {
  Scripted script({HttpResponse(429, kTooManyRequestsStatus,
                                {{"Content-Type", "application/json"}, {"Retry-After", "1"}}),
                   HttpResponse(200, kConfigMap, {{"Content-Type", "application/json"}})});
  Client client = Connect([&](FakeConnection& c) { script.Serve(c); });
  ASSERT_NE(client.rest, nullptr);
  absl::Time start = absl::Now();
  absl::StatusOr<Result> result = GetConfigMap(client);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->body, kConfigMap);
  EXPECT_EQ(script.served(), 2);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(900));  // Retry-After: 1 was honoured
}

TEST(RestClientFault, PlainTextTooManyRequestsWithRetryAfterIsRetried) {
  // API Priority and Fairness answers in plain text, without a Status body.
  Scripted script({HttpResponse(429, "Too many requests, please try again later.\n",
                                {{"Content-Type", "text/plain"}, {"Retry-After", "1"}}),
                   HttpResponse(200, kConfigMap, {{"Content-Type", "application/json"}})});
  Client client = Connect([&](FakeConnection& c) { script.Serve(c); });
  ASSERT_NE(client.rest, nullptr);
  absl::StatusOr<Result> result = GetConfigMap(client);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(script.served(), 2);
}

TEST(RestClientFault, TooManyRequestsWithoutRetryAfterIsNotRetried) {
  Scripted script({HttpResponse(429, "Too many requests\n", {{"Content-Type", "text/plain"}})});
  Client client = Connect([&](FakeConnection& c) { script.Serve(c); });
  ASSERT_NE(client.rest, nullptr);
  absl::StatusOr<Result> result = GetConfigMap(client);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable) << result.status();
  EXPECT_TRUE(rest::IsTooManyRequests(result.status())) << result.status();
  EXPECT_EQ(script.served(), 1);
}

TEST(RestClientFault, ServerErrorWithRetryAfterThenSuccess) {
  Scripted script(
      {HttpResponse(500, "{}", {{"Content-Type", "application/json"}, {"Retry-After", "1"}}),
       HttpResponse(200, kConfigMap, {{"Content-Type", "application/json"}})});
  Client client = Connect([&](FakeConnection& c) { script.Serve(c); });
  ASSERT_NE(client.rest, nullptr);
  absl::StatusOr<Result> result = GetConfigMap(client);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(script.served(), 2);
}

TEST(RestClientFault, RetriesStopAtTheLimitAndSaySo) {
  std::vector<std::string> replies(3, HttpResponse(503, "busy", {{"Retry-After", "1"}}));
  Scripted script(replies);
  Client client = Connect([&](FakeConnection& c) { script.Serve(c); }, /*max_retries=*/2);
  ASSERT_NE(client.rest, nullptr);
  absl::StatusOr<Result> result = GetConfigMap(client);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(result.status().message().find("after 2 retries"), std::string::npos)
      << result.status();
  EXPECT_EQ(script.served(), 3);
}

// RecordingWatch collects events and the end status.
class RecordingWatch : public WatchHandler {
 public:
  bool OnEvent(WatchEvent event) override {
    MutexLock lock(&mu_);
    events_.push_back(std::move(event));
    return true;
  }
  void OnEnd(const absl::Status& status) override {
    {
      MutexLock lock(&mu_);
      end_ = status;
    }
    ended_.Notify();
  }
  absl::Status WaitForEnd() {
    EXPECT_TRUE(ended_.WaitForNotificationWithTimeout(absl::Seconds(20)));
    MutexLock lock(&mu_);
    return end_;
  }
  std::vector<WatchEvent> events() {
    MutexLock lock(&mu_);
    return events_;
  }

 private:
  absl::Mutex mu_;
  std::vector<WatchEvent> events_;
  absl::Status end_;
  absl::Notification ended_;
};

std::string JsonEvent(absl::string_view type, absl::string_view name) {
  return absl::StrCat(R"({"type":")", type, R"(","object":{"kind":"ConfigMap","apiVersion":"v1",)",
                      R"("metadata":{"name":")", name, R"(","resourceVersion":"7"}}})", "\n");
}

TEST(RestClientFault, WatchEventsSplitAcrossChunksAndSeveralInOneChunk) {
  std::string a = JsonEvent("ADDED", "a"), b = JsonEvent("MODIFIED", "b"),
              c = JsonEvent("DELETED", "c");
  std::string stream = ChunkedResponseHead(200, {{"Content-Type", "application/json"}});
  // "a" split in three chunks, then "b" and "c" together in one chunk.
  stream += Chunk(a.substr(0, 5)) + Chunk(a.substr(5, 20)) + Chunk(a.substr(25)) + Chunk(b + c) +
            LastChunk();
  Client client = Connect([&](FakeConnection& conn) {
    if (conn.ReadRequest()) conn.Write(stream);
  });
  ASSERT_NE(client.rest, nullptr);
  auto handler = std::make_shared<RecordingWatch>();
  absl::StatusOr<std::shared_ptr<WatchCall>> call =
      client.rest->Get().Namespace("default").Resource("configmaps").Watch(handler);
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_TRUE(handler->WaitForEnd().ok());
  std::vector<WatchEvent> events = handler->events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, WatchEventType::kAdded);
  EXPECT_EQ(events[1].type, WatchEventType::kModified);
  EXPECT_EQ(events[2].type, WatchEventType::kDeleted);
  EXPECT_NE(events[2].object.find(R"("name":"c")"), std::string::npos);
}

TEST(RestClientFault, OversizedProtobufFrameEndsTheWatchWithAnError) {
  std::string stream = ChunkedResponseHead(
      200, {{"Content-Type", "application/vnd.kubernetes.protobuf;stream=watch"}});
  // A frame announcing 1 GiB: far above the cap, refused before any allocation.
  stream += Chunk(std::string("\x40\x00\x00\x00", 4)) + Chunk(std::string(64, 'x'));
  Client client = Connect([&](FakeConnection& conn) {
    if (conn.ReadRequest()) {
      conn.Write(stream);
      conn.WaitForClientClose();
    }
  });
  ASSERT_NE(client.rest, nullptr);
  auto handler = std::make_shared<RecordingWatch>();
  absl::StatusOr<std::shared_ptr<WatchCall>> call =
      client.rest->Get().Namespace("default").Resource("configmaps").Watch(handler);
  ASSERT_TRUE(call.ok()) << call.status();
  absl::Status end = handler->WaitForEnd();
  EXPECT_EQ(end.code(), absl::StatusCode::kResourceExhausted) << end;
  EXPECT_TRUE(handler->events().empty());
}

TEST(RestClientFault, StalledWatchFailsWhenTheIdleTimeoutFires) {
  std::string stream = ChunkedResponseHead(200, {{"Content-Type", "application/json"}}) +
                       Chunk(JsonEvent("ADDED", "a"));
  Client client;
  {
    absl::StatusOr<std::unique_ptr<FakeHttpServer>> server =
        FakeHttpServer::Start([&](FakeConnection& conn) {
          if (conn.ReadRequest()) {
            conn.Write(stream);
            conn.WaitForClientClose(absl::Seconds(20));  // then say nothing more
          }
        });
    ASSERT_TRUE(server.ok()) << server.status();
    client.server = *std::move(server);
  }
  config::RestConfig config;
  config.host = client.server->url();
  absl::StatusOr<std::shared_ptr<transport::Transport>> transport =
      transport::NewHttpTransport(config);
  ASSERT_TRUE(transport.ok()) << transport.status();
  absl::StatusOr<std::shared_ptr<RestClient>> rest = RestClient::Create(
      *transport, {.config = config, .watch_idle_timeout = absl::Milliseconds(500)});
  ASSERT_TRUE(rest.ok()) << rest.status();
  auto handler = std::make_shared<RecordingWatch>();
  absl::StatusOr<std::shared_ptr<WatchCall>> call =
      (*rest)->Get().Namespace("default").Resource("configmaps").Watch(handler);
  ASSERT_TRUE(call.ok()) << call.status();
  absl::Status end = handler->WaitForEnd();
  EXPECT_EQ(end.code(), absl::StatusCode::kDeadlineExceeded) << end;
  EXPECT_EQ(handler->events().size(), 1u);  // the event before the stall was delivered
}

// A request with a Cancellation whose server stalls: Cancel() from another thread ends it at once
// with Cancelled (the informer's Shutdown during a slow LIST), instead of at the request timeout.
TEST(RestClientFault, CancelEndsAStalledRequestPromptly) {
  absl::Notification got_request;
  Client client = Connect([&](FakeConnection& c) {
    if (!c.ReadRequest()) return;
    got_request.Notify();
    c.WaitForClientClose(absl::Seconds(30));  // never answers
  });
  ASSERT_NE(client.rest, nullptr);
  auto cancellation = std::make_shared<Cancellation>();
  absl::StatusOr<Result> result;
  std::thread caller([&] {
    result = client.rest->Get()
                 .Namespace("default")
                 .Resource("configmaps")
                 .Timeout(absl::Seconds(30))
                 .CancelWith(cancellation)
                 .Do();
  });
  ASSERT_TRUE(got_request.WaitForNotificationWithTimeout(absl::Seconds(10)));
  const absl::Time start = absl::Now();
  cancellation->Cancel();
  caller.join();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled) << result.status();
  // Cancelled stays cancelled: a later request with it does not even start.
  absl::StatusOr<Result> again =
      client.rest->Get().Namespace("default").Resource("configmaps").CancelWith(cancellation).Do();
  EXPECT_EQ(again.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(client.server->connections_accepted(), 1);
}

// Without a cancel, a cancellable request behaves as any other: body, headers, error statuses.
TEST(RestClientFault, CancellableRequestReturnsBodiesAndErrorsAsUsual) {
  Scripted script({HttpResponse(200, kConfigMap, {{"Content-Type", "application/json"}}),
                   HttpResponse(429, kTooManyRequestsStatus,
                                {{"Content-Type", "application/json"}, {"Retry-After", "1"}}),
                   HttpResponse(200, kConfigMap, {{"Content-Type", "application/json"}})});
  Client client = Connect([&](FakeConnection& c) { script.Serve(c); });
  ASSERT_NE(client.rest, nullptr);
  auto cancellation = std::make_shared<Cancellation>();
  auto get = [&] {
    return client.rest->Get()
        .Namespace("default")
        .Resource("configmaps")
        .Name("a")
        .CancelWith(cancellation)
        .Do();
  };
  absl::StatusOr<Result> first = get();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->body, kConfigMap);
  EXPECT_EQ(first->content_type, "application/json");
  absl::StatusOr<Result> retried = get();  // 429 + Retry-After, then 200
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->body, kConfigMap);
  EXPECT_EQ(script.served(), 3);
}

}  // namespace
}  // namespace kube::rest
