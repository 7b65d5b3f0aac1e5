// kube::plugins::PluginErrors — counts and reports the per-object failures of the plugins one
// informer uses (an index function or a transform that failed on one object).
//
// Where it sits: informer_plugins.h wires every plugin index and transform it adds to an
// InformerConfig to a PluginErrors; the consumer keeps a shared_ptr to read the counts (for
// metrics, `kubecpp watch` warnings, tests). A per-object failure never stops the informer:
//   * index error: the object is stored; that one index files it under no value; counted.
//   * transform error: the object is stored as it was before that transform (the partial edit
//     is discarded); later transforms of the chain still run on it; counted.
// The plugin's message, the plugin name and the object's namespace/name reach the reporter.
//
// Thread-safety: Record is called concurrently from informer threads (the reflector thread
// for transforms and index updates); everything here is thread-safe. The reporter must be too.
#ifndef KUBECPP_PLUGINS_INFORMER_PLUGIN_ERRORS_H_
#define KUBECPP_PLUGINS_INFORMER_PLUGIN_ERRORS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace kube::plugins {

// PluginCallError is one failed plugin call on one object.
struct PluginCallError {
  enum class Call { kIndex, kTransform };
  Call call = Call::kIndex;
  std::string plugin;  // the index or transform name, e.g. "pods-by-node"
  std::string ns;      // the object's namespace ("" when cluster-scoped)
  std::string name;    // the object's name
  absl::Status status;

  // String: e.g. `index "pods-by-node" failed for default/web-0: INVALID_ARGUMENT: ...`.
  std::string String() const;
};

using PluginErrorReporter = std::function<void(const PluginCallError& error)>;

class PluginErrors {
 public:
  // `reporter` (optional) is told about every error, on the thread that hit it.
  explicit PluginErrors(PluginErrorReporter reporter = nullptr) : reporter_(std::move(reporter)) {}
  PluginErrors(const PluginErrors&) = delete;
  PluginErrors& operator=(const PluginErrors&) = delete;

  void Record(PluginCallError error);

  uint64_t index_errors() const { return index_errors_.load(std::memory_order_relaxed); }
  uint64_t transform_errors() const { return transform_errors_.load(std::memory_order_relaxed); }
  // last: the most recent error, if any.
  std::optional<PluginCallError> last() const;

 private:
  const PluginErrorReporter reporter_;
  std::atomic<uint64_t> index_errors_{0};
  std::atomic<uint64_t> transform_errors_{0};
  mutable absl::Mutex mu_;
  std::optional<PluginCallError> last_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kube::plugins

#endif  // KUBECPP_PLUGINS_INFORMER_PLUGIN_ERRORS_H_
