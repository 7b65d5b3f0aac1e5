#include "client/transport/testing/recording_handler.h"

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "base/sync.h"

namespace kube::transport::testing {

void Gate::Open() {
  MutexLock lock(&mu_);
  open_ = true;
}

bool Gate::Wait(absl::Duration timeout) {
  MutexLock lock(&mu_);
  return AwaitConditionWithDeadline(mu_, absl::Condition(&open_), absl::Now() + timeout);
}

void RecordingHandler::OnHead(const ResponseHead& head) {
  MutexLock lock(&mu_);
  if (heads_ != 0 || ended_) ++violations_;
  ++heads_;
  head_ = head;
}

bool RecordingHandler::OnBody(absl::string_view data) {
  MutexLock lock(&mu_);
  if (paused_ || ended_ || heads_ != 1) ++violations_;
  body_.append(data.data(), data.size());
  ++body_calls_;
  if (pause_each_) paused_ = true;
  return !pause_each_;
}

void RecordingHandler::OnEnd(const absl::Status& status) {
  MutexLock lock(&mu_);
  if (ended_) ++violations_;
  ended_ = true;
  status_ = status.ok() ? absl::OkStatus() : absl::Status(status.code(), status.message());
}

void RecordingHandler::Unpause() {
  MutexLock lock(&mu_);
  paused_ = false;
}

bool RecordingHandler::WaitForHead(absl::Duration timeout) {
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return heads_ > 0 || ended_; };
  MutexLock lock(&mu_);
  AwaitConditionWithDeadline(mu_, absl::Condition(&ready), absl::Now() + timeout);
  return heads_ > 0;
}

bool RecordingHandler::WaitForEnd(absl::Duration timeout) {
  MutexLock lock(&mu_);
  return AwaitConditionWithDeadline(mu_, absl::Condition(&ended_), absl::Now() + timeout);
}

bool RecordingHandler::WaitForBody(absl::string_view needle, absl::Duration timeout) {
  auto found = [this, needle]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return absl::StrContains(body_, needle) || ended_;
  };
  MutexLock lock(&mu_);
  AwaitConditionWithDeadline(mu_, absl::Condition(&found), absl::Now() + timeout);
  return absl::StrContains(body_, needle);
}

bool RecordingHandler::WaitForMoreThan(int n, absl::Duration timeout) {
  auto more = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return body_calls_ > n || ended_; };
  MutexLock lock(&mu_);
  return AwaitConditionWithDeadline(mu_, absl::Condition(&more), absl::Now() + timeout);
}

std::string RecordingHandler::body() const {
  MutexLock lock(&mu_);
  return body_;
}
absl::Status RecordingHandler::status() const {
  MutexLock lock(&mu_);
  // A copy sharing nothing with status_, which the transport's thread may release later (Debian's
  // Abseil Status reference count is invisible to ThreadSanitizer).
  return status_.ok() ? absl::OkStatus() : absl::Status(status_.code(), status_.message());
}
ResponseHead RecordingHandler::head() const {
  MutexLock lock(&mu_);
  return head_;
}
int RecordingHandler::heads() const {
  MutexLock lock(&mu_);
  return heads_;
}
int RecordingHandler::body_calls() const {
  MutexLock lock(&mu_);
  return body_calls_;
}
bool RecordingHandler::ended() const {
  MutexLock lock(&mu_);
  return ended_;
}
int RecordingHandler::violations() const {
  MutexLock lock(&mu_);
  return violations_;
}

}  // namespace kube::transport::testing
