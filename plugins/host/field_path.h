// kube::plugins::FieldPath — a parsed field path such as `spec.containers[0].image` or
// `metadata.labels['app.kubernetes.io/name']`, the path syntax of the plugin ABI
// (plugins/abi/kube_plugin.h, "Field paths").
//
// Where it sits: the plugin host parses every path a plugin passes to object_field or
// editor_remove_field once, and hands the parsed path to the ObjectView / ObjectEditor
// implementations (protobuf messages, Unstructured JSON, test objects), so they all accept
// exactly the same grammar and report malformed paths the same way.
//
// Grammar:
//   path    := field ( "." field | "[" index "]" | "[" quoted "]" )*
//   field   := one or more of [A-Za-z0-9_$-]
//   index   := "0" | [1-9][0-9]*            (at most 2^31 - 1)
//   quoted  := "'" chars "'" | '"' chars '"'  with \\ \' \" as the only escapes; may be empty
// A path is at most kMaxLength bytes.
//
// Thread-safety: FieldPath is an immutable value; const methods may be called concurrently.
#ifndef KUBECPP_PLUGINS_HOST_FIELD_PATH_H_
#define KUBECPP_PLUGINS_HOST_FIELD_PATH_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kube::plugins {

class FieldPath {
 public:
  static constexpr size_t kMaxLength = 4096;

  // Element is one step of a path: a field name, a list index or a map key.
  struct Element {
    enum class Kind { kField, kIndex, kKey };
    Kind kind = Kind::kField;
    std::string name;  // the field name or the (unescaped) map key; empty for kIndex
    size_t index = 0;  // for kIndex

    friend bool operator==(const Element&, const Element&) = default;
  };

  // Parse reads `text`; InvalidArgument naming the offending offset when it is malformed.
  static absl::StatusOr<FieldPath> Parse(absl::string_view text);

  // Builders for implementations and tests that construct paths in code.
  FieldPath() = default;
  FieldPath& Field(absl::string_view name);
  FieldPath& Index(size_t index);
  FieldPath& Key(absl::string_view key);

  const std::vector<Element>& elements() const { return elements_; }
  bool empty() const { return elements_.empty(); }

  // HasPrefix: whether `prefix`'s elements are the first elements of this path (every path has
  // the empty prefix).
  bool HasPrefix(const FieldPath& prefix) const;

  // String is the canonical text: fields joined by ".", "[N]", and "['key']" with \\ and \'
  // escaped. Parse(p.String()) == p.
  std::string String() const;

  friend bool operator==(const FieldPath&, const FieldPath&) = default;

 private:
  std::vector<Element> elements_;
};

}  // namespace kube::plugins

#endif  // KUBECPP_PLUGINS_HOST_FIELD_PATH_H_
