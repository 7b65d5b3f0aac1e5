// kube::transport::testing::FakeTransport — a scripted Transport for tests of the layers above
// client/transport (rest, typed clients, informers) where a fault cannot be produced for real.
//
// A test queues expectations in the order requests will arrive; each names the method and target
// it expects (empty = any) and the answer: a buffered Response, a transport error (e.g.
// absl::UnavailableError("connection reset by peer")), or a scripted stream that delivers a head
// and then body chunks exactly as chunked by the test, honouring OnBody flow control, and ends
// with a chosen status or stays open until cancelled (a live watch). Every request is recorded.
// A request that matches no expectation fails with Internal and is listed in Failures(); a
// fallback responder can answer requests when the queue is empty (stress tests).
//
//   auto fake = std::make_shared<FakeTransport>();
//   fake->ExpectRoundTrip("GET", "/api/v1/namespaces/a/configmaps/x",
//                         FakeTransport::MakeResponse(404, R"({"kind":"Status",...})"));
//   ... run the code under test ...
//   EXPECT_TRUE(fake->AllExpectationsMet()) << absl::StrJoin(fake->Failures(), "\n");
//
// Streams run on one thread each (standing in for the transport's I/O threads): the handler's
// calls for one stream are serialized, as the Transport contract promises. Call::Resume() made
// while OnBody is running applies to that OnBody's pause, as a transport that posts Resume to the
// connection's strand behaves. Destroying the FakeTransport cancels and joins every stream.
//
// Thread-safety: every method may be called from any thread.
#ifndef KUBECPP_CLIENT_TRANSPORT_TESTING_FAKE_TRANSPORT_H_
#define KUBECPP_CLIENT_TRANSPORT_TESTING_FAKE_TRANSPORT_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "client/transport/transport.h"

namespace kube::transport::testing {

// FakeStream scripts one streaming exchange. A head with status 0 scripts an exchange that fails
// before any response (no OnHead; OnEnd(end) only), e.g. with "connection refused".
struct FakeStream {
  ResponseHead head;
  std::vector<std::string> chunks;  // delivered one OnBody call each, in order
  absl::Status end;                 // the OnEnd status after the last chunk
  bool hold_open = false;           // after the chunks, stay open until Call::Cancel()
};

// StreamState is what a test can observe of one stream.
struct StreamState {
  int on_body_calls = 0;
  int pauses = 0;       // OnBody calls that returned false (and were not resumed during the call)
  int resumes = 0;      // Call::Resume() calls
  bool paused = false;  // waiting for Resume()
  bool cancelled = false;
  bool ended = false;  // OnEnd delivered
  absl::Status end_status;
};

class FakeTransport final : public Transport {
 public:
  using Responder = std::function<absl::StatusOr<Response>(const Request&)>;

  explicit FakeTransport(std::string base_url = "https://fake.invalid:6443");
  FakeTransport(const FakeTransport&) = delete;
  FakeTransport& operator=(const FakeTransport&) = delete;
  ~FakeTransport() override;

  // ExpectRoundTrip queues the answer to one RoundTrip. Empty method/target match anything.
  void ExpectRoundTrip(absl::string_view method, absl::string_view target,
                       absl::StatusOr<Response> reply);
  // ExpectStream queues the script of one Stream.
  void ExpectStream(absl::string_view method, absl::string_view target, FakeStream stream);
  // SetFallback answers RoundTrips when no expectation is queued; it runs without the fake's
  // lock and must be thread-safe. Streams are never answered by it.
  void SetFallback(Responder responder);

  // Requests returns every request received (RoundTrip and Stream), in arrival order.
  std::vector<Request> Requests() const;
  size_t RequestCount() const;
  // Failures lists requests that matched no expectation (or the wrong kind of one).
  std::vector<std::string> Failures() const;
  size_t PendingExpectations() const;
  // AllExpectationsMet: every expectation consumed and no failures.
  bool AllExpectationsMet() const;

  // Streams are numbered from 0 in the order Stream() was called.
  size_t StreamCount() const;
  StreamState GetStreamState(size_t index) const;
  // Wait* block in real time until the condition holds or `timeout` passes; return whether it
  // holds. The timeout only turns a hung test into a failed one.
  bool WaitForStreamEnded(size_t index, absl::Duration timeout = absl::Seconds(30)) const;
  bool WaitForStreamPaused(size_t index, absl::Duration timeout = absl::Seconds(30)) const;
  bool WaitForStreamDelivered(size_t index, int on_body_calls,
                              absl::Duration timeout = absl::Seconds(30)) const;

  // Transport.
  absl::StatusOr<Response> RoundTrip(const Request& request) override;
  std::shared_ptr<Call> Stream(const Request& request,
                               std::shared_ptr<StreamHandler> handler) override;
  const std::string& BaseUrl() const override { return base_url_; }

  // Helpers for scripts.
  static Response MakeResponse(int status, std::string body, Headers headers = {});
  static ResponseHead MakeHead(int status, Headers headers = {});
  // Chunk cuts `data` into pieces of `size` bytes (the last may be shorter).
  static std::vector<std::string> Chunk(absl::string_view data, size_t size);
  // RandomChunks cuts `data` at pseudo-random points (deterministic per seed), pieces of 1 to
  // `max_size` bytes, often single bytes.
  static std::vector<std::string> RandomChunks(absl::string_view data, uint32_t seed,
                                               size_t max_size = 64);

 private:
  struct Expectation;
  struct StreamRun;
  class FakeCall;

  bool TakeExpectation(const Request& request, bool stream, Expectation* out);
  static void RunStream(std::shared_ptr<StreamRun> run);

  const std::string base_url_;
  mutable absl::Mutex mu_;
  std::deque<Expectation> expectations_ ABSL_GUARDED_BY(mu_);
  std::vector<Request> requests_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> failures_ ABSL_GUARDED_BY(mu_);
  Responder fallback_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<StreamRun>> streams_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kube::transport::testing

#endif  // KUBECPP_CLIENT_TRANSPORT_TESTING_FAKE_TRANSPORT_H_
