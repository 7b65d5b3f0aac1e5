// kube::indexers::IndexFunc and IndexDefinition — named secondary indexes of the cache, and the
// built-in ones (namespace, label value).
//
// An index function maps an object to the values it is filed under (zero, one or many): the
// namespace index files a pod under "default"; a label index on "app" files it under its app.
// IndexDefinition names the function and states its identity: the string that tells two
// definitions apart when informers are shared (docs/informers.md, "identity"). Two definitions
// with the same identity must compute the same values; a definition built from a plugin puts the
// plugin's path, digest and config in it.
//
// Thread-safety: index functions are called concurrently and must be pure.
#ifndef KUBECPP_INDEXERS_INDEX_FUNC_H_
#define KUBECPP_INDEXERS_INDEX_FUNC_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "indexers/object_traits.h"

namespace kube::indexers {

template <typename T>
using IndexFunc = std::function<std::vector<std::string>(const T&)>;

template <typename T>
struct IndexDefinition {
  std::string name;      // what ByIndex() and friends are asked for; unique within a cache
  std::string identity;  // what the function computes, e.g. "builtin:label:app" or a plugin id
  IndexFunc<T> func;
};

// kNamespaceIndex is the built-in index every cache has: objects by namespace ("" for
// cluster-scoped ones).
inline constexpr absl::string_view kNamespaceIndex = "namespace";

// LabelIndexName is the name under which LabelIndex(key) is registered; listers look for it to
// serve `key=value` selectors from an index instead of a scan.
inline std::string LabelIndexName(absl::string_view label_key) {
  return absl::StrCat("label:", label_key);
}

template <KubeObject T>
IndexDefinition<T> NamespaceIndex() {
  return {std::string(kNamespaceIndex), "builtin:namespace", [](const T& o) {
            return std::vector<std::string>{std::string(ObjectTraits<T>::Namespace(o))};
          }};
}

// LabelIndex files objects under the value of label `key`; objects without it are not indexed.
template <KubeObject T>
IndexDefinition<T> LabelIndex(std::string key) {
  std::string name = LabelIndexName(key);
  std::string identity = absl::StrCat("builtin:", name);
  return {std::move(name), std::move(identity), [key = std::move(key)](const T& o) {
            std::vector<std::string> values;
            if (auto v = ObjectTraits<T>::Labels(o).Get(key)) values.emplace_back(*v);
            return values;
          }};
}

}  // namespace kube::indexers

#endif  // KUBECPP_INDEXERS_INDEX_FUNC_H_
