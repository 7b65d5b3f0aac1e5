// kube::indexers::CacheQuery<T> — queries over an Indexer that are answered from its indexes:
// label selectors, exact field matches (controller-runtime's MatchingFields) and intersections
// of index lookups.
//
// Where it sits: Indexer -> *CacheQuery* -> cached clients / controllers. Lister (lister.h) is
// the plain client-go lister; CacheQuery adds field indexes, intersections and reports how each
// answer was computed (QueryStats), which is what tests and benchmarks check.
//
// How each query is planned:
//   * List(selector[, ns]): every requirement that needs an exact value (`k=v`, `k==v`,
//     `k in (v)`) and has a LabelIndex(k) becomes a lookup, and so does the namespace when one
//     is given; the candidates are the intersection of those lookups (smallest entry first,
//     one consistent read), then filtered by the full selector. Without any usable index the
//     query scans every object.
//   * MatchingFields(fields[, ns]): each field must have a FieldIndex (FieldIndexName(field));
//     otherwise FailedPrecondition, as controller-runtime refuses a field without an index. The
//     answer is the intersection of the field lookups (and the namespace), with no filter: the
//     index values are the field values.
//   * Intersect(lookups): objects filed under every lookup; NotFound for a missing index.
//
// Results are the cached shared objects (never copies), in no particular order.
//
// Thread-safety: thread-safe (the Indexer is). The Indexer must outlive the CacheQuery.
#ifndef KUBECPP_INDEXERS_CACHE_QUERY_H_
#define KUBECPP_INDEXERS_CACHE_QUERY_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "client/meta/fields.h"
#include "client/meta/labels.h"
#include "indexers/builtin_indexes.h"
#include "indexers/index_func.h"
#include "indexers/indexer.h"
#include "indexers/object_traits.h"

namespace kube::indexers {

// QueryStats says how a query was answered: the index lookups used (none for a scan) and how
// many objects were considered before the final filter.
struct QueryStats {
  std::vector<IndexLookup> lookups;  // empty: the query scanned the whole cache
  size_t candidates = 0;
  bool scanned() const { return lookups.empty(); }
};

template <KubeObject T>
class CacheQuery {
 public:
  explicit CacheQuery(const Indexer<T>* indexer) : indexer_(indexer) {}

  // List returns the objects matching `selector`, in namespace `ns` when given.
  std::vector<ObjectPtr<T>> List(const meta::LabelSelector& selector,
                                 std::optional<absl::string_view> ns = std::nullopt,
                                 QueryStats* stats = nullptr) const {
    QueryStats local;
    QueryStats& st = stats != nullptr ? *stats : local;
    st = QueryStats();
    if (selector.IsNothing()) return {};
    std::vector<IndexLookup> lookups;
    for (const meta::LabelRequirement& r : selector.requirements()) {
      std::optional<absl::string_view> value = selector.RequiresExactMatch(r.key());
      if (!value.has_value()) continue;
      std::string index = LabelIndexName(r.key());
      if (!indexer_->HasIndex(index)) continue;
      bool seen = false;  // a key may have several requirements; one lookup is enough
      for (const IndexLookup& l : lookups) seen = seen || l.index == index;
      if (!seen) lookups.push_back({std::move(index), std::string(*value)});
    }
    if (ns.has_value()) lookups.push_back({std::string(kNamespaceIndex), std::string(*ns)});
    std::vector<ObjectPtr<T>> candidates;
    if (!lookups.empty()) {
      // Indexes are never removed, so every lookup names an existing index.
      absl::StatusOr<std::vector<ObjectPtr<T>>> found = indexer_->ByIndexes(lookups);
      if (found.ok()) {
        candidates = *std::move(found);
        st.lookups = std::move(lookups);
      } else {
        candidates = indexer_->List();
      }
    } else {
      candidates = indexer_->List();
    }
    st.candidates = candidates.size();
    std::vector<ObjectPtr<T>> out;
    out.reserve(candidates.size());
    for (ObjectPtr<T>& o : candidates) {
      if (ns.has_value() && ObjectTraits<T>::Namespace(*o) != *ns) continue;
      if (!selector.Empty() && !selector.Matches(ObjectTraits<T>::Labels(*o))) continue;
      out.push_back(std::move(o));
    }
    return out;
  }

  // MatchingFields returns the objects whose fields equal every entry of `fields`, in namespace
  // `ns` when given. FailedPrecondition when a field has no FieldIndex; InvalidArgument when
  // `fields` is empty (use List for "everything").
  absl::StatusOr<std::vector<ObjectPtr<T>>> MatchingFields(
      const meta::FieldSet& fields, std::optional<absl::string_view> ns = std::nullopt,
      QueryStats* stats = nullptr) const {
    if (fields.empty()) return absl::InvalidArgumentError("MatchingFields: no fields");
    std::vector<IndexLookup> lookups;
    lookups.reserve(fields.size() + 1);
    for (const auto& [field, value] : fields) {
      std::string index = FieldIndexName(field);
      if (!indexer_->HasIndex(index)) {
        return absl::FailedPreconditionError(absl::StrCat("MatchingFields: no index for field ",
                                                          field, " (register FieldIndex(\"", field,
                                                          "\", ...) as ", index, ")"));
      }
      lookups.push_back({std::move(index), value});
    }
    if (ns.has_value()) lookups.push_back({std::string(kNamespaceIndex), std::string(*ns)});
    return Run(std::move(lookups), stats);
  }

  // MatchingFieldSelector is MatchingFields for a parsed field selector: only `field=value`
  // terms are allowed (InvalidArgument for `!=`, which no index can answer; and for the empty
  // selector, as MatchingFields). Nothing() and contradicting terms (`f=a,f=b`) match nothing.
  absl::StatusOr<std::vector<ObjectPtr<T>>> MatchingFieldSelector(
      const meta::FieldSelector& selector, std::optional<absl::string_view> ns = std::nullopt,
      QueryStats* stats = nullptr) const {
    if (selector.IsNothing()) return std::vector<ObjectPtr<T>>{};
    meta::FieldSet fields;
    for (const meta::FieldRequirement& r : selector.requirements()) {
      if (r.op != meta::FieldOperator::kEquals) {
        return absl::InvalidArgumentError(
            absl::StrCat("MatchingFieldSelector: ", r.String(), " cannot be served by an index"));
      }
      auto [it, inserted] = fields.emplace(r.field, r.value);
      if (!inserted && it->second != r.value) return std::vector<ObjectPtr<T>>{};
    }
    return MatchingFields(fields, ns, stats);
  }

  // Intersect returns the objects filed under every lookup. NotFound when an index is missing;
  // InvalidArgument for no lookups.
  absl::StatusOr<std::vector<ObjectPtr<T>>> Intersect(std::vector<IndexLookup> lookups,
                                                      QueryStats* stats = nullptr) const {
    return Run(std::move(lookups), stats);
  }

 private:
  absl::StatusOr<std::vector<ObjectPtr<T>>> Run(std::vector<IndexLookup> lookups,
                                                QueryStats* stats) const {
    absl::StatusOr<std::vector<ObjectPtr<T>>> found = indexer_->ByIndexes(lookups);
    if (found.ok() && stats != nullptr) {
      stats->lookups = std::move(lookups);
      stats->candidates = found->size();
    }
    return found;
  }

  const Indexer<T>* indexer_;
};

}  // namespace kube::indexers

#endif  // KUBECPP_INDEXERS_CACHE_QUERY_H_
