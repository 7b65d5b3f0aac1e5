// kube::informers::RestListerWatcher<T> — the production ListerWatcher: LIST and WATCH of one
// resource through a rest::RestClient, decoded by //client/api's codecs into immutable T.
//
// Where it sits: RestClient + codecs -> *RestListerWatcher* -> Reflector -> SharedIndexInformer.
// T is a generated message of a registered kind with ObjectTraits (proto_object_traits.h):
// api::core::v1::Pod, api::core::v1::ConfigMap, ...
//
// T = api::meta::v1::PartialObjectMetadata is the metadata-only informer of *any* resource (name
// it by group/version/resource; no generated type needed): LIST and WATCH then carry
// `Accept: application/vnd.kubernetes.protobuf;as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1`
// (or the JSON equivalent), so the server sends only metadata.
//
//   auto lw = RestListerWatcher<api::core::v1::ConfigMap>::Create(
//       client, {.resource = "configmaps", .ns = "team-a"});
//   auto informer = SharedIndexInformer<api::core::v1::ConfigMap>::Create(lw->get(), {});
//
// List: every non-empty ListOptions field becomes its query parameter; the body (protobuf by
// default; the decoder follows the response Content-Type) is decoded as it streams in, each item
// straight into a new T that becomes a shared_ptr<const T>: no XList message is built and at most
// one item's bytes plus the chunk being read are held (internal/proto_list_stream.h,
// internal/json_list_stream.h). (The list kind is only known at run time, from the body; it is
// checked to be a list of T.)
//
// Watch: RestClient's pushed events go into a bounded queue (RestListerWatcherOptions::
// watch_queue_capacity) read by WatchStream::Next on the reflector thread, which also decodes
// the objects (the I/O thread only frames). A full queue pauses the stream (transport
// back-pressure) until Next has drained it to half. ERROR events carry the apiserver's Status as
// //client/rest maps it (rest::IsExpired works on it); BOOKMARK objects are decoded as T holding
// only metadata, so ObjectTraits<T> reads their resourceVersion and the initial-events-end
// annotation. Close() stops the request; a blocked Next returns nullopt.
//
// Lifetime: a WatchStream from Watch() must not outlive its RestListerWatcher (it decodes with
// the lister-watcher's codecs); the RestClient is shared and kept alive by it.
//
// Thread-safety: List and Watch may be called from any thread (the reflector calls them from
// one); WatchStream::Close from any thread, concurrently with Next.
#ifndef KUBECPP_INFORMERS_REST_LISTER_WATCHER_H_
#define KUBECPP_INFORMERS_REST_LISTER_WATCHER_H_

#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "client/api/meta/v1/meta.pb.h"
#include "client/rest/rest_client.h"
#include "google/protobuf/message.h"
#include "informers/factory.h"
#include "informers/informer_config.h"
#include "informers/internal/rest_list_watch.h"
#include "informers/list_watcher.h"
#include "informers/proto_object_traits.h"

namespace kube::informers {

template <ProtoKubeObject T>
class RestWatchStream final : public WatchStream<T> {
 public:
  RestWatchStream(const internal::RestListWatchCore* core,
                  std::shared_ptr<internal::WatchQueue> queue)
      : core_(core), queue_(std::move(queue)) {}
  ~RestWatchStream() override { queue_->Close(); }

  absl::StatusOr<std::optional<WatchEvent<T>>> Next() override {
    absl::StatusOr<std::optional<rest::WatchEvent>> raw = queue_->Next();
    if (!raw.ok()) return raw.status();
    if (!raw->has_value()) return std::nullopt;
    rest::WatchEvent& e = **raw;
    WatchEvent<T> out;
    switch (e.type) {
      case rest::WatchEventType::kAdded:
        out.type = WatchEventType::kAdded;
        break;
      case rest::WatchEventType::kModified:
        out.type = WatchEventType::kModified;
        break;
      case rest::WatchEventType::kDeleted:
        out.type = WatchEventType::kDeleted;
        break;
      case rest::WatchEventType::kBookmark:
        out.type = WatchEventType::kBookmark;
        break;
      case rest::WatchEventType::kError:
        out.type = WatchEventType::kError;
        out.error = std::move(e.error);
        return std::optional<WatchEvent<T>>(std::move(out));
    }
    absl::StatusOr<internal::DecodedObject> object = core_->Decode(e, T::default_instance());
    if (!object.ok()) {
      queue_->Close();
      return absl::DataLossError(absl::StrCat("undecodable ", WatchEventTypeName(out.type),
                                              " event: ", object.status().message()));
    }
    // Decoded as T::default_instance()'s type: a T.
    out.object = std::static_pointer_cast<const T>(*std::move(object));
    return std::optional<WatchEvent<T>>(std::move(out));
  }

