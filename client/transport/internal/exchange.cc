#include "client/transport/internal/exchange.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/sync.h"
#include "boost/asio/bind_executor.hpp"
#include "boost/asio/connect.hpp"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/ssl/error.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/http/error.hpp"
#include "boost/beast/http/read.hpp"
#include "client/transport/auth.h"
#include "client/transport/tls.h"

namespace kube::transport::internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr size_t kReadBufferSize = 64 * 1024;  // one socket read into the body
constexpr size_t kMaxPieceSize = 64 * 1024;    // one OnBody call, decoded
constexpr uint32_t kHeaderLimit = 256 * 1024;

// CallHandle is the caller's Call: it reaches the exchange only while it runs.
class CallHandle final : public Call {
 public:
  explicit CallHandle(std::shared_ptr<CallControl> control) : control_(std::move(control)) {}

  void Cancel() override {
    MutexLock lock(&control_->mu);
    if (control_->exchange != nullptr) {
      control_->exchange->PostCancel(absl::CancelledError("request cancelled"));
    }
  }

  void Resume() override {
    MutexLock lock(&control_->mu);
    if (control_->exchange != nullptr) control_->exchange->PostResume();
  }

 private:
  const std::shared_ptr<CallControl> control_;
};

bool IsTokenChar(unsigned char c) {
  return absl::ascii_isalnum(c) ||
         absl::string_view("!#$%&'*+-.^_`|~").find(c) != absl::string_view::npos;
}

bool IsToken(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return IsTokenChar(c); });
}

absl::Status ValidateRequest(const Request& request) {
  if (!IsToken(request.method)) {
    return absl::InvalidArgumentError(absl::StrCat("bad HTTP method \"", request.method, "\""));
  }
  if (request.target.empty() || request.target.front() != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("request target \"", request.target, "\" must start with '/'"));
  }
  for (unsigned char c : request.target) {
    if (c <= 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          "request target holds a space or control character (escape it)");
    }
  }
  for (const Header& header : request.headers) {
    if (!IsToken(header.name)) {
      return absl::InvalidArgumentError(absl::StrCat("bad header name \"", header.name, "\""));
    }
    if (absl::string_view(header.value).find_first_of(absl::string_view("\r\n\0", 3)) !=
        absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("header ", header.name, " holds CR, LF or NUL"));
    }
    if (absl::EqualsIgnoreCase(header.name, "Transfer-Encoding")) {
      return absl::InvalidArgumentError(
          "requests are sent with Content-Length; do not set Transfer-Encoding");
    }
  }
  return absl::OkStatus();
}

bool IsReplayable(absl::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "TRACE";
}

// IsStaleConnectionError: how a reused connection the server had already closed fails.
bool IsStaleConnectionError(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == http::error::end_of_stream ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == asio::ssl::error::stream_truncated;
}

// ChronoFor converts a finite timer duration, clamped so `now + d` cannot overflow.
std::chrono::nanoseconds ChronoFor(absl::Duration d) {
  return absl::ToChronoNanoseconds(std::clamp(d, absl::ZeroDuration(), absl::Hours(24 * 365)));
}

void SetSocketOptions(tcp::socket& socket, absl::Duration keepalive) {
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (keepalive <= absl::ZeroDuration()) return;
  socket.set_option(asio::socket_base::keep_alive(true), ignored);
  const int seconds = static_cast<int>(std::max<int64_t>(1, absl::ToInt64Seconds(keepalive)));
  const int fd = socket.native_handle();
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &seconds, sizeof(seconds));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &seconds, sizeof(seconds));
}

}  // namespace

absl::Status Unshared(const absl::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status copy(status.code(), status.message());
  status.ForEachPayload([&copy](absl::string_view type_url, const absl::Cord& payload) {
    copy.SetPayload(type_url, payload);
  });
  return copy;
}

std::shared_ptr<Call> Exchange::Start(TransportCore& core, const Request& request,
                                      std::shared_ptr<StreamHandler> handler, bool buffered) {
  auto exchange = std::make_shared<Exchange>(core, request, std::move(handler), buffered);
  exchange->self_ = exchange;
  {
    MutexLock lock(&exchange->control_->mu);
    exchange->control_->exchange = exchange.get();
  }
  auto call = std::make_shared<CallHandle>(exchange->control_);
  if (!core.Register(exchange.get())) {
    exchange->PostCancel(absl::CancelledError("the transport is shut down"));
  } else {
    asio::post(exchange->strand_, [exchange] { exchange->Begin(); });
  }
  return call;
}

