// What `kubecpp watch RESOURCE --plugin FILE.so[=CONFIG] --index NAME[=VALUE]` adds to the
// watch command's informer: plugin indexes and transforms (scoped to this informer, through
// plugins/informer), per-object plugin errors as warnings on stderr, and the index query printed
// after sync.
//
// Output of the query (stdout, sorted, like `kubectl get -o name` prints one item per line):
//   --index NAME=VALUE   the keys ("ns/name") filed under VALUE, one per line
//   --index NAME         every "VALUE KEY" pair of the index, one per line ("" for an empty
//                        value)
// An unknown index name is an error that lists the informer's indexes.
#ifndef KUBECPP_TOOLS_KUBECPP_WATCH_PLUGINS_H_
#define KUBECPP_TOOLS_KUBECPP_WATCH_PLUGINS_H_

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/api/registry.h"
#include "indexers/index_func.h"
#include "indexers/indexer.h"
#include "informers/informer_config.h"
#include "informers/proto_object_traits.h"
#include "informers/shared_informer.h"
#include "plugins/host/plugin_loader.h"
#include "plugins/informer/informer_plugins.h"
#include "plugins/informer/plugin_errors.h"
#include "tools/kubecpp/plugin_flags.h"

namespace kube::tool {

// WatchPlugins keeps what the informer's plugins need while it runs.
struct WatchPlugins {
  std::unique_ptr<plugins::PluginLoader> loader;
  std::shared_ptr<plugins::PluginErrors> errors;
  std::vector<std::string> index_names;  // every index of the informer
};

// AddWatchPlugins loads every --plugin into `options` (indexes and transforms, in flag order)
// and checks that --index names one of the informer's indexes.
template <informers::ProtoKubeObject T>
absl::StatusOr<WatchPlugins> AddWatchPlugins(const PluginFlags& flags, const api::KindInfo& kind,
                                             informers::SharedInformerOptions<T>& options) {
  WatchPlugins result;
  result.index_names.push_back(std::string(indexers::kNamespaceIndex));
  if (flags.index_value.has_value() && flags.index.empty()) {
    return absl::InvalidArgumentError("--index-value needs --index NAME");
  }
  if (flags.plugins.empty() && flags.index.empty() && flags.sha256.empty()) return result;
  absl::StatusOr<std::unique_ptr<plugins::PluginLoader>> loader = NewPluginLoader(flags);
  if (!loader.ok()) return loader.status();
  result.loader = *std::move(loader);
  result.errors = std::make_shared<plugins::PluginErrors>([](const plugins::PluginCallError& e) {
    std::cerr << "kubecpp: warning: " << e.String() << "\n";
  });
  informers::InformerConfig<T> config;
  absl::StatusOr<std::vector<plugins::PluginUse>> uses = PluginUsesOf(flags.plugins, flags.sha256);
  if (!uses.ok()) return uses.status();
  for (const plugins::PluginUse& use : *uses) {
    absl::StatusOr<plugins::PluginInfo> added = plugins::AddPlugin(
        *result.loader, use, {kind.api_version, kind.kind}, result.errors, config);
    if (!added.ok()) return added.status();
  }
  for (const auto& index : config.indexers) result.index_names.push_back(index.name);
  for (auto& t : config.transforms) options.transforms.push_back(std::move(t));
  for (auto& index : config.indexers) options.indexers.push_back(std::move(index));
  if (!flags.index.empty() && std::find(result.index_names.begin(), result.index_names.end(),
                                        flags.index) == result.index_names.end()) {
    return absl::NotFoundError(absl::StrCat("no index \"", flags.index, "\"; this informer has: ",
                                            absl::StrJoin(result.index_names, ", ")));
  }
  return result;
}

// PrintIndexQuery prints the answer to --index from the synced cache.
template <typename T>
absl::Status PrintIndexQuery(const PluginFlags& flags, const indexers::Indexer<T>& cache) {
  if (flags.index_value.has_value()) {
    absl::StatusOr<std::vector<std::string>> keys =
        cache.IndexKeys(flags.index, *flags.index_value);
    if (!keys.ok()) return keys.status();
    std::sort(keys->begin(), keys->end());
    for (const std::string& key : *keys) std::cout << key << "\n";
    std::cout << std::flush;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<std::string>> values = cache.ListIndexFuncValues(flags.index);
  if (!values.ok()) return values.status();
  std::sort(values->begin(), values->end());
  for (const std::string& value : *values) {
    absl::StatusOr<std::vector<std::string>> keys = cache.IndexKeys(flags.index, value);
    if (!keys.ok()) return keys.status();
    std::sort(keys->begin(), keys->end());
    // An empty value (the namespace of cluster-scoped objects) prints as "".
    for (const std::string& key : *keys) {
      std::cout << (value.empty() ? "\"\"" : value) << " " << key << "\n";
    }
  }
  std::cout << std::flush;
  return absl::OkStatus();
}

}  // namespace kube::tool

#endif  // KUBECPP_TOOLS_KUBECPP_WATCH_PLUGINS_H_
