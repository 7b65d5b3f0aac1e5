// The HTTP transport against an in-process fake server: framing, pooling, flow control, and
// every fault the real apiserver will not produce on demand. Each fault must end the exchange
// with a clear status in bounded time, never a crash or a hang.
#include "client/transport/http_transport.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/sync.h"
#include "client/config/rest_config.h"
#include "client/transport/testing/fake_http_server.h"
#include "client/transport/testing/gzip.h"
#include "client/transport/testing/recording_handler.h"
#include "client/transport/transport.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::transport {
namespace {

using ::kube::transport::testing::Chunk;
using ::kube::transport::testing::ChunkedResponseHead;
using ::kube::transport::testing::FakeConnection;
using ::kube::transport::testing::FakeHttpServer;
using ::kube::transport::testing::FakeRequest;
using ::kube::transport::testing::Gate;
using ::kube::transport::testing::GzipCompress;
using ::kube::transport::testing::GzipStreamWriter;
using ::kube::transport::testing::HttpResponse;
using ::kube::transport::testing::LastChunk;
using ::kube::transport::testing::RecordingHandler;
using ::testing::HasSubstr;

constexpr absl::Duration kWait = absl::Seconds(20);  // bound on anything that should happen

class CountingObserver : public TransportObserver {
 public:
  void OnConnectionOpened() override { ++opened; }
  void OnConnectionReused() override { ++reused; }
  void OnExchangeEnd(const ExchangeStats& stats) override {
    MutexLock lock(&mu_);
    last_ = stats;
    ++exchanges_;
  }
  ExchangeStats last() {
    MutexLock lock(&mu_);
    return last_;
  }
  std::atomic<int> opened{0};
  std::atomic<int> reused{0};

