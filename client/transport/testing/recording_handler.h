// kube::transport::testing::RecordingHandler — a StreamHandler that records what a stream
// delivered and lets a test wait for it (bounded, on a condition, never by sleeping). It counts
// contract violations: a body piece before the head or after the end, a second OnEnd, a piece
// while paused.
//
// Thread-safety: thread-safe.
#ifndef KUBECPP_CLIENT_TRANSPORT_TESTING_RECORDING_HANDLER_H_
#define KUBECPP_CLIENT_TRANSPORT_TESTING_RECORDING_HANDLER_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "client/transport/transport.h"

namespace kube::transport::testing {

// Gate lets one thread wait until another opens it.
class Gate {
 public:
  void Open();
  // Wait returns whether the gate opened within `timeout`.
  bool Wait(absl::Duration timeout = absl::Seconds(20));

 private:
  absl::Mutex mu_;
  bool open_ ABSL_GUARDED_BY(mu_) = false;
};

class RecordingHandler : public StreamHandler {
 public:
  // With `pause_each`, OnBody returns false every time (the test calls Unpause, then Resume).
  explicit RecordingHandler(bool pause_each = false) : pause_each_(pause_each) {}

  void OnHead(const ResponseHead& head) override;
  bool OnBody(absl::string_view data) override;
  void OnEnd(const absl::Status& status) override;

  // Unpause marks the handler ready for more; call it before Call::Resume().
  void Unpause();

  // Each Wait returns whether its condition held within `timeout`.
  bool WaitForHead(absl::Duration timeout = absl::Seconds(20));
  bool WaitForEnd(absl::Duration timeout = absl::Seconds(20));
  bool WaitForBody(absl::string_view needle, absl::Duration timeout = absl::Seconds(20));
  // WaitForMoreThan waits until OnBody was called more than `n` times or the stream ended.
  bool WaitForMoreThan(int n, absl::Duration timeout);

  std::string body() const;
  absl::Status status() const;
  ResponseHead head() const;
  int heads() const;
  int body_calls() const;
  bool ended() const;
  int violations() const;

 private:
  const bool pause_each_;
  mutable absl::Mutex mu_;
  int heads_ ABSL_GUARDED_BY(mu_) = 0;
  ResponseHead head_ ABSL_GUARDED_BY(mu_);
  std::string body_ ABSL_GUARDED_BY(mu_);
  int body_calls_ ABSL_GUARDED_BY(mu_) = 0;
  bool paused_ ABSL_GUARDED_BY(mu_) = false;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  int violations_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace kube::transport::testing

#endif  // KUBECPP_CLIENT_TRANSPORT_TESTING_RECORDING_HANDLER_H_
