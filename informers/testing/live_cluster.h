// kube::informers::testing — helpers for informer tests against a real kube-apiserver
// (tools/testenv): an admin RestClient with a chosen client-side rate limit, a throwaway
// namespace, concurrent Pod writes, and the comparison "cache == fresh LIST" that the acceptance
// tests of issue 6 are judged by.
//
// Thread-safety: LiveCluster is immutable after Connect; its methods may be called from several
// threads (RestClient is thread-safe).
#ifndef KUBECPP_INFORMERS_TESTING_LIVE_CLUSTER_H_
#define KUBECPP_INFORMERS_TESTING_LIVE_CLUSTER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/sync.h"
#include "client/rest/rest_client.h"
#include "indexers/indexer.h"
#include "indexers/object_traits.h"
#include "informers/event_handler.h"
#include "tools/testenv/testenv.h"

namespace kube::informers::testing {

// KeyVersions maps "ns/name" to resourceVersion.
using KeyVersions = std::map<std::string, std::string>;

class LiveCluster {
 public:
  // Connect builds an admin client for `env`. qps/burst configure the client's token bucket
  // (a churn test wants a high but finite rate, not the default 5/10).
  static absl::StatusOr<LiveCluster> Connect(const testenv::Environment& env, double qps = 500,
                                             int burst = 1000);

  const std::shared_ptr<rest::RestClient>& client() const { return client_; }

  // CreateNamespace creates `prefix` + a random suffix and returns the name.
  absl::StatusOr<std::string> CreateNamespace(absl::string_view prefix) const;
  // DeleteNamespaceAndPods deletes every pod of `ns` (deletecollection: unbound pods go at once;
  // no namespace controller runs in the testenv to do it) and then the namespace.
  absl::Status DeleteNamespaceAndPods(absl::string_view ns) const;

  // CreatePod creates an unschedulable (no node runs) pod with the given labels JSON object
  // ("" = none) and annotations JSON object.
  absl::Status CreatePod(absl::string_view ns, absl::string_view name,
                         absl::string_view labels_json = "",
                         absl::string_view annotations_json = "") const;
  absl::Status PatchPod(absl::string_view ns, absl::string_view name,
                        absl::string_view merge_patch_json) const;
  absl::Status DeletePod(absl::string_view ns, absl::string_view name) const;

  // ListPods is a consistent (RV "") paged LIST of the pods of `ns` ("" = all), as key -> RV,
  // decoded from protobuf.
  absl::StatusOr<KeyVersions> ListPods(absl::string_view ns) const;

 private:
  explicit LiveCluster(std::shared_ptr<rest::RestClient> client) : client_(std::move(client)) {}
  std::shared_ptr<rest::RestClient> client_;
};

// ParallelFor runs fn(i) for i in [0, n) on `threads` threads (i % threads == thread index) and
// returns the first error.
absl::Status ParallelFor(int n, int threads, const std::function<absl::Status(int)>& fn);

// WaitUntil polls `ready` every 50 ms until it returns true or `timeout` passes.
bool WaitUntil(absl::Duration timeout, const std::function<bool()>& ready);

// DiffKeyVersions describes how `got` differs from `want` ("" when equal), at most a few lines.
std::string DiffKeyVersions(const KeyVersions& want, const KeyVersions& got);

// CacheVersions is the content of an informer's cache as key -> resourceVersion.
template <typename T>
KeyVersions CacheVersions(const indexers::Indexer<T>& cache) {
  KeyVersions out;
  for (const indexers::ObjectPtr<T>& o : cache.List()) {
    out[indexers::KeyOf(*o).String()] = std::string(indexers::ObjectTraits<T>::ResourceVersion(*o));
  }
  return out;
}

// LastSeenHandler records, per key, the last state a handler was given: its resourceVersion and
// whether that last event was a delete. LiveVersions() is what the handler believes exists.
template <typename T>
class LastSeenHandler {
 public:
  EventHandler<T> Handler() {
    EventHandler<T> h;
    h.on_add = [this](const indexers::ObjectPtr<T>& o, bool) { Record(*o, false); };
    h.on_update = [this](const indexers::ObjectPtr<T>&, const indexers::ObjectPtr<T>& o) {
      Record(*o, false);
    };
    h.on_delete = [this](const indexers::ObjectPtr<T>& o) { Record(*o, true); };
    return h;
  }
  KeyVersions LiveVersions() const {
    MutexLock l(&mu_);
    KeyVersions out;
    for (const auto& [key, seen] : last_) {
      if (!seen.deleted) out[key] = seen.rv;
    }
    return out;
  }
  // DeletedKeys: keys whose last event was a delete.
  size_t DeletedKeys() const {
    MutexLock l(&mu_);
    size_t n = 0;
    for (const auto& [key, seen] : last_) n += seen.deleted ? 1 : 0;
    return n;
  }
  int64_t events() const {
    MutexLock l(&mu_);
    return events_;
  }

 private:
  struct Seen {
    std::string rv;
    bool deleted = false;
  };
  void Record(const T& o, bool deleted) {
    MutexLock l(&mu_);
    ++events_;
    last_[indexers::KeyOf(o).String()] =
        Seen{std::string(indexers::ObjectTraits<T>::ResourceVersion(o)), deleted};
  }
  mutable absl::Mutex mu_;
  std::map<std::string, Seen> last_ ABSL_GUARDED_BY(mu_);
  int64_t events_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace kube::informers::testing

#endif  // KUBECPP_INFORMERS_TESTING_LIVE_CLUSTER_H_
