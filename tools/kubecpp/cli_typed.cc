// The typed side of the shared CLI helpers (cli.h): clients over client/typed and manifests.
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "boost/json.hpp"
#include "client/api/builtin_kinds.h"
#include "client/rest/rest_client.h"
#include "client/typed/resource_client.h"
#include "tools/kubecpp/cli.h"
#include "tools/kubecpp/yaml_json.h"

namespace kube::tool {

namespace json = boost::json;

absl::StatusOr<std::shared_ptr<rest::RestClient>> RestClientFor(const Session& session) {
  return rest::RestClient::Create(session.transport, {.config = session.loaded.config});
}

absl::StatusOr<typed::ResourceClient> ResourceClientFor(const Session& session, const Flags& flags,
                                                        const api::KindInfo& kind,
                                                        absl::string_view ns) {
  absl::StatusOr<std::shared_ptr<rest::RestClient>> client = RestClientFor(session);
  if (!client.ok()) return client.status();
  typed::ClientOptions options;
  options.wire = flags.wire == "json" ? typed::WireFormat::kJson : typed::WireFormat::kProtobuf;
  return typed::ResourceClient::Create(*std::move(client), &kind, std::string(ns), options);
}

std::string KindLabel(const api::KindInfo& kind) {
  std::string label = absl::AsciiStrToLower(kind.kind);
  if (!kind.group.empty()) absl::StrAppend(&label, ".", kind.group);
  return label;
}

absl::StatusOr<std::vector<ManifestObject>> ReadManifests(const std::string& file,
                                                          const std::string& default_ns) {
  if (file.empty()) return absl::InvalidArgumentError("no file: use -f FILE (or -f - for stdin)");
  std::string text;
  if (file == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", file));
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  absl::StatusOr<std::vector<json::value>> documents = YamlDocumentsToJson(text);
  if (!documents.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": ", documents.status().message()));
  }
  std::vector<ManifestObject> objects;
  int index = 0;
  for (const json::value& document : *documents) {
    ++index;
    auto fail = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat(file, ": document ", index, ": ", why));
    };
    const json::object* object = document.if_object();
    if (object == nullptr) return fail("not an object");
    const json::value* api_version = object->if_contains("apiVersion");
    const json::value* kind_name = object->if_contains("kind");
    if (api_version == nullptr || !api_version->is_string() || kind_name == nullptr ||
        !kind_name->is_string()) {
      return fail("needs apiVersion and kind");
    }
    const api::KindInfo* kind = api::DefaultRegistry().FindByKind(
        std::string(api_version->get_string()), std::string(kind_name->get_string()));
    if (kind == nullptr || kind->resource.empty()) {
      return fail(absl::StrCat("kind ", std::string(kind_name->get_string()), " of ",
                               std::string(api_version->get_string()),
                               " is not a built-in resource kubecpp knows"));
    }
    const json::value* metadata = object->if_contains("metadata");
    const json::value* name = metadata != nullptr && metadata->is_object()
                                  ? metadata->get_object().if_contains("name")
                                  : nullptr;
    if (name == nullptr || !name->is_string() || name->get_string().empty()) {
      return fail("needs metadata.name");
    }
    ManifestObject out;
    out.kind = kind;
    out.name = std::string(name->get_string());
    if (kind->namespaced) {
      const json::value* ns = metadata->get_object().if_contains("namespace");
      out.ns = ns != nullptr && ns->is_string() && !ns->get_string().empty()
                   ? std::string(ns->get_string())
                   : default_ns;
    }
    out.json = json::serialize(document);
    objects.push_back(std::move(out));
  }
  if (objects.empty()) return absl::InvalidArgumentError(absl::StrCat(file, ": no objects"));
  return objects;
}

}  // namespace kube::tool