  void Close() override { queue_->Close(); }

 private:
  const internal::RestListWatchCore* const core_;
  const std::shared_ptr<internal::WatchQueue> queue_;
};

template <ProtoKubeObject T>
class RestListerWatcher final : public ListerWatcher<T> {
 public:
  // Create checks the options (a resource is required) and returns the lister-watcher.
  static absl::StatusOr<std::unique_ptr<RestListerWatcher>> Create(
      std::shared_ptr<rest::RestClient> client, RestListerWatcherOptions options) {
    if (client == nullptr) return absl::InvalidArgumentError("RestListerWatcher: no client");
    if (options.resource.empty()) {
      return absl::InvalidArgumentError("RestListerWatcher: no resource");
    }
    // PartialObjectMetadata is only ever served through the as=PartialObjectMetadata conversion.
    if constexpr (std::is_same_v<T, api::meta::v1::PartialObjectMetadata>) {
      options.metadata_only = true;
    } else if (options.metadata_only) {
      return absl::InvalidArgumentError(
          "RestListerWatcher: metadata_only needs T = meta::v1::PartialObjectMetadata");
    }
    return std::unique_ptr<RestListerWatcher>(
        new RestListerWatcher(std::move(client), std::move(options)));
  }

  absl::StatusOr<ListPage<T>> List(const ListOptions& options) override {
    ListPage<T> page;
    absl::StatusOr<internal::DecodedList> list =
        core_.List(options, T::descriptor(), [&page](internal::DecodedObject item) {
          // Checked in core_.List: the items field's type is T's descriptor, i.e. T itself.
          page.items.push_back(std::static_pointer_cast<const T>(std::move(item)));
        });
    if (!list.ok()) return list.status();
    page.resource_version = std::move(list->resource_version);
    page.continue_token = std::move(list->continue_token);
    return page;
  }

  absl::StatusOr<std::unique_ptr<WatchStream<T>>> Watch(const ListOptions& options) override {
    absl::StatusOr<std::shared_ptr<internal::WatchQueue>> queue = core_.Watch(options);
    if (!queue.ok()) return queue.status();
    return std::unique_ptr<WatchStream<T>>(new RestWatchStream<T>(&core_, *std::move(queue)));
  }

  const RestListerWatcherOptions& options() const { return core_.options(); }

 private:
  RestListerWatcher(std::shared_ptr<rest::RestClient> client, RestListerWatcherOptions options)
      : core_(std::move(client), std::move(options)) {}

  internal::RestListWatchCore core_;
};

// RestListerWatcherMaker is the factory's ListerWatcherMaker over one RestClient: each config's
// namespace becomes the request namespace. `base` gives the group/version/format; the config's
// `resource` (the plural, e.g. "pods") overrides base.resource when set. The selectors travel in
// ListOptions (the reflector sends them), so they are not part of the lister-watcher.
template <ProtoKubeObject T>
ListerWatcherMaker<T> RestListerWatcherMaker(std::shared_ptr<rest::RestClient> client,
                                             RestListerWatcherOptions base) {
  return [client = std::move(client), base = std::move(base)](
             const InformerConfig<T>& config) -> absl::StatusOr<std::unique_ptr<ListerWatcher<T>>> {
    RestListerWatcherOptions o = base;
    if (!config.resource.empty()) o.resource = config.resource;
    o.ns = config.ns;
    auto lw = RestListerWatcher<T>::Create(client, std::move(o));
    if (!lw.ok()) return lw.status();
    return std::unique_ptr<ListerWatcher<T>>(*std::move(lw));
  };
}

}  // namespace kube::informers

#endif  // KUBECPP_INFORMERS_REST_LISTER_WATCHER_H_
