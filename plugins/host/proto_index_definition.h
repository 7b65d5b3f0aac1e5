// kube::plugins::ProtoIndexDefinition — an indexers::IndexDefinition<M> for a generated
// protobuf kind M, computed by a plugins::IndexFunction (a plugin instance or a built-in
// written against ObjectView) through ProtoObjectView.
//
// Where it sits: PluginLibrary::NewIndexFunction -> *ProtoIndexDefinition* ->
// IndexRegistry<M>::Builder / Indexer<M>::AddIndexers. The cache never sees the plugin: it calls
// a plain index function that wraps each object in a ProtoObjectView (no copy) and asks the
// plugin.
//
// Errors: an error from the function concerns one object (index_function.h): the object is
// filed under no value of this index, `on_error` (if set) is told with the object's
// namespace/name, and indexing goes on.
//
// Ownership: the definition's function shares ownership of `function` (and through it, of the
// plugin library), so the plugin stays loaded while any copy of the definition lives.
//
// Thread-safety: the returned function may be called concurrently, as IndexFunction::Index
// may; `on_error` must be thread-safe too.
#ifndef KUBECPP_PLUGINS_HOST_PROTO_INDEX_DEFINITION_H_
#define KUBECPP_PLUGINS_HOST_PROTO_INDEX_DEFINITION_H_

#include <concepts>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "indexers/index_func.h"
#include "plugins/host/index_function.h"
#include "plugins/host/proto_object_view.h"

namespace kube::plugins {

// IndexErrorSink is told about an object an index function failed on.
using IndexErrorSink = std::function<void(absl::string_view index_name, absl::string_view ns,
                                          absl::string_view name, const absl::Status& error)>;

// ProtoIndexDefinition names the index after function->name(). `api_version`/`kind` are the
// GVK the objects are decoded as (protobuf objects carry none). `identity` states what the
// definition computes (index_func.h), e.g. the plugin's path, digest and config.
template <typename M>
requires std::derived_from<M, google::protobuf::Message> indexers::IndexDefinition<M>
ProtoIndexDefinition(std::shared_ptr<const IndexFunction> function, std::string api_version,
                     std::string kind, std::string identity, IndexErrorSink on_error = nullptr) {
  std::string name(function->name());
  return {std::move(name), std::move(identity),
          [function = std::move(function), api_version = std::move(api_version),
           kind = std::move(kind), on_error = std::move(on_error)](const M& object) {
            ProtoObjectView view(object, api_version, kind);
            absl::StatusOr<std::vector<std::string>> values = function->Index(view);
            if (values.ok()) return *std::move(values);
            if (on_error)
              on_error(function->name(), view.Namespace(), view.Name(), values.status());
            return std::vector<std::string>{};
          }};
}

}  // namespace kube::plugins

#endif  // KUBECPP_PLUGINS_HOST_PROTO_INDEX_DEFINITION_H_
