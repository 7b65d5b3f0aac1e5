// kube::meta::ObjectKey — the identity of an object in a cache: "namespace/name", or "name"
// for a cluster-scoped object (client-go's MetaNamespaceKeyFunc / SplitMetaNamespaceKey).
//
// Where it sits: the informer store, indexers and work queues key objects by it; work-queue
// items and index entries are ObjectKeys (or their String()).
//
// Cheap by design: one std::string holding the string form ("ns/name") plus the offset of the
// name, so String() is free, ns() and name() are views, and copying costs one string copy.
// ObjectKeyHash/ObjectKeyEq are transparent: an ObjectKeyMap<V> or ObjectKeySet can be searched
// with a string_view "ns/name" or an ObjectKeyRef{ns, name} without building an ObjectKey.
//
// Plain value: copy freely; thread-compatible.
#ifndef KUBECPP_CLIENT_META_OBJECT_KEY_H_
#define KUBECPP_CLIENT_META_OBJECT_KEY_H_

#include <compare>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kube::meta {

// ObjectKeyRef is a non-owning (namespace, name) pair: the allocation-free way to look an
// object up by its metadata. Hashes and compares like the ObjectKey with the same parts.
struct ObjectKeyRef {
  absl::string_view ns;  // "" for cluster-scoped objects
  absl::string_view name;

  // FromString splits "ns/name" at its first '/' ("name" alone is cluster-scoped). No validation.
  static ObjectKeyRef FromString(absl::string_view key) {
    size_t slash = key.find('/');
    if (slash == absl::string_view::npos) return {"", key};
    return {key.substr(0, slash), key.substr(slash + 1)};
  }

  friend bool operator==(const ObjectKeyRef& a, const ObjectKeyRef& b) {
    return a.ns == b.ns && a.name == b.name;
  }
  // Ordered by namespace, then name (byte-wise).
  friend std::strong_ordering operator<=>(const ObjectKeyRef& a, const ObjectKeyRef& b) {
    if (int c = a.ns.compare(b.ns); c != 0) return c <=> 0;
    return a.name.compare(b.name) <=> 0;
  }
  template <typename H>
  friend H AbslHashValue(H h, const ObjectKeyRef& k) {
    return H::combine(std::move(h), k.ns, k.name);
  }
};

class ObjectKey {
 public:
  // The empty key: no namespace, empty name. Not a valid object's key; a placeholder for
  // containers. A moved-from key is the empty key.
  ObjectKey() = default;
  ObjectKey(const ObjectKey&) = default;
  ObjectKey& operator=(const ObjectKey&) = default;
  ObjectKey(ObjectKey&& other) noexcept
      : key_(std::move(other.key_)), name_offset_(std::exchange(other.name_offset_, 0)) {
    other.key_.clear();
  }
  ObjectKey& operator=(ObjectKey&& other) noexcept {
    key_ = std::move(other.key_);
    name_offset_ = std::exchange(other.name_offset_, 0);
    other.key_.clear();
    return *this;
  }

  // Parse reads "ns/name" or "name". InvalidArgument, naming the problem, when the key is empty,
  // has more than one '/', has an empty namespace or name around the '/', the namespace is not
  // a DNS-1123 label, or the name is not a valid path segment (".", "..", or contains '%').
  static absl::StatusOr<ObjectKey> Parse(absl::string_view key);

  // Create builds the key of object `name` in namespace `ns` ("" = cluster-scoped), with the
  // same validation as Parse.
  static absl::StatusOr<ObjectKey> Create(absl::string_view ns, absl::string_view name);

  // FromTrusted builds a key without validation: for names the apiserver has already accepted
  // (an informer keying the objects it receives). ns() and name() are always exactly what was
  // given; only the string form of a key whose ns contains '/' would be ambiguous.
  static ObjectKey FromTrusted(absl::string_view ns, absl::string_view name);

  // ns is the namespace, "" for a cluster-scoped object.
  absl::string_view ns() const { return absl::string_view(key_).substr(0, ns_size()); }
  absl::string_view name() const { return absl::string_view(key_).substr(name_offset_); }
  bool IsClusterScoped() const { return name_offset_ == 0; }

  // String is "ns/name", or "name" when cluster-scoped. No allocation.
  const std::string& String() const { return key_; }

  ObjectKeyRef Ref() const { return {ns(), name()}; }

  // Ordered by (namespace, name), so a sorted list of keys groups namespaces together.
  friend bool operator==(const ObjectKey& a, const ObjectKey& b) { return a.Ref() == b.Ref(); }
  friend std::strong_ordering operator<=>(const ObjectKey& a, const ObjectKey& b) {
    return a.Ref() <=> b.Ref();
  }
  template <typename H>
  friend H AbslHashValue(H h, const ObjectKey& k) {
    return H::combine(std::move(h), k.Ref());
  }

 private:
  ObjectKey(std::string key, uint32_t name_offset)
      : key_(std::move(key)), name_offset_(name_offset) {}
  size_t ns_size() const { return name_offset_ == 0 ? 0 : name_offset_ - 1; }

  std::string key_;           // "ns/name" or "name"
  uint32_t name_offset_ = 0;  // where name() starts in key_; 0 = cluster-scoped
};

// ObjectKeyHash and ObjectKeyEq make ObjectKey containers searchable with an ObjectKeyRef or a
// string_view holding "ns/name" (split at its first '/').
struct ObjectKeyHash {
  using is_transparent = void;
  size_t operator()(const ObjectKey& k) const { return absl::Hash<ObjectKeyRef>()(k.Ref()); }
  size_t operator()(const ObjectKeyRef& k) const { return absl::Hash<ObjectKeyRef>()(k); }
  size_t operator()(absl::string_view k) const {
    return absl::Hash<ObjectKeyRef>()(ObjectKeyRef::FromString(k));
  }
};

struct ObjectKeyEq {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return AsRef(a) == AsRef(b);
  }

 private:
  static ObjectKeyRef AsRef(const ObjectKey& k) { return k.Ref(); }
  static ObjectKeyRef AsRef(const ObjectKeyRef& k) { return k; }
  static ObjectKeyRef AsRef(absl::string_view k) { return ObjectKeyRef::FromString(k); }
};

template <typename V>
using ObjectKeyMap = absl::flat_hash_map<ObjectKey, V, ObjectKeyHash, ObjectKeyEq>;
using ObjectKeySet = absl::flat_hash_set<ObjectKey, ObjectKeyHash, ObjectKeyEq>;

}  // namespace kube::meta

#endif  // KUBECPP_CLIENT_META_OBJECT_KEY_H_
