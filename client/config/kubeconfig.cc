#include "client/config/kubeconfig.h"

#include <exception>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/config/internal/files.h"
#include "client/config/internal/quote.h"
#include "client/config/internal/status_macros.h"
#include "yaml-cpp/depthguard.h"
#include "yaml-cpp/yaml.h"

namespace kube::config {
namespace {

// Fields is one YAML mapping, checked (scalar keys, no repeats) and indexed by key.
using Fields = std::map<std::string, YAML::Node>;

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Scalar:
      return "a string";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

// Child extends a field path. Keys come from the file, so odd ones are shown only by size.
std::string Child(absl::string_view parent, absl::string_view key) {
  std::string shown = internal::QuoteForMessage(key);
  if (shown.size() == key.size() + 2 && key.find_first_of(" .\"") == absl::string_view::npos) {
    shown = std::string(key);  // a plain key: no quotes needed
  }
  return parent.empty() ? shown : absl::StrCat(parent, ".", shown);
}

std::string Index(absl::string_view parent, size_t i) { return absl::StrCat(parent, "[", i, "]"); }

// Parser turns one YAML document into a Kubeconfig. Every yaml-cpp call happens below
// ParseKubeconfig's try block, so a yaml-cpp exception becomes a status there.
class Parser {
 public:
  explicit Parser(absl::string_view source) : source_(source) {}

  absl::Status Error(absl::string_view path, const YAML::Node& node,
                     absl::string_view problem) const {
    std::string where;
    const YAML::Mark mark = node.Mark();
    if (!mark.is_null() && mark.line >= 0) {
      where = absl::StrCat(" (line ", mark.line + 1, ", column ", mark.column + 1, ")");
    }
    if (path.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("kubeconfig ", source_, ": ", problem, where));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("kubeconfig ", source_, ": ", path, ": ", problem, where));
  }

  absl::StatusOr<Fields> MapFields(const YAML::Node& node, absl::string_view path) const {
    Fields fields;
    if (node.IsNull()) return fields;
    if (!node.IsMap()) {
      return Error(path, node, absl::StrCat("expected a map, found ", Describe(node)));
    }
    // yaml-cpp's iterators dereference to a temporary pair: hold it by value (binding a reference
    // to `it->first` dangles, which AddressSanitizer reports as stack-use-after-scope).
    for (const auto& entry : node) {
      const YAML::Node key = entry.first;
      if (!key.IsScalar()) {
        return Error(path, key, absl::StrCat("expected string keys, found ", Describe(key)));
      }
      if (!fields.emplace(key.Scalar(), entry.second).second) {
        return Error(
            path, key,
            absl::StrCat("key ", internal::QuoteForMessage(key.Scalar()), " appears twice"));
      }
    }
    return fields;
  }

  // String reads an optional string field; absent and null leave `out` empty. Like client-go
  // (sigs.k8s.io/yaml), any scalar is taken as its text: `namespace: 123` is "123".
  absl::Status String(const Fields& fields, absl::string_view key, absl::string_view path,
                      std::string* out) const {
    auto it = fields.find(std::string(key));
    if (it == fields.end() || it->second.IsNull()) return absl::OkStatus();
    if (!it->second.IsScalar()) {
      return Error(Child(path, key), it->second,
                   absl::StrCat("expected a string, found ", Describe(it->second)));
    }
    *out = it->second.Scalar();
    return absl::OkStatus();
  }

  absl::Status Bool(const Fields& fields, absl::string_view key, absl::string_view path,
                    bool* out) const {
    auto it = fields.find(std::string(key));
    if (it == fields.end() || it->second.IsNull()) return absl::OkStatus();
    bool value = false;
    if (!it->second.IsScalar() || !YAML::convert<bool>::decode(it->second, value)) {
      return Error(Child(path, key), it->second,
                   absl::StrCat("expected true or false, found ", Describe(it->second)));
    }
    *out = value;
    return absl::OkStatus();
  }

  // Base64 reads a `*-data` field and decodes it. The value is never echoed (it may be a key).
  absl::Status Base64(const Fields& fields, absl::string_view key, absl::string_view path,
                      std::string* out) const {
    std::string encoded;
    KUBE_CONFIG_RETURN_IF_ERROR(String(fields, key, path, &encoded));
    if (encoded.empty()) return absl::OkStatus();
    if (!absl::Base64Unescape(encoded, out)) {
      return Error(Child(path, key), fields.at(std::string(key)),
                   "invalid base64 (a *-data field holds the base64 encoding of the PEM data)");
    }
    return absl::OkStatus();
  }

