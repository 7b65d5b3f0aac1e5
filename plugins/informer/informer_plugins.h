// kube::plugins::AddPlugin and friends — plugins scoped per informer: a loaded plugin plus one
// consumer's config bytes become an index (indexers::IndexDefinition<T>) or a transform
// (informers::Transform<T>) in that consumer's informers::InformerConfig<T>.
//
// Where it sits: PluginLoader (plugins/host) -> *AddPlugin* -> InformerConfig<T> ->
// InformerFactory<T>::Acquire -> SharedIndexInformer<T>. T is a generated protobuf kind of
// //client/api (Pod, ConfigMap, ...) or meta/v1 PartialObjectMetadata for metadata-only
// informers; plugins see both through the same accessors (ProtoObjectView).
//
// Scoping and identity:
//   * Every AddPlugin call creates a new plugin instance from its own config; instances share
//     nothing but the plugin's code (plugin_library.h).
//   * The index's or transform's identity is PluginIdentity(): the plugin file's real path, its
//     SHA-256 and the config bytes. InformerConfig::IdentityKey includes it, so two consumers
//     share an informer only when they use the same file content with the same config; the same
//     .so with another config, or a rebuilt .so at the same path, is another informer.
//   * Lifetime: the instance lives as long as the index/transform holding it. After
//     factory.Acquire(std::move(config)) that is the informer, and the factory destroys the
//     informer (and so the instance) when its last lease is released. When Acquire shares an
//     existing informer, the instance made for the new config is simply dropped: the informer
//     keeps the one it was created with (same identity, same behaviour). A caller that keeps a
//     copy of the config keeps its instances alive too.
//   * Errors per object never stop the informer (plugin_errors.h): counted in `errors` and told
//     to its reporter. With a shared informer, they go to the PluginErrors of the config that
//     created it.
//
// Thread-safety: the functions may be called concurrently (the loader serializes loads); the
// returned definitions and steps are thread-safe.
#ifndef KUBECPP_PLUGINS_INFORMER_INFORMER_PLUGINS_H_
#define KUBECPP_PLUGINS_INFORMER_INFORMER_PLUGINS_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "indexers/index_func.h"
#include "informers/informer_config.h"
#include "informers/proto_object_traits.h"
#include "informers/transform.h"
#include "plugins/host/plugin_info.h"
#include "plugins/host/plugin_library.h"
#include "plugins/host/plugin_loader.h"
#include "plugins/host/proto_index_definition.h"
#include "plugins/informer/plugin_errors.h"
#include "plugins/informer/proto_transform.h"

