#include "client/rest/rest_client.h"

#include <deque>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/sync.h"
#include "client/rest/status.h"
#include "client/rest/watch_stream.h"

namespace kube::rest {
namespace {

constexpr absl::string_view kDefaultAccept = "application/json";
// client-go turns a broken GET connection into an artificial `Retry-After: 1`.
constexpr absl::Duration kBrokenConnectionDelay = absl::Seconds(1);

std::string HostOf(absl::string_view base_url) {
  const size_t scheme = base_url.find("://");
  if (scheme != absl::string_view::npos) base_url.remove_prefix(scheme + 3);
  return std::string(base_url.substr(0, base_url.find('/')));
}

// WithRetryNote returns `status` with " (after N retries)" appended to its message, payloads
// kept.
absl::Status WithRetryNote(const absl::Status& status, int retries) {
  if (retries == 0 || status.ok()) return status;
  absl::Status noted(status.code(), absl::StrCat(status.message(), " (after ", retries,
                                                 retries == 1 ? " retry)" : " retries)"));
  status.ForEachPayload([&noted](absl::string_view url, const absl::Cord& payload) {
    noted.SetPayload(url, payload);
  });
  return noted;
}

}  // namespace

bool IsBrokenConnection(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kUnavailable) return false;
  const std::string message = absl::AsciiStrToLower(status.message());
  // The transport's messages (client/transport/transport.h) plus Asio's for a cut stream.
  for (absl::string_view needle : {"connection reset", "broken pipe", "closed the connection",
                                   "end of file", "end of stream", "stream truncated", "eof"}) {
    if (absl::StrContains(message, needle)) return true;
  }
  return false;
}

absl::StatusOr<std::string> PathPrefixOf(absl::string_view host) {
  const size_t scheme = host.find("://");
  if (scheme != absl::string_view::npos) host.remove_prefix(scheme + 3);
  const size_t slash = host.find('/');
  if (host.find_first_of("?#") != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("host \"", host, "\" may not carry a query or fragment"));
  }
  if (slash == absl::string_view::npos) return std::string();
  absl::string_view path = host.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  Request probe("GET");
  if (!path.empty()) probe.AbsPath(path);
  if (absl::Status s = probe.BuildError(); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("host path prefix \"", path, "\" is not valid: ", s.message()));
  }
  return std::string(path);
}

absl::StatusOr<std::shared_ptr<RestClient>> RestClient::Create(
    std::shared_ptr<transport::Transport> transport, RestClientOptions options) {
  if (transport == nullptr) return absl::InvalidArgumentError("RestClient needs a transport");
  if (options.max_retries < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_retries must be >= 0, got ", options.max_retries));
  }
  absl::StatusOr<std::string> prefix = PathPrefixOf(options.config.host);
  if (!prefix.ok()) return prefix.status();
  std::shared_ptr<RateLimiter> limiter = options.rate_limiter;
  if (limiter == nullptr) {
    absl::StatusOr<std::shared_ptr<RateLimiter>> made =
        RateLimiterForConfig(options.config.qps, options.config.burst, options.clock);
    if (!made.ok()) return made.status();
    limiter = *std::move(made);
  }
  return std::shared_ptr<RestClient>(new RestClient(std::move(transport), std::move(options),
                                                    *std::move(prefix), std::move(limiter)));
}

RestClient::RestClient(std::shared_ptr<transport::Transport> transport, RestClientOptions options,
                       std::string path_prefix, std::shared_ptr<RateLimiter> rate_limiter)
    : transport_(std::move(transport)),
      options_(std::move(options)),
      path_prefix_(std::move(path_prefix)),
      host_(HostOf(transport_->BaseUrl())),
      rate_limiter_(std::move(rate_limiter)),
      clock_(options_.clock != nullptr ? *options_.clock : Clock::Real()) {}

Request RestClient::Verb(absl::string_view verb) { return Request(verb, shared_from_this()); }

std::string RestClient::Target(
    const Request& request, const std::vector<std::pair<std::string, std::string>>& extra) const {
  std::string target = absl::StrCat(path_prefix_, request.Path());
  const std::string query = request.Query(extra);
  if (!query.empty()) absl::StrAppend(&target, "?", query);
  return target;
}

void RestClient::HandleWarnings(const std::vector<Warning>& warnings) const {
  if (!options_.warning_handler) return;
  for (const Warning& w : warnings) options_.warning_handler(w);
}