  // List calls `each(element, element_path)` for every element of an optional list field.
  absl::Status List(
      const Fields& fields, absl::string_view key, absl::string_view path,
      const std::function<absl::Status(const YAML::Node&, const std::string&)>& each) const {
    auto it = fields.find(std::string(key));
    if (it == fields.end() || it->second.IsNull()) return absl::OkStatus();
    const std::string list_path = Child(path, key);
    if (!it->second.IsSequence()) {
      return Error(list_path, it->second,
                   absl::StrCat("expected a list, found ", Describe(it->second)));
    }
    size_t i = 0;
    for (YAML::const_iterator el = it->second.begin(); el != it->second.end(); ++el, ++i) {
      KUBE_CONFIG_RETURN_IF_ERROR(each(*el, Index(list_path, i)));
    }
    return absl::OkStatus();
  }

  absl::Status StringList(const Fields& fields, absl::string_view key, absl::string_view path,
                          std::vector<std::string>* out) const {
    return List(fields, key, path, [&](const YAML::Node& el, const std::string& el_path) {
      if (!el.IsScalar()) {
        return Error(el_path, el, absl::StrCat("expected a string, found ", Describe(el)));
      }
      out->push_back(el.Scalar());
      return absl::OkStatus();
    });
  }

  absl::StatusOr<Kubeconfig> Document(const YAML::Node& root) const {
    Kubeconfig config;
    if (root.IsNull()) return config;  // empty file: an empty config, as in client-go
    if (!root.IsMap()) {
      return Error("", root,
                   absl::StrCat("expected a map at the top level, found ", Describe(root)));
    }
    KUBE_CONFIG_ASSIGN_OR_RETURN(Fields top, MapFields(root, ""));

    std::string kind, api_version;
    KUBE_CONFIG_RETURN_IF_ERROR(String(top, "kind", "", &kind));
    KUBE_CONFIG_RETURN_IF_ERROR(String(top, "apiVersion", "", &api_version));
    if (!kind.empty() && kind != "Config") {
      return Error("kind", top.at("kind"),
                   absl::StrCat("expected \"Config\", found ", internal::QuoteForMessage(kind)));
    }
    if (!api_version.empty() && api_version != "v1") {
      return Error("apiVersion", top.at("apiVersion"),
                   absl::StrCat("expected \"v1\", found ", internal::QuoteForMessage(api_version)));
    }
    KUBE_CONFIG_RETURN_IF_ERROR(String(top, "current-context", "", &config.current_context));

    KUBE_CONFIG_RETURN_IF_ERROR(Named(top, "clusters", "cluster", config.clusters,
                                      [this](const Fields& f, const std::string& p,
                                             KubeconfigCluster& c) { return Cluster(f, p, c); }));
    KUBE_CONFIG_RETURN_IF_ERROR(Named(top, "users", "user", config.users,
                                      [this](const Fields& f, const std::string& p,
                                             KubeconfigUser& u) { return User(f, p, u); }));
    KUBE_CONFIG_RETURN_IF_ERROR(Named(top, "contexts", "context", config.contexts,
                                      [this](const Fields& f, const std::string& p,
                                             KubeconfigContext& c) { return Context(f, p, c); }));
    return config;
  }

 private:
  // Named reads a list of {name, <body_key>: {...}} entries into `out`, keyed by name.
  template <typename T>
  absl::Status Named(
      const Fields& top, absl::string_view list_key, absl::string_view body_key,
      std::map<std::string, T>& out,
      const std::type_identity_t<
          std::function<absl::Status(const Fields&, const std::string&, T&)>>& body) const {
    std::map<std::string, std::string> first_seen;  // name -> path of its first entry
    return List(top, list_key, "", [&](const YAML::Node& el, const std::string& el_path) {
      if (el.IsNull()) return Error(el_path, el, "expected a map, found null");
      KUBE_CONFIG_ASSIGN_OR_RETURN(Fields entry, MapFields(el, el_path));
      std::string name;
      KUBE_CONFIG_RETURN_IF_ERROR(String(entry, "name", el_path, &name));
      if (name.empty()) {
        return Error(Child(el_path, "name"), el, "missing name");
      }
      auto [seen, inserted] = first_seen.emplace(name, el_path);
      if (!inserted) {
        return Error(Child(el_path, "name"), entry.at("name"),
                     absl::StrCat("duplicate name ", internal::QuoteForMessage(name),
                                  " (first defined at ", seen->second, ")"));
      }
      const std::string body_path = Child(el_path, body_key);
      Fields body_fields;
      if (auto it = entry.find(std::string(body_key)); it != entry.end()) {
        KUBE_CONFIG_ASSIGN_OR_RETURN(body_fields, MapFields(it->second, body_path));
      }
      T value;
      value.origin = std::string(source_);
      KUBE_CONFIG_RETURN_IF_ERROR(body(body_fields, body_path, value));
      out.emplace(name, std::move(value));
      return absl::OkStatus();
    });
  }

