// Many threads through one RestClient over the fake transport: requests with retries and rate
// limiting on a fake clock that a driver thread keeps moving, and watches paused, resumed and
// stopped from other threads. Tagged "stress"; must be clean under --config=tsan.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/sync.h"
#include "base/testing/fake_clock.h"
#include "client/rest/rest_client.h"
#include "client/rest/status.h"
#include "client/transport/testing/fake_transport.h"
#include "gtest/gtest.h"

namespace kube::rest {
namespace {

using transport::testing::FakeTransport;

class CountingMetrics : public RestMetrics {
 public:
  void IncrementRequestResult(const RequestLabels& labels, absl::string_view) override {
    if (labels.verb != "WATCH") ++attempts;
  }
  void IncrementRequestRetry(const RequestLabels&, absl::string_view) override { ++retries; }
  std::atomic<int> attempts{0};
  std::atomic<int> retries{0};
};

TEST(RestClientStressTest, ConcurrentRequestsWithRetriesAndRateLimiting) {
  kube::testing::FakeClock clock;
  auto fake = std::make_shared<FakeTransport>();
  // Each request (a distinct target) fails its first attempts in a pattern chosen by its id, so
  // retries are bounded whatever the interleaving: 429, then a broken connection (GET) or 503.
  absl::Mutex mu;
  std::map<std::string, int> attempts;  // guarded by mu
  std::atomic<int> served{0};
  fake->SetFallback([&](const transport::Request& request) -> absl::StatusOr<transport::Response> {
    ++served;
    int attempt;
    {
      MutexLock lock(&mu);
      attempt = attempts[request.target]++;
    }
    const size_t id = std::hash<std::string>()(request.target);
    if (attempt == 0 && id % 2 == 0) {
      return FakeTransport::MakeResponse(429, "slow", {{"Retry-After", "1"}});
    }
    if (attempt <= 1 && id % 3 == 0) {
      if (request.method == "GET") return absl::UnavailableError("connection reset by peer");
      return FakeTransport::MakeResponse(503, "down", {{"Retry-After", "0"}});
    }
    return FakeTransport::MakeResponse(200, request.target, {{"Warning", R"(299 - "stress")"}});
  });
  auto metrics = std::make_shared<CountingMetrics>();
  std::atomic<int> warnings{0};
  RestClientOptions options;
  options.config.qps = 200;
  options.config.burst = 20;
  options.clock = &clock;
  options.metrics = metrics;
  options.warning_handler = [&warnings](const Warning&) { ++warnings; };
  absl::StatusOr<std::shared_ptr<RestClient>> client = RestClient::Create(fake, options);
  ASSERT_TRUE(client.ok());

  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Request request =
            (i + t) % 3 == 0 ? (*client)->Post().Body("{}", "application/json") : (*client)->Get();
        request.Namespace(absl::StrCat("ns", t)).Resource("configmaps").Name(absl::StrCat("cm", i));
        absl::StatusOr<Result> r = request.Do();
        if (r.ok()) {
          ++ok;
          EXPECT_EQ(r->warnings.size(), 1u);
        } else {
          ++failed;
          ADD_FAILURE() << r.status();
        }
      }
      ++finished;
    });
  }
  while (finished.load() < kThreads) {
    clock.Advance(absl::Milliseconds(50));
    std::this_thread::yield();
  }
  for (std::thread& t : threads) t.join();

  // Every request eventually succeeds (at most two failures each, ten retries allowed).
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(static_cast<int>(fake->RequestCount()), served.load());
  EXPECT_EQ(metrics->attempts.load(), served.load());
  EXPECT_EQ(metrics->retries.load(), served.load() - kThreads * kPerThread);
  EXPECT_EQ(warnings.load(), kThreads * kPerThread);
}

