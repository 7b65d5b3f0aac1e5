#include "tools/kubecpp/cli.h"

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

namespace kube::tool {

absl::StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](absl::string_view name) -> absl::StatusOr<std::string> {
      if (auto eq = arg.find('='); eq != std::string::npos) return arg.substr(eq + 1);
      if (i + 1 >= argc) return absl::InvalidArgumentError(absl::StrCat(name, " needs a value"));
      return std::string(argv[++i]);
    };
    auto flag_is = [&](absl::string_view name) {
      return arg == name || absl::StartsWith(arg, absl::StrCat(name, "="));
    };
    absl::StatusOr<std::string> v = std::string();
    if (flag_is("--kubeconfig")) {
      v = value("--kubeconfig");
      if (v.ok()) flags.kubeconfig = *v;
    } else if (flag_is("--context")) {
      v = value("--context");
      if (v.ok()) flags.context = *v;
    } else if (flag_is("-n") || flag_is("--namespace")) {
      v = value("--namespace");
      if (v.ok()) flags.ns = *v;
    } else if (flag_is("-o") || flag_is("--output")) {
      v = value("--output");
      if (v.ok()) flags.output = *v;
    } else if (flag_is("-f") || flag_is("--filename")) {
      v = value("--filename");
      if (v.ok()) flags.file = *v;
    } else if (flag_is("-l") || flag_is("--selector")) {
      v = value("--selector");
      if (v.ok()) flags.selector = *v;
    } else if (flag_is("--timeout")) {
      v = value("--timeout");
      if (v.ok() && !absl::SimpleAtoi(*v, &flags.timeout_seconds)) {
        v = absl::InvalidArgumentError(absl::StrCat("--timeout wants whole seconds, not ", *v));
      }
    } else if (flag_is("--field-selector")) {
      v = value("--field-selector");
      if (v.ok()) flags.field_selector = *v;
    } else if (flag_is("--wire")) {
      v = value("--wire");
      if (v.ok()) flags.wire = *v;
      if (v.ok() && flags.wire != "json" && flags.wire != "protobuf") {
        v = absl::InvalidArgumentError(absl::StrCat("--wire is json or protobuf, not ", *v));
      }
    } else if (flag_is("--field-manager")) {
      v = value("--field-manager");
      if (v.ok()) flags.field_manager = *v;
    } else if (arg == "--force-conflicts" || arg == "--force-conflicts=true") {
      flags.force_conflicts = true;
    } else if (arg == "--server-side" || arg == "--server-side=true") {
      // apply is always server-side; accepted for kubectl muscle memory.
    } else if (arg == "--until-synced") {
      flags.until_synced = true;
    } else if (arg == "--metadata-only") {
      flags.metadata_only = true;
    } else if (arg == "-A" || arg == "--all-namespaces") {
      flags.all_namespaces = true;
    } else if (IsPluginFlag(arg)) {  // plugin_flags.cc
      if (absl::Status s = ParsePluginFlag(arg, value, flags.plugin); !s.ok()) v = s;
    } else if (absl::StartsWith(arg, "-") && arg != "-") {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", arg));
    } else {
      flags.args.push_back(arg);
    }
    if (!v.ok()) return v.status();
  }
  if (!flags.output.empty() && flags.output != "json" && flags.output != "yaml" &&
      flags.output != "name") {
    return absl::InvalidArgumentError(absl::StrCat("unknown output format ", flags.output));
  }
  return flags;
}

absl::StatusOr<Session> Connect(const Flags& flags) {
  config::LoaderOptions options;
  options.explicit_path = flags.kubeconfig;
  options.overrides.context = flags.context;
  absl::StatusOr<config::LoadedRestConfig> loaded = config::LoadRestConfig(options);
  if (!loaded.ok()) return loaded.status();
  Session session;
  session.loaded = *std::move(loaded);
  absl::StatusOr<std::shared_ptr<transport::Transport>> t =
      transport::NewHttpTransport(session.loaded.config);
  if (!t.ok()) return t.status();
  session.transport = *std::move(t);
  // A host like https://h:6443/prefix serves the API below /prefix.
  absl::string_view host = session.loaded.config.host;
  if (size_t scheme = host.find("://"); scheme != absl::string_view::npos) {
    if (size_t slash = host.find('/', scheme + 3); slash != absl::string_view::npos) {
      session.prefix = std::string(absl::StripSuffix(host.substr(slash), "/"));
    }
  }
  session.ns = flags.ns.empty() ? session.loaded.config.namespace_ : flags.ns;
  return session;
}