  absl::Status Cluster(const Fields& f, const std::string& p, KubeconfigCluster& c) const {
    KUBE_CONFIG_RETURN_IF_ERROR(String(f, "server", p, &c.server));
    KUBE_CONFIG_RETURN_IF_ERROR(String(f, "tls-server-name", p, &c.tls_server_name));
    KUBE_CONFIG_RETURN_IF_ERROR(
        Bool(f, "insecure-skip-tls-verify", p, &c.insecure_skip_tls_verify));
    KUBE_CONFIG_RETURN_IF_ERROR(String(f, "certificate-authority", p, &c.certificate_authority));
    KUBE_CONFIG_RETURN_IF_ERROR(
        Base64(f, "certificate-authority-data", p, &c.certificate_authority_data));
    KUBE_CONFIG_RETURN_IF_ERROR(String(f, "proxy-url", p, &c.proxy_url));
    KUBE_CONFIG_RETURN_IF_ERROR(Bool(f, "disable-compression", p, &c.disable_compression));
    return absl::OkStatus();
  }

  absl::Status User(const Fields& f, const std::string& p, KubeconfigUser& u) const {
    KUBE_CONFIG_RETURN_IF_ERROR(String(f, "client-certificate", p, &u.client_certificate));
    KUBE_CONFIG_RETURN_IF_ERROR(
        Base64(f, "client-certificate-data", p, &u.client_certificate_data));
    KUBE_CONFIG_RETURN_IF_ERROR(String(f, "client-key", p, &u.client_key));
    KUBE_CONFIG_RETURN_IF_ERROR(Base64(f, "client-key-data", p, &u.client_key_data));
    KUBE_CONFIG_RETURN_IF_ERROR(String(f, "token", p, &u.token));
    KUBE_CONFIG_RETURN_IF_ERROR(String(f, "tokenFile", p, &u.token_file));
    KUBE_CONFIG_RETURN_IF_ERROR(String(f, "username", p, &u.username));
    KUBE_CONFIG_RETURN_IF_ERROR(String(f, "password", p, &u.password));
    KUBE_CONFIG_RETURN_IF_ERROR(String(f, "as", p, &u.impersonate));
    KUBE_CONFIG_RETURN_IF_ERROR(String(f, "as-uid", p, &u.impersonate_uid));
    KUBE_CONFIG_RETURN_IF_ERROR(StringList(f, "as-groups", p, &u.impersonate_groups));
    if (auto it = f.find("as-user-extra"); it != f.end()) {
      const std::string extra_path = Child(p, "as-user-extra");
      KUBE_CONFIG_ASSIGN_OR_RETURN(Fields extra, MapFields(it->second, extra_path));
      for (const auto& [key, values] : extra) {
        std::vector<std::string>& out = u.impersonate_user_extra[key];
        KUBE_CONFIG_RETURN_IF_ERROR(StringList(extra, key, extra_path, &out));
      }
    }
    if (auto it = f.find("exec"); it != f.end() && !it->second.IsNull()) {
      const std::string exec_path = Child(p, "exec");
      KUBE_CONFIG_ASSIGN_OR_RETURN(Fields ef, MapFields(it->second, exec_path));
      ExecConfig exec;
      KUBE_CONFIG_RETURN_IF_ERROR(String(ef, "command", exec_path, &exec.command));
      KUBE_CONFIG_RETURN_IF_ERROR(StringList(ef, "args", exec_path, &exec.args));
      KUBE_CONFIG_RETURN_IF_ERROR(
          List(ef, "env", exec_path, [&](const YAML::Node& el, const std::string& el_path) {
            if (el.IsNull()) return Error(el_path, el, "expected a map, found null");
            KUBE_CONFIG_ASSIGN_OR_RETURN(Fields var, MapFields(el, el_path));
            std::string name, value;
            KUBE_CONFIG_RETURN_IF_ERROR(String(var, "name", el_path, &name));
            KUBE_CONFIG_RETURN_IF_ERROR(String(var, "value", el_path, &value));
            exec.env.emplace_back(std::move(name), std::move(value));
            return absl::OkStatus();
          }));
      KUBE_CONFIG_RETURN_IF_ERROR(String(ef, "apiVersion", exec_path, &exec.api_version));
      KUBE_CONFIG_RETURN_IF_ERROR(String(ef, "installHint", exec_path, &exec.install_hint));
      KUBE_CONFIG_RETURN_IF_ERROR(
          Bool(ef, "provideClusterInfo", exec_path, &exec.provide_cluster_info));
      KUBE_CONFIG_RETURN_IF_ERROR(String(ef, "interactiveMode", exec_path, &exec.interactive_mode));
      u.exec = std::move(exec);
    }
    if (auto it = f.find("auth-provider"); it != f.end() && !it->second.IsNull()) {
      const std::string ap_path = Child(p, "auth-provider");
      KUBE_CONFIG_ASSIGN_OR_RETURN(Fields af, MapFields(it->second, ap_path));
      AuthProviderConfig provider;
      KUBE_CONFIG_RETURN_IF_ERROR(String(af, "name", ap_path, &provider.name));
      if (auto cit = af.find("config"); cit != af.end()) {
        const std::string config_path = Child(ap_path, "config");
        KUBE_CONFIG_ASSIGN_OR_RETURN(Fields cf, MapFields(cit->second, config_path));
        for (const auto& [key, unused] : cf) {
          KUBE_CONFIG_RETURN_IF_ERROR(String(cf, key, config_path, &provider.config[key]));
        }
      }
      u.auth_provider = std::move(provider);
    }
    return absl::OkStatus();
  }

