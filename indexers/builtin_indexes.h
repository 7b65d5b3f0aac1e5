// kube::indexers built-in index definitions for any KubeObject (namespace, label value, label
// pairs, owner UID, field path), and AddBuiltinIndexes to put them in an IndexRegistry.
//
// Where it sits: builtin_indexes -> IndexRegistry::Builder -> Indexer::AddIndexers; queries in
// cache_query.h find these indexes by the names below (LabelIndexName, FieldIndexName), so a
// definition registered under another name is invisible to them.
//
// Values and names:
//   NamespaceIndex()           "namespace"         the namespace ("" when cluster-scoped)
//   LabelIndex(key)            "label:KEY"         the value of label KEY; none when absent
//   LabelPairsIndex(keys)      "labels:K1,K2"      "KEY=VALUE" for each listed label present
//   OwnerUidIndex(...)         "owner-uid"         the uid of each owner reference
//   FieldIndex(field, ...)     "field:FIELD"       the field's value; "" when absent, like a
//                                                  field selector reads a missing field
//
// Owner references and arbitrary fields are not part of ObjectTraits: OwnerUidIndex and
// FieldIndex take an accessor from the caller. OwnerUidIndex<T>() with no accessor is available
// when ObjectTraits<T> provides the optional `OwnerUids(const T&)` (a range of string-like
// UIDs).
//
// Thread-safety: every returned function is pure and may be called concurrently; the
// accessors given to OwnerUidIndex/FieldIndex must be too.
#ifndef KUBECPP_INDEXERS_BUILTIN_INDEXES_H_
#define KUBECPP_INDEXERS_BUILTIN_INDEXES_H_

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "indexers/index_func.h"
#include "indexers/index_registry.h"
#include "indexers/object_traits.h"

namespace kube::indexers {

inline constexpr absl::string_view kOwnerUidIndex = "owner-uid";

// FieldIndexName is the name under which FieldIndex(field) is registered; MatchingFields looks
// for it.
inline std::string FieldIndexName(absl::string_view field) { return absl::StrCat("field:", field); }

// LabelPairsIndexName is the name of LabelPairsIndex(keys) (keys in the given order).
inline std::string LabelPairsIndexName(const std::vector<std::string>& keys) {
  return absl::StrCat("labels:", absl::StrJoin(keys, ","));
}

// LabelPairsIndex files an object under "key=value" for each of `keys` it carries, so one index
// answers `key=value` for several keys (e.g. app and tier).
template <KubeObject T>
IndexDefinition<T> LabelPairsIndex(std::vector<std::string> keys) {
  std::string name = LabelPairsIndexName(keys);
  std::string identity = absl::StrCat("builtin:", name);
  return {std::move(name), std::move(identity), [keys = std::move(keys)](const T& o) {
            std::vector<std::string> values;
            meta::LabelView labels = ObjectTraits<T>::Labels(o);
            for (const std::string& key : keys) {
              if (auto v = labels.Get(key)) values.push_back(absl::StrCat(key, "=", *v));
            }
            return values;
          }};
}

// OwnerUidsFunc returns the UIDs of an object's owner references.
template <typename T>
using OwnerUidsFunc = std::function<std::vector<std::string>(const T&)>;

// OwnerUidIndex files an object under the UID of each of its owners (duplicates removed).
// `accessor_id` names the accessor in the identity (e.g. "proto"), since two accessors may
// disagree.
template <typename T>
IndexDefinition<T> OwnerUidIndex(OwnerUidsFunc<T> owner_uids, absl::string_view accessor_id) {
  return {std::string(kOwnerUidIndex), absl::StrCat("builtin:owner-uid:", accessor_id),
          [owner_uids = std::move(owner_uids)](const T& o) {
            std::vector<std::string> uids = owner_uids(o);
            std::sort(uids.begin(), uids.end());
            uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
            return uids;
          }};
}

// HasOwnerUids holds when ObjectTraits<T> provides the optional OwnerUids(o).
template <typename T>
concept HasOwnerUids = KubeObject<T> && requires(const T& o) {
  { *std::begin(ObjectTraits<T>::OwnerUids(o)) } -> std::convertible_to<absl::string_view>;
};

template <HasOwnerUids T>
IndexDefinition<T> OwnerUidIndex() {
  return OwnerUidIndex<T>(
      [](const T& o) {
        std::vector<std::string> uids;
        for (const auto& uid : ObjectTraits<T>::OwnerUids(o)) {
          uids.emplace_back(absl::string_view(uid));
        }
        return uids;
      },
      "traits");
}

// FieldAccessorFunc reads field `field` (a field-selector name such as "spec.nodeName") of an
// object: its value, or nullopt when the object lacks it.
template <typename T>
using FieldAccessorFunc =
    std::function<std::optional<std::string>(const T&, absl::string_view field)>;

// FieldIndex files an object under the value of `field` ("" when absent). `accessor_id` names
// the accessor in the identity.
template <typename T>
IndexDefinition<T> FieldIndex(std::string field, FieldAccessorFunc<T> accessor,
                              absl::string_view accessor_id) {
  std::string name = FieldIndexName(field);
  std::string identity = absl::StrCat("builtin:", name, ":", accessor_id);
  return {std::move(name), std::move(identity),
          [field = std::move(field), accessor = std::move(accessor)](const T& o) {
            std::optional<std::string> value = accessor(o, field);
            return std::vector<std::string>{value.has_value() ? *std::move(value) : ""};
          }};
}

// BuiltinIndexOptions selects what AddBuiltinIndexes registers.
struct BuiltinIndexOptions {
  bool namespace_index = false;  // every Indexer has it already; register it only for listing
  std::vector<std::string> label_keys;       // one LabelIndex per key
  std::vector<std::string> label_pair_keys;  // one LabelPairsIndex over these keys, if any
};

// AddBuiltinIndexes registers the selected built-ins; the first error (a duplicate) stops it.
template <KubeObject T>
absl::Status AddBuiltinIndexes(typename IndexRegistry<T>::Builder& builder,
                               const BuiltinIndexOptions& options) {
  if (options.namespace_index) {
    if (absl::Status s = builder.Add(NamespaceIndex<T>()); !s.ok()) return s;
  }
  for (const std::string& key : options.label_keys) {
    if (absl::Status s = builder.Add(LabelIndex<T>(key)); !s.ok()) return s;
  }
  if (!options.label_pair_keys.empty()) {
    if (absl::Status s = builder.Add(LabelPairsIndex<T>(options.label_pair_keys)); !s.ok()) {
      return s;
    }
  }
  if constexpr (HasOwnerUids<T>) {
    if (absl::Status s = builder.Add(OwnerUidIndex<T>()); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace kube::indexers

#endif  // KUBECPP_INDEXERS_BUILTIN_INDEXES_H_
