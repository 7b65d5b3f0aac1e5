// kube::transport::internal::Exchange — one HTTP request/response on the event loop, as an
// explicit state machine run on its own strand:
//
//   kCreated -> kAuthorizing -> kConnecting (pooled, or resolve + connect + TLS handshake)
//            -> kWriting -> kReadingHead -> kReadingBody -> kDone
//
// Every step is one completion handler on the strand; a failure, timeout or cancel at any step
// moves to kDone through Finish(), which is the only place the handler's OnEnd is called. A
// stale pooled connection failing in kWriting/kReadingHead (before any response byte) sends the
// request once more on a fresh connection.
//
// Thread-safety: Start/PostCancel/PostResume may be called from any thread; everything else
// runs on the strand.
#ifndef KUBECPP_CLIENT_TRANSPORT_INTERNAL_EXCHANGE_H_
#define KUBECPP_CLIENT_TRANSPORT_INTERNAL_EXCHANGE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/beast/http/buffer_body.hpp"
#include "boost/beast/http/parser.hpp"
#include "client/transport/credentials.h"
#include "client/transport/http_transport.h"
#include "client/transport/internal/connection.h"
#include "client/transport/internal/gzip_decoder.h"
#include "client/transport/internal/transport_core.h"
#include "client/transport/transport.h"

namespace kube::transport::internal {

// Unshared returns a copy of `status` that shares no heap representation with it. Statuses
// handed across threads (to handlers, observers, waiting callers) are unshared: the project links
// Debian's Abseil, built without ThreadSanitizer, whose Status reference count TSAN cannot see,
// so one representation released on two threads reads as a data race under --config=tsan.
absl::Status Unshared(const absl::Status& status);

// CallControl links a caller's Call handle to its exchange while the exchange runs.
struct CallControl {
  absl::Mutex mu;
  Exchange* exchange ABSL_GUARDED_BY(mu) = nullptr;  // null once finished
};

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  // Start begins an exchange and returns the caller's handle. `buffered` exchanges (RoundTrip)
  // enforce request.max_body_bytes on the decoded body.
  static std::shared_ptr<Call> Start(TransportCore& core, const Request& request,
                                     std::shared_ptr<StreamHandler> handler, bool buffered);

  Exchange(TransportCore& core, const Request& request, std::shared_ptr<StreamHandler> handler,
           bool buffered);
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;
  ~Exchange();

  // PostCancel ends the exchange with `why` soon. Only while it runs (the caller must know it is
  // alive: it holds its CallControl lock or is the core cancelling registered exchanges).
  void PostCancel(absl::Status why);
  // PostResume resumes reading after a paused OnBody. Same liveness rule as PostCancel.
  void PostResume();

 private:
  enum class Phase {
    kCreated,
    kAuthorizing,
    kConnecting,
    kWriting,
    kReadingHead,
    kReadingBody,
    kDone
  };
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
  using Parser = boost::beast::http::response_parser<boost::beast::http::buffer_body>;

  void Begin();
  void OnCredentials(absl::StatusOr<Credentials> credentials);
  absl::Status BuildRequest();
  void Acquire();
  void Dial();
  void Connect(std::vector<boost::asio::ip::tcp::endpoint> endpoints);
  void OnConnected(const boost::system::error_code& ec);
  void OnHandshake(const boost::system::error_code& ec);
  void OnConnectionReady();
  void Write();
  void OnWritten(const boost::system::error_code& ec);
  void ReadHead();
  void OnHeadRead(const boost::system::error_code& ec);
  void DeliverHead();
  void ReadBody();
  void OnBodyRead(boost::system::error_code ec);
  // Deliver hands read body bytes on (decoding them first when gzip); false once finished.
  bool Deliver(const char* data, size_t size);
  bool DeliverDecoded(absl::string_view data);
  // Pump decodes and delivers buffered compressed bytes until paused or drained; false once
  // finished.
  bool Pump();
  // Continue decides what follows a delivery: read more, complete, or wait for Resume.
  void Continue();
  void DoResume();
  void RetryOnFreshConnection();
  void Finish(absl::Status status);

  void ArmIdleTimer();
  void DisarmIdleTimer();
  absl::Status IoError(const boost::system::error_code& ec) const;
  std::string Describe() const;

  TransportCore& core_;
  const Request request_;
  std::shared_ptr<StreamHandler> handler_;
  const bool buffered_;
  const std::shared_ptr<CallControl> control_;
  std::shared_ptr<Exchange> self_;  // keeps a running exchange alive; reset by Finish

  Strand strand_;
  boost::asio::steady_timer deadline_timer_;
  boost::asio::steady_timer idle_timer_;
  boost::asio::steady_timer connect_timer_;
  boost::asio::ip::tcp::resolver resolver_;
  uint64_t idle_generation_ = 0;
  uint64_t dial_generation_ = 0;

  Phase phase_ = Phase::kCreated;
  bool finished_ = false;
  bool paused_ = false;
  bool message_done_ = false;  // the whole response was read from the connection
  bool reusable_ = false;      // ... and the connection may carry another request
  bool reused_ = false;
  bool requested_gzip_ = false;

  Credentials credentials_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;
  std::string wire_request_;
  std::unique_ptr<Connection> connection_;
  std::optional<Parser> parser_;
  std::unique_ptr<char[]> read_buffer_;
  std::unique_ptr<GzipDecoder> gzip_;
  std::string pending_;        // compressed bytes not yet decoded
  size_t pending_offset_ = 0;  // how much of pending_ is decoded
  ExchangeStats stats_;
};

}  // namespace kube::transport::internal

#endif  // KUBECPP_CLIENT_TRANSPORT_INTERNAL_EXCHANGE_H_
