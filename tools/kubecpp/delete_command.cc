// kubecpp delete RESOURCE NAME... [-n NS]    or    kubecpp delete -f FILE
//
// Deletes through client/typed (background propagation, the server's default grace period) and
// prints `kind "name" deleted` per object, as kubectl does. A missing object is an error
// (NotFound with the apiserver's message), after the others were deleted.
#include <iostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/typed/options.h"
#include "client/typed/resource_client.h"
#include "tools/kubecpp/cli.h"
#include "tools/kubecpp/commands.h"

namespace kube::tool {

absl::Status DeleteCommand(const Flags& flags) {
  const bool from_file = !flags.file.empty();
  if ((from_file && flags.args.size() != 1) || (!from_file && flags.args.size() < 3)) {
    return absl::InvalidArgumentError(
        "usage: kubecpp delete RESOURCE NAME... [-n NS]  |  kubecpp delete -f FILE");
  }
  absl::StatusOr<Session> session = Connect(flags);
  if (!session.ok()) return session.status();
  std::vector<ManifestObject> targets;
  if (from_file) {
    absl::StatusOr<std::vector<ManifestObject>> objects = ReadManifests(flags.file, session->ns);
    if (!objects.ok()) return objects.status();
    targets = *std::move(objects);
  } else {
    absl::StatusOr<const api::KindInfo*> kind = FindKind(flags.args[1]);
    if (!kind.ok()) return kind.status();
    for (size_t i = 2; i < flags.args.size(); ++i) {
      targets.push_back({.kind = *kind, .name = flags.args[i], .ns = session->ns});
    }
  }
  absl::Status first_error;
  for (const ManifestObject& target : targets) {
    absl::StatusOr<typed::ResourceClient> client =
        ResourceClientFor(*session, flags, *target.kind, target.ns);
    if (!client.ok()) return client.status();
    absl::Status s =
        client->Delete(target.name, {.propagation_policy = typed::PropagationPolicy::kBackground});
    if (!s.ok()) {
      std::cerr << "kubecpp: " << s.message() << "\n";
      if (first_error.ok()) first_error = s;
      continue;
    }
    std::cout << KindLabel(*target.kind) << " \"" << target.name << "\" deleted\n";
  }
  return first_error;
}

}  // namespace kube::tool
