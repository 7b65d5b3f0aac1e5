// kube::typed::Clientset — one entry point to the typed clients of every built-in kind, as
// client-go's kubernetes.Clientset.
//
//   absl::StatusOr<typed::Clientset> clientset = typed::Clientset::Create(rest_client);
//   absl::StatusOr<apps::Deployment> d = clientset->Deployments("team-a").Get("web");
//   absl::StatusOr<core::NodeList> nodes = clientset->Nodes().List();
//
// Namespaced kinds take the namespace ("" = all namespaces for List/Watch/DeleteCollection, and
// the object's own namespace for writes); cluster-scoped kinds (Namespace, Node,
// PersistentVolume) take none. For kinds without a named accessor (other registered messages),
// For<T, L>(ns) builds the client from the registry.
//
// Thread-safety: immutable after Create; the clients it returns are independent values.
#ifndef KUBECPP_CLIENT_TYPED_CLIENTSET_H_
#define KUBECPP_CLIENT_TYPED_CLIENTSET_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "client/api/apps/v1/apps.pb.h"
#include "client/api/batch/v1/batch.pb.h"
#include "client/api/coordination/v1/coordination.pb.h"
#include "client/api/core/v1/cluster.pb.h"
#include "client/api/core/v1/node.pb.h"
#include "client/api/core/v1/persistent_volume.pb.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/core/v1/service.pb.h"
#include "client/api/discovery/v1/discovery.pb.h"
#include "client/api/events/v1/events.pb.h"
#include "client/rest/rest_client.h"
#include "client/typed/resource_client.h"
#include "client/typed/typed_client.h"

namespace kube::typed {

using PodClient = TypedClient<api::core::v1::Pod, api::core::v1::PodList>;
using ServiceClient = TypedClient<api::core::v1::Service, api::core::v1::ServiceList>;
using EndpointsClient = TypedClient<api::core::v1::Endpoints, api::core::v1::EndpointsList>;
using ConfigMapClient = TypedClient<api::core::v1::ConfigMap, api::core::v1::ConfigMapList>;
using SecretClient = TypedClient<api::core::v1::Secret, api::core::v1::SecretList>;
using NamespaceClient = TypedClient<api::core::v1::Namespace, api::core::v1::NamespaceList>;
using NodeClient = TypedClient<api::core::v1::Node, api::core::v1::NodeList>;
using EventClient = TypedClient<api::core::v1::Event, api::core::v1::EventList>;
using ServiceAccountClient =
    TypedClient<api::core::v1::ServiceAccount, api::core::v1::ServiceAccountList>;
using PersistentVolumeClient =
    TypedClient<api::core::v1::PersistentVolume, api::core::v1::PersistentVolumeList>;
using PersistentVolumeClaimClient =
    TypedClient<api::core::v1::PersistentVolumeClaim, api::core::v1::PersistentVolumeClaimList>;
using DeploymentClient = TypedClient<api::apps::v1::Deployment, api::apps::v1::DeploymentList>;
using ReplicaSetClient = TypedClient<api::apps::v1::ReplicaSet, api::apps::v1::ReplicaSetList>;
using StatefulSetClient = TypedClient<api::apps::v1::StatefulSet, api::apps::v1::StatefulSetList>;
using DaemonSetClient = TypedClient<api::apps::v1::DaemonSet, api::apps::v1::DaemonSetList>;
using JobClient = TypedClient<api::batch::v1::Job, api::batch::v1::JobList>;
using CronJobClient = TypedClient<api::batch::v1::CronJob, api::batch::v1::CronJobList>;
using LeaseClient = TypedClient<api::coordination::v1::Lease, api::coordination::v1::LeaseList>;
using EndpointSliceClient =
    TypedClient<api::discovery::v1::EndpointSlice, api::discovery::v1::EndpointSliceList>;
using EventsV1EventClient = TypedClient<api::events::v1::Event, api::events::v1::EventList>;

class Clientset {
 public:
  // Create checks that the registry (options.registry, default api::DefaultRegistry()) has
  // every kind with a named accessor below: FailedPrecondition naming the first missing one.
  static absl::StatusOr<Clientset> Create(std::shared_ptr<rest::RestClient> client,
                                          ClientOptions options = {});

