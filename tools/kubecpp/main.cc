// kubecpp — the command-line face of the library (DESIGN.md decision 10).
//
//   kubecpp version                               client and server versions
//   kubecpp raw VERB PATH [-f FILE|-]             one request through client/transport, body to
//   stdout kubecpp get RESOURCE [NAME] [-n NS|-A] [-o json|name]
//                                                 typed read over the protobuf wire, as a table
//   kubecpp watch RESOURCE [-n NS|-A] [-l SELECTOR] [--until-synced] [--timeout SECONDS]
//                                                 an informer: one line per event (ADDED ns/name
//                                                 rv)
//   kubecpp demo                                  a short tour used by ./dev run
//
// Global flags: --kubeconfig PATH, --context NAME, -n/--namespace NS. The configuration is found
// the way kubectl finds it (client/config/loader.h): --kubeconfig, then $KUBECONFIG, then
// ~/.kube/config, then in-cluster.
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
#include "informers/shared_informer.h"

namespace kube::tool {
namespace {

constexpr absl::string_view kVersion = "v0.1.0";
constexpr absl::string_view kProtobuf = "application/vnd.kubernetes.protobuf";

struct Flags {
  std::string kubeconfig;
  std::string context;
  std::string ns;
  bool all_namespaces = false;
  std::string output;    // "", "json", "name"
  std::string file;      // -f
  std::string selector;  // -l
  bool until_synced = false;
  int timeout_seconds = 0;  // watch: stop after this long; 0 = until interrupted
  std::vector<std::string> args;
};

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
    } else if (arg == "--until-synced") {
      flags.until_synced = true;
    } else if (arg == "-A" || arg == "--all-namespaces") {
      flags.all_namespaces = true;
    } else if (absl::StartsWith(arg, "-") && arg != "-") {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", arg));
    } else {
      flags.args.push_back(arg);
    }
    if (!v.ok()) return v.status();
  }
  if (!flags.output.empty() && flags.output != "json" && flags.output != "name") {
    return absl::InvalidArgumentError(absl::StrCat("unknown output format ", flags.output));
  }
  return flags;
}

// Session is what every command needs: the configuration found and a transport to its server.
struct Session {
  config::LoadedRestConfig loaded;
  std::shared_ptr<transport::Transport> transport;
  std::string prefix;  // the path prefix of the configured host, if any
  std::string ns;      // -n, else the context's namespace

  absl::StatusOr<transport::Response> Do(transport::Request request) const {
    request.target = prefix + request.target;
    if (request.timeout == absl::InfiniteDuration()) request.timeout = absl::Seconds(30);
    return transport->RoundTrip(request);
  }
};

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

// HttpError turns a non-2xx response into a status carrying the server's message.
absl::Status HttpError(const transport::Request& request, const transport::Response& response) {
  std::string body = response.body;
  if (body.size() > 2048) body = body.substr(0, 2048) + "...";
  return absl::Status(
      response.head.status == 404 ? absl::StatusCode::kNotFound : absl::StatusCode::kUnknown,
      absl::StrCat(request.method, " ", request.target, ": HTTP ", response.head.status, ": ",
                   body));
}

absl::StatusOr<std::string> Get(const Session& session, const std::string& path,
                                absl::string_view accept = "application/json") {
  transport::Request request{.method = "GET", .target = path};
  request.headers.push_back({"Accept", std::string(accept)});
  absl::StatusOr<transport::Response> response = session.Do(request);
  if (!response.ok()) return response.status();
  if (response->head.status / 100 != 2) return HttpError(request, *response);
  return std::move(response->body);
}