Exchange::Exchange(TransportCore& core, const Request& request,
                   std::shared_ptr<StreamHandler> handler, bool buffered)
    : core_(core),
      request_(request),
      handler_(std::move(handler)),
      buffered_(buffered),
      control_(std::make_shared<CallControl>()),
      strand_(asio::make_strand(core.io())),
      deadline_timer_(strand_),
      idle_timer_(strand_),
      connect_timer_(strand_),
      resolver_(strand_) {}

// Runs once no handler refers to the exchange any more: nothing is pending on its connection.
Exchange::~Exchange() = default;

void Exchange::PostCancel(absl::Status why) {
  asio::post(strand_, [self = shared_from_this(), why = std::move(why)] { self->Finish(why); });
}

void Exchange::PostResume() {
  asio::post(strand_, [self = shared_from_this()] { self->DoResume(); });
}

std::string Exchange::Describe() const {
  return absl::StrCat(request_.method, " ", core_.server().base_url, request_.target);
}

void Exchange::Begin() {
  if (finished_) return;
  if (absl::Status valid = ValidateRequest(request_); !valid.ok()) return Finish(valid);
  if (request_.timeout != absl::InfiniteDuration()) {
    if (request_.timeout <= absl::ZeroDuration()) {
      return Finish(absl::DeadlineExceededError(
          absl::StrCat(Describe(), ": timeout ", absl::FormatDuration(request_.timeout))));
    }
    deadline_timer_.expires_after(ChronoFor(request_.timeout));
    deadline_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      self->Finish(absl::DeadlineExceededError(absl::StrCat(
          self->Describe(), ": timed out after ", absl::FormatDuration(self->request_.timeout))));
    });
  }
  phase_ = Phase::kAuthorizing;
  CredentialSource* source = core_.credentials();
  if (source == nullptr) return OnCredentials(Credentials{});
  source->Get([self = shared_from_this()](absl::StatusOr<Credentials> credentials) {
    asio::dispatch(self->strand_, [self, credentials = std::move(credentials)]() mutable {
      self->OnCredentials(std::move(credentials));
    });
  });
}

void Exchange::OnCredentials(absl::StatusOr<Credentials> credentials) {
  if (finished_) return;
  if (!credentials.ok()) return Finish(credentials.status());
  credentials_ = *std::move(credentials);
  absl::StatusOr<std::shared_ptr<asio::ssl::context>> context = core_.TlsContextFor(credentials_);
  if (!context.ok()) return Finish(context.status());
  tls_context_ = *std::move(context);
  if (absl::Status built = BuildRequest(); !built.ok()) return Finish(built);
  Acquire();
}

absl::Status Exchange::BuildRequest() {
  Headers headers = request_.headers;
  AddRequestHeaders(credentials_, core_.impersonation(), core_.user_agent(), headers);
  bool has_host = false;
  bool has_accept_encoding = false;
  for (const Header& header : headers) {
    has_host |= absl::EqualsIgnoreCase(header.name, "Host");
    has_accept_encoding |= absl::EqualsIgnoreCase(header.name, "Accept-Encoding");
  }
  if (!has_accept_encoding && !core_.disable_compression()) {
    headers.push_back({"Accept-Encoding", "gzip"});
    requested_gzip_ = true;
  }
  std::string& out = wire_request_;
  out.reserve(256 + request_.body.size());
  absl::StrAppend(&out, request_.method, " ", request_.target, " HTTP/1.1\r\n");
  if (!has_host) absl::StrAppend(&out, "Host: ", core_.server().authority, "\r\n");
  for (const Header& header : headers) {
    if (absl::EqualsIgnoreCase(header.name, "Content-Length")) continue;  // computed below
    absl::StrAppend(&out, header.name, ": ", header.value, "\r\n");
  }
  const bool sends_body = !request_.body.empty() || request_.method == "POST" ||
                          request_.method == "PUT" || request_.method == "PATCH";
  if (sends_body) absl::StrAppend(&out, "Content-Length: ", request_.body.size(), "\r\n");
  out += "\r\n";
  out += request_.body;
  return absl::OkStatus();
}

void Exchange::Acquire() {
  phase_ = Phase::kConnecting;
  connection_ = core_.pool().Take(tls_context_.get());
  if (connection_ != nullptr) {
    reused_ = true;
    stats_.reused_connection = true;
    if (TransportObserver* observer = core_.observer()) observer->OnConnectionReused();
    return Write();
  }
  Dial();
}

