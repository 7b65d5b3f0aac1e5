#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/api/builtin_kinds.h"
#include "client/api/core/v1/cluster.pb.h"
#include "client/api/protobuf_codec.h"
#include "client/api/registry.h"
#include "client/transport/transport.h"
#include "tools/kubecpp/commands.h"

namespace kube::tool {

absl::Status VersionCommand(const Flags& flags) {
  std::cout << "Client Version: kubecpp " << kVersion << "\n";
  absl::StatusOr<Session> session = Connect(flags);
  if (!session.ok()) return session.status();
  absl::StatusOr<std::string> body = Get(*session, "/version");
  if (!body.ok()) return body.status();
  std::string version = *body;
  // The /version document is tiny and flat: pull two fields without a JSON dependency here.
  auto field = [&](absl::string_view key) -> std::string {
    std::string needle = absl::StrCat("\"", key, "\": \"");
    size_t at = version.find(needle);
    if (at == std::string::npos) return "?";
    at += needle.size();
    return version.substr(at, version.find('"', at) - at);
  };
  std::cout << "Server Version: " << field("gitVersion") << " (" << field("platform") << ", "
            << field("goVersion") << ")\n"
            << "Server: " << session->loaded.config.host << " via " << session->loaded.description
            << "\n";
  return absl::OkStatus();
}

absl::Status RawCommand(const Flags& flags) {
  if (flags.args.size() != 3)
    return absl::InvalidArgumentError("usage: kubecpp raw VERB PATH [-f FILE|-]");
  absl::StatusOr<Session> session = Connect(flags);
  if (!session.ok()) return session.status();
  transport::Request request{.method = absl::AsciiStrToUpper(flags.args[1]),
                             .target = flags.args[2]};
  request.headers.push_back({"Accept", "application/json"});
  if (!flags.file.empty()) {
    if (flags.file == "-") {
      request.body.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
      std::ifstream in(flags.file, std::ios::binary);
      if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", flags.file));
      request.body.assign(std::istreambuf_iterator<char>(in), {});
    }
    absl::string_view body = absl::StripLeadingAsciiWhitespace(request.body);
    bool json = absl::StartsWith(body, "{") || absl::StartsWith(body, "[");
    request.headers.push_back({"Content-Type", json ? "application/json" : "application/yaml"});
  }
  absl::StatusOr<transport::Response> response = session->Do(request);
  if (!response.ok()) return response.status();
  std::cout << response->body;
  if (!response->body.empty() && response->body.back() != '\n') std::cout << "\n";
  if (response->head.status / 100 != 2) {
    return absl::UnknownError(absl::StrCat("HTTP ", response->head.status));
  }
  return absl::OkStatus();
}

// Demo is the tour ./dev run gives: every layer once, against whatever cluster is configured.
absl::Status DemoCommand(const Flags& flags) {
  absl::Status status = VersionCommand(flags);
  if (!status.ok()) return status;
  absl::StatusOr<Session> session = Connect(flags);
  if (!session.ok()) return session.status();

  std::cout << "\n$ kubecpp get namespaces\n";
  Flags get = flags;
  get.args = {"get", "namespaces"};
  if (status = GetCommand(get); !status.ok()) return status;

  // Write a ConfigMap over the protobuf wire, read it back, delete it.
  std::string name = absl::StrCat("kubecpp-demo-", absl::ToUnixSeconds(absl::Now()));
  api::core::v1::ConfigMap config_map;
  config_map.mutable_metadata()->set_name(name);
  (*config_map.mutable_metadata()->mutable_labels())["app.kubernetes.io/created-by"] = "kubecpp";
  (*config_map.mutable_data())["greeting"] = "hello from C++";
  api::ProtobufCodec codec(api::DefaultRegistry());
  absl::StatusOr<std::string> encoded = codec.Encode(config_map);
  if (!encoded.ok()) return encoded.status();
  absl::StatusOr<const api::KindInfo*> kind = FindKind("configmaps");
  if (!kind.ok()) return kind.status();
  transport::Request create{.method = "POST", .target = ResourcePath(**kind, session->ns, "")};
  create.headers = {{"Content-Type", std::string(kProtobuf)}, {"Accept", std::string(kProtobuf)}};
  create.body = *encoded;
  absl::StatusOr<transport::Response> created = session->Do(create);
  if (!created.ok()) return created.status();
  if (created->head.status != 201) return HttpError(create, *created);
  api::core::v1::ConfigMap stored;
  if (status = codec.DecodeInto(created->body, &stored); !status.ok()) return status;
  std::cout << "\ncreated configmap " << session->ns << "/" << stored.metadata().name()
            << " over protobuf (uid " << stored.metadata().uid() << ", resourceVersion "
            << stored.metadata().resourceversion() << ")\n";

  std::cout << "\n$ kubecpp get configmap " << name << " -o json\n";
  get.args = {"get", "configmaps", name};
  get.output = "json";
  get.ns = session->ns;
  if (status = GetCommand(get); !status.ok()) return status;

  transport::Request remove{.method = "DELETE", .target = ResourcePath(**kind, session->ns, name)};
  remove.headers = {{"Accept", "application/json"}};
  absl::StatusOr<transport::Response> removed = session->Do(remove);
  if (!removed.ok()) return removed.status();
  if (removed->head.status / 100 != 2) return HttpError(remove, *removed);
  std::cout << "\ndeleted configmap " << session->ns << "/" << name << "\n";
  return absl::OkStatus();
}

}  // namespace kube::tool
