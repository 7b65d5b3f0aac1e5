// kube::rest::RestMetrics — the hooks RestClient reports through (client-go's tools/metrics).
//
// Where it sits: RestClient calls these around every request; an application plugs in its own
// implementation (Prometheus, logs) through RestClientOptions. The defaults do nothing.
//
// Labels: `verb` is the HTTP method ("WATCH" for watches); `host` the apiserver's host:port;
// `path_template` the request path with the namespace and name replaced by "{namespace}" and
// "{name}" (so label cardinality stays bounded), e.g.
// "/api/v1/namespaces/{namespace}/configmaps/{name}". `code` is the HTTP status as a string ("200",
// "429") or "<error>" when no response arrived.
//
// Thread-safety: called concurrently from every thread that issues requests and from transport
// I/O threads (watches); implementations must be thread-safe and must not block.
#ifndef KUBECPP_CLIENT_REST_METRICS_H_
#define KUBECPP_CLIENT_REST_METRICS_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kube::rest {

struct RequestLabels {
  absl::string_view verb;
  absl::string_view host;
  absl::string_view path_template;
};

class RestMetrics {
 public:
  virtual ~RestMetrics() = default;

  // ObserveRequestLatency: from the first attempt to the final result, retries included
  // (for watches: until the response head arrived).
  virtual void ObserveRequestLatency(const RequestLabels& labels, absl::Duration latency) {}

  // IncrementRequestResult: once per attempt, with its outcome.
  virtual void IncrementRequestResult(const RequestLabels& labels, absl::string_view code) {}

  // IncrementRequestRetry: once per retry, with the code that caused it.
  virtual void IncrementRequestRetry(const RequestLabels& labels, absl::string_view code) {}

  // ObserveRateLimiterLatency: time one attempt waited in the client-side rate limiter.
  virtual void ObserveRateLimiterLatency(const RequestLabels& labels, absl::Duration wait) {}

  // ObserveRequestSize / ObserveResponseSize: body bytes of each attempt.
  virtual void ObserveRequestSize(const RequestLabels& labels, size_t bytes) {}
  virtual void ObserveResponseSize(const RequestLabels& labels, size_t bytes) {}
};

}  // namespace kube::rest

#endif  // KUBECPP_CLIENT_REST_METRICS_H_