void Exchange::Dial() {
  phase_ = Phase::kConnecting;
  reused_ = false;
  connection_ = std::make_unique<Connection>(core_.io(), tls_context_);
  const uint64_t generation = ++dial_generation_;
  const absl::Duration timeout = core_.options().connect_timeout;
  connect_timer_.expires_after(ChronoFor(timeout));
  connect_timer_.async_wait(
      [self = shared_from_this(), generation, timeout](const boost::system::error_code& ec) {
        if (ec || generation != self->dial_generation_ || self->phase_ != Phase::kConnecting) {
          return;
        }
        self->Finish(absl::UnavailableError(absl::StrCat("dial ", self->core_.server().authority,
                                                         ": i/o timeout (no connection", " within ",
                                                         absl::FormatDuration(timeout), ")")));
      });
  const ServerUrl& server = core_.server();
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(server.host, ec);
  if (!ec) return Connect({tcp::endpoint(address, server.port)});
  resolver_.async_resolve(server.host, std::to_string(server.port),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      const tcp::resolver::results_type& results) {
                            if (self->finished_) return;
                            if (ec) {
                              return self->Finish(absl::UnavailableError(absl::StrCat(
                                  "resolving ", self->core_.server().host, ": ", ec.message())));
                            }
                            std::vector<tcp::endpoint> endpoints;
                            for (const auto& entry : results) endpoints.push_back(entry.endpoint());
                            self->Connect(std::move(endpoints));
                          });
}

void Exchange::Connect(std::vector<tcp::endpoint> endpoints) {
  auto shared = std::make_shared<std::vector<tcp::endpoint>>(std::move(endpoints));
  asio::async_connect(
      connection_->socket(), *shared,
      asio::bind_executor(strand_, [self = shared_from_this(), shared](
                                       const boost::system::error_code& ec, const tcp::endpoint&) {
        self->OnConnected(ec);
      }));
}

void Exchange::OnConnected(const boost::system::error_code& ec) {
  if (finished_) return;
  if (ec) return Finish(IoError(ec));
  SetSocketOptions(connection_->socket(), core_.options().tcp_keepalive);
  Connection::TlsStream* tls = connection_->tls_stream();
  if (tls == nullptr) return OnConnectionReady();
  if (absl::Status prepared =
          PrepareTlsConnection(tls->native_handle(), core_.server().host, core_.tls());
      !prepared.ok()) {
    return Finish(prepared);
  }
  tls->async_handshake(asio::ssl::stream_base::client,
                       asio::bind_executor(strand_, [self = shared_from_this()](
                                                        const boost::system::error_code& ec) {
                         self->OnHandshake(ec);
                       }));
}

void Exchange::OnHandshake(const boost::system::error_code& ec) {
  if (finished_) return;
  if (ec) {
    return Finish(TlsHandshakeStatus(connection_->tls_stream()->native_handle(), ec,
                                     core_.server().authority));
  }
  OnConnectionReady();
}

void Exchange::OnConnectionReady() {
  ++dial_generation_;
  connect_timer_.cancel();
  if (TransportObserver* observer = core_.observer()) observer->OnConnectionOpened();
  Write();
}

void Exchange::Write() {
  phase_ = Phase::kWriting;
  connection_->WithStream([&](auto& stream) {
    asio::async_write(stream, asio::buffer(wire_request_),
                      asio::bind_executor(
                          strand_, [self = shared_from_this()](const boost::system::error_code& ec,
                                                               size_t) { self->OnWritten(ec); }));
  });
}

void Exchange::OnWritten(const boost::system::error_code& ec) {
  if (finished_) return;
  if (ec) {
    // The server cannot have acted on a request it did not fully receive: any method may go
    // again when a pooled connection turns out dead.
    if (reused_ && !stats_.retried) return RetryOnFreshConnection();
    return Finish(IoError(ec));
  }
  ReadHead();
}

void Exchange::ReadHead() {
  phase_ = Phase::kReadingHead;
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(boost::none);
  if (request_.method == "HEAD") parser_->skip(true);
  ArmIdleTimer();
  connection_->WithStream([&](auto& stream) {
    http::async_read_header(stream, connection_->buffer(), *parser_,
                            asio::bind_executor(strand_, [self = shared_from_this()](
                                                             const boost::system::error_code& ec,
                                                             size_t) { self->OnHeadRead(ec); }));
  });
}

