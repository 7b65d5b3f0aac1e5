// kube::indexers::ObjectTraits — how the cache reads the few metadata fields it needs from an
// object type, without knowing the type.
//
// Where it sits: every template in //indexers and //informers (Indexer, Lister, Reflector,
// SharedIndexInformer) is parameterised on an object type T and reads T's metadata only through
// ObjectTraits<T>. Protobuf messages of //client/api specialise it by reading
// `metadata().namespace_()` etc.; tests use the plain struct of //indexers/testing:test_object.
//
// A specialisation provides (all static, all returning views into the object, no copies):
//   absl::string_view Namespace(const T&);         "" for cluster-scoped objects
//   absl::string_view Name(const T&);
//   absl::string_view ResourceVersion(const T&);
//   meta::LabelView   Labels(const T&);
//   std::optional<absl::string_view> Annotation(const T&, absl::string_view key);
//
// Thread-safety: the functions are called concurrently on shared immutable objects; they must
// not mutate anything.
#ifndef KUBECPP_INDEXERS_OBJECT_TRAITS_H_
#define KUBECPP_INDEXERS_OBJECT_TRAITS_H_

#include <concepts>
#include <memory>
#include <optional>

#include "absl/strings/string_view.h"
#include "client/meta/labels.h"
#include "client/meta/object_key.h"

namespace kube::indexers {

// ObjectTraits is specialised once per object type (next to the type's definition).
template <typename T>
struct ObjectTraits;

// KubeObject holds for the types with a complete ObjectTraits specialisation.
template <typename T>
concept KubeObject = requires(const T& o, absl::string_view key) {
  { ObjectTraits<T>::Namespace(o) } -> std::convertible_to<absl::string_view>;
  { ObjectTraits<T>::Name(o) } -> std::convertible_to<absl::string_view>;
  { ObjectTraits<T>::ResourceVersion(o) } -> std::convertible_to<absl::string_view>;
  { ObjectTraits<T>::Labels(o) } -> std::convertible_to<meta::LabelView>;
  { ObjectTraits<T>::Annotation(o, key) } -> std::convertible_to<std::optional<absl::string_view>>;
};

// ObjectPtr is how the cache holds and hands out objects: shared and immutable (DESIGN.md
// decision 4). A writer that wants a changed object copies it explicitly.
template <typename T>
using ObjectPtr = std::shared_ptr<const T>;

// KeyOf is the object's cache key, "ns/name" (or "name" when cluster-scoped). Objects come from
// the apiserver, which validated the names, so the key is built without validation.
template <KubeObject T>
meta::ObjectKey KeyOf(const T& object) {
  return meta::ObjectKey::FromTrusted(ObjectTraits<T>::Namespace(object),
                                      ObjectTraits<T>::Name(object));
}

// KeyRefOf is KeyOf without the allocation, for lookups. Views into `object`.
template <KubeObject T>
meta::ObjectKeyRef KeyRefOf(const T& object) {
  return {ObjectTraits<T>::Namespace(object), ObjectTraits<T>::Name(object)};
}

}  // namespace kube::indexers

#endif  // KUBECPP_INDEXERS_OBJECT_TRAITS_H_
