// kube::rest::WatchStream — one watch response, from transport callbacks to a WatchHandler.
//
// Where it sits: RestClient::Watch starts a transport stream with a WatchStream as its
// StreamHandler. The WatchStream checks the response head (a non-2xx head becomes the
// absl::Status of status.h, from its body), picks the framing from the Content-Type, decodes
// events as body bytes arrive (watch_event.h) and hands them to the WatchHandler in order.
//
// Flow control: WatchHandler::OnEvent returns false to pause. Events already decoded from the
// current chunk are kept, reading from the network stops (OnBody returns false), and both resume
// with WatchCall::Resume(). So a slow consumer holds at most one transport chunk of events.
// A Resume() made while an OnEvent is running cancels the pause that OnEvent returns (a consumer
// thread may make room before the handler has even returned).
//
// Ending: WatchHandler::OnEnd is called exactly once, last, after every event that was delivered:
//   OK                 the server ended the watch cleanly (timeoutSeconds elapsed)
//   Cancelled          WatchCall::Stop()
//   the mapped Status  a non-2xx response (e.g. 403 PermissionDenied, 410 OutOfRange)
//   DataLoss / InvalidArgument / ResourceExhausted / Unimplemented
//                      a malformed stream, an unknown event type, an event above the size cap,
//                      an unsupported Content-Type
//   transport errors   as the transport reported them (Unavailable, DeadlineExceeded, ...)
// An ERROR event (usually 410 Expired on a watch from a too old resourceVersion) is delivered as
// an event of type kError whose `error` holds the Status; what follows it is up to the server
// (it closes the stream), and the handler usually stops.
//
// Threads: handler calls for one watch never overlap. They run on the transport's I/O thread
// (OnBody) or on the thread that calls Resume()/Stop(); keep them short and non-blocking, and
// hand work to your own threads. Stop() and Resume() may be called from any thread, including
// from inside OnEvent. After Stop() returns, no OnEvent starts (one already running on another
// thread may finish); OnEnd(Cancelled) follows unless OnEnd had already been delivered.
//
// Requirement on the transport: a Call::Resume() made while OnBody is still running, for the
// pause that OnBody then returns, must resume reading (an implementation that posts Resume to
// the exchange's strand does this; so does the FakeTransport).
#ifndef KUBECPP_CLIENT_REST_WATCH_STREAM_H_
#define KUBECPP_CLIENT_REST_WATCH_STREAM_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "client/rest/watch_event.h"
#include "client/transport/transport.h"

namespace kube::rest {

// WatchHandler receives one watch's events. See the header comment for threads and ordering.
class WatchHandler {
 public:
  virtual ~WatchHandler() = default;
  // OnStarted: once, when the server accepted the watch (2xx head, supported encoding), before
  // any event.
  virtual void OnStarted() {}
  // OnEvent: each event in stream order. Return false to pause until WatchCall::Resume().
  virtual bool OnEvent(WatchEvent event) = 0;
  // OnEnd: exactly once, last.
  virtual void OnEnd(const absl::Status& status) = 0;
};

// WatchCall is the caller's handle on a running watch. Thread-safe.
class WatchCall {
 public:
  virtual ~WatchCall() = default;
  // Stop ends the watch; OnEnd(Cancelled) follows unless OnEnd already happened. Idempotent.
  virtual void Stop() = 0;
  // Resume continues delivery after OnEvent returned false; made while an OnEvent runs, it
  // cancels the pause that OnEvent returns. No effect otherwise.
  virtual void Resume() = 0;
};

struct WatchStreamOptions {
  WatchEventDecoder::Options decoder;
  // Cap on the body of a non-2xx response kept to build its Status.
  size_t max_error_body_bytes = size_t{1} << 20;
  // Called once with the response head, before anything reaches the handler (warnings,
  // metrics). Runs on the I/O thread.
  std::function<void(const transport::ResponseHead&)> on_head;
};

class WatchStream final : public transport::StreamHandler, public WatchCall {
 public:
  WatchStream(std::shared_ptr<WatchHandler> handler, WatchStreamOptions options);
  ~WatchStream() override;

  // Attach hands over the transport's Call once Transport::Stream returned (the transport may
  // already have called back). Call exactly once.
  void Attach(std::shared_ptr<transport::Call> call);

  // transport::StreamHandler
  void OnHead(const transport::ResponseHead& head) override;
  bool OnBody(absl::string_view data) override;
  void OnEnd(const absl::Status& status) override;

  // WatchCall
  void Stop() override;
  void Resume() override;

 private:
  enum class Phase { kAwaitingHead, kEvents, kErrorBody, kFailed };

  // Drain delivers whatever is due (started, events, end) and resumes the transport when the
  // queue ran dry. Only one thread drains at a time; others leave their work to it.
  void Drain();
  void CancelTransport();

  const WatchStreamOptions options_;

  // Touched only by transport callbacks, which the transport serializes.
  Phase phase_ = Phase::kAwaitingHead;
  std::optional<WatchEventDecoder> decoder_;
  int error_code_ = 0;
  std::string error_content_type_;
  std::optional<int64_t> error_retry_after_;
  std::string error_body_;
  absl::Status stream_error_;  // a decoding failure that ended the stream

  absl::Mutex mu_;
  std::shared_ptr<WatchHandler> handler_ ABSL_GUARDED_BY(mu_);  // released after OnEnd
  std::shared_ptr<transport::Call> call_ ABSL_GUARDED_BY(mu_);
  bool attached_ ABSL_GUARDED_BY(mu_) = false;
  bool cancel_requested_ ABSL_GUARDED_BY(mu_) = false;  // Cancel the call once attached
  std::deque<WatchEvent> queue_ ABSL_GUARDED_BY(mu_);
  bool started_pending_ ABSL_GUARDED_BY(mu_) = false;
  bool paused_ ABSL_GUARDED_BY(mu_) = false;            // the handler asked to pause
  bool transport_paused_ ABSL_GUARDED_BY(mu_) = false;  // OnBody returned false
  bool in_on_body_ ABSL_GUARDED_BY(mu_) = false;
  bool in_on_event_ ABSL_GUARDED_BY(mu_) = false;
  bool resume_during_event_ ABSL_GUARDED_BY(mu_) = false;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Status> end_status_ ABSL_GUARDED_BY(mu_);
  bool end_delivered_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace kube::rest

#endif  // KUBECPP_CLIENT_REST_WATCH_STREAM_H_