namespace {

// BufferingHandler collects a streamed exchange into a Response (what RoundTrip returns), so that
// the exchange has a Call handle a Cancellation can cancel.
class BufferingHandler final : public transport::StreamHandler {
 public:
  explicit BufferingHandler(size_t max_body_bytes) : max_body_bytes_(max_body_bytes) {}
  void OnHead(const transport::ResponseHead& head) override {
    MutexLock l(&mu_);
    response_.head = head;
  }
  bool OnBody(absl::string_view data) override {
    MutexLock l(&mu_);
    if (too_large_) return true;  // discard: the exchange is being cancelled
    if (response_.body.size() + data.size() > max_body_bytes_) {
      too_large_ = true;
      response_.body.clear();
      return true;
    }
    response_.body.append(data.data(), data.size());
    return true;
  }
  void OnEnd(const absl::Status& status) override {
    MutexLock l(&mu_);
    end_ = status;
  }
  // Wait blocks until OnEnd and returns what RoundTrip would have.
  absl::StatusOr<transport::Response> Wait(transport::Call& call) {
    MutexLock l(&mu_);
    auto ended = [this]()
                     ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return end_.has_value() || too_large_; };
    AwaitCondition(mu_, absl::Condition(&ended));
    if (too_large_) {
      call.Cancel();
      return absl::ResourceExhaustedError(
          absl::StrCat("response body larger than ", max_body_bytes_, " bytes"));
    }
    if (!end_->ok()) return *end_;
    return std::move(response_);
  }

 private:
  const size_t max_body_bytes_;
  absl::Mutex mu_;
  transport::Response response_ ABSL_GUARDED_BY(mu_);
  bool too_large_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Status> end_ ABSL_GUARDED_BY(mu_);
};

// StreamingHandler hands a 2xx body from the I/O thread to the calling thread through a small
// queue; reading pauses while more than kMaxQueuedBytes wait, so a slow sink bounds memory.
// Other statuses' bodies (metav1.Status) are buffered whole, as RoundTrip does.
class StreamingHandler final : public transport::StreamHandler {
 public:
  static constexpr size_t kMaxQueuedBytes = size_t{1} << 20;

  explicit StreamingHandler(size_t max_error_body_bytes)
      : max_error_body_bytes_(max_error_body_bytes) {}
  void OnHead(const transport::ResponseHead& head) override {
    MutexLock l(&mu_);
    head_ = head;
    success_ = head.status >= 200 && head.status < 300;
  }
  bool OnBody(absl::string_view data) override {
    MutexLock l(&mu_);
    if (!success_) {
      if (error_body_.size() + data.size() <= max_error_body_bytes_) {
        error_body_.append(data.data(), data.size());
      }
      return true;
    }
    queued_bytes_ += data.size();
    chunks_.emplace_back(data);
    if (queued_bytes_ > kMaxQueuedBytes) {
      paused_ = true;
      return false;
    }
    return true;
  }
  void OnEnd(const absl::Status& status) override {
    MutexLock l(&mu_);
    end_ = status;
  }

  // Drain waits for the head, feeds a 2xx body to `sink` chunk by chunk on this thread, and
  // returns the head (with the buffered body for other statuses) or the first error.
  absl::StatusOr<transport::Response> Drain(transport::Call& call, BodySink sink, bool* delivered) {
    std::string content_type;
    for (;;) {
      std::string chunk;
      bool resume = false;
      {
        MutexLock l(&mu_);
        auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return end_.has_value() || !chunks_.empty();
        };
        AwaitCondition(mu_, absl::Condition(&ready));
        if (chunks_.empty()) {
          if (!end_->ok()) return *end_;
          transport::Response response;
          response.head = std::move(head_);
          response.body = std::move(error_body_);
          return response;
        }
        chunk = std::move(chunks_.front());
        chunks_.pop_front();
        queued_bytes_ -= chunk.size();
        if (paused_ && queued_bytes_ <= kMaxQueuedBytes / 2) {
          paused_ = false;
          resume = true;
        }
        if (content_type.empty()) {
          content_type =
              std::string(transport::FindHeader(head_.headers, "Content-Type").value_or(""));
        }
      }
      if (resume) call.Resume();  // outside the lock: may deliver on this thread
      *delivered = true;
      if (absl::Status s = sink(content_type, chunk); !s.ok()) {
        call.Cancel();
        return s;
      }
    }
  }

 private:
  const size_t max_error_body_bytes_;
  absl::Mutex mu_;
  transport::ResponseHead head_ ABSL_GUARDED_BY(mu_);
  bool success_ ABSL_GUARDED_BY(mu_) = false;
  std::string error_body_ ABSL_GUARDED_BY(mu_);
  std::deque<std::string> chunks_ ABSL_GUARDED_BY(mu_);
  size_t queued_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  bool paused_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Status> end_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<transport::Response> RestClient::StreamingRoundTrip(const transport::Request& wire,
                                                                   Cancellation* cancellation,
                                                                   BodySink sink, bool* delivered) {
  auto cancelled = [&wire] {
    return absl::CancelledError(absl::StrCat(wire.method, " ", wire.target, ": cancelled"));
  };
  if (cancellation != nullptr && cancellation->cancelled()) return cancelled();
  auto handler = std::make_shared<StreamingHandler>(wire.max_body_bytes);
  std::shared_ptr<transport::Call> call = transport_->Stream(wire, handler);
  if (cancellation != nullptr && !cancellation->Attach([call] { call->Cancel(); })) {
    call->Cancel();
  }
  absl::StatusOr<transport::Response> response = handler->Drain(*call, sink, delivered);
  if (cancellation != nullptr) {
    cancellation->Detach();
    if (!response.ok() && cancellation->cancelled()) return cancelled();
  }
  return response;
}

