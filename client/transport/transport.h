// kube::transport — HTTP/1.1 exchanges with one apiserver, unary and streaming.
//
// Where it sits: config (RestConfig) -> transport -> rest. The transport owns TLS, the
// connection pool, authentication headers (token, token file, basic, exec plugin, client
// certificate), impersonation, User-Agent and gzip; it knows nothing about Kubernetes objects,
// rate limits or retries (client/rest adds those).
//
// Threads: one Asio event loop on a small fixed pool carries every exchange. Handlers are called
// on those I/O threads and must never block; `RoundTrip` blocks its caller and must not be
// called from an I/O thread (it returns FailedPrecondition if it is).
//
// Errors: an HTTP status, any status, is a successful exchange. A failed exchange ends with one
// of these codes (RoundTrip returns it; a stream's OnEnd receives it):
//   InvalidArgument     the request is malformed (target not starting with '/', CR/LF in a
//                       header value, a bad method); nothing is sent
//   Unavailable         no connection ("connection refused", DNS failure, connect timeout), the
//                       connection broke ("connection reset by peer"), the server closed it
//                       before responding, or the TLS handshake failed for another reason than
//                       certificate verification
//   Unauthenticated     the server's certificate failed verification (unknown authority, wrong
//                       name, expired), or credentials could not be obtained (token file, exec
//                       plugin); a 401 answer is a response, not this
//   DeadlineExceeded    Request::timeout passed, or nothing arrived for Request::idle_timeout
//   DataLoss            the server broke HTTP: malformed status line or header, bad chunk
//                       framing, a body cut short (connection closed mid-body), corrupt or
//                       truncated gzip
//   ResourceExhausted   a RoundTrip body (decoded) larger than Request::max_body_bytes
//   Cancelled           Call::Cancel(), or the transport was destroyed
//   FailedPrecondition  RoundTrip called on an I/O thread
#ifndef KUBECPP_CLIENT_TRANSPORT_TRANSPORT_H_
#define KUBECPP_CLIENT_TRANSPORT_TRANSPORT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kube::transport {

// Header names compare case-insensitively; order and repeats are kept (Warning: may repeat).
struct Header {
  std::string name;
  std::string value;
};
using Headers = std::vector<Header>;

// FindHeader returns the first value of `name` (case-insensitive), if any.
std::optional<absl::string_view> FindHeader(const Headers& headers, absl::string_view name);
// FindHeaders returns every value of `name`, in order.
std::vector<absl::string_view> FindHeaders(const Headers& headers, absl::string_view name);

struct Request {
  std::string method = "GET";
  // Origin-form target: the path (with the RestConfig host's path prefix already applied by the
  // caller) and the escaped query, e.g. "/api/v1/namespaces/default/pods?limit=500".
  std::string target;
  Headers headers;  // Authorization set here is respected, never overwritten
  std::string body;
  // Deadline for the whole exchange, head and body. Infinite for watches.
  absl::Duration timeout = absl::InfiniteDuration();
  // For streams: the longest silence tolerated between two reads before the exchange fails
  // with DeadlineExceeded (a dead watch connection is noticed). Infinite = off.
  absl::Duration idle_timeout = absl::InfiniteDuration();
  // Upper bound on a buffered (RoundTrip) response body; larger bodies fail ResourceExhausted.
  size_t max_body_bytes = 64u << 20;
};

struct ResponseHead {
  int status = 0;
  Headers headers;
};

struct Response {
  ResponseHead head;
  std::string body;  // decompressed
};

// StreamHandler receives one streaming exchange. Calls are serialized (never concurrent) and
// happen on an I/O thread: keep them short, never block.
class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  // Once, before any body bytes, for any HTTP status.
  virtual void OnHead(const ResponseHead& head) = 0;
  // Decompressed body bytes in arrival order; chunk boundaries carry no meaning. Return false to
  // pause reading from the socket until `Call::Resume()` (flow control for slow consumers).
  virtual bool OnBody(absl::string_view data) = 0;
  // Exactly once, last: OK when the body ended cleanly; Cancelled after Cancel();
  // DeadlineExceeded on timeout or idle timeout; Unavailable on connection errors (with
  // "connection reset"/"connection refused" in the message); DataLoss on a truncated or
  // malformed response; the other codes listed at the top of this file.
  virtual void OnEnd(const absl::Status& status) = 0;
};

// Call is the caller's handle on one streaming exchange. Thread-safe. It may outlive the exchange
// and the transport; Cancel and Resume then do nothing.
class Call {
 public:
  virtual ~Call() = default;
  // Ends the exchange soon; OnEnd(Cancelled) follows unless it already ended. Idempotent.
  virtual void Cancel() = 0;
  // Resumes reading after OnBody returned false. No effect otherwise.
  virtual void Resume() = 0;
};

// Transport is the interface the rest layer talks to; `testing/` holds a scripted fake.
// Implementations are thread-safe.
class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one request and buffers the whole response. Errors are transport errors only (no
  // connection, TLS failure, timeout, body too large); any HTTP status is a successful exchange.
  virtual absl::StatusOr<Response> RoundTrip(const Request& request) = 0;
  // Starts a streaming exchange (watch, log follow). The handler is kept alive until OnEnd.
  virtual std::shared_ptr<Call> Stream(const Request& request,
                                       std::shared_ptr<StreamHandler> handler) = 0;
  // "https://host:port" this transport talks to (without a path prefix).
  virtual const std::string& BaseUrl() const = 0;
};

}  // namespace kube::transport

#endif  // KUBECPP_CLIENT_TRANSPORT_TRANSPORT_H_