 private:
  absl::Mutex mu_;
  ExchangeStats last_ ABSL_GUARDED_BY(mu_);
  int exchanges_ ABSL_GUARDED_BY(mu_) = 0;
};

// ServeForever answers every request on a connection with `respond`.
FakeHttpServer::Handler ServeForever(std::function<std::string(const FakeRequest&)> respond) {
  return [respond](FakeConnection& connection) {
    while (std::optional<FakeRequest> request = connection.ReadRequest()) {
      if (!connection.Write(respond(*request))) return;
    }
  };
}

std::unique_ptr<FakeHttpServer> StartServer(FakeHttpServer::Handler handler) {
  absl::StatusOr<std::unique_ptr<FakeHttpServer>> server =
      FakeHttpServer::Start(std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

std::shared_ptr<Transport> NewTransport(const FakeHttpServer& server,
                                        config::RestConfig config = {},
                                        HttpTransportOptions options = {}) {
  config.host = server.url();
  absl::StatusOr<std::shared_ptr<Transport>> transport = NewHttpTransport(config, options);
  EXPECT_TRUE(transport.ok()) << transport.status();
  return transport.ok() ? *transport : nullptr;
}

Request Get(std::string target) {
  Request request;
  request.target = std::move(target);
  request.timeout = kWait;
  return request;
}

// ---------------------------------------------------------------------------------------------
// Requests and responses.

TEST(HttpTransportTest, SendsTheRequestWithConfiguredHeaders) {
  absl::Mutex mu;
  std::optional<FakeRequest> seen;
  auto server = StartServer(ServeForever([&](const FakeRequest& request) {
    MutexLock lock(&mu);
    seen = request;
    return HttpResponse(201, "created", {{"Warning", "299 - \"a\""}, {"Warning", "299 - \"b\""}});
  }));
  config::RestConfig config;
  config.bearer_token = "secret-token";
  config.impersonate.user = "jane";
  config.impersonate.groups = {"devs", "ops"};
  config.impersonate.extra = {{"example.com/scope", {"read"}}};
  auto transport = NewTransport(*server, config);
  EXPECT_EQ(transport->BaseUrl(), server->url());

  Request request = Get("/api/v1/namespaces/default/configmaps?limit=5");
  request.method = "POST";
  request.body = R"({"kind":"ConfigMap"})";
  request.headers = {{"Content-Type", "application/json"}};
  absl::StatusOr<Response> response = transport->RoundTrip(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->head.status, 201);
  EXPECT_EQ(response->body, "created");
  EXPECT_EQ(FindHeaders(response->head.headers, "warning").size(), 2u);

  MutexLock lock(&mu);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->method, "POST");
  EXPECT_EQ(seen->target, "/api/v1/namespaces/default/configmaps?limit=5");
  EXPECT_EQ(seen->body, R"({"kind":"ConfigMap"})");
  EXPECT_EQ(seen->Header("Host"), absl::StrCat("127.0.0.1:", server->port()));
  EXPECT_EQ(seen->Header("User-Agent"), "kubecpp/0.1 (linux/amd64)");
  EXPECT_EQ(seen->Header("Accept-Encoding"), "gzip");
  EXPECT_EQ(seen->Header("Authorization"), "Bearer secret-token");
  EXPECT_EQ(seen->Header("Content-Type"), "application/json");
  EXPECT_EQ(seen->Header("Content-Length"), "20");
  EXPECT_EQ(seen->Header("Impersonate-User"), "jane");
  EXPECT_EQ(seen->HeaderValues("Impersonate-Group"), (std::vector<std::string>{"devs", "ops"}));
  EXPECT_EQ(seen->Header("Impersonate-Extra-example.com%2Fscope"), "read");
}

TEST(HttpTransportTest, CallerHeadersAreNeverOverwritten) {
  absl::Mutex mu;
  std::optional<FakeRequest> seen;
  auto server = StartServer(ServeForever([&](const FakeRequest& request) {
    MutexLock lock(&mu);
    seen = request;
    return HttpResponse(200, "");
  }));
  config::RestConfig config;
  config.bearer_token = "config-token";
  config.user_agent = "configured/2";
  config.disable_compression = true;
  auto transport = NewTransport(*server, config);
  Request request = Get("/");
  request.headers = {{"Authorization", "Bearer caller-token"}};
  ASSERT_TRUE(transport->RoundTrip(request).ok());
  {
    MutexLock lock(&mu);
    EXPECT_EQ(seen->HeaderValues("Authorization"),
              (std::vector<std::string>{"Bearer caller-token"}));
    EXPECT_EQ(seen->Header("User-Agent"), "configured/2");
    EXPECT_EQ(seen->Header("Accept-Encoding"), std::nullopt) << "compression disabled";
  }
  request.headers = {{"User-Agent", "caller/3"}};
  ASSERT_TRUE(transport->RoundTrip(request).ok());
  MutexLock lock(&mu);
  EXPECT_EQ(seen->HeaderValues("User-Agent"), (std::vector<std::string>{"caller/3"}));
  EXPECT_EQ(seen->Header("Authorization"), "Bearer config-token");
}

TEST(HttpTransportTest, MalformedRequestsAreInvalidArgument) {
  auto server = StartServer(ServeForever([](const FakeRequest&) { return HttpResponse(200, ""); }));
  auto transport = NewTransport(*server);
  Request request = Get("/ok");
  request.headers = {{"X-Evil", "a\r\nX-Injected: 1"}};
  EXPECT_EQ(transport->RoundTrip(request).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(transport->RoundTrip(Get("no-slash")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(transport->RoundTrip(Get("/a b")).status().code(), absl::StatusCode::kInvalidArgument);
  request = Get("/ok");
  request.method = "GET /x";
  EXPECT_EQ(transport->RoundTrip(request).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(server->connections_accepted(), 0) << "nothing malformed reaches the wire";
}

TEST(HttpTransportTest, BadConfigurationsFailAtConstruction) {
  config::RestConfig config;
  config.host = "ftp://127.0.0.1:1";
  EXPECT_EQ(NewHttpTransport(config).status().code(), absl::StatusCode::kInvalidArgument);
  config.host = "https://127.0.0.1:1";
  config.tls.insecure_skip_verify = true;
  config.tls.ca_data = "x";
  EXPECT_EQ(NewHttpTransport(config).status().code(), absl::StatusCode::kInvalidArgument);
  config = {};
  config.host = "https://127.0.0.1:1";
  config.bearer_token = "a";
  config.username = "u";
  EXPECT_EQ(NewHttpTransport(config).status().code(), absl::StatusCode::kInvalidArgument);
  config.username.clear();
  EXPECT_EQ(NewHttpTransport(config, {.io_threads = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(HttpTransportTest, LargeBodiesAndBodiesUntilEof) {
  std::string large(3 << 20, 'x');
  for (size_t i = 0; i < large.size(); i += 1000) large[i] = static_cast<char>('a' + i % 26);
  auto server = StartServer([&](FakeConnection& connection) {
    std::optional<FakeRequest> request = connection.ReadRequest();
    if (!request) return;
    if (request->target == "/large") {
      connection.Write(HttpResponse(200, large));
    } else {
      // No length, not chunked: the body ends when the server closes.
      connection.Write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end");
      connection.Close();
    }
  });
  auto transport = NewTransport(*server);
  absl::StatusOr<Response> response = transport->RoundTrip(Get("/large"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_TRUE(response->body == large);
  response = transport->RoundTrip(Get("/eof"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "until the end");
}

TEST(HttpTransportTest, HeadResponseHasNoBodyAndKeepsTheConnection) {
  auto server = StartServer(ServeForever([](const FakeRequest& request) {
    if (request.method == "HEAD")
      return std::string("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
    return HttpResponse(200, "after head");
  }));
  auto transport = NewTransport(*server);
  Request head = Get("/");
  head.method = "HEAD";
  absl::StatusOr<Response> response = transport->RoundTrip(head);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "");
  EXPECT_EQ(FindHeader(response->head.headers, "Content-Length"), "100");
  response = transport->RoundTrip(Get("/"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "after head");
  EXPECT_EQ(server->connections_accepted(), 1);
}

TEST(HttpTransportTest, BodyLargerThanMaxBodyBytesIsResourceExhausted) {
  auto server = StartServer(
      ServeForever([](const FakeRequest&) { return HttpResponse(200, std::string(5000, 'x')); }));
  auto transport = NewTransport(*server);
  Request request = Get("/");
  request.max_body_bytes = 4096;
  EXPECT_EQ(transport->RoundTrip(request).status().code(), absl::StatusCode::kResourceExhausted);
  request.max_body_bytes = 5000;
  EXPECT_TRUE(transport->RoundTrip(request).ok());
}

// ---------------------------------------------------------------------------------------------
// Connection pool.

TEST(HttpTransportTest, SequentialRequestsReuseOneConnection) {
  auto server = StartServer(
      ServeForever([](const FakeRequest& request) { return HttpResponse(200, request.target); }));
  auto observer = std::make_shared<CountingObserver>();
  auto transport = NewTransport(*server, {}, {.observer = observer});
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<Response> response = transport->RoundTrip(Get(absl::StrCat("/", i)));
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->body, absl::StrCat("/", i));
  }
  EXPECT_EQ(server->connections_accepted(), 1);
  EXPECT_EQ(observer->opened.load(), 1);
  EXPECT_EQ(observer->reused.load(), 2);
}

TEST(HttpTransportTest, ConnectionCloseAndDisabledPoolingOpenNewConnections) {
  auto server = StartServer(ServeForever([](const FakeRequest& request) {
    return HttpResponse(200, "x", {{"Connection", "close"}});
  }));
  auto transport = NewTransport(*server);
  ASSERT_TRUE(transport->RoundTrip(Get("/")).ok());
  ASSERT_TRUE(transport->RoundTrip(Get("/")).ok());
  EXPECT_EQ(server->connections_accepted(), 2);

  auto keep_alive =
      StartServer(ServeForever([](const FakeRequest&) { return HttpResponse(200, ""); }));
  auto no_pool = NewTransport(*keep_alive, {}, {.max_idle_connections_per_host = 0});
  ASSERT_TRUE(no_pool->RoundTrip(Get("/")).ok());
  ASSERT_TRUE(no_pool->RoundTrip(Get("/")).ok());
  EXPECT_EQ(keep_alive->connections_accepted(), 2);
}

TEST(HttpTransportTest, IdleConnectionClosedByTheServerIsNotUsed) {
  auto server = StartServer([](FakeConnection& connection) {
    if (!connection.ReadRequest()) return;
    connection.Write(HttpResponse(200, "once"));
    connection.Close();  // keep-alive announced, then closed while idle
  });
  auto transport = NewTransport(*server);
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<Response> response = transport->RoundTrip(Get("/"));
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->body, "once");
  }
  EXPECT_EQ(server->connections_accepted(), 3);
}

// The server drops a pooled connection exactly when the next request arrives: a GET is sent
// again on a fresh connection, a POST is not (it may have been acted on).
TEST(HttpTransportTest, StaleConnectionRetriesReplayableRequestsOnly) {
  auto server = StartServer([](FakeConnection& connection) {
    if (!connection.ReadRequest()) return;
    connection.Write(HttpResponse(200, "first"));
    if (!connection.ReadRequest()) return;
    connection.Close();  // no response to the second request
  });
  auto observer = std::make_shared<CountingObserver>();
  auto transport = NewTransport(*server, {}, {.observer = observer});
  ASSERT_TRUE(transport->RoundTrip(Get("/")).ok());
  absl::StatusOr<Response> retried = transport->RoundTrip(Get("/"));
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->body, "first");  // from the fresh connection's first response
  EXPECT_TRUE(observer->last().retried);
  EXPECT_EQ(server->connections_accepted(), 2);

  Request post = Get("/");
  post.method = "POST";
  absl::StatusOr<Response> failed = transport->RoundTrip(post);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(failed.status().message(), HasSubstr("closed the connection before responding"));
  EXPECT_FALSE(observer->last().retried);
}

// ---------------------------------------------------------------------------------------------
// Streams.

TEST(HttpTransportTest, ChunkedStreamDeliversEachChunkAsItArrives) {
  Gate saw_first;
  auto server = StartServer([&](FakeConnection& connection) {
    if (!connection.ReadRequest()) return;
    connection.Write(ChunkedResponseHead(200, {{"Content-Type", "application/json"}}) +
                     Chunk("{\"type\":\"ADDED\"}\n"));
    if (!saw_first.Wait()) return;  // the client must see event 1 before event 2 exists
    connection.Write(Chunk("{\"type\":\"MODIFIED\"}\n") + LastChunk());
  });
  auto transport = NewTransport(*server);
  auto handler = std::make_shared<RecordingHandler>();
  std::shared_ptr<Call> call = transport->Stream(Get("/watch"), handler);
  ASSERT_TRUE(handler->WaitForBody("ADDED"));
  EXPECT_FALSE(handler->ended());
  EXPECT_EQ(handler->head().status, 200);
  saw_first.Open();
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_TRUE(handler->status().ok()) << handler->status();
  EXPECT_EQ(handler->body(), "{\"type\":\"ADDED\"}\n{\"type\":\"MODIFIED\"}\n");
  EXPECT_EQ(handler->heads(), 1);
  EXPECT_EQ(handler->violations(), 0);
}

TEST(HttpTransportTest, GzipStreamIsDecodedIncrementally) {
  Gate saw_first;
  auto server = StartServer([&](FakeConnection& connection) {
    std::optional<FakeRequest> request = connection.ReadRequest();
    if (!request || request->Header("Accept-Encoding") != "gzip") return;
    GzipStreamWriter gzip;
    connection.Write(ChunkedResponseHead(200, {{"Content-Encoding", "gzip"}}) +
                     Chunk(gzip.Write("event-1\n")));
    if (!saw_first.Wait()) return;
    connection.Write(Chunk(gzip.Write("event-2\n", /*last=*/true)) + LastChunk());
  });
  auto observer = std::make_shared<CountingObserver>();
  auto transport = NewTransport(*server, {}, {.observer = observer});
  auto handler = std::make_shared<RecordingHandler>();
  std::shared_ptr<Call> call = transport->Stream(Get("/watch"), handler);
  ASSERT_TRUE(handler->WaitForBody("event-1\n"));
  EXPECT_FALSE(handler->ended());
  saw_first.Open();
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_TRUE(handler->status().ok()) << handler->status();
  EXPECT_EQ(handler->body(), "event-1\nevent-2\n");
  EXPECT_EQ(FindHeader(handler->head().headers, "Content-Encoding"), std::nullopt);
  EXPECT_TRUE(observer->last().decompressed);
}

TEST(HttpTransportTest, GzipRoundTripIsDecodedUnlessTheCallerAskedForTheEncoding) {
  const std::string text = std::string(100000, 'k') + "end";
  const std::string compressed = GzipCompress(text);
  auto server = StartServer(ServeForever([&](const FakeRequest&) {
    return HttpResponse(200, compressed, {{"Content-Encoding", "gzip"}});
  }));
  auto transport = NewTransport(*server);
  absl::StatusOr<Response> response = transport->RoundTrip(Get("/"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_TRUE(response->body == text);
  EXPECT_EQ(FindHeader(response->head.headers, "Content-Encoding"), std::nullopt);
  EXPECT_EQ(FindHeader(response->head.headers, "Content-Length"), std::nullopt);

  Request raw = Get("/");
  raw.headers = {{"Accept-Encoding", "gzip"}};
  response = transport->RoundTrip(raw);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_TRUE(response->body == compressed);
  EXPECT_EQ(FindHeader(response->head.headers, "Content-Encoding"), "gzip");
}

TEST(HttpTransportTest, PausedStreamReadsNothingUntilResumed) {
  Gate all_written;
  auto server = StartServer([&](FakeConnection& connection) {
    if (!connection.ReadRequest()) return;
    connection.Write(ChunkedResponseHead(200) + Chunk("one\n"));
    connection.Write(Chunk("two\n"));
    connection.Write(Chunk("three\n") + LastChunk());
    all_written.Open();
  });
  auto transport = NewTransport(*server);
  auto handler = std::make_shared<RecordingHandler>(/*pause_each=*/true);
  std::shared_ptr<Call> call = transport->Stream(Get("/"), handler);
  ASSERT_TRUE(handler->WaitForBody("one\n"));
  ASSERT_TRUE(all_written.Wait());
  // Everything is on the wire; a paused stream must still not read it. (Proving a negative
  // needs a window; this one only bounds how long a wrong implementation could hide.)
  EXPECT_FALSE(handler->WaitForMoreThan(1, absl::Milliseconds(200)));
  EXPECT_EQ(handler->body(), "one\n");
  for (int i = 0; i < 10 && !handler->ended(); ++i) {
    const int calls = handler->body_calls();
    handler->Unpause();
    call->Resume();
    ASSERT_TRUE(handler->WaitForMoreThan(calls, kWait));
  }
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_TRUE(handler->status().ok()) << handler->status();
  EXPECT_EQ(handler->body(), "one\ntwo\nthree\n");
  EXPECT_EQ(handler->violations(), 0);
}

TEST(HttpTransportTest, PauseStopsInTheMiddleOfADecodedRead) {
  std::string text;
  for (int i = 0; text.size() < 500000; ++i) absl::StrAppend(&text, "{\"event\":", i, "}\n");
  const std::string compressed = GzipCompress(text);  // far smaller than one read
  auto server = StartServer(ServeForever([&](const FakeRequest&) {
    return HttpResponse(200, compressed, {{"Content-Encoding", "gzip"}});
  }));
  auto transport = NewTransport(*server);
  auto handler = std::make_shared<RecordingHandler>(/*pause_each=*/true);
  std::shared_ptr<Call> call = transport->Stream(Get("/"), handler);
  int resumes = 0;
  while (!handler->ended() && resumes < 1000) {
    const int calls = handler->body_calls();
    ASSERT_TRUE(handler->WaitForMoreThan(calls - 1, kWait));
    if (handler->ended()) break;
    handler->Unpause();
    call->Resume();
    ++resumes;
    ASSERT_TRUE(handler->WaitForMoreThan(calls, kWait));
  }
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_TRUE(handler->status().ok()) << handler->status();
  EXPECT_TRUE(handler->body() == text);
  EXPECT_GE(handler->body_calls(), 8) << "500 KB decoded arrives in pieces of at most 64 KiB";
  EXPECT_EQ(handler->violations(), 0);
}

TEST(HttpTransportTest, CancelEndsTheStreamAndDropsItsConnection) {
  Gate client_closed;
  auto server = StartServer([&](FakeConnection& connection) {
    std::optional<FakeRequest> request = connection.ReadRequest();
    if (!request) return;
    if (request->target == "/watch") {
      connection.Write(ChunkedResponseHead(200) + Chunk("event\n"));
      if (connection.WaitForClientClose()) client_closed.Open();
      return;
    }
    connection.Write(HttpResponse(200, "plain"));
  });
  auto transport = NewTransport(*server);
  auto handler = std::make_shared<RecordingHandler>();
  std::shared_ptr<Call> call = transport->Stream(Get("/watch"), handler);
  ASSERT_TRUE(handler->WaitForBody("event\n"));
  call->Cancel();
  call->Cancel();  // idempotent
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_EQ(handler->status().code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(client_closed.Wait()) << "the cancelled stream's connection was not closed";
  call->Cancel();  // after the end: nothing happens
  call->Resume();
  ASSERT_TRUE(transport->RoundTrip(Get("/plain")).ok());
  EXPECT_EQ(server->connections_accepted(), 2);
  EXPECT_EQ(handler->violations(), 0);
}

TEST(HttpTransportTest, CancelBeforeAnyResponse) {
  auto server = StartServer([](FakeConnection& connection) {
    connection.ReadRequest();
    connection.WaitForClientClose();
  });
  auto transport = NewTransport(*server);
  auto handler = std::make_shared<RecordingHandler>();
  std::shared_ptr<Call> call = transport->Stream(Get("/"), handler);
  call->Cancel();
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_EQ(handler->status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(handler->heads(), 0);
}

TEST(HttpTransportTest, RoundTripOnAnIoThreadIsFailedPrecondition) {
  auto server =
      StartServer(ServeForever([](const FakeRequest&) { return HttpResponse(200, "x"); }));
  auto transport = NewTransport(*server);

  class NestedRoundTrip : public RecordingHandler {
   public:
    explicit NestedRoundTrip(Transport* transport) : transport_(transport) {}
    void OnHead(const ResponseHead& head) override {
      nested_ = transport_->RoundTrip(Get("/")).status();
      RecordingHandler::OnHead(head);
    }
    absl::Status nested_;

   private:
    Transport* transport_;
  };
  auto handler = std::make_shared<NestedRoundTrip>(transport.get());
  transport->Stream(Get("/"), handler);
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_EQ(handler->nested_.code(), absl::StatusCode::kFailedPrecondition);
}

TEST(HttpTransportTest, DestroyingTheTransportCancelsRunningStreams) {
  auto server = StartServer([](FakeConnection& connection) {
    if (!connection.ReadRequest()) return;
    connection.Write(ChunkedResponseHead(200) + Chunk("x"));
    connection.WaitForClientClose();
  });
  auto transport = NewTransport(*server);
  auto handler = std::make_shared<RecordingHandler>();
  std::shared_ptr<Call> call = transport->Stream(Get("/"), handler);
  ASSERT_TRUE(handler->WaitForBody("x"));
  transport.reset();
  EXPECT_TRUE(handler->ended()) << "OnEnd must come before the destructor returns";
  EXPECT_EQ(handler->status().code(), absl::StatusCode::kCancelled);
  call->Cancel();  // the handle outlives the transport harmlessly
  call->Resume();
}

TEST(HttpTransportTest, TransportMayBeDestroyedFromItsOwnHandler) {
  auto server =
      StartServer(ServeForever([](const FakeRequest&) { return HttpResponse(200, "x"); }));

  class OwningHandler : public RecordingHandler {
   public:
    void OnEnd(const absl::Status& status) override {
      transport_.reset();  // the last reference, dropped on an I/O thread
      RecordingHandler::OnEnd(status);
    }
    std::shared_ptr<Transport> transport_;
  };
  auto handler = std::make_shared<OwningHandler>();
  handler->transport_ = NewTransport(*server);
  Transport* transport = handler->transport_.get();
  transport->Stream(Get("/"), handler);
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_TRUE(handler->status().ok()) << handler->status();
}

// ---------------------------------------------------------------------------------------------
// Faults: each gives a clear status in bounded time.

struct Fault {
  std::string name;
  std::function<void(FakeConnection&)> serve;
  absl::StatusCode code;
  std::string message;
};

class FaultTest : public ::testing::TestWithParam<Fault> {};

TEST_P(FaultTest, EndsWithAClearStatus) {
  const Fault& fault = GetParam();
  auto server = StartServer([&](FakeConnection& connection) {
    if (connection.ReadRequest()) fault.serve(connection);
  });
  auto transport = NewTransport(*server);
  Request request = Get("/");
  request.idle_timeout = absl::Milliseconds(300);
  const absl::Time start = absl::Now();

  absl::StatusOr<Response> response = transport->RoundTrip(request);
  EXPECT_EQ(response.status().code(), fault.code) << response.status();
  EXPECT_THAT(response.status().message(), HasSubstr(fault.message));

  auto handler = std::make_shared<RecordingHandler>();
  transport->Stream(request, handler);
  ASSERT_TRUE(handler->WaitForEnd());
  EXPECT_EQ(handler->status().code(), fault.code) << handler->status();
  EXPECT_EQ(handler->violations(), 0);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

INSTANTIATE_TEST_SUITE_P(
    Faults, FaultTest,
    ::testing::Values(
        Fault{"ResetMidBody",
              [](FakeConnection& c) {
                c.Write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial");
                c.Reset();
              },
              absl::StatusCode::kUnavailable, "connection reset"},
        Fault{"ResetBeforeResponse", [](FakeConnection& c) { c.Reset(); },
              absl::StatusCode::kUnavailable, ""},
        Fault{"TruncatedContentLength",
              [](FakeConnection& c) {
                c.Write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial");
                c.Close();
              },
              absl::StatusCode::kDataLoss, "truncated"},
        Fault{"TruncatedChunkedBody",
              [](FakeConnection& c) {
                c.Write(ChunkedResponseHead(200) + Chunk("event\n") + "20\r\nhalf");
                c.Close();
              },
              absl::StatusCode::kDataLoss, "truncated"},
        Fault{"BadChunkSize",
              [](FakeConnection& c) {
                c.Write(ChunkedResponseHead(200) + "zz\r\nnot a chunk\r\n");
                c.WaitForClientClose();
              },
              absl::StatusCode::kDataLoss, "malformed HTTP response"},
        Fault{"MalformedStatusLine",
              [](FakeConnection& c) {
                c.Write("HTTP/1.1 OK-ish\r\nContent-Length: 0\r\n\r\n");
                c.WaitForClientClose();
              },
              absl::StatusCode::kDataLoss, "malformed HTTP response"},
        Fault{"NotHttpAtAll",
              [](FakeConnection& c) {
                c.Write("SSH-2.0-OpenSSH_9.2\r\n\r\n");
                c.WaitForClientClose();
              },
              absl::StatusCode::kDataLoss, "malformed HTTP response"},
        Fault{"MalformedHeader",
              [](FakeConnection& c) {
                c.Write("HTTP/1.1 200 OK\r\nNo colon here\r\nContent-Length: 0\r\n\r\n");
                c.WaitForClientClose();
              },
              absl::StatusCode::kDataLoss, "malformed HTTP response"},
        Fault{"ConflictingLengths",
              [](FakeConnection& c) {
                c.Write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef");
                c.WaitForClientClose();
              },
              absl::StatusCode::kDataLoss, "malformed HTTP response"},
        Fault{"HeadCutShort",
              [](FakeConnection& c) {
                c.Write("HTTP/1.1 200 OK\r\nContent-Le");
                c.Close();
              },
              absl::StatusCode::kDataLoss, "middle of the response head"},
        Fault{"GarbageGzip",
              [](FakeConnection& c) {
                c.Write(HttpResponse(200, "this is not gzip", {{"Content-Encoding", "gzip"}}));
                c.WaitForClientClose();
              },
              absl::StatusCode::kDataLoss, "gzip"},
        Fault{"TruncatedGzip",
              [](FakeConnection& c) {
                const std::string gz = GzipCompress(std::string(10000, 'a') + "tail");
                c.Write(ChunkedResponseHead(200, {{"Content-Encoding", "gzip"}}) +
                        Chunk(gz.substr(0, gz.size() / 2)) + LastChunk());
                c.WaitForClientClose();
              },
              absl::StatusCode::kDataLoss, "gzip"},
        Fault{"StallAfterHead",
              [](FakeConnection& c) {
                c.Write(ChunkedResponseHead(200) + Chunk("first"));
                c.WaitForClientClose();
              },
              absl::StatusCode::kDeadlineExceeded, "idle timeout"},
        Fault{"NoResponseAtAll", [](FakeConnection& c) { c.WaitForClientClose(); },
              absl::StatusCode::kDeadlineExceeded, "idle timeout"}),
    [](const ::testing::TestParamInfo<Fault>& info) { return info.param.name; });

TEST(HttpTransportTest, RequestTimeoutCoversTheWholeExchange) {
  auto server = StartServer([](FakeConnection& connection) {
    if (!connection.ReadRequest()) return;
    // Trickle: never idle for long, never finished.
    connection.Write(ChunkedResponseHead(200));
    for (int i = 0; i < 200 && connection.Write(Chunk("x")); ++i) {
      if (connection.WaitForClientClose(absl::Milliseconds(50))) return;
    }
  });
  auto transport = NewTransport(*server);
  Request request = Get("/");
  request.timeout = absl::Milliseconds(400);
  request.idle_timeout = absl::Seconds(5);
  const absl::Time start = absl::Now();
  absl::StatusOr<Response> response = transport->RoundTrip(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded) << response.status();
  EXPECT_THAT(response.status().message(), HasSubstr("timed out"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(HttpTransportTest, ConnectionRefusedIsUnavailable) {
  uint16_t port;
  {
    auto server = StartServer([](FakeConnection&) {});
    port = server->port();
  }  // nothing listens there any more
  config::RestConfig config;
  config.host = absl::StrCat("http://127.0.0.1:", port);
  auto transport = NewHttpTransport(config).value();
  absl::StatusOr<Response> response = transport->RoundTrip(Get("/"));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(response.status().message(), HasSubstr("connection refused"));
}

TEST(HttpTransportTest, TlsToAPlainServerIsUnavailable) {
  auto server = StartServer([](FakeConnection& connection) {
    connection.Write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    connection.Close();
  });
  config::RestConfig config;
  config.host = absl::StrCat("https://127.0.0.1:", server->port());
  config.tls.insecure_skip_verify = true;
  auto transport = NewHttpTransport(config).value();
  absl::StatusOr<Response> response = transport->RoundTrip(Get("/"));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable) << response.status();
  EXPECT_THAT(response.status().message(), HasSubstr("TLS handshake"));
}

}  // namespace
}  // namespace kube::transport
