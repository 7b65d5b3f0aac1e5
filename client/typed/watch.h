// kube::typed::Watcher<T> — a typed watch as a blocking pull stream.
//
// Where it sits: ResourceClient::Watch starts a rest watch (client/rest's WatchStream does the
// framing) whose events land in a WatchQueue; Watcher<T>::Next hands them out one at a time,
// decoding each object as T on the caller's thread (the transport's I/O thread only frames).
//
//   auto watcher = clientset.ConfigMaps("ns").Watch({.resource_version = list.metadata()
//                                                                          .resourceversion()});
//   while (true) {
//     absl::StatusOr<std::optional<typed::WatchEvent<ConfigMap>>> e = (*watcher)->Next();
//     if (!e.ok()) break;        // the stream failed: e.status() (an ERROR event is not this)
//     if (!e->has_value()) break;  // the server ended the watch, or Stop()
//     ...
//   }
//
// Back-pressure: the queue holds at most `capacity` undecoded events; when it is full the stream
// pauses (the transport stops reading) until Next has drained it to half.
//
// Events: ADDED, MODIFIED, DELETED carry the object; BOOKMARK carries an object with only
// metadata.resourceVersion (and annotations) set; ERROR carries the apiserver's Status as
// `error` (rest::IsExpired() for the 410 after a too old resourceVersion) and no object.
//
// Thread-safety: Next from one thread at a time; Stop from any thread (a blocked Next then
// returns nullopt). Destroying a Watcher stops its watch.
#ifndef KUBECPP_CLIENT_TYPED_WATCH_H_
#define KUBECPP_CLIENT_TYPED_WATCH_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "client/rest/watch_event.h"
#include "client/rest/watch_stream.h"
#include "google/protobuf/message.h"

namespace kube::typed {

// WatchQueue is the bounded hand-over from the rest layer's pushed events (I/O thread) to the
// pulling Watcher. Not for direct use.
class WatchQueue final : public rest::WatchHandler {
 public:
  explicit WatchQueue(size_t capacity) : capacity_(capacity < 2 ? 2 : capacity) {}

  // SetCall hands over the running call, once, right after the watch started.
  void SetCall(std::shared_ptr<rest::WatchCall> call);

  // rest::WatchHandler
  bool OnEvent(rest::WatchEvent event) override;
  void OnEnd(const absl::Status& status) override;

  // Next waits up to `timeout` for an event: the event; nullopt once the stream ended cleanly
  // or was stopped; the stream's error status; DeadlineExceeded when nothing came in time.
  absl::StatusOr<std::optional<rest::WatchEvent>> Next(absl::Duration timeout);

  // Stop ends the watch; idempotent.
  void Stop();

 private:
  const size_t capacity_;
  absl::Mutex mu_;
  std::shared_ptr<rest::WatchCall> call_ ABSL_GUARDED_BY(mu_);
  std::deque<rest::WatchEvent> events_ ABSL_GUARDED_BY(mu_);
  bool paused_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Status> end_ ABSL_GUARDED_BY(mu_);
};

template <typename T>
struct WatchEvent {
  rest::WatchEventType type = rest::WatchEventType::kAdded;
  T object;            // empty for kError
  absl::Status error;  // the apiserver's Status for kError; OK otherwise
};

// EventDecoder decodes one event's object bytes into a message (the client's codecs).
using EventDecoder =
    std::function<absl::Status(const rest::WatchEvent& event, google::protobuf::Message* out)>;

template <typename T>
class Watcher {
 public:
  Watcher(std::shared_ptr<WatchQueue> queue, EventDecoder decode)
      : queue_(std::move(queue)), decode_(std::move(decode)) {}
  ~Watcher() { queue_->Stop(); }
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  // Next: the next event; nullopt when the watch ended cleanly (the server's timeoutSeconds) or
  // was stopped; an error when the stream failed or an object did not decode (DataLoss);
  // DeadlineExceeded when no event came within `timeout` (the watch continues).
  absl::StatusOr<std::optional<WatchEvent<T>>> Next(
      absl::Duration timeout = absl::InfiniteDuration()) {
    absl::StatusOr<std::optional<rest::WatchEvent>> raw = queue_->Next(timeout);
    if (!raw.ok()) return raw.status();
    if (!raw->has_value()) return std::nullopt;
    rest::WatchEvent& e = **raw;
    WatchEvent<T> out;
    out.type = e.type;
    if (e.type == rest::WatchEventType::kError) {
      out.error = std::move(e.error);
      return std::optional<WatchEvent<T>>(std::move(out));
    }
    if (absl::Status s = decode_(e, &out.object); !s.ok()) {
      queue_->Stop();
      return absl::DataLossError(
          absl::StrCat("undecodable ", rest::WatchEventTypeName(e.type), " event: ", s.message()));
    }
    return std::optional<WatchEvent<T>>(std::move(out));
  }

  // Stop ends the watch; a Next blocked on another thread returns nullopt.
  void Stop() { queue_->Stop(); }

 private:
  const std::shared_ptr<WatchQueue> queue_;
  const EventDecoder decode_;
};

}  // namespace kube::typed

#endif  // KUBECPP_CLIENT_TYPED_WATCH_H_