// Records events; pauses at random; checks order and the single end.
class StressHandler : public WatchHandler {
 public:
  explicit StressHandler(uint32_t seed) : rng_(seed) {}
  bool OnEvent(WatchEvent event) override {
    MutexLock lock(&mu_);
    EXPECT_FALSE(ended_);
    objects_.push_back(std::move(event.object));
    return rng_() % 3 != 0;
  }
  void OnEnd(const absl::Status& status) override {
    MutexLock lock(&mu_);
    EXPECT_FALSE(ended_);
    ended_ = true;
    end_ = status;
  }
  bool ended() {
    MutexLock lock(&mu_);
    return ended_;
  }
  absl::Status end() {
    MutexLock lock(&mu_);
    return end_;
  }
  std::vector<std::string> objects() {
    MutexLock lock(&mu_);
    return objects_;
  }

 private:
  absl::Mutex mu_;
  std::mt19937 rng_;
  bool ended_ = false;
  absl::Status end_;
  std::vector<std::string> objects_;
};

TEST(RestClientStressTest, ConcurrentWatchesPausedResumedAndStopped) {
  constexpr int kWatches = 24;
  constexpr int kEvents = 200;
  std::string body;
  std::vector<std::string> want;
  for (int i = 0; i < kEvents; ++i) {
    want.push_back(absl::StrCat(R"({"i":)", i, "}"));
    absl::StrAppend(&body, R"({"type":"MODIFIED","object":)", want.back(), "}\n");
  }
  auto fake = std::make_shared<FakeTransport>();
  for (int w = 0; w < kWatches; ++w) {
    fake->ExpectStream("GET", "",
                       {FakeTransport::MakeHead(200, {{"Content-Type", "application/json"}}),
                        FakeTransport::RandomChunks(body, w, 300), absl::OkStatus(),
                        /*hold_open=*/w % 3 == 0});
  }
  RestClientOptions options;
  absl::StatusOr<std::shared_ptr<RestClient>> client = RestClient::Create(fake, options);
  ASSERT_TRUE(client.ok());

  std::vector<std::shared_ptr<StressHandler>> handlers;
  std::vector<std::shared_ptr<WatchCall>> calls;
  for (int w = 0; w < kWatches; ++w) {
    handlers.push_back(std::make_shared<StressHandler>(w));
    absl::StatusOr<std::shared_ptr<WatchCall>> call =
        (*client)->Get().Resource("configmaps").Watch(handlers.back());
    ASSERT_TRUE(call.ok());
    calls.push_back(*call);
  }
  // Resumers poke every watch from several threads; a stopper stops every third one after a
  // while (the held-open ones end only that way).
  std::atomic<bool> done{false};
  std::vector<std::thread> resumers;
  for (int r = 0; r < 3; ++r) {
    resumers.emplace_back([&] {
      while (!done.load()) {
        for (auto& call : calls) call->Resume();
        std::this_thread::yield();
      }
    });
  }
  std::thread stopper([&] {
    absl::SleepFor(absl::Milliseconds(20));
    for (int w = 0; w < kWatches; w += 3) calls[w]->Stop();
  });
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  for (auto& h : handlers) {
    while (!h->ended() && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(1));
  }
  done = true;
  for (std::thread& t : resumers) t.join();
  stopper.join();

  for (int w = 0; w < kWatches; ++w) {
    ASSERT_TRUE(handlers[w]->ended()) << "watch " << w;
    std::vector<std::string> got = handlers[w]->objects();
    if (w % 3 == 0) {
      EXPECT_EQ(handlers[w]->end().code(), absl::StatusCode::kCancelled);
      ASSERT_LE(got.size(), want.size());
      EXPECT_TRUE(std::equal(got.begin(), got.end(), want.begin())) << "watch " << w;
    } else {
      EXPECT_TRUE(handlers[w]->end().ok()) << handlers[w]->end();
      EXPECT_EQ(got, want) << "watch " << w;
    }
  }
  calls.clear();
  fake.reset();  // joins the stream threads
}

}  // namespace
}  // namespace kube::rest
