#include "client/api/registry.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace kube::api {
namespace {

std::string ApiVersion(absl::string_view group, absl::string_view version) {
  return group.empty() ? std::string(version) : absl::StrCat(group, "/", version);
}

// Keys: a kind never contains '/', so "apiVersion/kind" is unambiguous; resources likewise.
std::string KindKey(absl::string_view api_version, absl::string_view kind) {
  return absl::StrCat(api_version, "/", kind);
}

std::string ResourceKey(absl::string_view group, absl::string_view version,
                        absl::string_view resource) {
  return absl::StrCat(group, "/", version, "/", resource);
}

}  // namespace

Registry::Builder& Registry::Builder::AddResource(const ResourceKind& resource) {
  if (!status_.ok()) return *this;
  if (resource.object == nullptr || resource.list == nullptr || resource.version.empty() ||
      resource.resource.empty()) {
    status_ = absl::InvalidArgumentError(
        absl::StrCat("resource ", resource.group, "/", resource.version, "/", resource.resource,
                     " needs a version, a plural name, an object and a list prototype"));
    return *this;
  }
  KindInfo object;
  object.group = std::string(resource.group);
  object.version = std::string(resource.version);
  object.kind = resource.object->GetDescriptor()->name();
  object.descriptor = resource.object->GetDescriptor();
  object.prototype = resource.object;
  object.resource = std::string(resource.resource);
  object.namespaced = resource.scope == ResourceScope::kNamespaced;
  object.list_kind = resource.list->GetDescriptor()->name();

  KindInfo list;
  list.group = object.group;
  list.version = object.version;
  list.kind = object.list_kind;
  list.descriptor = resource.list->GetDescriptor();
  list.prototype = resource.list;
  list.item_kind = object.kind;

  status_ = Add(std::move(object));
  if (status_.ok()) status_ = Add(std::move(list));
  return *this;
}

Registry::Builder& Registry::Builder::AddKind(absl::string_view group, absl::string_view version,
                                              absl::string_view kind,
                                              const google::protobuf::Message& prototype) {
  if (!status_.ok()) return *this;
  KindInfo info;
  info.group = std::string(group);
  info.version = std::string(version);
  info.kind = std::string(kind);
  info.descriptor = prototype.GetDescriptor();
  info.prototype = &prototype;
  status_ = Add(std::move(info));
  return *this;
}

absl::Status Registry::Builder::Add(KindInfo info) {
  // An empty version is allowed only without a group: the apiserver labels some documents
  // (APIVersions at /api, APIResourceList at /api/v1) with an empty apiVersion.
  if ((info.version.empty() && !info.group.empty()) || info.kind.empty() ||
      info.kind.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid kind \"", info.kind, "\" in version \"", info.version, "\""));
  }
  info.api_version = ApiVersion(info.group, info.version);
  for (const auto& existing : kinds_) {
    if (existing->api_version == info.api_version && existing->kind == info.kind) {
      return absl::AlreadyExistsError(
          absl::StrCat("kind ", info.api_version, " ", info.kind, " is registered twice"));
    }
    if (!info.resource.empty() && existing->resource == info.resource &&
        existing->group == info.group && existing->version == info.version) {
      return absl::AlreadyExistsError(absl::StrCat("resource ", info.resource, " of ",
                                                   info.api_version, " is registered twice"));
    }
  }
  kinds_.push_back(std::make_unique<KindInfo>(std::move(info)));
  return absl::OkStatus();
}

absl::StatusOr<Registry> Registry::Builder::Build() && {
  if (!status_.ok()) return status_;
  Registry registry;
  registry.kinds_ = std::move(kinds_);
  for (const auto& info : registry.kinds_) {
    registry.by_kind_.emplace(KindKey(info->api_version, info->kind), info.get());
    registry.by_message_.emplace(info->descriptor, info.get());  // the first one stays
    if (!info->resource.empty()) {
      registry.by_resource_.emplace(ResourceKey(info->group, info->version, info->resource),
                                    info.get());
    }
  }
  return registry;
}

const KindInfo* Registry::FindByKind(absl::string_view api_version, absl::string_view kind) const {
  auto it = by_kind_.find(KindKey(api_version, kind));
  return it == by_kind_.end() ? nullptr : it->second;
}

const KindInfo* Registry::FindByGroupVersionKind(absl::string_view group, absl::string_view version,
                                                 absl::string_view kind) const {
  return FindByKind(ApiVersion(group, version), kind);
}

const KindInfo* Registry::FindByMessage(const google::protobuf::Descriptor* descriptor) const {
  auto it = by_message_.find(descriptor);
  return it == by_message_.end() ? nullptr : it->second;
}

const KindInfo* Registry::FindByResource(absl::string_view group, absl::string_view version,
                                         absl::string_view resource) const {
  auto it = by_resource_.find(ResourceKey(group, version, resource));
  return it == by_resource_.end() ? nullptr : it->second;
}

std::vector<const KindInfo*> Registry::kinds() const {
  std::vector<const KindInfo*> result;
  result.reserve(kinds_.size());
  for (const auto& info : kinds_) result.push_back(info.get());
  return result;
}

}  // namespace kube::api