void Exchange::OnHeadRead(const boost::system::error_code& ec) {
  if (finished_) return;
  DisarmIdleTimer();
  if (ec) {
    if (reused_ && !stats_.retried && !parser_->got_some() && IsStaleConnectionError(ec) &&
        IsReplayable(request_.method)) {
      return RetryOnFreshConnection();
    }
    return Finish(IoError(ec));
  }
  DeliverHead();
}

void Exchange::RetryOnFreshConnection() {
  stats_.retried = true;
  connection_->Close();
  connection_.reset();  // no operation is pending on it: this is its completion handler
  parser_.reset();
  Dial();
}

void Exchange::DeliverHead() {
  const auto& message = parser_->get();
  ResponseHead head;
  head.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    head.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  }
  if (requested_gzip_) {
    std::optional<absl::string_view> encoding = FindHeader(head.headers, "Content-Encoding");
    if (encoding.has_value() &&
        absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(*encoding), "gzip")) {
      gzip_ = std::make_unique<GzipDecoder>();
      stats_.decompressed = true;
      std::erase_if(head.headers, [](const Header& header) {
        return absl::EqualsIgnoreCase(header.name, "Content-Encoding") ||
               absl::EqualsIgnoreCase(header.name, "Content-Length");
      });
    }
  }
  stats_.http_status = head.status;
  if (head.status == 401 && core_.credentials() != nullptr) {
    core_.credentials()->Unauthorized(credentials_);
  }
  phase_ = Phase::kReadingBody;
  read_buffer_ = std::make_unique<char[]>(kReadBufferSize);
  handler_->OnHead(head);
  Continue();
}

void Exchange::ReadBody() {
  auto& body = parser_->get().body();
  body.data = read_buffer_.get();
  body.size = kReadBufferSize;
  ArmIdleTimer();
  connection_->WithStream([&](auto& stream) {
    http::async_read_some(stream, connection_->buffer(), *parser_,
                          asio::bind_executor(strand_, [self = shared_from_this()](
                                                           const boost::system::error_code& ec,
                                                           size_t) { self->OnBodyRead(ec); }));
  });
}

void Exchange::OnBodyRead(boost::system::error_code ec) {
  if (finished_) return;
  DisarmIdleTimer();
  if (ec == http::error::need_buffer) ec = {};
  const size_t got = kReadBufferSize - parser_->get().body().size;
  if (ec == asio::ssl::error::stream_truncated && parser_->need_eof()) {
    // A body that ends at EOF, over TLS without close_notify: the end of the body all the same.
    ec = {};
    parser_->put_eof(ec);
  }
  stats_.wire_body_bytes += got;
  if (got > 0 && !Deliver(read_buffer_.get(), got)) return;
  if (ec) return Finish(IoError(ec));
  Continue();
}

bool Exchange::Deliver(const char* data, size_t size) {
  if (gzip_ != nullptr) {
    pending_.append(data, size);
    return true;  // Continue() pumps it through the decoder
  }
  return DeliverDecoded(absl::string_view(data, size));
}

bool Exchange::DeliverDecoded(absl::string_view data) {
  stats_.body_bytes += data.size();
  if (buffered_ && stats_.body_bytes > request_.max_body_bytes) {
    Finish(absl::ResourceExhaustedError(
        absl::StrCat(Describe(), ": response body exceeds ", request_.max_body_bytes, " bytes")));
    return false;
  }
  if (!handler_->OnBody(data)) paused_ = true;
  return !finished_;
}

bool Exchange::Pump() {
  std::string piece;
  while (!paused_) {
    absl::string_view input(pending_);
    input.remove_prefix(pending_offset_);
    const size_t before = input.size();
    piece.clear();
    absl::Status decoded = gzip_->Decode(input, piece, kMaxPieceSize);
    pending_offset_ += before - input.size();
    if (pending_offset_ == pending_.size()) {
      pending_.clear();
      pending_offset_ = 0;
    }
    if (!decoded.ok()) {
      Finish(absl::Status(decoded.code(), absl::StrCat(Describe(), ": ", decoded.message())));
      return false;
    }
    if (piece.empty()) break;  // everything buffered is decoded
    if (!DeliverDecoded(piece)) return false;
  }
  return true;
}