absl::Status Version(const Flags& flags) {
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

absl::Status Raw(const Flags& flags) {
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

// FindKind resolves "pods", "pod", "Pod", "deployments.apps" against the built-in kinds.
absl::StatusOr<const api::KindInfo*> FindKind(absl::string_view name) {
  std::string wanted = absl::AsciiStrToLower(name);
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

// WatchKind runs one informer of T and prints its events until synced, a timeout or forever.
template <informers::ProtoKubeObject T>
absl::Status WatchKind(const Session& session, const api::KindInfo& kind, const Flags& flags) {
  absl::StatusOr<std::shared_ptr<rest::RestClient>> client =
      rest::RestClient::Create(session.transport, {.config = session.loaded.config});
  if (!client.ok()) return client.status();
  std::string ns = kind.namespaced && !flags.all_namespaces ? session.ns : "";
  auto lister_watcher = informers::RestListerWatcher<T>::Create(
      *client, {.group = kind.group, .version = kind.version, .resource = kind.resource, .ns = ns});
  if (!lister_watcher.ok()) return lister_watcher.status();
  informers::SharedInformerOptions<T> options;
  options.reflector.label_selector = flags.selector;
  auto informer = informers::SharedIndexInformer<T>::Create(lister_watcher->get(), options);
  if (!informer.ok()) return informer.status();
  absl::Status last_error;
  absl::Mutex error_mu;
  (void)(*informer)->SetWatchErrorHandler([&](const absl::Status& status) {
    std::cerr << "kubecpp: watch error (retrying): " << status.message() << "\n";
    MutexLock lock(&error_mu);
    last_error = status;
  });
  // Handler callbacks run one at a time on the registration's own thread.
  auto print = [&](absl::string_view type, const T& object) {
    if (flags.until_synced) return;
    const auto& meta = object.metadata();
    std::cout << type << " "
              << (meta.namespace_().empty() ? "" : absl::StrCat(meta.namespace_(), "/"))
              << meta.name() << " " << meta.resourceversion() << std::endl;
  };
  informers::EventHandler<T> handler;
  handler.on_add = [&](const indexers::ObjectPtr<T>& o, bool) { print("ADDED", *o); };
  handler.on_update = [&](const indexers::ObjectPtr<T>&, const indexers::ObjectPtr<T>& o) {
    print("MODIFIED", *o);
  };
  handler.on_delete = [&](const indexers::ObjectPtr<T>& o) { print("DELETED", *o); };
  auto registration = (*informer)->AddEventHandler(std::move(handler), {});
  if (!registration.ok()) return registration.status();
  (*informer)->Run();
  absl::Time sync_deadline =
      absl::Now() + absl::Seconds(flags.timeout_seconds > 0 ? flags.timeout_seconds : 60);
  if (!(*informer)->WaitForCacheSync(sync_deadline)) {
    (*informer)->Shutdown();
    MutexLock lock(&error_mu);
    return absl::DeadlineExceededError(absl::StrCat(
        "the informer did not sync", last_error.ok() ? "" : ": ", last_error.message()));
  }
  // The registration's HasSynced: its initial adds have been printed.
  while (!(*registration)->HasSynced() && absl::Now() < sync_deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  size_t cached = (*informer)->GetIndexer().Size();
  std::cerr << "synced " << cached << " " << kind.resource << " at resourceVersion "
            << (*informer)->LastSyncResourceVersion() << "\n";
  if (flags.until_synced) {
    std::cout << cached << std::endl;
  } else if (flags.timeout_seconds > 0) {
    absl::SleepFor(absl::Seconds(flags.timeout_seconds));
  } else {
    for (;;) absl::SleepFor(absl::Hours(1));  // until interrupted
  }
  (*informer)->Shutdown();
  return absl::OkStatus();
}

absl::Status WatchCommand(const Flags& flags) {
  if (flags.args.size() != 2) {
    return absl::InvalidArgumentError(
        "usage: kubecpp watch RESOURCE [-n NS|-A] [-l SELECTOR] [--until-synced] [--timeout S]");
  }
  absl::StatusOr<const api::KindInfo*> kind = FindKind(flags.args[1]);
  if (!kind.ok()) return kind.status();
  absl::StatusOr<Session> session = Connect(flags);
  if (!session.ok()) return session.status();
  const std::string& r = (*kind)->resource;
  if (r == "pods") return WatchKind<api::core::v1::Pod>(*session, **kind, flags);
  if (r == "configmaps") return WatchKind<api::core::v1::ConfigMap>(*session, **kind, flags);
  if (r == "secrets") return WatchKind<api::core::v1::Secret>(*session, **kind, flags);
  if (r == "namespaces") return WatchKind<api::core::v1::Namespace>(*session, **kind, flags);
  if (r == "services") return WatchKind<api::core::v1::Service>(*session, **kind, flags);
  if (r == "deployments") return WatchKind<api::apps::v1::Deployment>(*session, **kind, flags);
  if (r == "leases") return WatchKind<api::coordination::v1::Lease>(*session, **kind, flags);
  return absl::UnimplementedError(absl::StrCat(
      "kubecpp watch supports pods, configmaps, secrets, namespaces, services, deployments and "
      "leases; not ",
      r));
}

// Demo is the tour ./dev run gives: every layer once, against whatever cluster is configured.
absl::Status Demo(const Flags& flags) {
  absl::Status status = Version(flags);
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

constexpr char kUsage[] =
    "usage: kubecpp [--kubeconfig PATH] [--context NAME] [-n NS] COMMAND\n"
    "  version                               client and server versions\n"
    "  raw VERB PATH [-f FILE|-]             one request, the body to stdout\n"
    "  get RESOURCE [NAME] [-A] [-o json|name]  read built-in kinds over the protobuf wire\n"
    "  watch RESOURCE [-l SEL] [--until-synced] [--timeout S]  an informer's events\n"
    "  demo                                  a short tour of the library\n";

int Main(int argc, char** argv) {
  absl::StatusOr<Flags> flags = ParseFlags(argc, argv);
  if (!flags.ok() || flags->args.empty()) {
    std::cerr << (flags.ok() ? "" : absl::StrCat("kubecpp: ", flags.status().message(), "\n"))
              << kUsage;
    return 2;
  }
  const std::string& command = flags->args[0];
  absl::Status status;
  if (command == "version") {
    status = Version(*flags);
  } else if (command == "raw") {
    status = Raw(*flags);
  } else if (command == "get") {
    status = GetCommand(*flags);
  } else if (command == "watch") {
    status = WatchCommand(*flags);
  } else if (command == "demo") {
    status = Demo(*flags);
  } else {
    std::cerr << "kubecpp: unknown command " << command << "\n" << kUsage;
    return 2;
  }
  if (!status.ok()) {
    std::cerr << "kubecpp: " << status.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace kube::tool

int main(int argc, char** argv) { return kube::tool::Main(argc, argv); }
