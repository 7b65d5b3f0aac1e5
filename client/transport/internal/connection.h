// kube::transport::internal::Connection and ConnectionPool — one TCP (optionally TLS) connection
// to the server, and the idle keep-alive connections waiting for reuse.
//
// A Connection is used by one exchange at a time, on that exchange's strand; the pool hands it
// from one exchange to the next. The pool never keeps a connection with an operation pending.
//
// Thread-safety: Connection: none (owned by one exchange at a time). ConnectionPool: thread-safe.
#ifndef KUBECPP_CLIENT_TRANSPORT_INTERNAL_CONNECTION_H_
#define KUBECPP_CLIENT_TRANSPORT_INTERNAL_CONNECTION_H_

#include <chrono>
#include <deque>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl/context.hpp"
#include "boost/asio/ssl/stream.hpp"
#include "boost/beast/core/flat_buffer.hpp"

namespace kube::transport::internal {

class Connection {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  using TlsStream = boost::asio::ssl::stream<Socket>;

  // A TLS connection when `tls` is set, else plain TCP. Not yet connected.
  Connection(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Socket& socket() { return tls_ != nullptr ? tls_->next_layer() : *plain_; }
  TlsStream* tls_stream() { return tls_.get(); }
  const boost::asio::ssl::context* tls_context() const { return context_.get(); }
  // Bytes read from the socket but not yet parsed.
  boost::beast::flat_buffer& buffer() { return buffer_; }

  // WithStream calls `f` with the stream to read and write: the TLS stream or the socket.
  template <typename F>
  void WithStream(F&& f) {
    if (tls_ != nullptr) {
      f(*tls_);
    } else {
      f(*plain_);
    }
  }

  // Close closes the socket at once (no TLS close_notify); pending operations complete with
  // operation_aborted. The object must outlive them.
  void Close();

  // LooksReusable tells whether an idle connection can carry another request: nothing unread
  // is buffered and the peer has neither closed it nor sent anything (a non-blocking poll).
  bool LooksReusable();

  std::chrono::steady_clock::time_point idle_since;

 private:
  std::shared_ptr<boost::asio::ssl::context> context_;
  std::unique_ptr<TlsStream> tls_;
  std::unique_ptr<Socket> plain_;
  boost::beast::flat_buffer buffer_;
};

class ConnectionPool {
 public:
  ConnectionPool(int max_idle, absl::Duration idle_timeout);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Take returns the most recently pooled connection that was made with `tls_context` and still
  // looks reusable, or null. Connections found stale, expired or made with another context are
  // closed.
  std::unique_ptr<Connection> Take(const boost::asio::ssl::context* tls_context);

  // Put pools a connection whose last response was read completely, or closes it when the pool
  // is full or closed.
  void Put(std::unique_ptr<Connection> connection);

  // Clear closes every idle connection and makes later Puts close theirs.
  void Clear();

  int idle_count() const;

 private:
  const size_t max_idle_;
  const std::chrono::steady_clock::duration idle_timeout_;
  mutable absl::Mutex mu_;
  std::deque<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace kube::transport::internal

#endif  // KUBECPP_CLIENT_TRANSPORT_INTERNAL_CONNECTION_H_