void Exchange::Continue() {
  if (finished_) return;
  if (!message_done_ && parser_->is_done()) {
    message_done_ = true;
    reusable_ = parser_->keep_alive() && connection_->buffer().size() == 0;
  }
  if (gzip_ != nullptr && !Pump()) return;
  if (paused_) return;
  if (!message_done_) return ReadBody();
  if (gzip_ != nullptr) {
    if (absl::Status complete = gzip_->Finish(); !complete.ok()) {
      return Finish(
          absl::Status(complete.code(), absl::StrCat(Describe(), ": ", complete.message())));
    }
  }
  Finish(absl::OkStatus());
}

void Exchange::DoResume() {
  if (finished_ || !paused_) return;
  paused_ = false;
  Continue();
}

void Exchange::Finish(absl::Status status) {
  if (finished_) return;
  finished_ = true;
  phase_ = Phase::kDone;
  boost::system::error_code ignored;
  deadline_timer_.cancel();
  idle_timer_.cancel();
  connect_timer_.cancel();
  resolver_.cancel();
  if (status.ok() && message_done_ && reusable_) {
    // Read to its end with nothing pending on it: the next exchange may have it.
    core_.pool().Put(std::move(connection_));
  } else if (connection_ != nullptr) {
    // Not reused after an error or a cancel. The object stays until the exchange is destroyed:
    // an operation may still be pending on it.
    connection_->Close();
  }
  {
    MutexLock lock(&control_->mu);
    control_->exchange = nullptr;
  }
  core_.Unregister(this);
  if (TransportObserver* observer = core_.observer()) {
    ExchangeStats stats = stats_;
    stats.status = Unshared(status);
    observer->OnExchangeEnd(stats);
  }
  std::shared_ptr<StreamHandler> handler = std::move(handler_);
  std::shared_ptr<Exchange> keep = std::move(self_);  // `this` lives to the end of this call
  handler->OnEnd(Unshared(status));
}

void Exchange::ArmIdleTimer() {
  if (request_.idle_timeout == absl::InfiniteDuration()) return;
  const uint64_t generation = ++idle_generation_;
  idle_timer_.expires_after(ChronoFor(request_.idle_timeout));
  idle_timer_.async_wait(
      [self = shared_from_this(), generation](const boost::system::error_code& ec) {
        if (ec || generation != self->idle_generation_) return;
        self->Finish(absl::DeadlineExceededError(
            absl::StrCat(self->Describe(), ": no data received for ",
                         absl::FormatDuration(self->request_.idle_timeout), " (idle timeout)")));
      });
}

void Exchange::DisarmIdleTimer() {
  if (request_.idle_timeout == absl::InfiniteDuration()) return;
  ++idle_generation_;
  idle_timer_.cancel();
}

absl::Status Exchange::IoError(const boost::system::error_code& ec) const {
  const std::string where = Describe();
  const bool in_body = phase_ == Phase::kReadingBody;
  if (ec == asio::error::connection_refused) {
    return absl::UnavailableError(absl::StrCat(where, ": connection refused"));
  }
  if (ec == asio::error::connection_reset || ec == asio::error::connection_aborted) {
    return absl::UnavailableError(absl::StrCat(where, ": connection reset by peer",
                                               in_body ? " in the middle of the body" : ""));
  }
  if (ec == asio::error::broken_pipe) {
    return absl::UnavailableError(
        absl::StrCat(where, ": connection reset by peer (broken pipe while writing)"));
  }
  if (ec == asio::error::eof || ec == http::error::end_of_stream ||
      ec == asio::ssl::error::stream_truncated || ec == http::error::partial_message) {
    if (in_body) {
      return absl::DataLossError(
          absl::StrCat(where, ": response body truncated: the connection closed after ",
                       stats_.wire_body_bytes, " body bytes"));
    }
    if (phase_ == Phase::kReadingHead && parser_.has_value() && parser_->got_some()) {
      return absl::DataLossError(
          absl::StrCat(where, ": the connection closed in the middle of the response head"));
    }
    return absl::UnavailableError(
        absl::StrCat(where, ": the server closed the connection before responding"));
  }
  if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
    return absl::DataLossError(
        absl::StrCat(where, ": malformed HTTP response (", ec.message(), ")"));
  }
  if (ec == asio::error::timed_out) {
    return absl::UnavailableError(absl::StrCat(where, ": connection timed out"));
  }
  return absl::UnavailableError(absl::StrCat(where, ": ", ec.message()));
}

}  // namespace kube::transport::internal
