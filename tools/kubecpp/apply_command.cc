// kubecpp apply -f FILE [--field-manager NAME] [--force-conflicts] [--wire json|protobuf]
//
// Server-side apply of every document in FILE (YAML or JSON, "---" separated): a PATCH with
// application/apply-patch+yaml carrying the document as JSON, as field manager --field-manager
// (default "kubecpp"). Prints `kind/name serverside-applied` per object, as kubectl does.
// Conflicts with other managers fail (rest::IsConflict) unless --force-conflicts.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/typed/options.h"
#include "client/typed/resource_client.h"
#include "google/protobuf/message.h"
#include "tools/kubecpp/cli.h"
#include "tools/kubecpp/commands.h"

namespace kube::tool {

absl::Status ApplyCommand(const Flags& flags) {
  if (flags.args.size() != 1 || flags.file.empty()) {
    return absl::InvalidArgumentError(
        "usage: kubecpp apply -f FILE [--field-manager NAME] [--force-conflicts]");
  }
  absl::StatusOr<Session> session = Connect(flags);
  if (!session.ok()) return session.status();
  absl::StatusOr<std::vector<ManifestObject>> objects = ReadManifests(flags.file, session->ns);
  if (!objects.ok()) return objects.status();
  for (const ManifestObject& object : *objects) {
    absl::StatusOr<typed::ResourceClient> client =
        ResourceClientFor(*session, flags, *object.kind, object.ns);
    if (!client.ok()) return client.status();
    std::unique_ptr<google::protobuf::Message> applied(object.kind->prototype->New());
    typed::PatchOptions options{.field_manager = flags.field_manager};
    if (flags.force_conflicts) options.force = true;
    absl::Status s =
        client->Patch(object.name, typed::PatchType::kApply, object.json, options, applied.get());
    if (!s.ok()) {
      return absl::Status(
          s.code(), absl::StrCat(KindLabel(*object.kind), "/", object.name, ": ", s.message()));
    }
    std::cout << KindLabel(*object.kind) << "/" << object.name << " serverside-applied\n";
  }
  return absl::OkStatus();
}

}  // namespace kube::tool
