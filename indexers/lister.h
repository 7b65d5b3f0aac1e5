// kube::indexers::Lister<T> — read-only queries over an Indexer: Get by namespace/name, List by
// label selector, cluster-wide or in one namespace (client-go's generated listers, typed).
//
// Queries are served from indexes: a namespace-scoped list reads the namespace index; a selector
// with an exact requirement `key=value` on a label that has a LabelIndex(key) reads that index
// instead (whichever is available, the label index first); only the candidates are then matched
// against the full selector. Without a usable index the lister scans.
//
// Results are the cached shared immutable objects, never copies, in no particular order.
//
// Thread-safety: thread-safe (the Indexer is). The Indexer must outlive the Lister.
#ifndef KUBECPP_INDEXERS_LISTER_H_
#define KUBECPP_INDEXERS_LISTER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "client/meta/labels.h"
#include "indexers/index_func.h"
#include "indexers/indexer.h"
#include "indexers/object_traits.h"

namespace kube::indexers {

template <KubeObject T>
class Lister {
 public:
  explicit Lister(const Indexer<T>* indexer) : indexer_(indexer) {}

  // Get returns the object `name` in namespace `ns` ("" for cluster-scoped), or NotFound.
  absl::StatusOr<ObjectPtr<T>> Get(absl::string_view ns, absl::string_view name) const {
    ObjectPtr<T> o = indexer_->Get(meta::ObjectKeyRef{ns, name});
    if (o == nullptr) {
      return absl::NotFoundError(
          absl::StrCat(ns.empty() ? "" : absl::StrCat(ns, "/"), name, " not found in cache"));
    }
    return o;
  }

  // List returns the objects of every namespace matching `selector`.
  std::vector<ObjectPtr<T>> List(const meta::LabelSelector& selector) const {
    return Select(nullptr, selector);
  }

  // ListInNamespace returns the objects of namespace `ns` matching `selector`.
  std::vector<ObjectPtr<T>> ListInNamespace(absl::string_view ns,
                                            const meta::LabelSelector& selector) const {
    return Select(&ns, selector);
  }

 private:
  std::vector<ObjectPtr<T>> Select(const absl::string_view* ns,
                                   const meta::LabelSelector& selector) const {
    if (selector.IsNothing()) return {};
    std::vector<ObjectPtr<T>> candidates;
    bool found = false;
    for (const meta::LabelRequirement& r : selector.requirements()) {
      std::optional<absl::string_view> value = selector.RequiresExactMatch(r.key());
      if (!value.has_value()) continue;
      auto by_label = indexer_->ByIndex(LabelIndexName(r.key()), *value);
      if (!by_label.ok()) continue;
      candidates = *std::move(by_label);
      found = true;
      break;
    }
    if (!found && ns != nullptr) {
      auto by_ns = indexer_->ByIndex(kNamespaceIndex, *ns);
      if (by_ns.ok()) {
        candidates = *std::move(by_ns);
        found = true;
      }
    }
    if (!found) candidates = indexer_->List();
    std::vector<ObjectPtr<T>> out;
    out.reserve(candidates.size());
    for (ObjectPtr<T>& o : candidates) {
      if (ns != nullptr && ObjectTraits<T>::Namespace(*o) != *ns) continue;
      if (!selector.Empty() && !selector.Matches(ObjectTraits<T>::Labels(*o))) continue;
      out.push_back(std::move(o));
    }
    return out;
  }

  const Indexer<T>* indexer_;
};

}  // namespace kube::indexers

#endif  // KUBECPP_INDEXERS_LISTER_H_
