#include "client/rest/watch_stream.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/sync.h"
#include "client/rest/status.h"

namespace kube::rest {

WatchStream::WatchStream(std::shared_ptr<WatchHandler> handler, WatchStreamOptions options)
    : options_(std::move(options)), handler_(std::move(handler)) {}

WatchStream::~WatchStream() = default;

void WatchStream::Attach(std::shared_ptr<transport::Call> call) {
  bool cancel = false;
  {
    MutexLock lock(&mu_);
    attached_ = true;
    if (end_delivered_) return;  // nothing left to control
    call_ = call;
    cancel = cancel_requested_;
  }
  if (cancel) call->Cancel();
  Drain();
}

void WatchStream::CancelTransport() {
  std::shared_ptr<transport::Call> call;
  {
    MutexLock lock(&mu_);
    call = call_;
    if (call == nullptr) cancel_requested_ = true;
  }
  if (call != nullptr) call->Cancel();
}

void WatchStream::OnHead(const transport::ResponseHead& head) {
  if (options_.on_head) options_.on_head(head);
  const absl::string_view content_type =
      transport::FindHeader(head.headers, "Content-Type").value_or("");
  if (head.status < 200 || head.status >= 300) {
    phase_ = Phase::kErrorBody;
    error_code_ = head.status;
    error_content_type_ = std::string(content_type);
    if (std::optional<absl::string_view> retry =
            transport::FindHeader(head.headers, "Retry-After")) {
      error_retry_after_ = ParseRetryAfterSeconds(*retry);
    }
    return;
  }
  absl::StatusOr<WireEncoding> encoding = WatchEncodingForContentType(content_type);
  if (!encoding.ok()) {
    phase_ = Phase::kFailed;
    stream_error_ = encoding.status();
    CancelTransport();
    return;
  }
  decoder_.emplace(*encoding, options_.decoder);
  phase_ = Phase::kEvents;
  {
    MutexLock lock(&mu_);
    started_pending_ = true;
  }
  Drain();
}

bool WatchStream::OnBody(absl::string_view data) {
  switch (phase_) {
    case Phase::kErrorBody: {
      const size_t room = options_.max_error_body_bytes - error_body_.size();
      error_body_.append(data.data(), std::min(room, data.size()));
      return true;
    }
    case Phase::kAwaitingHead:
    case Phase::kFailed:
      return true;  // nothing to do with these bytes; the end is coming
    case Phase::kEvents:
      break;
  }
  {
    MutexLock lock(&mu_);
    if (stopped_) return true;
    in_on_body_ = true;
  }
  std::vector<WatchEvent> events;
  absl::Status status = decoder_->Feed(data, [&events](WatchEvent event) {
    events.push_back(std::move(event));
    return absl::OkStatus();
  });
  if (!events.empty()) {
    MutexLock lock(&mu_);
    for (WatchEvent& event : events) queue_.push_back(std::move(event));
  }
  if (!status.ok()) {
    phase_ = Phase::kFailed;
    stream_error_ = std::move(status);
    CancelTransport();
  }
  Drain();
  MutexLock lock(&mu_);
  in_on_body_ = false;
  const bool pause = !stopped_ && phase_ == Phase::kEvents && (paused_ || !queue_.empty());
  if (pause) transport_paused_ = true;
  return !pause;
}

void WatchStream::OnEnd(const absl::Status& status) {
  absl::Status end;
  switch (phase_) {
    case Phase::kErrorBody:
      end = StatusFromResponse(error_code_, error_content_type_, error_body_, error_retry_after_);
      break;
    case Phase::kFailed:
      end = stream_error_;
      break;
    case Phase::kAwaitingHead:
      end = status.ok() ? absl::UnavailableError("watch ended without a response") : status;
      break;
    case Phase::kEvents:
      end = status.ok() ? decoder_->Finish() : status;
      break;
  }
  {
    MutexLock lock(&mu_);
    if (stopped_) end = absl::CancelledError("watch stopped by the caller");
    end_status_ = std::move(end);
  }
  Drain();
}

void WatchStream::Stop() {
  {
    MutexLock lock(&mu_);
    if (stopped_) return;
    stopped_ = true;
    queue_.clear();
    started_pending_ = false;
    if (end_status_.has_value() && !end_delivered_) {
      end_status_ = absl::CancelledError("watch stopped by the caller");
    }
  }
  CancelTransport();
  Drain();
}

void WatchStream::Resume() {
  {
    MutexLock lock(&mu_);
    paused_ = false;
    // A consumer on another thread may make room and resume just before OnEvent returns the
    // pause it is about to ask for: that Resume must win, or the watch would stall.
    if (in_on_event_) resume_during_event_ = true;
  }
  Drain();
}

void WatchStream::Drain() {
  std::shared_ptr<transport::Call> released_call;
  LockMutex(mu_);
  if (draining_) {
    UnlockMutex(mu_);
    return;
  }
  draining_ = true;
  for (;;) {
    if (started_pending_ && !stopped_) {
      started_pending_ = false;
      std::shared_ptr<WatchHandler> handler = handler_;
      UnlockMutex(mu_);
      handler->OnStarted();
      LockMutex(mu_);
      continue;
    }
    if (!stopped_ && !paused_ && !queue_.empty()) {
      WatchEvent event = std::move(queue_.front());
      queue_.pop_front();
      std::shared_ptr<WatchHandler> handler = handler_;
      in_on_event_ = true;
      resume_during_event_ = false;
      UnlockMutex(mu_);
      const bool more = handler->OnEvent(std::move(event));
      LockMutex(mu_);
      in_on_event_ = false;
      if (!more && !stopped_ && !resume_during_event_) paused_ = true;
      continue;
    }
    if (end_status_.has_value() && !end_delivered_ && (queue_.empty() || stopped_)) {
      end_delivered_ = true;
      queue_.clear();
      std::shared_ptr<WatchHandler> handler = std::move(handler_);
      const absl::Status status = *end_status_;
      released_call = std::move(call_);
      UnlockMutex(mu_);
      handler->OnEnd(status);
      handler.reset();
      LockMutex(mu_);
      continue;
    }
    if (transport_paused_ && !in_on_body_ && !paused_ && queue_.empty() && !stopped_ &&
        !end_status_.has_value() && call_ != nullptr) {
      transport_paused_ = false;
      std::shared_ptr<transport::Call> call = call_;
      UnlockMutex(mu_);
      call->Resume();
      LockMutex(mu_);
      continue;
    }
    break;
  }
  draining_ = false;
  UnlockMutex(mu_);
}

}  // namespace kube::rest
