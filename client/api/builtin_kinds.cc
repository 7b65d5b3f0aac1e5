#include "client/api/builtin_kinds.h"

#include <cstdlib>
#include <iostream>

#include "client/api/apps/v1/apps.pb.h"
#include "client/api/autoscaling/v1/autoscaling.pb.h"
#include "client/api/batch/v1/batch.pb.h"
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
#include "client/api/meta/v1/options.pb.h"
#include "client/api/meta/v1/status.pb.h"

namespace kube::api {
namespace {

constexpr ResourceScope kNamespaced = ResourceScope::kNamespaced;
constexpr ResourceScope kCluster = ResourceScope::kCluster;

template <typename Object, typename List>
ResourceKind Resource(absl::string_view group, absl::string_view version,
                      absl::string_view resource, ResourceScope scope) {
  return ResourceKind{
      group, version, resource, scope, &Object::default_instance(), &List::default_instance()};
}

}  // namespace

void AddBuiltinKinds(Registry::Builder& builder) {
  namespace core = ::kube::api::core::v1;
  namespace apps = ::kube::api::apps::v1;
  namespace batch = ::kube::api::batch::v1;
  namespace meta = ::kube::api::meta::v1;

  // meta/v1 bodies. The apiserver labels Status and the discovery documents "v1" in every group.
  builder.AddKind("", "v1", "Status", meta::Status::default_instance())
      .AddKind("meta.k8s.io", "v1", "Status", meta::Status::default_instance())
      .AddKind("", "v1", "APIVersions", meta::APIVersions::default_instance())
      .AddKind("", "v1", "APIGroupList", meta::APIGroupList::default_instance())
      .AddKind("", "v1", "APIGroup", meta::APIGroup::default_instance())
      .AddKind("", "v1", "APIResourceList", meta::APIResourceList::default_instance())
      // /api and /api/v1 label their documents with an empty apiVersion.
      .AddKind("", "", "APIVersions", meta::APIVersions::default_instance())
      .AddKind("", "", "APIResourceList", meta::APIResourceList::default_instance())
      .AddKind("", "", "APIGroupList", meta::APIGroupList::default_instance())
      .AddKind("", "", "APIGroup", meta::APIGroup::default_instance())
      .AddKind("meta.k8s.io", "v1", "DeleteOptions", meta::DeleteOptions::default_instance())
      .AddKind("", "v1", "DeleteOptions", meta::DeleteOptions::default_instance())
      .AddKind("meta.k8s.io", "v1", "WatchEvent", meta::WatchEvent::default_instance())
      .AddKind("meta.k8s.io", "v1", "PartialObjectMetadata",
               meta::PartialObjectMetadata::default_instance())
      .AddKind("meta.k8s.io", "v1", "PartialObjectMetadataList",
               meta::PartialObjectMetadataList::default_instance());

  // core/v1 ("" group).
  builder.AddResource(Resource<core::Pod, core::PodList>("", "v1", "pods", kNamespaced))
      .AddResource(Resource<core::Service, core::ServiceList>("", "v1", "services", kNamespaced))
      .AddResource(
          Resource<core::Endpoints, core::EndpointsList>("", "v1", "endpoints", kNamespaced))
      .AddResource(
          Resource<core::ConfigMap, core::ConfigMapList>("", "v1", "configmaps", kNamespaced))
      .AddResource(Resource<core::Secret, core::SecretList>("", "v1", "secrets", kNamespaced))
      .AddResource(Resource<core::Namespace, core::NamespaceList>("", "v1", "namespaces", kCluster))
      .AddResource(Resource<core::Node, core::NodeList>("", "v1", "nodes", kCluster))
      .AddResource(Resource<core::Event, core::EventList>("", "v1", "events", kNamespaced))
      .AddResource(Resource<core::ServiceAccount, core::ServiceAccountList>(
          "", "v1", "serviceaccounts", kNamespaced))
      .AddResource(Resource<core::PersistentVolume, core::PersistentVolumeList>(
          "", "v1", "persistentvolumes", kCluster))
      .AddResource(Resource<core::PersistentVolumeClaim, core::PersistentVolumeClaimList>(
          "", "v1", "persistentvolumeclaims", kNamespaced))
      .AddResource(
          Resource<core::PodTemplate, core::PodTemplateList>("", "v1", "podtemplates", kNamespaced))
      .AddResource(Resource<core::ReplicationController, core::ReplicationControllerList>(
          "", "v1", "replicationcontrollers", kNamespaced))
      .AddResource(
          Resource<core::LimitRange, core::LimitRangeList>("", "v1", "limitranges", kNamespaced))
      .AddResource(Resource<core::ResourceQuota, core::ResourceQuotaList>(
          "", "v1", "resourcequotas", kNamespaced))
      .AddResource(Resource<core::ComponentStatus, core::ComponentStatusList>(
          "", "v1", "componentstatuses", kCluster))
      .AddKind("", "v1", "Binding", core::Binding::default_instance())
      .AddKind("", "v1", "List", core::List::default_instance());

  // apps/v1.
  builder
      .AddResource(Resource<apps::Deployment, apps::DeploymentList>("apps", "v1", "deployments",
                                                                    kNamespaced))
      .AddResource(Resource<apps::ReplicaSet, apps::ReplicaSetList>("apps", "v1", "replicasets",
                                                                    kNamespaced))
      .AddResource(Resource<apps::StatefulSet, apps::StatefulSetList>("apps", "v1", "statefulsets",
                                                                      kNamespaced))
      .AddResource(
          Resource<apps::DaemonSet, apps::DaemonSetList>("apps", "v1", "daemonsets", kNamespaced))
      .AddResource(Resource<apps::ControllerRevision, apps::ControllerRevisionList>(
          "apps", "v1", "controllerrevisions", kNamespaced));

  // autoscaling/v1 Scale: the body of the scale subresource (not a resource of its own here).
  builder.AddKind("autoscaling", "v1", "Scale", autoscaling::v1::Scale::default_instance());

  // batch/v1.
  builder.AddResource(Resource<batch::Job, batch::JobList>("batch", "v1", "jobs", kNamespaced))
      .AddResource(
          Resource<batch::CronJob, batch::CronJobList>("batch", "v1", "cronjobs", kNamespaced));

  // coordination.k8s.io/v1, discovery.k8s.io/v1, events.k8s.io/v1.
  builder
      .AddResource(Resource<coordination::v1::Lease, coordination::v1::LeaseList>(
          "coordination.k8s.io", "v1", "leases", kNamespaced))
      .AddResource(Resource<discovery::v1::EndpointSlice, discovery::v1::EndpointSliceList>(
          "discovery.k8s.io", "v1", "endpointslices", kNamespaced))
      .AddResource(Resource<events::v1::Event, events::v1::EventList>("events.k8s.io", "v1",
                                                                      "events", kNamespaced));
}

const Registry& DefaultRegistry() {
  static const Registry* const registry = [] {
    Registry::Builder builder;
    AddBuiltinKinds(builder);
    absl::StatusOr<Registry> built = std::move(builder).Build();
    if (!built.ok()) {
      // The built-in list is fixed at compile time; registry_test proves it builds.
      std::cerr << "kubecpp: the built-in kind registry is inconsistent: " << built.status()
                << std::endl;
      std::abort();
    }
    return new Registry(*std::move(built));
  }();
  return *registry;
}

}  // namespace kube::api
