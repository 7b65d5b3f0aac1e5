#include "client/transport/internal/connection.h"

#include <poll.h>

#include <utility>
#include <vector>

#include "base/sync.h"

namespace kube::transport::internal {

Connection::Connection(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls)
    : context_(std::move(tls)) {
  if (context_ != nullptr) {
    tls_ = std::make_unique<TlsStream>(io, *context_);
  } else {
    plain_ = std::make_unique<Socket>(io);
  }
}

void Connection::Close() {
  boost::system::error_code ignored;
  Socket& s = socket();
  if (!s.is_open()) return;
  s.shutdown(Socket::shutdown_both, ignored);
  s.close(ignored);
}

bool Connection::LooksReusable() {
  Socket& s = socket();
  if (!s.is_open() || buffer_.size() != 0) return false;
  if (tls_ != nullptr && SSL_pending(tls_->native_handle()) > 0) return false;
  pollfd fd = {s.native_handle(), POLLIN | POLLRDHUP, 0};
  // Readable on an idle connection means EOF, an error or unsolicited bytes: none is reusable.
  return ::poll(&fd, 1, 0) == 0;
}

ConnectionPool::ConnectionPool(int max_idle, absl::Duration idle_timeout)
    : max_idle_(max_idle > 0 ? static_cast<size_t>(max_idle) : 0),
      idle_timeout_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          absl::ToChronoNanoseconds(idle_timeout))) {}

std::unique_ptr<Connection> ConnectionPool::Take(const boost::asio::ssl::context* tls_context) {
  std::vector<std::unique_ptr<Connection>> discarded;  // closed outside the lock
  std::unique_ptr<Connection> found;
  const auto now = std::chrono::steady_clock::now();
  {
    MutexLock lock(&mu_);
    while (!idle_.empty() && found == nullptr) {
      std::unique_ptr<Connection> candidate = std::move(idle_.back());
      idle_.pop_back();
      if (candidate->tls_context() == tls_context && now - candidate->idle_since < idle_timeout_ &&
          candidate->LooksReusable()) {
        found = std::move(candidate);
      } else {
        discarded.push_back(std::move(candidate));
      }
    }
  }
  for (auto& connection : discarded) connection->Close();
  return found;
}

void ConnectionPool::Put(std::unique_ptr<Connection> connection) {
  std::unique_ptr<Connection> evicted;
  {
    MutexLock lock(&mu_);
    if (!closed_ && max_idle_ > 0) {
      connection->idle_since = std::chrono::steady_clock::now();
      idle_.push_back(std::move(connection));
      if (idle_.size() > max_idle_) {
        evicted = std::move(idle_.front());  // the oldest
        idle_.pop_front();
      }
    } else {
      evicted = std::move(connection);
    }
  }
  if (evicted != nullptr) evicted->Close();
}

void ConnectionPool::Clear() {
  std::deque<std::unique_ptr<Connection>> idle;
  {
    MutexLock lock(&mu_);
    closed_ = true;
    idle.swap(idle_);
  }
  for (auto& connection : idle) connection->Close();
}

int ConnectionPool::idle_count() const {
  MutexLock lock(&mu_);
  return static_cast<int>(idle_.size());
}

}  // namespace kube::transport::internal
