// kube::indexers::IndexRegistry<T> — named index definitions, assembled once through an explicit
// Builder and immutable afterwards (gRPC's CoreConfiguration::Builder; STYLE.md point 9: no
// static-initializer registration).
//
// Where it sits: a program builds one registry per object type at startup (built-ins from
// builtin_indexes.h / pod_indexes.h, plus its own or plugin-backed definitions); each informer
// then picks the indexes it wants by name and hands copies of the definitions to its Indexer
// (Indexer::AddIndexers). The registry itself holds no objects and no per-informer state.
//
// Contract:
//   * Builder::Add refuses a duplicate name (AlreadyExists), an empty name or an empty function
//     (InvalidArgument); a refused definition is not added and the builder stays usable.
//   * Build() yields the registry; the builder is consumed. A registry never changes: it is
//     cheap to copy (the definitions are shared) and every method may be called concurrently.
//   * The namespace index is part of every Indexer already; registering it is allowed (it is an
//     ordinary definition) but selecting it for an Indexer that has it is AlreadyExists there.
//
// T need not be a KubeObject: a registry of protobuf Pods needs no ObjectTraits.
#ifndef KUBECPP_INDEXERS_INDEX_REGISTRY_H_
#define KUBECPP_INDEXERS_INDEX_REGISTRY_H_

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "indexers/index_func.h"

namespace kube::indexers {

template <typename T>
class IndexRegistry {
  using Map = absl::flat_hash_map<std::string, IndexDefinition<T>>;

 public:
  class Builder {
   public:
    Builder() = default;
    Builder(Builder&&) = default;
    Builder& operator=(Builder&&) = default;

    // Add registers `definition` under definition.name (see the contract above for errors).
    absl::Status Add(IndexDefinition<T> definition) {
      if (definition.name.empty()) {
        return absl::InvalidArgumentError("index definition without a name");
      }
      if (!definition.func) {
        return absl::InvalidArgumentError(absl::StrCat("index ", definition.name, ": no function"));
      }
      if (definitions_->contains(definition.name)) {
        return absl::AlreadyExistsError(
            absl::StrCat("index ", definition.name, " is already registered"));
      }
      std::string name = definition.name;
      definitions_->emplace(std::move(name), std::move(definition));
      return absl::OkStatus();
    }

    // Build yields the immutable registry.
    // The builder is left empty (and usable).
    IndexRegistry Build() && {
      std::shared_ptr<const Map> built = std::move(definitions_);
      definitions_ = std::make_shared<Map>();
      return IndexRegistry(std::move(built));
    }

   private:
    std::shared_ptr<Map> definitions_ = std::make_shared<Map>();
  };

  // An empty registry.
  IndexRegistry() : definitions_(std::make_shared<const Map>()) {}

  // Find returns the definition registered as `name`, or null. Points into the registry.
  const IndexDefinition<T>* Find(absl::string_view name) const {
    auto it = definitions_->find(name);
    return it == definitions_->end() ? nullptr : &it->second;
  }

  // Select copies the definitions named `names`, in that order, for Indexer::AddIndexers.
  // NotFound naming the first unknown name.
  absl::StatusOr<std::vector<IndexDefinition<T>>> Select(
      absl::Span<const std::string> names) const {
    std::vector<IndexDefinition<T>> out;
    out.reserve(names.size());
    for (const std::string& name : names) {
      const IndexDefinition<T>* d = Find(name);
      if (d == nullptr) {
        return absl::NotFoundError(absl::StrCat("no index named ", name, " is registered"));
      }
      out.push_back(*d);
    }
    return out;
  }

  // Names lists the registered names, sorted.
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    names.reserve(definitions_->size());
    for (const auto& [name, definition] : *definitions_) names.push_back(name);
    std::sort(names.begin(), names.end());
    return names;
  }

  size_t size() const { return definitions_->size(); }

 private:
  explicit IndexRegistry(std::shared_ptr<const Map> definitions)
      : definitions_(std::move(definitions)) {}

  std::shared_ptr<const Map> definitions_;
};

}  // namespace kube::indexers

#endif  // KUBECPP_INDEXERS_INDEX_REGISTRY_H_
