// kube::plugins::IndexFunction — maps an object to the values it is indexed under.
//
// Where it sits: an informer's indexer calls every IndexFunction it was configured with on each
// object it stores (docs/architecture.md). PluginLibrary::NewIndexFunction returns one backed by
// a plugin instance; built-in index functions may implement the same interface.
//
// Thread-safety: Index may be called concurrently from any number of threads. Implementations
// that cannot run concurrently serialize internally (a plugin without
// KUBE_PLUGIN_FLAG_CONCURRENT_CALLS is serialized per instance by the host).
#ifndef KUBECPP_PLUGINS_HOST_INDEX_FUNCTION_H_
#define KUBECPP_PLUGINS_HOST_INDEX_FUNCTION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "plugins/host/object_view.h"

namespace kube::plugins {

class IndexFunction {
 public:
  virtual ~IndexFunction() = default;

  // name is how users select the index (a plugin's name, e.g. "pods-by-node").
  virtual absl::string_view name() const = 0;

  // Index returns the values `object` is indexed under: no duplicates, in the order they were
  // first produced, possibly none. An error concerns this object only: the caller leaves the
  // object out of this index and keeps going.
  virtual absl::StatusOr<std::vector<std::string>> Index(const ObjectView& object) const = 0;
};

}  // namespace kube::plugins

#endif  // KUBECPP_PLUGINS_HOST_INDEX_FUNCTION_H_