absl::StatusOr<transport::Response> RestClient::CancellableRoundTrip(const transport::Request& wire,
                                                                     Cancellation& cancellation) {
  auto cancelled = [&wire] {
    return absl::CancelledError(absl::StrCat(wire.method, " ", wire.target, ": cancelled"));
  };
  if (cancellation.cancelled()) return cancelled();
  auto handler = std::make_shared<BufferingHandler>(wire.max_body_bytes);
  std::shared_ptr<transport::Call> call = transport_->Stream(wire, handler);
  if (!cancellation.Attach([call] { call->Cancel(); })) call->Cancel();
  absl::StatusOr<transport::Response> response = handler->Wait(*call);
  cancellation.Detach();
  if (!response.ok() && cancellation.cancelled()) return cancelled();
  return response;
}

absl::StatusOr<Result> RestClient::Execute(const Request& request) { return Run(request, nullptr); }

absl::StatusOr<Result> RestClient::ExecuteStream(const Request& request, BodySink sink) {
  return Run(request, &sink);
}

absl::StatusOr<Result> RestClient::Run(const Request& request, BodySink* sink) {
  if (absl::Status s = request.BuildError(); !s.ok()) return s;
  const absl::Time start = clock_.Now();
  const absl::Duration timeout = request.timeout().value_or(
      options_.config.timeout > absl::ZeroDuration() ? options_.config.timeout
                                                     : absl::InfiniteDuration());
  const absl::Time deadline = start + timeout;  // InfiniteFuture when infinite

  std::vector<std::pair<std::string, std::string>> extra;
  if (timeout != absl::InfiniteDuration() && !request.HasParam("timeout")) {
    extra.emplace_back("timeout", FormatGoDuration(timeout));
  }
  transport::Request wire;
  wire.method = request.verb();
  wire.target = Target(request, extra);
  wire.headers = request.headers();
  wire.headers.push_back(
      {"Accept", request.accept().empty() ? std::string(kDefaultAccept) : request.accept()});
  if (!request.content_type().empty()) {
    wire.headers.push_back({"Content-Type", request.content_type()});
  }
  wire.body = request.body();
  wire.max_body_bytes = options_.max_response_bytes;

  const std::string path_template = request.PathTemplate();
  const RequestLabels labels{wire.method, host_, path_template};
  RestMetrics* metrics = options_.metrics.get();
  const int max_retries = request.max_retries().value_or(options_.max_retries);
  int retries = 0;

  auto finish = [&](absl::StatusOr<Result> result) -> absl::StatusOr<Result> {
    if (metrics != nullptr) metrics->ObserveRequestLatency(labels, clock_.Now() - start);
    if (!result.ok()) return WithRetryNote(result.status(), retries);
    return result;
  };
  // RetryAfter sleeps `delay` and reports true when one more attempt fits in the budget.
  auto retry_after = [&](absl::Duration delay, absl::string_view code) {
    if (retries >= max_retries || clock_.Now() + delay >= deadline) return false;
    if (metrics != nullptr) metrics->IncrementRequestRetry(labels, code);
    ++retries;
    clock_.SleepFor(delay);
    return true;
  };

  for (;;) {
    if (request.cancellation() != nullptr && request.cancellation()->cancelled()) {
      return finish(
          absl::CancelledError(absl::StrCat(wire.method, " ", wire.target, ": cancelled")));
    }
    const absl::Time wait_start = clock_.Now();
    absl::Status limited = rate_limiter_->Wait(deadline);
    if (metrics != nullptr) {
      metrics->ObserveRateLimiterLatency(labels, clock_.Now() - wait_start);
    }
    if (!limited.ok()) return finish(limited);
    if (deadline != absl::InfiniteFuture()) {
      wire.timeout = deadline - clock_.Now();
      if (wire.timeout <= absl::ZeroDuration()) {
        return finish(absl::DeadlineExceededError(
            absl::StrCat(wire.method, " ", wire.target, ": request timeout of ",
                         absl::FormatDuration(timeout), " reached")));
      }
    }
    if (metrics != nullptr) metrics->ObserveRequestSize(labels, wire.body.size());
    bool delivered = false;
    absl::StatusOr<transport::Response> response =
        sink != nullptr ? StreamingRoundTrip(wire, request.cancellation().get(), *sink, &delivered)
        : request.cancellation() != nullptr ? CancellableRoundTrip(wire, *request.cancellation())
                                            : transport_->RoundTrip(wire);
    if (!response.ok()) {
      if (metrics != nullptr) metrics->IncrementRequestResult(labels, "<error>");
      // Once body bytes reached the sink, a retry would hand them over twice.
      if (!delivered && wire.method == "GET" && IsBrokenConnection(response.status()) &&
          retry_after(kBrokenConnectionDelay, "<error>")) {
        continue;
      }
      return finish(response.status());
    }
    const int code = response->head.status;
    const std::string code_label = absl::StrCat(code);
    if (metrics != nullptr) {
      metrics->IncrementRequestResult(labels, code_label);
      metrics->ObserveResponseSize(labels, response->body.size());
    }
    std::optional<int64_t> retry_after_seconds;
    if (std::optional<absl::string_view> h =
            transport::FindHeader(response->head.headers, "Retry-After")) {
      retry_after_seconds = ParseRetryAfterSeconds(*h);
    }
    if ((code == 429 || code >= 500) && retry_after_seconds.has_value() &&
        retry_after(absl::Seconds(*retry_after_seconds), code_label)) {
      continue;
    }

    std::vector<Warning> warnings =
        ParseWarningHeaders(transport::FindHeaders(response->head.headers, "Warning"));
    HandleWarnings(warnings);
    const std::string content_type(
        transport::FindHeader(response->head.headers, "Content-Type").value_or(""));
    if (code < 200 || code >= 300) {
      return finish(StatusFromResponse(code, content_type, response->body, retry_after_seconds));
    }
    Result result;
    result.status_code = code;
    result.content_type = content_type;
    result.headers = std::move(response->head.headers);
    result.body = std::move(response->body);
    result.warnings = std::move(warnings);
    return finish(std::move(result));
  }
}

