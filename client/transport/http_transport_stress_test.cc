// Concurrent round trips, streams, pauses and cancels on one transport, plus transports
// destroyed with streams running: every exchange must end exactly once with the right result.
// Tagged "stress"; `./dev tsan` runs it under ThreadSanitizer.
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "client/config/rest_config.h"
#include "client/transport/http_transport.h"
#include "client/transport/testing/fake_http_server.h"
#include "client/transport/testing/recording_handler.h"
#include "client/transport/transport.h"
#include "gtest/gtest.h"

namespace kube::transport {
namespace {

using ::kube::transport::testing::Chunk;
using ::kube::transport::testing::ChunkedResponseHead;
using ::kube::transport::testing::FakeConnection;
using ::kube::transport::testing::FakeHttpServer;
using ::kube::transport::testing::HttpResponse;
using ::kube::transport::testing::LastChunk;
using ::kube::transport::testing::RecordingHandler;

constexpr int kThreads = 4;
constexpr int kIterations = 40;
constexpr int kStreamChunks = 50;

// Body of the unary response for /unary/<n>: n bytes, content depending on n.
std::string UnaryBody(size_t n) {
  std::string body(n, 'a');
  for (size_t i = 0; i < n; ++i) body[i] = static_cast<char>('a' + (i * 7 + n) % 26);
  return body;
}

void Serve(FakeConnection& connection) {
  while (std::optional<testing::FakeRequest> request = connection.ReadRequest()) {
    absl::string_view target = request->target;
    if (absl::ConsumePrefix(&target, "/unary/")) {
      size_t n = 0;
      if (!absl::SimpleAtoi(target, &n)) return;
      if (!connection.Write(HttpResponse(200, UnaryBody(n)))) return;
      continue;
    }
    // A stream: numbered lines, a short pause between them, until the client leaves or the
    // stream is complete.
    if (!connection.Write(ChunkedResponseHead(200))) return;
    for (int i = 0; i < kStreamChunks; ++i) {
      if (!connection.Write(Chunk(absl::StrCat("line ", i, "\n")))) return;
      if (connection.WaitForClientClose(absl::Milliseconds(1))) return;
    }
    if (!connection.Write(LastChunk())) return;
  }
}

std::string FullStream() {
  std::string all;
  for (int i = 0; i < kStreamChunks; ++i) absl::StrAppend(&all, "line ", i, "\n");
  return all;
}

Request At(std::string target) {
  Request request;
  request.target = std::move(target);
  request.timeout = absl::Seconds(60);
  request.idle_timeout = absl::Seconds(30);
  return request;
}

TEST(HttpTransportStressTest, ConcurrentRoundTripsStreamsAndCancels) {
  auto server = FakeHttpServer::Start(Serve).value();
  config::RestConfig config;
  config.host = server->url();
  auto transport = NewHttpTransport(config, {.max_idle_connections_per_host = 4}).value();
  const std::string full_stream = FullStream();

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 random(1234 + t);
      for (int i = 0; i < kIterations; ++i) {
        switch (random() % 4) {
          case 0: {  // a round trip
            const size_t n = random() % 200000;
            absl::StatusOr<Response> response =
                transport->RoundTrip(At(absl::StrCat("/unary/", n)));
            ASSERT_TRUE(response.ok()) << response.status();
            ASSERT_EQ(response->head.status, 200);
            ASSERT_TRUE(response->body == UnaryBody(n)) << "body of /unary/" << n;
            break;
          }
          case 1: {  // a stream read to its end
            auto handler = std::make_shared<RecordingHandler>();
            transport->Stream(At("/stream"), handler);
            ASSERT_TRUE(handler->WaitForEnd(absl::Seconds(60)));
            ASSERT_TRUE(handler->status().ok()) << handler->status();
            ASSERT_EQ(handler->body(), full_stream);
            ASSERT_EQ(handler->violations(), 0);
            break;
          }
          case 2: {  // a stream cancelled at some point, possibly before it started
            auto handler = std::make_shared<RecordingHandler>();
            std::shared_ptr<Call> call = transport->Stream(At("/stream"), handler);
            if (random() % 2 == 0) {
              ASSERT_TRUE(handler->WaitForBody(absl::StrCat("line ", random() % 10, "\n"),
                                               absl::Seconds(60)));
            }
            call->Cancel();
            ASSERT_TRUE(handler->WaitForEnd(absl::Seconds(60)));
            const absl::Status status = handler->status();
            ASSERT_TRUE(status.ok() || absl::IsCancelled(status)) << status;
            ASSERT_EQ(handler->violations(), 0);
            call->Cancel();
            break;
          }
          case 3: {  // a paused stream, resumed from this thread
            auto handler = std::make_shared<RecordingHandler>(/*pause_each=*/true);
            std::shared_ptr<Call> call = transport->Stream(At("/stream"), handler);
            for (int guard = 0; guard < 10 * kStreamChunks && !handler->ended(); ++guard) {
              const int calls = handler->body_calls();
              ASSERT_TRUE(handler->WaitForMoreThan(calls - 1, absl::Seconds(60)));
              if (handler->ended()) break;
              handler->Unpause();
              call->Resume();
              ASSERT_TRUE(handler->WaitForMoreThan(calls, absl::Seconds(60)));
            }
            ASSERT_TRUE(handler->WaitForEnd(absl::Seconds(60)));
            ASSERT_TRUE(handler->status().ok()) << handler->status();
            ASSERT_EQ(handler->body(), full_stream);
            ASSERT_EQ(handler->violations(), 0);
            break;
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
}

TEST(HttpTransportStressTest, TransportsDestroyedWhileStreamsRun) {
  auto server = FakeHttpServer::Start(Serve).value();
  config::RestConfig config;
  config.host = server->url();
  for (int round = 0; round < 20; ++round) {
    auto transport = NewHttpTransport(config, {.io_threads = 1 + round % 2}).value();
    std::vector<std::shared_ptr<RecordingHandler>> handlers;
    std::vector<std::shared_ptr<Call>> calls;
    for (int i = 0; i < 4; ++i) {
      handlers.push_back(std::make_shared<RecordingHandler>(/*pause_each=*/i == 3));
      calls.push_back(transport->Stream(At("/stream"), handlers.back()));
    }
    std::thread canceller([&] {
      for (auto& call : calls) call->Cancel();
    });
    if (round % 2 == 0) handlers[0]->WaitForBody("line 1\n", absl::Seconds(60));
    transport.reset();
    canceller.join();
    for (auto& handler : handlers) {
      EXPECT_TRUE(handler->ended());
      const absl::Status status = handler->status();
      EXPECT_TRUE(status.ok() || absl::IsCancelled(status)) << status;
      EXPECT_EQ(handler->violations(), 0);
    }
    for (auto& call : calls) call->Resume();  // handles outlive their transport harmlessly
  }
}

}  // namespace
}  // namespace kube::transport
