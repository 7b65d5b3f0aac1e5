#include "client/typed/watch.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/sync.h"

namespace kube::typed {

void WatchQueue::SetCall(std::shared_ptr<rest::WatchCall> call) {
  bool stop_now = false;
  {
    MutexLock lock(&mu_);
    call_ = call;
    stop_now = stopped_;
  }
  if (stop_now) call->Stop();
}

bool WatchQueue::OnEvent(rest::WatchEvent event) {
  MutexLock lock(&mu_);
  if (stopped_) return true;  // dropped: nobody will read it
  events_.push_back(std::move(event));
  if (events_.size() >= capacity_) {
    paused_ = true;
    return false;
  }
  return true;
}

void WatchQueue::OnEnd(const absl::Status& status) {
  MutexLock lock(&mu_);
  if (!end_.has_value()) end_ = status;
}

absl::StatusOr<std::optional<rest::WatchEvent>> WatchQueue::Next(absl::Duration timeout) {
  std::shared_ptr<rest::WatchCall> resume;
  std::optional<rest::WatchEvent> event;
  {
    MutexLock lock(&mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stopped_ || !events_.empty() || end_.has_value();
    };
    absl::Condition cond(&ready);
    if (timeout == absl::InfiniteDuration()) {
      AwaitCondition(mu_, cond);
    } else if (!AwaitConditionWithDeadline(mu_, cond, absl::Now() + timeout)) {
      return absl::DeadlineExceededError(
          absl::StrCat("no watch event within ", absl::FormatDuration(timeout)));
    }
    if (stopped_) return std::nullopt;
    if (events_.empty()) {
      // The end, after every event was handed out. A cancelled call is a clean end too.
      if (end_->ok() || end_->code() == absl::StatusCode::kCancelled) return std::nullopt;
      return *end_;
    }
    event = std::move(events_.front());
    events_.pop_front();
    if (paused_ && events_.size() <= capacity_ / 2) {
      paused_ = false;
      resume = call_;
    }
  }
  // Outside the lock: Resume may deliver further events on this thread (into OnEvent).
  if (resume != nullptr) resume->Resume();
  return event;
}

void WatchQueue::Stop() {
  std::shared_ptr<rest::WatchCall> call;
  {
    MutexLock lock(&mu_);
    if (stopped_) return;
    stopped_ = true;
    events_.clear();
    call = call_;
  }
  // Outside the lock: Stop may call OnEnd(Cancelled) on this thread.
  if (call != nullptr) call->Stop();
}

}  // namespace kube::typed
