// kube::transport::NewHttpTransport — the real Transport: HTTP/1.1 over TLS (or plain http for
// loopback test servers) with Boost.Beast on one Asio event loop.
//
// Where it sits: config (RestConfig) -> NewHttpTransport -> Transport -> client/rest.
//
// What it does for every exchange:
//  - Connections: a pool of keep-alive connections to the one server. A connection goes back to
//    the pool only when its exchange ended OK (the response read to its end and delivered, none
//    of it left paused), never after an error or a cancel, and only while fewer than
//    max_idle_connections_per_host are idle; an idle connection older than
//    idle_connection_timeout, or that the server closed, is dropped at checkout. A request that
//    fails on a reused connection before any response byte arrived is sent once more on a fresh
//    connection (GET/HEAD/OPTIONS/TRACE always; other methods only when the request could not be
//    written). Sockets have TCP_NODELAY and TCP keepalive.
//  - Headers: Host, User-Agent (RestConfig::user_agent or kDefaultUserAgent) unless set,
//    credentials and impersonation (see auth.h), Content-Length, and `Accept-Encoding: gzip`
//    unless disable_compression or the request names its own Accept-Encoding. A gzip response
//    is decoded transparently (streams too, piece by piece); its Content-Encoding and
//    Content-Length headers are then removed from the head the caller sees.
//  - Bodies arrive in OnBody as they are read from the socket (a chunked watch delivers each
//    event as it comes), in pieces of at most 64 KiB.
//  - A 401 answer tells the credential source (an exec plugin's credential is then re-obtained
//    for the next request); the 401 head and body are delivered as usual.
//
// Status codes: exactly those listed in transport.h. Certificate verification failures are
// Unauthenticated; malformed responses (head, chunking, gzip) and truncated bodies DataLoss.
//
// Threads and lifetime: `io_threads` threads run the event loop; each exchange runs on its own
// strand, so handler calls for one exchange never overlap. Destroying the transport cancels
// every exchange still running (OnEnd(Cancelled)), then stops its threads; a Call handle may
// outlive the transport (Cancel/Resume then do nothing). Destroying it from one of its own I/O
// threads (say, in a handler) is allowed: the threads are then joined in the background.
#ifndef KUBECPP_CLIENT_TRANSPORT_HTTP_TRANSPORT_H_
#define KUBECPP_CLIENT_TRANSPORT_HTTP_TRANSPORT_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "client/config/rest_config.h"
#include "client/transport/transport.h"

namespace kube::transport {

// ExchangeStats describes one finished exchange (for metrics and tests).
struct ExchangeStats {
  absl::Status status;  // how it ended
  int http_status = 0;  // 0 when no head arrived
  bool reused_connection = false;
  bool retried = false;          // sent again on a fresh connection after a stale one failed
  uint64_t wire_body_bytes = 0;  // body bytes as received (compressed when gzip)
  uint64_t body_bytes = 0;       // body bytes delivered to the handler (decoded)
  bool decompressed = false;     // the body came gzip-encoded and was decoded
};

// TransportObserver hears about connections and exchanges. Called on I/O threads: keep it short,
// thread-safe and non-blocking. Default methods do nothing.
class TransportObserver {
 public:
  virtual ~TransportObserver() = default;
  virtual void OnConnectionOpened() {}  // a new connection is ready (after the TLS handshake)
  virtual void OnConnectionReused() {}  // an exchange took an idle pooled connection
  virtual void OnExchangeEnd(const ExchangeStats& stats) {}
};

struct HttpTransportOptions {
  // Threads running the event loop. At least 1.
  int io_threads = 2;
  // Time for token-file re-reads and exec credential expiry; null means Clock::Real(). Socket
  // deadlines always use the steady clock. Must outlive the transport.
  const Clock* clock = nullptr;
  // Idle keep-alive connections kept per host; 0 disables reuse.
  int max_idle_connections_per_host = 16;
  // An idle connection older than this is closed instead of reused.
  absl::Duration idle_connection_timeout = absl::Seconds(90);
  // Bound on TCP connect plus TLS handshake (Unavailable when exceeded).
  absl::Duration connect_timeout = absl::Seconds(30);
  // TCP keepalive idle time and probe interval; zero or negative turns keepalive off.
  absl::Duration tcp_keepalive = absl::Seconds(30);
  // How long a token read from RestConfig::bearer_token_file is used before re-reading.
  absl::Duration token_file_period = absl::Minutes(1);
  // Bound on one exec credential plugin run.
  absl::Duration exec_timeout = absl::Minutes(1);
  // Optional hooks (metrics, tests).
  std::shared_ptr<TransportObserver> observer;
};

// NewHttpTransport validates `config` (server URL, TLS material, credentials; see tls.h and
// auth.h) and starts the I/O threads. InvalidArgument (or the token file's error) when the
// configuration cannot work. `config.timeout`, `qps` and `burst` are client/rest's business.
absl::StatusOr<std::shared_ptr<Transport>> NewHttpTransport(const config::RestConfig& config,
                                                            HttpTransportOptions options = {});

}  // namespace kube::transport

#endif  // KUBECPP_CLIENT_TRANSPORT_HTTP_TRANSPORT_H_
