// kube::informers::InformerConfig<T> — everything that determines what an informer's cache
// holds. It *is* the informer's identity (DESIGN.md decision 6): the factory shares an informer
// only between consumers whose configs have the same IdentityKey(), so one consumer's transform,
// indexer, namespace or selector can never change another consumer's cache.
//
// Identity rules:
//   * resource, namespace: compared as given ("" namespace = all namespaces).
//   * selectors: compared in canonical form (LabelSelector/FieldSelector::String()), so
//     "b=2,a=1" and "a=1,b=2" are the same informer. A Nothing() selector is refused by the
//     factory (it would be sent as "", i.e. everything).
//   * transforms: the ordered list of Transform::identity (order matters: it is a chain).
//   * indexers: the set of (name, identity) pairs, order-insensitive.
//   * resync_period is NOT identity: it is the default resync of handlers added through that
//     lease (resync is per handler registration, as in client-go), so consumers that differ only
//     in it share one informer and one watch.
//   * the object type T: a typed informer and a metadata-only informer of the same resource are
//     different informers (the factory is per type).
// Functions themselves are not compared: two transforms or index functions with the same
// identity string must behave the same (a plugin's identity carries its digest and config).
#ifndef KUBECPP_INFORMERS_INFORMER_CONFIG_H_
#define KUBECPP_INFORMERS_INFORMER_CONFIG_H_

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/meta/fields.h"
#include "client/meta/labels.h"
#include "indexers/index_func.h"
#include "informers/transform.h"

namespace kube::informers {

template <typename T>
struct InformerConfig {
  // resource: the plural resource name as the factory's ListerWatcherMaker understands it, e.g.
  // "pods", "deployments". Group and version are the maker's (it serves one object type T, and
  // the REST wiring knows T's group/version); the string is identity and is handed to the maker.
  std::string resource;
  std::string ns;  // "" = all namespaces
  meta::LabelSelector label_selector;
  meta::FieldSelector field_selector;
  std::vector<Transform<T>> transforms;
  std::vector<indexers::IndexDefinition<T>> indexers;
  // resync_period: default HandlerOptions::resync_period of handlers added through the lease
  // returned for this config. Not part of IdentityKey().
  absl::Duration resync_period = absl::ZeroDuration();

  // IdentityKey is the canonical, unambiguous string of the identity above. Each part is
  // length-prefixed so no two different configs can print the same key.
  std::string IdentityKey() const {
    std::string key;
    auto part = [&key](absl::string_view tag, absl::string_view value) {
      absl::StrAppend(&key, tag, value.size(), ":", value, ";");
    };
    part("resource", resource);
    part("ns", ns);
    part("labels", label_selector.IsNothing() ? "<nothing>" : label_selector.String());
    part("fields", field_selector.IsNothing() ? "<nothing>" : field_selector.String());
    for (const Transform<T>& t : transforms) part("transform", t.identity);
    std::vector<std::pair<std::string, std::string>> idx;
    for (const auto& d : indexers) idx.emplace_back(d.name, d.identity);
    std::sort(idx.begin(), idx.end());
    for (const auto& [name, identity] : idx) {
      part("index", name);
      part("as", identity);
    }
    return key;
  }
};

}  // namespace kube::informers

#endif  // KUBECPP_INFORMERS_INFORMER_CONFIG_H_
