#include "client/typed/options.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/api/json_format.h"
#include "client/api/meta/v1/options.pb.h"
#include "client/meta/fields.h"
#include "client/meta/labels.h"

namespace kube::typed {
namespace {

absl::Status AddDryRun(const std::vector<std::string>& dry_run, rest::Request& request) {
  for (const std::string& value : dry_run) {
    if (value != kDryRunAll) {
      return absl::InvalidArgumentError(
          absl::StrCat("dryRun: only \"All\" is supported, not \"", value, "\""));
    }
    request.Param("dryRun", value);
  }
  return absl::OkStatus();
}

void AddIfSet(absl::string_view name, const std::string& value, rest::Request& request) {
  if (!value.empty()) request.Param(name, value);
}

absl::Status AddWriteOptions(const std::vector<std::string>& dry_run,
                             const std::string& field_manager, const std::string& field_validation,
                             rest::Request& request) {
  if (absl::Status s = AddDryRun(dry_run, request); !s.ok()) return s;
  AddIfSet("fieldManager", field_manager, request);
  AddIfSet("fieldValidation", field_validation, request);
  return absl::OkStatus();
}

}  // namespace

absl::string_view PatchContentType(PatchType type) {
  switch (type) {
    case PatchType::kJson:
      return "application/json-patch+json";
    case PatchType::kMerge:
      return "application/merge-patch+json";
    case PatchType::kStrategicMerge:
      return "application/strategic-merge-patch+json";
    case PatchType::kApply:
      return "application/apply-patch+yaml";
  }
  return "application/json-patch+json";
}

absl::string_view PatchTypeName(PatchType type) {
  switch (type) {
    case PatchType::kJson:
      return "json";
    case PatchType::kMerge:
      return "merge";
    case PatchType::kStrategicMerge:
      return "strategic";
    case PatchType::kApply:
      return "apply";
  }
  return "json";
}

absl::Status ApplyGetOptions(const GetOptions& options, rest::Request& request) {
  AddIfSet("resourceVersion", options.resource_version, request);
  return absl::OkStatus();
}

absl::Status ApplyListOptions(const ListOptions& options, rest::Request& request) {
  if (!options.label_selector.empty()) {
    absl::StatusOr<meta::LabelSelector> parsed = meta::LabelSelector::Parse(options.label_selector);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("label selector \"", options.label_selector,
                                                     "\": ", parsed.status().message()));
    }
    request.Param("labelSelector", options.label_selector);
  }
  if (!options.field_selector.empty()) {
    absl::StatusOr<meta::FieldSelector> parsed = meta::FieldSelector::Parse(options.field_selector);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("field selector \"", options.field_selector,
                                                     "\": ", parsed.status().message()));
    }
    request.Param("fieldSelector", options.field_selector);
  }
  if (options.limit < 0) {
    return absl::InvalidArgumentError(absl::StrCat("list limit ", options.limit, " is negative"));
  }
  AddIfSet("resourceVersion", options.resource_version, request);
  AddIfSet("resourceVersionMatch", options.resource_version_match, request);
  if (options.limit > 0) request.Param("limit", absl::StrCat(options.limit));
  AddIfSet("continue", options.continue_token, request);
  if (options.timeout_seconds.has_value()) {
    request.Param("timeoutSeconds", absl::StrCat(*options.timeout_seconds));
  }
  if (options.allow_watch_bookmarks) request.Param("allowWatchBookmarks", "true");
  if (options.send_initial_events.has_value()) {
    request.Param("sendInitialEvents", *options.send_initial_events ? "true" : "false");
  }
  return absl::OkStatus();
}

absl::Status ApplyCreateOptions(const CreateOptions& options, rest::Request& request) {
  return AddWriteOptions(options.dry_run, options.field_manager, options.field_validation, request);
}

absl::Status ApplyUpdateOptions(const UpdateOptions& options, rest::Request& request) {
  return AddWriteOptions(options.dry_run, options.field_manager, options.field_validation, request);
}

absl::Status ApplyPatchOptions(PatchType type, const PatchOptions& options,
                               rest::Request& request) {
  // Caught here because the server's answer (a 422 about "force") does not say what to fix.
  if (type == PatchType::kApply && options.field_manager.empty()) {
    return absl::InvalidArgumentError("server-side apply needs a field manager");
  }
  if (type != PatchType::kApply && options.force.has_value()) {
    return absl::InvalidArgumentError("force is only valid for server-side apply patches");
  }
  if (absl::Status s = AddWriteOptions(options.dry_run, options.field_manager,
                                       options.field_validation, request);
      !s.ok()) {
    return s;
  }
  if (options.force.has_value()) request.Param("force", *options.force ? "true" : "false");
  return absl::OkStatus();
}

absl::StatusOr<std::string> DeleteOptionsJson(const DeleteOptions& options) {
  api::meta::v1::DeleteOptions message;
  if (options.grace_period_seconds.has_value()) {
    if (*options.grace_period_seconds < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("grace period ", *options.grace_period_seconds, " seconds is negative"));
    }
    message.set_graceperiodseconds(*options.grace_period_seconds);
  }
  if (options.preconditions.uid.has_value()) {
    message.mutable_preconditions()->set_uid(*options.preconditions.uid);
  }
  if (options.preconditions.resource_version.has_value()) {
    message.mutable_preconditions()->set_resourceversion(*options.preconditions.resource_version);
  }
  if (options.propagation_policy.has_value()) {
    switch (*options.propagation_policy) {
      case PropagationPolicy::kOrphan:
        message.set_propagationpolicy("Orphan");
        break;
      case PropagationPolicy::kBackground:
        message.set_propagationpolicy("Background");
        break;
      case PropagationPolicy::kForeground:
        message.set_propagationpolicy("Foreground");
        break;
    }
  }
  for (const std::string& value : options.dry_run) {
    if (value != kDryRunAll) {
      return absl::InvalidArgumentError(
          absl::StrCat("dryRun: only \"All\" is supported, not \"", value, "\""));
    }
    message.add_dryrun(value);
  }
  return api::MessageToJson(message, {.api_version = "v1", .kind = "DeleteOptions"});
}

}  // namespace kube::typed
