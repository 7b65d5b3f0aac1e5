#include "client/meta/selectable_fields.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "client/meta/fields.h"
#include "client/meta/gvk.h"

namespace kube::meta {
namespace {

using F = absl::string_view;

// Facts from kube-apiserver v1.37.2. Keep in step with selector_apiserver_test, which asks the
// real apiserver about every entry.
constexpr F kPodFields[] = {
    "metadata.name",
    "metadata.namespace",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.podIPs",
    "status.nominatedNodeName",
};
constexpr FieldAlias kPodAliases[] = {{"spec.host", "spec.nodeName"}};
constexpr F kNodeFields[] = {"metadata.name", "spec.unschedulable"};
constexpr F kReplicationControllerFields[] = {"metadata.name", "metadata.namespace",
                                              "status.replicas"};
constexpr F kCoreEventFields[] = {
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
    "metadata.namespace",
    "metadata.name",
};
constexpr F kNamespaceFields[] = {"metadata.name", "status.phase"};
constexpr F kSecretFields[] = {"metadata.name", "metadata.namespace", "type"};
constexpr F kServiceFields[] = {"metadata.name", "metadata.namespace", "spec.clusterIP",
                                "spec.type"};
constexpr F kEventsV1EventFields[] = {
    "metadata.name",
    "metadata.namespace",
    "reason",
    "type",
    "reportingController",
    "regarding.kind",
    "regarding.namespace",
    "regarding.name",
    "regarding.uid",
    "regarding.apiVersion",
    "regarding.resourceVersion",
    "regarding.fieldPath",
};
constexpr F kJobFields[] = {"metadata.name", "metadata.namespace", "status.successful"};
constexpr F kCertificateSigningRequestFields[] = {"metadata.name", "spec.signerName"};
constexpr F kClusterTrustBundleFields[] = {"metadata.name", "spec.signerName"};
constexpr F kPodCertificateRequestFields[] = {"metadata.name", "spec.signerName", "spec.podName",
                                              "spec.nodeName"};
constexpr F kResourceSliceFields[] = {"metadata.name", "spec.nodeName", "spec.driver",
                                      "spec.pool.name"};
constexpr F kDefaultFields[] = {"metadata.name", "metadata.namespace"};

constexpr SelectableFields kTable[] = {
    {"", "v1", "Pod", "pods", true, kPodFields, kPodAliases},
    {"", "v1", "Node", "nodes", false, kNodeFields, {}},
    {"",
     "v1",
     "ReplicationController",
     "replicationcontrollers",
     true,
     kReplicationControllerFields,
     {}},
    {"", "v1", "Event", "events", true, kCoreEventFields, {}},
    {"", "v1", "Namespace", "namespaces", false, kNamespaceFields, {}},
    {"", "v1", "Secret", "secrets", true, kSecretFields, {}},
    {"", "v1", "Service", "services", true, kServiceFields, {}},
    {"events.k8s.io", "v1", "Event", "events", true, kEventsV1EventFields, {}},
    {"batch", "v1", "Job", "jobs", true, kJobFields, {}},
    {"certificates.k8s.io",
     "v1",
     "CertificateSigningRequest",
     "certificatesigningrequests",
     false,
     kCertificateSigningRequestFields,
     {}},
    {"certificates.k8s.io",
     "v1",
     "ClusterTrustBundle",
     "clustertrustbundles",
     false,
     kClusterTrustBundleFields,
     {}},
    {"certificates.k8s.io",
     "v1",
     "PodCertificateRequest",
     "podcertificaterequests",
     true,
     kPodCertificateRequestFields,
     {}},
    {"resource.k8s.io", "v1", "ResourceSlice", "resourceslices", false, kResourceSliceFields, {}},
};

bool Contains(const SelectableFields* entry, absl::string_view field) {
  absl::Span<const F> fields = entry != nullptr ? entry->fields : DefaultSelectableFields();
  for (F f : fields) {
    if (f == field) return true;
  }
  if (entry != nullptr) {
    for (const FieldAlias& a : entry->aliases) {
      if (a.from == field) return true;
    }
  }
  return false;
}

absl::Status Validate(const FieldSelector& selector, const SelectableFields* entry,
                      absl::string_view what) {
  for (const FieldRequirement& r : selector.requirements()) {
    if (!Contains(entry, r.field)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "field label not supported: ", absl::CHexEscape(r.field), " (for ", what, ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Span<const SelectableFields> BuiltinSelectableFields() { return kTable; }

absl::Span<const absl::string_view> DefaultSelectableFields() { return kDefaultFields; }

const SelectableFields* FindSelectableFields(const GroupVersionKind& gvk) {
  for (const SelectableFields& e : kTable) {
    if (e.group == gvk.group && e.version == gvk.version && e.kind == gvk.kind) return &e;
  }
  return nullptr;
}

const SelectableFields* FindSelectableFields(const GroupVersionResource& gvr) {
  for (const SelectableFields& e : kTable) {
    if (e.group == gvr.group && e.version == gvr.version && e.resource == gvr.resource) return &e;
  }
  return nullptr;
}

bool IsSelectableField(const GroupVersionKind& gvk, absl::string_view field) {
  return Contains(FindSelectableFields(gvk), field);
}

bool IsSelectableField(const GroupVersionResource& gvr, absl::string_view field) {
  return Contains(FindSelectableFields(gvr), field);
}

absl::Status ValidateFieldSelector(const FieldSelector& selector, const GroupVersionKind& gvk) {
  return Validate(selector, FindSelectableFields(gvk), gvk.String());
}

absl::Status ValidateFieldSelector(const FieldSelector& selector, const GroupVersionResource& gvr) {
  return Validate(selector, FindSelectableFields(gvr), gvr.String());
}

}  // namespace kube::meta
