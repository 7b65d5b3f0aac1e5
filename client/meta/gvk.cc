#include "client/meta/gvk.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace kube::meta {

absl::StatusOr<GroupVersion> GroupVersion::Parse(absl::string_view api_version) {
  auto invalid = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("invalid apiVersion \"",
                                                   absl::CHexEscape(api_version), "\": ", why,
                                                   " (expected \"version\" or \"group/version\")"));
  };
  if (api_version.empty()) return invalid("empty");
  size_t slash = api_version.find('/');
  if (slash == absl::string_view::npos) return GroupVersion{"", std::string(api_version)};
  if (api_version.find('/', slash + 1) != absl::string_view::npos) {
    return invalid("more than one '/'");
  }
  if (slash == 0) return invalid("empty group before '/'");
  if (slash + 1 == api_version.size()) return invalid("empty version after '/'");
  return GroupVersion{std::string(api_version.substr(0, slash)),
                      std::string(api_version.substr(slash + 1))};
}

std::string GroupVersion::String() const {
  if (group.empty()) return version;
  return absl::StrCat(group, "/", version);
}

GroupVersionKind GroupVersion::WithKind(std::string kind) const {
  return {group, version, std::move(kind)};
}

GroupVersionResource GroupVersion::WithResource(std::string resource) const {
  return {group, version, std::move(resource)};
}

std::string GroupKind::String() const {
  if (group.empty()) return kind;
  return absl::StrCat(kind, ".", group);
}

GroupResource GroupResource::Parse(absl::string_view group_resource) {
  size_t dot = group_resource.find('.');
  if (dot == absl::string_view::npos) return {"", std::string(group_resource)};
  return {std::string(group_resource.substr(dot + 1)), std::string(group_resource.substr(0, dot))};
}

std::string GroupResource::String() const {
  if (group.empty()) return resource;
  return absl::StrCat(resource, ".", group);
}

absl::StatusOr<GroupVersionKind> GroupVersionKind::FromApiVersionAndKind(
    absl::string_view api_version, absl::string_view kind) {
  absl::StatusOr<GroupVersion> gv = GroupVersion::Parse(api_version);
  if (!gv.ok()) return gv.status();
  if (kind.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("empty kind for apiVersion \"", absl::CHexEscape(api_version), "\""));
  }
  return gv->WithKind(std::string(kind));
}

std::string GroupVersionKind::String() const {
  return absl::StrCat(group, "/", version, ", Kind=", kind);
}

std::string GroupVersionResource::String() const {
  return absl::StrCat(group, "/", version, ", Resource=", resource);
}

}  // namespace kube::meta