  // For builds the client of any registered resource kind T with list L.
  template <typename T, typename L>
  absl::StatusOr<TypedClient<T, L>> For(absl::string_view ns = "") const {
    absl::StatusOr<ResourceClient> resource = ResourceFor(T::descriptor(), ns);
    if (!resource.ok()) return resource.status();
    return TypedClient<T, L>(*std::move(resource));
  }

  // ResourceFor builds the untyped client of a registered resource kind's message.
  absl::StatusOr<ResourceClient> ResourceFor(const google::protobuf::Descriptor* descriptor,
                                             absl::string_view ns = "") const;

  PodClient Pods(absl::string_view ns) const { return Must<PodClient>(ns); }
  ServiceClient Services(absl::string_view ns) const { return Must<ServiceClient>(ns); }
  EndpointsClient Endpoints(absl::string_view ns) const { return Must<EndpointsClient>(ns); }
  ConfigMapClient ConfigMaps(absl::string_view ns) const { return Must<ConfigMapClient>(ns); }
  SecretClient Secrets(absl::string_view ns) const { return Must<SecretClient>(ns); }
  NamespaceClient Namespaces() const { return Must<NamespaceClient>(""); }
  NodeClient Nodes() const { return Must<NodeClient>(""); }
  EventClient Events(absl::string_view ns) const { return Must<EventClient>(ns); }
  ServiceAccountClient ServiceAccounts(absl::string_view ns) const {
    return Must<ServiceAccountClient>(ns);
  }
  PersistentVolumeClient PersistentVolumes() const { return Must<PersistentVolumeClient>(""); }
  PersistentVolumeClaimClient PersistentVolumeClaims(absl::string_view ns) const {
    return Must<PersistentVolumeClaimClient>(ns);
  }
  DeploymentClient Deployments(absl::string_view ns) const { return Must<DeploymentClient>(ns); }
  ReplicaSetClient ReplicaSets(absl::string_view ns) const { return Must<ReplicaSetClient>(ns); }
  StatefulSetClient StatefulSets(absl::string_view ns) const { return Must<StatefulSetClient>(ns); }
  DaemonSetClient DaemonSets(absl::string_view ns) const { return Must<DaemonSetClient>(ns); }
  JobClient Jobs(absl::string_view ns) const { return Must<JobClient>(ns); }
  CronJobClient CronJobs(absl::string_view ns) const { return Must<CronJobClient>(ns); }
  LeaseClient Leases(absl::string_view ns) const { return Must<LeaseClient>(ns); }
  EndpointSliceClient EndpointSlices(absl::string_view ns) const {
    return Must<EndpointSliceClient>(ns);
  }
  // events.k8s.io/v1 Event (core/v1 Event is Events()).
  EventsV1EventClient EventsV1(absl::string_view ns) const { return Must<EventsV1EventClient>(ns); }

  const std::shared_ptr<rest::RestClient>& rest_client() const { return client_; }
  const ClientOptions& options() const { return options_; }

 private:
  Clientset(std::shared_ptr<rest::RestClient> client, ClientOptions options)
      : client_(std::move(client)), options_(options) {}

  // Must: Create checked that every named kind is registered, so this cannot fail.
  template <typename Client>
  Client Must(absl::string_view ns) const {
    absl::StatusOr<ResourceClient> resource = ResourceFor(Client::Object::descriptor(), ns);
    return Client(*std::move(resource));
  }

  std::shared_ptr<rest::RestClient> client_;
  ClientOptions options_;
};

}  // namespace kube::typed

#endif  // KUBECPP_CLIENT_TYPED_CLIENTSET_H_