namespace kube::plugins {

// PluginUse is one consumer's use of a plugin file in one informer.
struct PluginUse {
  std::string path;    // the .so file
  std::string config;  // opaque bytes handed to the plugin's create
  std::string sha256;  // optional pin (LoadOptions::sha256)
  // index_name: the name the index is queried by; empty: the plugin's name. Lets one informer
  // use the same index plugin twice with different configs.
  std::string index_name;
};

// ParsePluginUse parses "FILE[@sha256:DIGEST][=CONFIG]" (kubecpp's --plugin syntax):
// everything after the first '=' is the config, verbatim; a "@sha256:DIGEST" suffix of the file
// part pins that file's digest (checked by the loader). InvalidArgument for an empty file name
// or an empty digest.
absl::StatusOr<PluginUse> ParsePluginUse(absl::string_view spec);

// PluginIdentity is the identity of an index or transform made from `info`'s plugin with
// `config`: "plugin:<real path>;sha256:<digest>;config:<size>:<config bytes>". Unambiguous
// (the config is length-prefixed and last).
std::string PluginIdentity(const PluginInfo& info, absl::string_view config);

// ObjectKind is the apiVersion and kind the informer's objects are decoded as (protobuf objects
// carry no TypeMeta; for PartialObjectMetadata, the kind of the resource, e.g. "v1" "Pod").
struct ObjectKind {
  std::string api_version;
  std::string kind;
};

namespace internal {
// ReportTo returns the sink functions feeding `errors` (null: nothing is recorded).
IndexErrorSink IndexErrorsTo(std::shared_ptr<PluginErrors> errors);
TransformErrorSink TransformErrorsTo(std::shared_ptr<PluginErrors> errors);
}  // namespace internal

// PluginIndex creates an instance of index plugin `library` from `config` and returns it as an
// index of T named `index_name` (empty: the plugin's name). Errors: FailedPrecondition for a
// transform plugin; the plugin's own (e.g. InvalidArgument) when create refuses the config.
template <informers::ProtoKubeObject T>
absl::StatusOr<indexers::IndexDefinition<T>> PluginIndex(const PluginLibrary& library,
                                                         absl::string_view config,
                                                         const ObjectKind& kind,
                                                         std::shared_ptr<PluginErrors> errors,
                                                         absl::string_view index_name = "") {
  absl::StatusOr<std::unique_ptr<IndexFunction>> function = library.NewIndexFunction(config);
  if (!function.ok()) return function.status();
  IndexErrorSink on_error = internal::IndexErrorsTo(std::move(errors));
  if (!index_name.empty() && on_error) {
    // Errors name the index as the consumer called it.
    on_error = [name = std::string(index_name), sink = std::move(on_error)](
                   absl::string_view, absl::string_view ns, absl::string_view object_name,
                   const absl::Status& status) { sink(name, ns, object_name, status); };
  }
  indexers::IndexDefinition<T> definition = ProtoIndexDefinition<T>(
      std::shared_ptr<const IndexFunction>(*std::move(function)), kind.api_version, kind.kind,
      PluginIdentity(library.info(), config), std::move(on_error));
  if (!index_name.empty()) definition.name = std::string(index_name);
  return definition;
}

// PluginTransform creates an instance of transform plugin `library` from `config` and returns
// it as a transform step for T. Errors as PluginIndex.
template <informers::ProtoKubeObject T>
absl::StatusOr<informers::Transform<T>> PluginTransform(const PluginLibrary& library,
                                                        absl::string_view config,
                                                        const ObjectKind& kind,
                                                        std::shared_ptr<PluginErrors> errors) {
  absl::StatusOr<std::unique_ptr<Transform>> transform = library.NewTransform(config);
  if (!transform.ok()) return transform.status();
  return ProtoTransform<T>(std::shared_ptr<const Transform>(*std::move(transform)),
                           kind.api_version, kind.kind, PluginIdentity(library.info(), config),
                           internal::TransformErrorsTo(std::move(errors)));
}

// AddPlugin loads `use.path` through `loader` and adds a new instance to `config`: an index
// plugin to config.indexers, a transform plugin to the end of config.transforms. Returns what
// the plugin declared. Errors (config unchanged): the loader's (file, allowed directories,
// digest, handshake, init), the plugin's create, AlreadyExists when the informer already has an
// index of that name. Every message names the plugin or its file.
template <informers::ProtoKubeObject T>
absl::StatusOr<PluginInfo> AddPlugin(PluginLoader& loader, const PluginUse& use,
                                     const ObjectKind& kind, std::shared_ptr<PluginErrors> errors,
                                     informers::InformerConfig<T>& config) {
  absl::StatusOr<std::shared_ptr<const PluginLibrary>> library =
      loader.Load(use.path, {.sha256 = use.sha256});
  if (!library.ok()) return library.status();
  const PluginInfo& info = (*library)->info();
  if (info.kind == PluginKind::kIndex) {
    const std::string name = use.index_name.empty() ? info.name : use.index_name;
    for (const indexers::IndexDefinition<T>& existing : config.indexers) {
      if (existing.name == name) {
        return absl::AlreadyExistsError(
            absl::StrCat("plugin ", use.path, ": the informer already has an index named \"", name,
                         "\" (set PluginUse::index_name to use one index plugin twice)"));
      }
    }
    absl::StatusOr<indexers::IndexDefinition<T>> index =
        PluginIndex<T>(**library, use.config, kind, std::move(errors), name);
    if (!index.ok()) return index.status();
    config.indexers.push_back(*std::move(index));
  } else {
    absl::StatusOr<informers::Transform<T>> transform =
        PluginTransform<T>(**library, use.config, kind, std::move(errors));
    if (!transform.ok()) return transform.status();
    config.transforms.push_back(*std::move(transform));
  }
  return info;
}

}  // namespace kube::plugins

#endif  // KUBECPP_PLUGINS_INFORMER_INFORMER_PLUGINS_H_
