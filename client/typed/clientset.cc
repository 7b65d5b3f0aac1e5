#include "client/typed/clientset.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/api/builtin_kinds.h"

namespace kube::typed {

absl::StatusOr<Clientset> Clientset::Create(std::shared_ptr<rest::RestClient> client,
                                            ClientOptions options) {
  if (client == nullptr) return absl::InvalidArgumentError("Clientset: no RestClient");
  if (options.registry == nullptr) options.registry = &api::DefaultRegistry();
  Clientset clientset(std::move(client), options);
  const google::protobuf::Descriptor* named[] = {
      PodClient::Object::descriptor(),
      ServiceClient::Object::descriptor(),
      EndpointsClient::Object::descriptor(),
      ConfigMapClient::Object::descriptor(),
      SecretClient::Object::descriptor(),
      NamespaceClient::Object::descriptor(),
      NodeClient::Object::descriptor(),
      EventClient::Object::descriptor(),
      ServiceAccountClient::Object::descriptor(),
      PersistentVolumeClient::Object::descriptor(),
      PersistentVolumeClaimClient::Object::descriptor(),
      DeploymentClient::Object::descriptor(),
      ReplicaSetClient::Object::descriptor(),
      StatefulSetClient::Object::descriptor(),
      DaemonSetClient::Object::descriptor(),
      JobClient::Object::descriptor(),
      CronJobClient::Object::descriptor(),
      LeaseClient::Object::descriptor(),
      EndpointSliceClient::Object::descriptor(),
      EventsV1EventClient::Object::descriptor(),
  };
  for (const google::protobuf::Descriptor* descriptor : named) {
    if (absl::StatusOr<ResourceClient> r = clientset.ResourceFor(descriptor); !r.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("Clientset: the registry lacks a built-in kind: ", r.status().message()));
    }
  }
  return clientset;
}

absl::StatusOr<ResourceClient> Clientset::ResourceFor(
    const google::protobuf::Descriptor* descriptor, absl::string_view ns) const {
  const api::KindInfo* kind = options_.registry->FindByMessage(descriptor);
  if (kind == nullptr) {
    return absl::NotFoundError(absl::StrCat(descriptor->full_name(), " is not a registered kind"));
  }
  return ResourceClient::Create(client_, kind, std::string(ns), options_);
}

}  // namespace kube::typed
