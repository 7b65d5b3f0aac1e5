// kube::rest::RestClient — requests to one apiserver with client-go's rest semantics.
//
// Where it sits: config (RestConfig) -> transport (Transport) -> RestClient -> typed, dynamic
// and discovery clients, reflectors. The transport moves bytes; RestClient adds what Kubernetes
// clients expect on top:
//
//  - Paths: the RestConfig host's path prefix ("https://h/prefix") goes before every path.
//  - Client-side rate limiting: every attempt of a non-watch request (retries included) waits
//    in the token bucket (RestConfig qps/burst: 0 -> 5/10, qps < 0 -> off), or in a limiter
//    shared between clients. Watches are never rate-limited.
//  - Retries (Do() only; watches are never retried), up to max_retries (default 10):
//      * 429 and 5xx responses that carry `Retry-After: <seconds>`, for every verb (the body is
//        a byte string, so it can always be sent again), after sleeping Retry-After seconds on
//        the injected clock;
//      * for GET only, transport errors that mean an established connection broke (Unavailable
//        with "connection reset", "broken pipe", "closed the connection", "end of file", "EOF"),
//        after 1 second (client-go's artificial `Retry-After: 1`). "Connection refused" and
//        connect timeouts are not retried (nothing was reached; the caller's backoff decides),
//        nor is a body cut short mid-way (DataLoss), as in client-go.
//    A retry that could not finish before the request's timeout is not attempted.
//  - Timeouts: Request::Timeout or else RestConfig::timeout bounds the whole Do(), rate-limiter
//    waits and retries included, and is sent as the `timeout` query parameter (the apiserver
//    then ends slow requests itself with 504). Watches ignore RestConfig::timeout.
//  - Errors: a non-2xx final response becomes the absl::Status of status.h (code mapping plus
//    the apiserver's Status as payload); a retried failure says "after N retries".
//  - Warnings: `Warning:` headers of the final response go to the warning handler and into the
//    Result; for watches, those of the response head.
//  - Metrics hooks (metrics.h): latency, per-attempt results, retries, rate-limiter waits,
//    request and response sizes.
//
// Headers the transport owns (User-Agent, Authorization, Accept-Encoding) are not set here.
//
// Thread-safety: a RestClient is thread-safe; share one per apiserver and identity. Do() blocks
// its caller (never call it from a transport I/O thread, e.g. inside a WatchHandler).
#ifndef KUBECPP_CLIENT_REST_REST_CLIENT_H_
#define KUBECPP_CLIENT_REST_REST_CLIENT_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/cancellation.h"
#include "base/clock.h"
#include "client/config/rest_config.h"
#include "client/rest/metrics.h"
#include "client/rest/rate_limiter.h"
#include "client/rest/request.h"
#include "client/rest/warning.h"
#include "client/rest/watch_event.h"
#include "client/transport/transport.h"

namespace kube::rest {

inline constexpr int kDefaultMaxRetries = 10;

struct RestClientOptions {
  // Host (with optional path prefix), qps/burst and timeout are read from here. The transport
  // was made from the same config; credentials and TLS are its business.
  config::RestConfig config;
  // Retries per Do() for Retry-After responses and broken GET connections; 0 disables.
  int max_retries = kDefaultMaxRetries;
  // A limiter shared with other clients; when null, one is made from config.qps/burst.
  std::shared_ptr<RateLimiter> rate_limiter;
  // Receives every warning (may be empty: warnings then only land in Result::warnings).
  WarningHandler warning_handler;
  // Metrics hooks; null = none.
  std::shared_ptr<RestMetrics> metrics;
  // Time for retry sleeps, timeouts, latency and the limiter built here; null = Clock::Real().
  // Must outlive the client.
  Clock* clock = nullptr;
  // Largest buffered response body Do() accepts (ResourceExhausted above).
  size_t max_response_bytes = size_t{64} << 20;
  // Largest single watch event (JSON value or protobuf frame).
  size_t max_watch_event_bytes = size_t{16} << 20;
  // A watch silent for this long fails with DeadlineExceeded (transport idle timeout); the
  // default relies on the server's timeoutSeconds to end watches.
  absl::Duration watch_idle_timeout = absl::InfiniteDuration();
};

class RestClient final : public RequestExecutor, public std::enable_shared_from_this<RestClient> {
 public:
  // Create checks the options (host URL, rate limit settings) and returns the client.
  static absl::StatusOr<std::shared_ptr<RestClient>> Create(
      std::shared_ptr<transport::Transport> transport, RestClientOptions options);

  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  // Request builders; the Request keeps the client alive.
  Request Verb(absl::string_view verb);
  Request Get() { return Verb("GET"); }
  Request Post() { return Verb("POST"); }
  Request Put() { return Verb("PUT"); }
  Request Patch() { return Verb("PATCH"); }
  Request Delete() { return Verb("DELETE"); }

  // RequestExecutor: what Request::Do() and Request::Watch() run.
  absl::StatusOr<Result> Execute(const Request& request) override;
  absl::StatusOr<std::shared_ptr<WatchCall>> ExecuteWatch(
      const Request& request, std::shared_ptr<WatchHandler> handler) override;
  absl::StatusOr<Result> ExecuteStream(const Request& request, BodySink sink) override;

  // PathPrefix is the path part of the configured host ("" or e.g. "/prefix").
  const std::string& PathPrefix() const { return path_prefix_; }
  RateLimiter& rate_limiter() const { return *rate_limiter_; }

 private:
  RestClient(std::shared_ptr<transport::Transport> transport, RestClientOptions options,
             std::string path_prefix, std::shared_ptr<RateLimiter> rate_limiter);

  std::string Target(const Request& request,
                     const std::vector<std::pair<std::string, std::string>>& extra) const;
  void HandleWarnings(const std::vector<Warning>& warnings) const;
  // CancellableRoundTrip is RoundTrip over Transport::Stream, so `cancellation` can end it.
  absl::StatusOr<transport::Response> CancellableRoundTrip(const transport::Request& wire,
                                                           Cancellation& cancellation);

  // Run is Execute (sink == nullptr) or ExecuteStream.
  absl::StatusOr<Result> Run(const Request& request, BodySink* sink);
  // StreamingRoundTrip runs one exchange over Transport::Stream, handing a 2xx body to `sink`
  // (the returned Response then has an empty body); `*delivered` tells whether any byte reached
  // the sink (no retry after that).
  absl::StatusOr<transport::Response> StreamingRoundTrip(const transport::Request& wire,
                                                         Cancellation* cancellation, BodySink sink,
                                                         bool* delivered);

  const std::shared_ptr<transport::Transport> transport_;
  const RestClientOptions options_;
  const std::string path_prefix_;
  const std::string host_;  // host:port, for metric labels
  const std::shared_ptr<RateLimiter> rate_limiter_;
  Clock& clock_;
};

// IsBrokenConnection reports whether a transport error means an established connection broke
// (reset, broken pipe, closed or EOF), which RestClient retries for GET.
bool IsBrokenConnection(const absl::Status& status);

// PathPrefixOf returns the path part of a RestConfig host ("https://h:1/a/b/" -> "/a/b");
// InvalidArgument for a host with a query, fragment or invalid path.
absl::StatusOr<std::string> PathPrefixOf(absl::string_view host);

}  // namespace kube::rest

#endif  // KUBECPP_CLIENT_REST_REST_CLIENT_H_
