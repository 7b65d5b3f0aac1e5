#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/sync.h"
#include "client/api/apps/v1/apps.pb.h"
#include "client/api/batch/v1/batch.pb.h"
#include "client/api/builtin_kinds.h"
#include "client/api/coordination/v1/coordination.pb.h"
#include "client/api/core/v1/cluster.pb.h"
#include "client/api/core/v1/node.pb.h"
#include "client/api/core/v1/persistent_volume.pb.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/core/v1/service.pb.h"
#include "client/api/discovery/v1/discovery.pb.h"
#include "client/api/events/v1/events.pb.h"
#include "client/api/meta/v1/discovery.pb.h"
#include "client/api/meta/v1/meta.pb.h"
#include "client/api/protobuf_codec.h"
#include "client/api/registry.h"
#include "client/rest/rest_client.h"
#include "google/protobuf/message.h"
#include "informers/rest_lister_watcher.h"
#include "tools/kubecpp/commands.h"
#include "tools/kubecpp/watch_plugins.h"

namespace kube::tool {

namespace {

// WatchKind runs one informer of T and prints its events until synced, a timeout or forever.
template <informers::ProtoKubeObject T>
absl::Status WatchKind(const Session& session, const api::KindInfo& kind, const Flags& flags) {
  absl::StatusOr<std::shared_ptr<rest::RestClient>> client =
      rest::RestClient::Create(session.transport, {.config = session.loaded.config});
  if (!client.ok()) return client.status();
  std::string ns = kind.namespaced && !flags.all_namespaces ? session.ns : "";
  auto lister_watcher = informers::RestListerWatcher<T>::Create(
      *client, {.group = kind.group, .version = kind.version, .resource = kind.resource, .ns = ns});
  if (!lister_watcher.ok()) return lister_watcher.status();
  informers::SharedInformerOptions<T> options;
  options.reflector.label_selector = flags.selector;
  absl::StatusOr<WatchPlugins> plugins = AddWatchPlugins(flags.plugin, kind, options);
  if (!plugins.ok()) return plugins.status();
  auto informer = informers::SharedIndexInformer<T>::Create(lister_watcher->get(), options);
  if (!informer.ok()) return informer.status();
  absl::Status last_error;
  absl::Mutex error_mu;
  (void)(*informer)->SetWatchErrorHandler([&](const absl::Status& status) {
    std::cerr << "kubecpp: watch error (retrying): " << status.message() << "\n";
    MutexLock lock(&error_mu);
    last_error = status;
  });
  // Handler callbacks run one at a time on the registration's own thread.
  auto print = [&](absl::string_view type, const T& object) {
    if (flags.until_synced || !flags.plugin.index.empty()) return;
    const auto& meta = object.metadata();
    std::cout << type << " "
              << (meta.namespace_().empty() ? "" : absl::StrCat(meta.namespace_(), "/"))
              << meta.name() << " " << meta.resourceversion() << std::endl;
  };
  informers::EventHandler<T> handler;
  handler.on_add = [&](const indexers::ObjectPtr<T>& o, bool) { print("ADDED", *o); };
  handler.on_update = [&](const indexers::ObjectPtr<T>&, const indexers::ObjectPtr<T>& o) {
    print("MODIFIED", *o);
  };
  handler.on_delete = [&](const indexers::ObjectPtr<T>& o) { print("DELETED", *o); };
  auto registration = (*informer)->AddEventHandler(std::move(handler), {});
  if (!registration.ok()) return registration.status();
  (*informer)->Run();
  const absl::Time sync_deadline =
      absl::Now() + absl::Seconds(flags.timeout_seconds > 0 ? flags.timeout_seconds : 60);
  // Progress on stderr about once a second while waiting: objects cached so far (the store fills
  // when the whole list has arrived), how many of them this command has handled, LIST pages read.
  auto progress = [&] {
    informers::InformerStats stats = (*informer)->Stats();
    std::cerr << "syncing " << kind.resource << ": " << stats.objects_cached << " cached, "
              << (*registration)->Stats().delivered << " handled, " << stats.reflector.lists
              << " list pages\n";
  };
  auto wait_until = [&](auto synced) {
    absl::Time next_progress = absl::Now() + absl::Seconds(1);
    while (!synced()) {
      const absl::Time now = absl::Now();
      if (now >= sync_deadline) return false;
      if (now >= next_progress) {
        progress();
        next_progress = now + absl::Seconds(1);
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    return true;
  };
  if (!wait_until([&] { return (*informer)->HasSynced(); })) {
    (*informer)->Shutdown();
    MutexLock lock(&error_mu);
    return absl::DeadlineExceededError(absl::StrCat(
        "the informer did not sync", last_error.ok() ? "" : ": ", last_error.message()));
  }
  // The registration's HasSynced: its initial adds have been handled (printed). Until then the
  // count printed below would not match what was printed: an error, not a number.
  if (!wait_until([&] { return (*registration)->HasSynced(); })) {
    const informers::HandlerStats h = (*registration)->Stats();
    const size_t cached = (*informer)->GetIndexer().Size();
    (*informer)->Shutdown();
    return absl::DeadlineExceededError(absl::StrCat("synced ", cached, " ", kind.resource,
                                                    " but handled only ", h.delivered,
                                                    " of them before the timeout"));
  }
  size_t cached = (*informer)->GetIndexer().Size();
  std::cerr << "synced " << cached << " " << kind.resource << " at resourceVersion "
            << (*informer)->LastSyncResourceVersion() << "\n";
  if (!flags.plugin.index.empty()) {  // --index: answer from the cache (watch_plugins.h)
    absl::Status printed = PrintIndexQuery(flags.plugin, (*informer)->GetIndexer());
    (*informer)->Shutdown();
    return printed;
  }
  if (flags.until_synced) {
    std::cout << cached << std::endl;
  } else if (flags.timeout_seconds > 0) {
    absl::SleepFor(absl::Seconds(flags.timeout_seconds));
  } else {
    for (;;) absl::SleepFor(absl::Hours(1));  // until interrupted
  }
  (*informer)->Shutdown();
  return absl::OkStatus();
}

// DiscoverResource finds `name` ("clusterroles", "clusterrole", "ClusterRole", a short name, or
// any of these with ".GROUP") in the server's discovery documents: the core group first, then
// each group's preferred version. For resources kubecpp has no generated type for.
absl::StatusOr<api::KindInfo> DiscoverResource(const Session& session, absl::string_view name) {
  std::string wanted = absl::AsciiStrToLower(name);
  std::string group;
  bool group_given = false;
  if (size_t dot = wanted.find('.'); dot != std::string::npos) {
    group = wanted.substr(dot + 1);
    group_given = true;
    wanted.resize(dot);
  }
  api::ProtobufCodec codec(api::DefaultRegistry());
  std::vector<std::pair<std::string, std::string>> versions;  // (group, version)
  if (!group_given || group.empty()) versions.emplace_back("", "v1");
  absl::StatusOr<std::string> groups_body = Get(session, "/apis", kProtobuf);
  if (!groups_body.ok()) return groups_body.status();
  api::meta::v1::APIGroupList groups;
  if (absl::Status s = codec.DecodeInto(*groups_body, &groups); !s.ok()) return s;
  for (const api::meta::v1::APIGroup& g : groups.groups()) {
    if (group_given && g.name() != group) continue;
    versions.emplace_back(g.name(), g.preferredversion().version());
  }
  for (const auto& [g, v] : versions) {
    std::string path = g.empty() ? "/api/v1" : absl::StrCat("/apis/", g, "/", v);
    absl::StatusOr<std::string> body = Get(session, path, kProtobuf);
    if (!body.ok()) continue;  // an aggregated group that is down hides only itself
    api::meta::v1::APIResourceList list;
    if (!codec.DecodeInto(*body, &list).ok()) continue;
    for (const api::meta::v1::APIResource& r : list.resources()) {
      if (absl::StrContains(r.name(), '/')) continue;  // subresource
      bool match = r.name() == wanted || r.singularname() == wanted ||
                   absl::AsciiStrToLower(r.kind()) == wanted;
      for (const std::string& s : r.shortnames()) match = match || s == wanted;
      if (!match) continue;
      api::KindInfo kind;
      kind.group = g;
      kind.version = v;
      kind.kind = r.kind();
      kind.resource = r.name();
      kind.namespaced = r.namespaced();
      return kind;
    }
  }
  return absl::NotFoundError(absl::StrCat("the server has no resource \"", name, "\""));
}

// WatchMetadataOnly watches meta.k8s.io/v1 PartialObjectMetadata of any resource.
absl::Status WatchMetadataOnly(const Flags& flags) {
  absl::StatusOr<Session> session = Connect(flags);
  if (!session.ok()) return session.status();
  absl::StatusOr<api::KindInfo> kind = DiscoverResource(*session, flags.args[1]);
  if (!kind.ok()) return kind.status();
  return WatchKind<api::meta::v1::PartialObjectMetadata>(*session, *kind, flags);
}

// WatchFn runs WatchKind for one generated message type.
using WatchFn = absl::Status (*)(const Session&, const api::KindInfo&, const Flags&);

template <informers::ProtoKubeObject T>
std::pair<const google::protobuf::Descriptor*, WatchFn> Typed() {
  return {T::descriptor(), &WatchKind<T>};
}

// TypedWatches: a typed watch for every resource kind of api::DefaultRegistry()
// (client/api/builtin_kinds.cc), keyed by message. kubecpp_apiserver_test's
// WatchEveryRegisteredResourceKind walks the registry and fails on any kind missing here.
const absl::flat_hash_map<const google::protobuf::Descriptor*, WatchFn>& TypedWatches() {
  namespace core = ::kube::api::core::v1;
  namespace apps = ::kube::api::apps::v1;
  namespace batch = ::kube::api::batch::v1;
  static const auto* const table =
      new absl::flat_hash_map<const google::protobuf::Descriptor*, WatchFn>({
          Typed<core::Pod>(),
          Typed<core::Service>(),
          Typed<core::Endpoints>(),
          Typed<core::ConfigMap>(),
          Typed<core::Secret>(),
          Typed<core::Namespace>(),
          Typed<core::Node>(),
          Typed<core::Event>(),
          Typed<core::ServiceAccount>(),
          Typed<core::PersistentVolume>(),
          Typed<core::PersistentVolumeClaim>(),
          Typed<core::PodTemplate>(),
          Typed<core::ReplicationController>(),
          Typed<core::LimitRange>(),
          Typed<core::ResourceQuota>(),
          Typed<core::ComponentStatus>(),
          Typed<apps::Deployment>(),
          Typed<apps::ReplicaSet>(),
          Typed<apps::StatefulSet>(),
          Typed<apps::DaemonSet>(),
          Typed<apps::ControllerRevision>(),
          Typed<batch::Job>(),
          Typed<batch::CronJob>(),
          Typed<api::coordination::v1::Lease>(),
          Typed<api::discovery::v1::EndpointSlice>(),
          Typed<api::events::v1::Event>(),
      });
  return *table;
}

}  // namespace

absl::Status WatchCommand(const Flags& flags) {
  if (flags.args.size() != 2) {
    return absl::InvalidArgumentError(
        "usage: kubecpp watch RESOURCE [-n NS|-A] [-l SELECTOR] [--until-synced] [--timeout S] "
        "[--metadata-only] [--plugin FILE.so[=CONFIG]]... [--index NAME[=VALUE]]");
  }
  if (flags.metadata_only) return WatchMetadataOnly(flags);
  absl::StatusOr<const api::KindInfo*> kind = FindKind(flags.args[1]);
  if (!kind.ok()) return kind.status();
  auto typed = TypedWatches().find((*kind)->descriptor);
  if (typed == TypedWatches().end()) {
    return absl::UnimplementedError(absl::StrCat("kubecpp watch has no typed watch for ",
                                                 (*kind)->resource, " (", (*kind)->api_version, " ",
                                                 (*kind)->kind, "); use --metadata-only"));
  }
  absl::StatusOr<Session> session = Connect(flags);
  if (!session.ok()) return session.status();
  return typed->second(*session, **kind, flags);
}

}  // namespace kube::tool
