// kube::plugins::FieldPathIndex — a built-in index of a generated protobuf kind M keyed by the
// value at a field path given as text: "spec.nodeName", "metadata.labels['app']",
// "spec.containers[*].image". No accessor to write.
//
// Where it sits: indexers/builtin_indexes.h has FieldIndex, which needs a caller-written
// accessor, because //indexers stays free of protobuf and of //plugins (./dev checks, layering).
// The path resolver (field_path.h grammar, ProtoObjectView's API JSON names) lives here in
// //plugins/host, so the path-string index lives next to it and produces an ordinary
// indexers::IndexDefinition<M> for IndexRegistry<M>::Builder / Indexer<M>::AddIndexers.
//
// Paths: the grammar of field_path.h, plus "[*]" after a list field for every element of the
// list (any number of them, nested: "spec.containers[*].ports[*].containerPort"). The path is
// checked against M's schema once, at construction: a malformed path, a name M lacks, "[*]" on a
// non-list, a path that ends at a message, list or map, "kind"/"apiVersion" (not in protobuf
// objects) and, for PartialObjectMetadata, a path outside metadata are InvalidArgument.
//
// Values and names: registered as indexers::FieldIndexName(path) ("field:spec.nodeName"), so
// CacheQuery::MatchingFields finds it. Identity "builtin:field-path:<M's full name>:<path>".
//   * A path without "[*]": its value rendered as ProtoObjectView renders scalars; "" when
//     absent, as a field selector reads a missing field (like FieldIndex).
//   * A path with "[*]": every present value (sorted, duplicates removed); none when the list
//     is empty or no element has the field.
//
// Thread-safety: the returned function is pure (const protobuf reflection) and may be called
// concurrently on unedited messages.
#ifndef KUBECPP_PLUGINS_HOST_PROTO_FIELD_PATH_INDEX_H_
#define KUBECPP_PLUGINS_HOST_PROTO_FIELD_PATH_INDEX_H_

#include <concepts>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "indexers/builtin_indexes.h"
#include "indexers/index_func.h"
#include "plugins/host/field_path.h"

namespace kube::plugins {

// CompiledFieldPath is a path with its "[*]" positions, checked against one message type.
class CompiledFieldPath {
 public:
  // Compile parses `text` and checks it against the schema of `prototype`'s type (see above).
  static absl::StatusOr<CompiledFieldPath> Compile(absl::string_view text,
                                                   const google::protobuf::Message& prototype);

  // Values are the index values of `message` (of the prototype's type).
  std::vector<std::string> Values(const google::protobuf::Message& message) const;

  const std::string& text() const { return text_; }

 private:
  CompiledFieldPath() = default;
  void Expand(const google::protobuf::Message& message, std::vector<FieldPath::Element>& elements,
              size_t wildcard, std::vector<std::string>& out) const;

  std::string text_;
  std::vector<FieldPath::Element> elements_;  // "[*]" stored as index 0
  std::vector<size_t> wildcards_;             // positions of the "[*]" elements, ascending
};

// FieldPathIndex is the definition described above, or InvalidArgument for a bad path.
template <typename M>
requires std::derived_from<M, google::protobuf::Message>
    absl::StatusOr<indexers::IndexDefinition<M>> FieldPathIndex(absl::string_view path) {
  absl::StatusOr<CompiledFieldPath> compiled =
      CompiledFieldPath::Compile(path, M::default_instance());
  if (!compiled.ok()) return compiled.status();
  auto shared = std::make_shared<const CompiledFieldPath>(*std::move(compiled));
  return indexers::IndexDefinition<M>{
      indexers::FieldIndexName(shared->text()),
      absl::StrCat("builtin:field-path:", M::descriptor()->full_name(), ":", shared->text()),
      [shared](const M& object) { return shared->Values(object); }};
}

}  // namespace kube::plugins

#endif  // KUBECPP_PLUGINS_HOST_PROTO_FIELD_PATH_INDEX_H_