absl::Status HttpError(const transport::Request& request, const transport::Response& response) {
  std::string body = response.body;
  if (body.size() > 2048) body = body.substr(0, 2048) + "...";
  return absl::Status(
      response.head.status == 404 ? absl::StatusCode::kNotFound : absl::StatusCode::kUnknown,
      absl::StrCat(request.method, " ", request.target, ": HTTP ", response.head.status, ": ",
                   body));
}

absl::StatusOr<std::string> Get(const Session& session, const std::string& path,
                                absl::string_view accept) {
  transport::Request request{.method = "GET", .target = path};
  request.headers.push_back({"Accept", std::string(accept)});
  absl::StatusOr<transport::Response> response = session.Do(request);
  if (!response.ok()) return response.status();
  if (response->head.status / 100 != 2) return HttpError(request, *response);
  return std::move(response->body);
}

absl::StatusOr<const api::KindInfo*> FindKind(absl::string_view name) {
  std::string wanted = absl::AsciiStrToLower(name);
  // kubectl's short names of the built-in resources (the registry has only plurals and kinds).
  static const std::pair<absl::string_view, absl::string_view> kShortNames[] = {
      {"po", "pods"},
      {"svc", "services"},
      {"ep", "endpoints"},
      {"cm", "configmaps"},
      {"ns", "namespaces"},
      {"no", "nodes"},
      {"ev", "events"},
      {"sa", "serviceaccounts"},
      {"pv", "persistentvolumes"},
      {"pvc", "persistentvolumeclaims"},
      {"deploy", "deployments"},
      {"rs", "replicasets"},
      {"sts", "statefulsets"},
      {"ds", "daemonsets"},
      {"cj", "cronjobs"},
      {"rc", "replicationcontrollers"},
      {"limits", "limitranges"},
      {"quota", "resourcequotas"},
      {"cs", "componentstatuses"},
  };
  for (const auto& [short_name, plural] : kShortNames) {
    if (wanted == short_name) wanted = std::string(plural);
  }
  std::string group;
  if (size_t dot = wanted.find('.'); dot != std::string::npos) {
    group = wanted.substr(dot + 1);
    wanted.resize(dot);
  }
  for (const api::KindInfo* kind : api::DefaultRegistry().kinds()) {
    if (kind->resource.empty()) continue;
    if (!group.empty() && kind->group != group) continue;
    if (kind->resource == wanted || absl::AsciiStrToLower(kind->kind) == wanted) return kind;
  }
  return absl::NotFoundError(
      absl::StrCat("the server's built-in kinds known to kubecpp have no resource \"", name, "\""));
}

std::string Age(const api::meta::v1::ObjectMeta& meta) {
  if (!meta.has_creationtimestamp()) return "<unknown>";
  absl::Duration age = absl::Now() - absl::FromUnixSeconds(meta.creationtimestamp().seconds());
  if (age < absl::Minutes(2)) return absl::StrCat(absl::ToInt64Seconds(age), "s");
  if (age < absl::Hours(2)) return absl::StrCat(absl::ToInt64Minutes(age), "m");
  if (age < absl::Hours(48)) return absl::StrCat(absl::ToInt64Hours(age), "h");
  return absl::StrCat(absl::ToInt64Hours(age) / 24, "d");
}

const api::meta::v1::ObjectMeta* MetadataOf(const google::protobuf::Message& object) {
  const google::protobuf::FieldDescriptor* field =
      object.GetDescriptor()->FindFieldByName("metadata");
  if (field == nullptr || field->message_type() != api::meta::v1::ObjectMeta::descriptor()) {
    return nullptr;
  }
  return static_cast<const api::meta::v1::ObjectMeta*>(
      &object.GetReflection()->GetMessage(object, field));
}

std::string ResourcePath(const api::KindInfo& kind, absl::string_view ns, absl::string_view name) {
  std::string path = kind.group.empty() ? absl::StrCat("/api/", kind.version)
                                        : absl::StrCat("/apis/", kind.group, "/", kind.version);
  if (kind.namespaced && !ns.empty()) absl::StrAppend(&path, "/namespaces/", ns);
  absl::StrAppend(&path, "/", kind.resource);
  if (!name.empty()) absl::StrAppend(&path, "/", name);
  return path;
}

}  // namespace kube::tool