absl::StatusOr<std::shared_ptr<WatchCall>> RestClient::ExecuteWatch(
    const Request& request, std::shared_ptr<WatchHandler> handler) {
  if (absl::Status s = request.BuildError(); !s.ok()) return s;
  if (handler == nullptr) return absl::InvalidArgumentError("watch needs a handler");
  if (request.verb() != "GET") {
    return absl::InvalidArgumentError(absl::StrCat("a watch is a GET, not a ", request.verb()));
  }
  std::vector<std::pair<std::string, std::string>> extra;
  if (!request.HasParam("watch")) extra.emplace_back("watch", "1");
  if (request.timeout().has_value() && *request.timeout() != absl::InfiniteDuration() &&
      !request.HasParam("timeout")) {
    extra.emplace_back("timeout", FormatGoDuration(*request.timeout()));
  }
  transport::Request wire;
  wire.method = "GET";
  wire.target = Target(request, extra);
  wire.headers = request.headers();
  wire.headers.push_back(
      {"Accept", request.accept().empty() ? std::string(kDefaultAccept) : request.accept()});
  wire.timeout = request.timeout().value_or(absl::InfiniteDuration());
  wire.idle_timeout = options_.watch_idle_timeout;

  WatchStreamOptions stream_options;
  stream_options.decoder.max_event_bytes = options_.max_watch_event_bytes;
  const absl::Time start = clock_.Now();
  std::shared_ptr<RestMetrics> metrics = options_.metrics;
  WarningHandler warning_handler = options_.warning_handler;
  Clock* clock = &clock_;
  stream_options.on_head = [metrics, warning_handler, clock, start, host = host_,
                            path_template =
                                request.PathTemplate()](const transport::ResponseHead& head) {
    if (metrics != nullptr) {
      const RequestLabels labels{"WATCH", host, path_template};
      metrics->IncrementRequestResult(labels, absl::StrCat(head.status));
      metrics->ObserveRequestLatency(labels, clock->Now() - start);
    }
    if (warning_handler) {
      for (const Warning& w :
           ParseWarningHeaders(transport::FindHeaders(head.headers, "Warning"))) {
        warning_handler(w);
      }
    }
  };
  auto stream = std::make_shared<WatchStream>(std::move(handler), std::move(stream_options));
  std::shared_ptr<transport::Call> call = transport_->Stream(wire, stream);
  stream->Attach(std::move(call));
  return std::shared_ptr<WatchCall>(stream);
}

}  // namespace kube::rest
