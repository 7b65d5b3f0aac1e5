// kubecpp get RESOURCE [NAME] [-n NS|-A] [-l SEL] [--field-selector SEL] [-o json|yaml|name]
//                     [--wire json|protobuf]
//
// Reads through client/typed: one Get, or a List of every page (500 per request, as kubectl
// chunks). Protobuf on the wire unless --wire json. -o json/yaml print the object, or for a list
// a kubectl-style `kind: List` holding the items with their apiVersion and kind.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "boost/json.hpp"
#include "client/api/json_format.h"
#include "client/api/meta/v1/meta.pb.h"
#include "client/api/registry.h"
#include "client/typed/resource_client.h"
#include "google/protobuf/message.h"
#include "tools/kubecpp/cli.h"
#include "tools/kubecpp/commands.h"
#include "tools/kubecpp/yaml_json.h"

namespace kube::tool {

namespace {

namespace json = boost::json;

absl::StatusOr<json::value> ObjectJson(const google::protobuf::Message& object,
                                       const api::KindInfo& kind) {
  absl::StatusOr<std::string> text =
      api::MessageToJson(object, {.api_version = kind.api_version, .kind = kind.kind});
  if (!text.ok()) return text.status();
  boost::system::error_code error;
  json::value value = json::parse(*text, error);
  if (error) return absl::InternalError(absl::StrCat("re-reading our own JSON: ", error.message()));
  return value;
}

absl::Status PrintDocument(const json::value& value, const Flags& flags) {
  if (flags.output == "yaml") {
    std::cout << JsonToYaml(value);
  } else {
    std::cout << json::serialize(value) << "\n";
  }
  return absl::OkStatus();
}

absl::Status PrintObjects(const std::vector<const google::protobuf::Message*>& objects,
                          const api::KindInfo& kind, const Flags& flags, bool single) {
  if (flags.output == "json" || flags.output == "yaml") {
    if (single) {
      absl::StatusOr<json::value> value = ObjectJson(*objects[0], kind);
      if (!value.ok()) return value.status();
      return PrintDocument(*value, flags);
    }
    json::array items;
    for (const google::protobuf::Message* object : objects) {
      absl::StatusOr<json::value> value = ObjectJson(*object, kind);
      if (!value.ok()) return value.status();
      items.push_back(*std::move(value));
    }
    json::object list;
    list["apiVersion"] = "v1";
    list["kind"] = "List";
    list["items"] = std::move(items);
    list["metadata"] = json::object{{"resourceVersion", ""}};
    return PrintDocument(list, flags);
  }
  bool show_ns = kind.namespaced && flags.all_namespaces;
  if (flags.output.empty()) {
    if (objects.empty()) {
      std::cerr << "No resources found\n";
      return absl::OkStatus();
    }
    if (show_ns) std::cout << absl::StrFormat("%-20s ", "NAMESPACE");
    std::cout << absl::StrFormat("%-40s %s\n", "NAME", "AGE");
  }
  for (const google::protobuf::Message* object : objects) {
    const api::meta::v1::ObjectMeta* meta = typed::MetadataOf(*object);
    if (meta == nullptr) continue;
    if (flags.output == "name") {
      std::cout << KindLabel(kind) << "/" << meta->name() << "\n";
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
        "usage: kubecpp get RESOURCE [NAME] [-n NS|-A] [-l SELECTOR] [--field-selector S] "
        "[-o json|yaml|name] [--wire json|protobuf]");
  }
  absl::StatusOr<const api::KindInfo*> kind = FindKind(flags.args[1]);
  if (!kind.ok()) return kind.status();
  absl::StatusOr<Session> session = Connect(flags);
  if (!session.ok()) return session.status();
  std::string name = flags.args.size() == 3 ? flags.args[2] : "";
  std::string ns = flags.all_namespaces && name.empty() ? "" : session->ns;
  absl::StatusOr<typed::ResourceClient> client = ResourceClientFor(*session, flags, **kind, ns);
  if (!client.ok()) return client.status();

  if (!name.empty()) {
    std::unique_ptr<google::protobuf::Message> object((*kind)->prototype->New());
    if (absl::Status s = client->Get(name, {}, object.get()); !s.ok()) return s;
    return PrintObjects({object.get()}, **kind, flags, /*single=*/true);
  }
  const api::KindInfo* list_kind =
      client->registry().FindByKind((*kind)->api_version, (*kind)->list_kind);
  std::unique_ptr<google::protobuf::Message> list(list_kind->prototype->New());
  if (absl::Status s = client->ListAll(
          {.label_selector = flags.selector, .field_selector = flags.field_selector, .limit = 500},
          list.get());
      !s.ok()) {
    return s;
  }
  std::vector<const google::protobuf::Message*> objects;
  const google::protobuf::FieldDescriptor* items = list->GetDescriptor()->FindFieldByName("items");
  const google::protobuf::Reflection* reflection = list->GetReflection();
  for (int i = 0; i < reflection->FieldSize(*list, items); ++i) {
    objects.push_back(&reflection->GetRepeatedMessage(*list, items, i));
  }
  return PrintObjects(objects, **kind, flags, /*single=*/false);
}

}  // namespace kube::tool
