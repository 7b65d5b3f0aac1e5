// kube::informers::ListerWatcher<T> — the two apiserver calls an informer needs, LIST (in pages)
// and WATCH (a stream of events), as a small interface (client-go's ListerWatcher).
//
// Where it sits: rest client + codec -> *ListerWatcher* -> Reflector. The production
// implementation (RestListerWatcher<T>, docs/informers.md "Wiring") builds the request with
// //client/rest and decodes with //client/api; tests use the scripted
// //informers/testing:fake_lister_watcher. Objects arrive already decoded and immutable.
//
// Errors are absl::Status as //client/rest produces them; the reflector interprets them only
// through ClassifyListWatchError (informers/error_class.h).
//
// Thread-safety: List and Watch are called from the reflector's thread only. WatchStream::Close
// may be called from any thread, concurrently with Next.
#ifndef KUBECPP_INFORMERS_LIST_WATCHER_H_
#define KUBECPP_INFORMERS_LIST_WATCHER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/cancellation.h"
#include "indexers/object_traits.h"

namespace kube::informers {

using indexers::ObjectPtr;

// The annotation on the BOOKMARK that ends the initial events of a streaming list.
inline constexpr absl::string_view kInitialEventsEndAnnotation = "k8s.io/initial-events-end";

// ListOptions is metav1.ListOptions, as far as list and watch requests need it. Empty strings and
// zeros mean "not sent".
struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;
  std::string resource_version_match;  // "NotOlderThan" / "Exact"
  int64_t limit = 0;
  std::string continue_token;
  bool allow_watch_bookmarks = false;
  bool send_initial_events = false;
  int64_t timeout_seconds = 0;
  // cancel (LIST only, not sent): the reflector's Stop() cancels it, so a LIST in flight ends at
  // once (Cancelled) instead of at the request timeout. Null = not cancellable. Not compared.
  std::shared_ptr<Cancellation> cancel;

  friend bool operator==(const ListOptions& a, const ListOptions& b) {
    auto tie = [](const ListOptions& o) {
      return std::tie(o.label_selector, o.field_selector, o.resource_version,
                      o.resource_version_match, o.limit, o.continue_token, o.allow_watch_bookmarks,
                      o.send_initial_events, o.timeout_seconds);
    };
    return tie(a) == tie(b);
  }
};

// ListPage is one page of a LIST: its items, the list's resourceVersion, and the continue token
// (non-empty means more pages follow, even after an empty page).
template <typename T>
struct ListPage {
  std::vector<ObjectPtr<T>> items;
  std::string resource_version;
  std::string continue_token;
};

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };

absl::string_view WatchEventTypeName(WatchEventType type);

// WatchEvent is one event of a watch. For kBookmark, `object` holds only metadata
// (resourceVersion and annotations); for kError, `object` is null and `error` holds the
// apiserver's Status as //client/rest maps it.
template <typename T>
struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  ObjectPtr<T> object;
  absl::Status error;
};

// WatchStream is one open watch. A push-style transport (events decoded on the I/O loop) is
// adapted to it with a bounded queue, which is what gives the I/O loop back-pressure.
template <typename T>
class WatchStream {
 public:
  virtual ~WatchStream() = default;

  // Next blocks for the next event. nullopt means the stream ended cleanly (server timeout,
  // server closed it, or Close() was called); an error status means it broke (connection reset,
  // undecodable frame). After either, Next is not called again.
  virtual absl::StatusOr<std::optional<WatchEvent<T>>> Next() = 0;

  // Close ends the stream: a blocked or later Next returns nullopt. Idempotent, any thread.
  virtual void Close() = 0;
};

template <typename T>
class ListerWatcher {
 public:
  virtual ~ListerWatcher() = default;

  // List returns one page for `options` (limit / continue as given).
  virtual absl::StatusOr<ListPage<T>> List(const ListOptions& options) = 0;

  // Watch opens a watch (`options` with watch=true implied).
  virtual absl::StatusOr<std::unique_ptr<WatchStream<T>>> Watch(const ListOptions& options) = 0;
};

}  // namespace kube::informers

#endif  // KUBECPP_INFORMERS_LIST_WATCHER_H_
