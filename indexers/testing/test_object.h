// kube::indexers::testing::TestObject — a minimal Kubernetes-like object for tests of the cache
// and the informers, with its ObjectTraits. Plain struct: namespace, name, resourceVersion,
// labels, annotations and an opaque payload standing in for spec/status.
#ifndef KUBECPP_INDEXERS_TESTING_TEST_OBJECT_H_
#define KUBECPP_INDEXERS_TESTING_TEST_OBJECT_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "client/meta/labels.h"
#include "indexers/object_traits.h"

namespace kube::indexers::testing {

struct TestObject {
  std::string ns;
  std::string name;
  std::string resource_version;
  absl::flat_hash_map<std::string, std::string> labels;
  absl::flat_hash_map<std::string, std::string> annotations;
  std::string payload;
};

// MakeObject builds a shared immutable TestObject.
inline ObjectPtr<TestObject> MakeObject(std::string ns, std::string name, std::string rv,
                                        absl::flat_hash_map<std::string, std::string> labels = {},
                                        std::string payload = "") {
  auto o = std::make_shared<TestObject>();
  o->ns = std::move(ns);
  o->name = std::move(name);
  o->resource_version = std::move(rv);
  o->labels = std::move(labels);
  o->payload = std::move(payload);
  return o;
}

}  // namespace kube::indexers::testing

namespace kube::indexers {

template <>
struct ObjectTraits<testing::TestObject> {
  static absl::string_view Namespace(const testing::TestObject& o) { return o.ns; }
  static absl::string_view Name(const testing::TestObject& o) { return o.name; }
  static absl::string_view ResourceVersion(const testing::TestObject& o) {
    return o.resource_version;
  }
  static meta::LabelView Labels(const testing::TestObject& o) { return o.labels; }
  static std::optional<absl::string_view> Annotation(const testing::TestObject& o,
                                                     absl::string_view key) {
    auto it = o.annotations.find(key);
    if (it == o.annotations.end()) return std::nullopt;
    return absl::string_view(it->second);
  }
};

}  // namespace kube::indexers

#endif  // KUBECPP_INDEXERS_TESTING_TEST_OBJECT_H_
