#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/sync.h"
#include "client/api/apps/v1/apps.pb.h"
#include "client/api/builtin_kinds.h"
#include "client/api/coordination/v1/coordination.pb.h"
#include "client/api/core/v1/cluster.pb.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/core/v1/service.pb.h"
#include "client/api/json_format.h"
#include "client/api/meta/v1/meta.pb.h"
#include "client/api/protobuf_codec.h"
#include "client/api/registry.h"
#include "client/config/loader.h"
#include "client/rest/rest_client.h"
#include "client/transport/http_transport.h"
#include "client/transport/transport.h"
#include "google/protobuf/message.h"
#include "informers/rest_lister_watcher.h"
#include "tools/kubecpp/commands.h"

namespace kube::tool {

namespace {

absl::Status PrintObjects(const std::vector<const google::protobuf::Message*>& objects,
                          const api::KindInfo& kind, const Flags& flags) {
  if (flags.output == "json") {
    for (const google::protobuf::Message* object : objects) {
      absl::StatusOr<std::string> json =
          api::MessageToJson(*object, {.api_version = kind.api_version, .kind = kind.kind});
      if (!json.ok()) return json.status();
      std::cout << *json << "\n";
    }
    return absl::OkStatus();
  }
  bool show_ns = kind.namespaced && flags.all_namespaces;
  if (flags.output.empty()) {
    if (show_ns) std::cout << absl::StrFormat("%-20s ", "NAMESPACE");
    std::cout << absl::StrFormat("%-40s %s\n", "NAME", "AGE");
  }
  for (const google::protobuf::Message* object : objects) {
    const api::meta::v1::ObjectMeta* meta = MetadataOf(*object);
    if (meta == nullptr) continue;
    if (flags.output == "name") {
      std::cout << absl::AsciiStrToLower(kind.kind) << "/" << meta->name() << "\n";
      continue;
    }
    if (show_ns) std::cout << absl::StrFormat("%-20s ", meta->namespace_());
    std::cout << absl::StrFormat("%-40s %s\n", meta->name(), Age(*meta));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status GetCommand(const Flags& flags) {
  if (flags.args.size() < 2 || flags.args.size() > 3) {
    return absl::InvalidArgumentError(
        "usage: kubecpp get RESOURCE [NAME] [-n NS|-A] [-o json|name]");
  }
  absl::StatusOr<const api::KindInfo*> kind = FindKind(flags.args[1]);
  if (!kind.ok()) return kind.status();
  absl::StatusOr<Session> session = Connect(flags);
  if (!session.ok()) return session.status();
  std::string name = flags.args.size() == 3 ? flags.args[2] : "";
  std::string ns = flags.all_namespaces && name.empty() ? "" : session->ns;
  // Built-in kinds travel as protobuf: the fast wire format, decoded by the project's codec.
  absl::StatusOr<std::string> body =
      Get(*session, ResourcePath(**kind, ns, name), absl::StrCat(kProtobuf, ", application/json"));
  if (!body.ok()) return body.status();
  api::ProtobufCodec codec(api::DefaultRegistry());
  absl::StatusOr<api::DecodedObject> decoded = codec.Decode(*body);
  if (!decoded.ok()) return decoded.status();
  std::vector<const google::protobuf::Message*> objects;
  const google::protobuf::Message& message = *decoded->message;
  if (const google::protobuf::FieldDescriptor* items =
          message.GetDescriptor()->FindFieldByName("items");
      items != nullptr && items->is_repeated() && name.empty()) {
    const google::protobuf::Reflection* reflection = message.GetReflection();
    for (int i = 0; i < reflection->FieldSize(message, items); ++i) {
      objects.push_back(&reflection->GetRepeatedMessage(message, items, i));
    }
  } else {
    objects.push_back(&message);
  }
  return PrintObjects(objects, **kind, flags);
}

}  // namespace kube::tool
