#include "client/transport/testing/fake_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/sync.h"

namespace kube::transport::testing {
namespace {

// PollFor waits until `fd` has `events` or `deadline` passes.
bool PollFor(int fd, short events, absl::Time deadline) {
  for (;;) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return false;
    pollfd p = {fd, events, 0};
    const int timeout_ms =
        static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 1000));
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
}

std::string StatusText(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    default:
      return "Status";
  }
}

}  // namespace

std::optional<std::string> FakeRequest::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

std::vector<std::string> FakeRequest::HeaderValues(absl::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) values.push_back(value);
  }
  return values;
}

bool FakeConnection::ReadMore(absl::Time deadline) {
  if (fd_ < 0 || !PollFor(fd_, POLLIN, deadline)) return false;
  char chunk[16384];
  const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

std::optional<FakeRequest> FakeConnection::ReadRequest(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!ReadMore(deadline)) return std::nullopt;
  }
  const std::string head = buffer_.substr(0, head_end);
  buffer_.erase(0, head_end + 4);
  std::vector<std::string> lines = absl::StrSplit(head, "\r\n");
  std::vector<std::string> request_line = absl::StrSplit(lines[0], ' ');
  if (request_line.size() != 3) return std::nullopt;
  FakeRequest request;
  request.method = request_line[0];
  request.target = request_line[1];
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == std::string::npos) return std::nullopt;
    request.headers.emplace_back(
        lines[i].substr(0, colon),
        std::string(absl::StripAsciiWhitespace(absl::string_view(lines[i]).substr(colon + 1))));
  }
  size_t length = 0;
  if (std::optional<std::string> value = request.Header("Content-Length")) {
    if (!absl::SimpleAtoi(*value, &length)) return std::nullopt;
  }
  while (buffer_.size() < length) {
    if (!ReadMore(deadline)) return std::nullopt;
  }
  request.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return request;
}

bool FakeConnection::Write(absl::string_view bytes) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!bytes.empty()) {
    if (fd_ < 0 || !PollFor(fd_, POLLOUT, deadline)) return false;
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void FakeConnection::Reset() { server_->CloseFd(fd_, /*reset=*/true); }

void FakeConnection::Close() { server_->CloseFd(fd_, /*reset=*/false); }

bool FakeConnection::WaitForClientClose(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    if (fd_ < 0) return true;
    if (!PollFor(fd_, POLLIN, deadline)) return false;
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n == 0) return true;
    if (n < 0 && errno != EINTR && errno != EAGAIN) return true;
  }
}

absl::StatusOr<std::unique_ptr<FakeHttpServer>> FakeHttpServer::Start(Handler handler) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t size = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(fd, 128) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    const int error = errno;
    ::close(fd);
    return absl::InternalError(absl::StrCat("listen on 127.0.0.1: ", std::strerror(error)));
  }
  return std::unique_ptr<FakeHttpServer>(
      new FakeHttpServer(std::move(handler), fd, ntohs(address.sin_port)));
}

FakeHttpServer::FakeHttpServer(Handler handler, int listen_fd, uint16_t port)
    : handler_(std::move(handler)), listen_fd_(listen_fd), port_(port) {
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

FakeHttpServer::~FakeHttpServer() {
  std::vector<std::thread> threads;
  {
    MutexLock lock(&mu_);
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);                   // wakes accept()
    for (int fd : live_fds_) ::shutdown(fd, SHUT_RDWR);  // wakes handlers blocked on reads
  }
  accept_thread_.join();
  {
    MutexLock lock(&mu_);
    threads.swap(connection_threads_);
  }
  for (std::thread& thread : threads) thread.join();
  ::close(listen_fd_);
}

std::string FakeHttpServer::url() const { return absl::StrCat("http://127.0.0.1:", port_); }

int FakeHttpServer::connections_accepted() const {
  MutexLock lock(&mu_);
  return accepted_;
}

void FakeHttpServer::AcceptLoop() {
  for (;;) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    MutexLock lock(&mu_);
    if (stopping_) {
      if (fd >= 0) ::close(fd);
      return;
    }
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    ++accepted_;
    live_fds_.insert(fd);
    connection_threads_.emplace_back([this, fd] { Serve(fd); });
  }
}

void FakeHttpServer::Serve(int fd) {
  FakeConnection connection(this, fd);
  handler_(connection);
  CloseFd(connection.fd_, /*reset=*/false);
}

void FakeHttpServer::CloseFd(int& fd, bool reset) {
  if (fd < 0) return;
  MutexLock lock(&mu_);
  if (reset) {
    linger option = {1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof(option));
  }
  live_fds_.erase(fd);
  ::close(fd);
  fd = -1;
}

std::string HttpResponse(int status, absl::string_view body,
                         const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out = absl::StrCat("HTTP/1.1 ", status, " ", StatusText(status), "\r\n");
  for (const auto& [name, value] : headers) absl::StrAppend(&out, name, ": ", value, "\r\n");
  absl::StrAppend(&out, "Content-Length: ", body.size(), "\r\n\r\n", body);
  return out;
}

std::string ChunkedResponseHead(int status,
                                const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out = absl::StrCat("HTTP/1.1 ", status, " ", StatusText(status), "\r\n");
  for (const auto& [name, value] : headers) absl::StrAppend(&out, name, ": ", value, "\r\n");
  absl::StrAppend(&out, "Transfer-Encoding: chunked\r\n\r\n");
  return out;
}

std::string Chunk(absl::string_view data) {
  return absl::StrCat(absl::Hex(data.size()), "\r\n", data, "\r\n");
}

std::string LastChunk() { return "0\r\n\r\n"; }

}  // namespace kube::transport::testing