  absl::Status Context(const Fields& f, const std::string& p, KubeconfigContext& c) const {
    KUBE_CONFIG_RETURN_IF_ERROR(String(f, "cluster", p, &c.cluster));
    KUBE_CONFIG_RETURN_IF_ERROR(String(f, "user", p, &c.user));
    KUBE_CONFIG_RETURN_IF_ERROR(String(f, "namespace", p, &c.namespace_));
    return absl::OkStatus();
  }

  absl::string_view source_;
};

void ResolveInPlace(std::string& path, absl::string_view base_dir) {
  if (path.empty() || absl::StartsWith(path, "/")) return;
  path = internal::JoinPath(base_dir, path);
}

}  // namespace

absl::StatusOr<Kubeconfig> ParseKubeconfig(absl::string_view contents, absl::string_view source) {
  if (contents.size() > kMaxKubeconfigBytes) {
    return absl::InvalidArgumentError(absl::StrCat("kubeconfig ", source, ": ", contents.size(),
                                                   " bytes is over the ", kMaxKubeconfigBytes,
                                                   "-byte limit"));
  }
  Parser parser(source);
  // yaml-cpp reports every problem by throwing; nothing may escape this function.
  try {
    YAML::Node root = YAML::Load(std::string(contents));
    return parser.Document(root);
  } catch (const YAML::DeepRecursion& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("kubeconfig ", source, ": not valid YAML: nesting deeper than ", e.depth(),
                     " levels (line ", e.mark.line + 1, ", column ", e.mark.column + 1, ")"));
  } catch (const YAML::Exception& e) {
    std::string where;
    if (!e.mark.is_null()) {
      where = absl::StrCat(" (line ", e.mark.line + 1, ", column ", e.mark.column + 1, ")");
    }
    return absl::InvalidArgumentError(
        absl::StrCat("kubeconfig ", source, ": not valid YAML: ", e.msg, where));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("kubeconfig ", source, ": cannot be parsed: ", e.what()));
  } catch (...) {
    return absl::InvalidArgumentError(absl::StrCat("kubeconfig ", source, ": cannot be parsed"));
  }
}

absl::StatusOr<Kubeconfig> LoadKubeconfigFile(const std::string& path) {
  KUBE_CONFIG_ASSIGN_OR_RETURN(std::string contents,
                               internal::ReadSmallFile(path, kMaxKubeconfigBytes, "kubeconfig"));
  KUBE_CONFIG_ASSIGN_OR_RETURN(Kubeconfig config, ParseKubeconfig(contents, path));
  KUBE_CONFIG_ASSIGN_OR_RETURN(std::string dir, internal::AbsoluteDirOf(path));
  ResolveRelativePaths(config, dir);
  return config;
}

void ResolveRelativePaths(Kubeconfig& config, absl::string_view base_dir) {
  for (auto& [name, cluster] : config.clusters) {
    ResolveInPlace(cluster.certificate_authority, base_dir);
  }
  for (auto& [name, user] : config.users) {
    ResolveInPlace(user.client_certificate, base_dir);
    ResolveInPlace(user.client_key, base_dir);
    ResolveInPlace(user.token_file, base_dir);
    // A bare command ("aws") is looked up in PATH; only a path-like one is file-relative.
    if (user.exec && absl::StrContains(user.exec->command, '/')) {
      ResolveInPlace(user.exec->command, base_dir);
    }
  }
}

}  // namespace kube::config
