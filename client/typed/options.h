// kube::typed options — what a typed request asks of the apiserver, mirroring metav1's
// GetOptions, ListOptions, CreateOptions, UpdateOptions, PatchOptions and DeleteOptions, and how
// each travels: query parameters for everything but DeleteOptions, which is the body of a
// DELETE (as client-go sends it).
//
// Where it sits: client/typed (typed_client.h, resource_client.h) fills rest::Requests with
// these; callers build them with designated initializers:
//
//   client.List({.label_selector = "app=web", .limit = 100});
//   client.Delete("web", {.propagation_policy = typed::PropagationPolicy::kForeground});
//
// Fields left at their defaults are not sent, so the server's defaults apply. Selectors are
// parsed here (client/meta) before anything is sent, so a malformed one is a clear
// InvalidArgument instead of the server's 400.
//
// Thread-safety: plain values.
#ifndef KUBECPP_CLIENT_TYPED_OPTIONS_H_
#define KUBECPP_CLIENT_TYPED_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/rest/request.h"

namespace kube::typed {

// WireFormat is the encoding of request and response bodies. kProtobuf (the default) sends
// protobuf bodies and asks for protobuf responses, accepting JSON as a fallback (a server may
// answer JSON, e.g. for custom resources); kJson uses JSON both ways. Patch bodies are always
// JSON (the patch formats are JSON documents); their responses still follow the wire format.
enum class WireFormat { kProtobuf, kJson };

// kDryRunAll is the only dryRun value the apiserver accepts: run admission and validation, persist
// nothing.
inline constexpr absl::string_view kDryRunAll = "All";

// Field validation modes for create, update and patch (metav1 fieldValidation).
namespace field_validation {
inline constexpr absl::string_view kIgnore = "Ignore";
inline constexpr absl::string_view kWarn = "Warn";
inline constexpr absl::string_view kStrict = "Strict";
}  // namespace field_validation

struct GetOptions {
  // "" = the latest (a quorum read); "0" = any version the server has (may be stale).
  std::string resource_version;
};

struct ListOptions {
  std::string label_selector;  // client/meta label selector grammar; "" = everything
  std::string field_selector;  // "metadata.name=x,status.phase!=Running"; "" = everything
  std::string resource_version;
  std::string resource_version_match;       // "Exact" or "NotOlderThan" (with resource_version)
  int64_t limit = 0;                        // page size; 0 = no paging
  std::string continue_token;               // the `continue` of the previous page
  std::optional<int64_t> timeout_seconds;   // watch: how long the server keeps the stream open
  bool allow_watch_bookmarks = false;       // watch only
  std::optional<bool> send_initial_events;  // watch only (WatchList)
};

struct CreateOptions {
  std::vector<std::string> dry_run;  // {kDryRunAll} or empty
  std::string field_manager;         // recorded in managedFields; "" = the server's default
  std::string field_validation;      // field_validation::k...; "" = the server's default
};

struct UpdateOptions {
  std::vector<std::string> dry_run;
  std::string field_manager;
  std::string field_validation;
};

struct PatchOptions {
  std::vector<std::string> dry_run;
  // Server-side apply only: take ownership of fields other managers own instead of failing
  // with a conflict. Must be unset for the other patch types.
  std::optional<bool> force;
  // Required for server-side apply; optional for the other patch types.
  std::string field_manager;
  std::string field_validation;
};

// PatchType names a patch format; its media type is the request's Content-Type.
enum class PatchType {
  kJson,            // RFC 6902 JSON patch: application/json-patch+json
  kMerge,           // RFC 7386 JSON merge patch: application/merge-patch+json
  kStrategicMerge,  // Kubernetes strategic merge patch (built-in kinds only)
  kApply,           // server-side apply of a YAML or JSON document: application/apply-patch+yaml
};

absl::string_view PatchContentType(PatchType type);
absl::string_view PatchTypeName(PatchType type);  // "json", "merge", "strategic", "apply"

enum class PropagationPolicy { kOrphan, kBackground, kForeground };

struct Preconditions {
  std::optional<std::string> uid;
  std::optional<std::string> resource_version;
};

struct DeleteOptions {
  // Seconds before the object is removed; 0 = immediately. Unset = the kind's default.
  std::optional<int64_t> grace_period_seconds;
  Preconditions preconditions;  // the delete fails with Conflict unless the object matches
  std::optional<PropagationPolicy> propagation_policy;
  std::vector<std::string> dry_run;
};

// Apply* add the options' non-default fields to `request` as query parameters. They fail
// InvalidArgument for input the server would reject anyway and that can be told here: a
// selector that does not parse, a negative limit, a dryRun value other than "All".
absl::Status ApplyGetOptions(const GetOptions& options, rest::Request& request);
absl::Status ApplyListOptions(const ListOptions& options, rest::Request& request);
absl::Status ApplyCreateOptions(const CreateOptions& options, rest::Request& request);
absl::Status ApplyUpdateOptions(const UpdateOptions& options, rest::Request& request);
absl::Status ApplyPatchOptions(PatchType type, const PatchOptions& options, rest::Request& request);

// DeleteOptionsJson is the body of a DELETE: a meta/v1 DeleteOptions document (JSON, which the
// apiserver accepts for every kind whatever the wire format). InvalidArgument for a negative
// grace period or a bad dryRun value.
absl::StatusOr<std::string> DeleteOptionsJson(const DeleteOptions& options);

}  // namespace kube::typed

#endif  // KUBECPP_CLIENT_TYPED_OPTIONS_H_
