#include "client/transport/exec_credential.h"

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/sync.h"
#include "boost/json.hpp"
#include "client/transport/internal/process.h"

namespace kube::transport {
namespace {

namespace json = boost::json;

constexpr size_t kMaxStderrInError = 2048;

bool SupportedApiVersion(absl::string_view version) {
  return version == kExecCredentialV1 || version == kExecCredentialV1beta1;
}

// OptionalString reads member `key` of `object`: absent or null is "", any other non-string is
// an error.
absl::StatusOr<std::string> OptionalString(const json::object& object, absl::string_view key,
                                           absl::string_view where) {
  const json::value* value = object.if_contains(json::string_view(key.data(), key.size()));
  if (value == nullptr || value->is_null()) return std::string();
  if (!value->is_string()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ".", key, " is not a string"));
  }
  const json::string& s = value->get_string();
  return std::string(s.data(), s.size());
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("reading ", path, " failed"));
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::string Tail(absl::string_view text, size_t max) {
  text = absl::StripAsciiWhitespace(text);
  if (text.size() <= max) return std::string(text);
  return absl::StrCat("...", text.substr(text.size() - max));
}

}  // namespace

absl::StatusOr<ExecCredential> ParseExecCredential(absl::string_view text,
                                                   absl::string_view api_version) {
  boost::system::error_code ec;
  json::value root = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("output is not valid JSON (", ec.message(), "): \"", Tail(text, 200), "\""));
  }
  if (!root.is_object()) return absl::InvalidArgumentError("output is not a JSON object");
  const json::object& object = root.get_object();

  absl::StatusOr<std::string> version = OptionalString(object, "apiVersion", "ExecCredential");
  if (!version.ok()) return version.status();
  if (*version != api_version) {
    return absl::InvalidArgumentError(absl::StrCat("plugin is configured to use API version ",
                                                   api_version, ", plugin returned version \"",
                                                   *version, "\""));
  }
  absl::StatusOr<std::string> kind = OptionalString(object, "kind", "ExecCredential");
  if (!kind.ok()) return kind.status();
  if (*kind != "ExecCredential") {
    return absl::InvalidArgumentError(
        absl::StrCat("output has kind \"", *kind, "\", want \"ExecCredential\""));
  }
  const json::value* status_value = object.if_contains("status");
  if (status_value == nullptr || status_value->is_null()) {
    return absl::InvalidArgumentError("plugin didn't return a status field");
  }
  if (!status_value->is_object()) return absl::InvalidArgumentError("status is not an object");
  const json::object& status = status_value->get_object();

  ExecCredential credential;
  absl::StatusOr<std::string> token = OptionalString(status, "token", "status");
  absl::StatusOr<std::string> cert = OptionalString(status, "clientCertificateData", "status");
  absl::StatusOr<std::string> key = OptionalString(status, "clientKeyData", "status");
  absl::StatusOr<std::string> expiry = OptionalString(status, "expirationTimestamp", "status");
  for (const absl::StatusOr<std::string>* field : {&token, &cert, &key, &expiry}) {
    if (!field->ok()) return field->status();
  }
  credential.token = *std::move(token);
  credential.client_certificate_pem = *std::move(cert);
  credential.client_key_pem = *std::move(key);
  if (credential.client_certificate_pem.empty() != credential.client_key_pem.empty()) {
    return absl::InvalidArgumentError(
        "plugin returned only one of status.clientCertificateData and status.clientKeyData");
  }
  if (credential.token.empty() && credential.client_certificate_pem.empty()) {
    return absl::InvalidArgumentError(
        "plugin returned neither status.token nor status.clientCertificateData/clientKeyData");
  }
  if (!expiry->empty()) {
    absl::Time when;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, *expiry, &when, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("status.expirationTimestamp \"", *expiry, "\" is not RFC 3339: ", error));
    }
    credential.expiration = when;
  }
  return credential;
}

absl::StatusOr<std::string> ExecInfoJson(const config::RestConfig& config) {
  if (!config.exec.has_value()) return absl::InvalidArgumentError("no exec config");
  const config::ExecConfig& exec = *config.exec;
  json::object info;
  info["apiVersion"] = exec.api_version;
  info["kind"] = "ExecCredential";
  json::object spec;
  spec["interactive"] = false;
  if (exec.provide_cluster_info) {
    json::object cluster;
    cluster["server"] = config.host;
    if (!config.tls.server_name.empty()) cluster["tls-server-name"] = config.tls.server_name;
    if (config.tls.insecure_skip_verify) cluster["insecure-skip-tls-verify"] = true;
    std::string ca = config.tls.ca_data;
    if (ca.empty() && !config.tls.ca_file.empty()) {
      absl::StatusOr<std::string> read = ReadWholeFile(config.tls.ca_file);
      if (!read.ok()) return read.status();
      ca = *std::move(read);
    }
    if (!ca.empty()) cluster["certificate-authority-data"] = absl::Base64Escape(ca);
    if (!config.proxy_url.empty()) cluster["proxy-url"] = config.proxy_url;
    if (config.disable_compression) cluster["disable-compression"] = true;
    spec["cluster"] = std::move(cluster);
  }
  info["spec"] = std::move(spec);
  return json::serialize(info);
}

absl::StatusOr<std::unique_ptr<ExecCredentialProvider>> ExecCredentialProvider::Create(
    const config::RestConfig& config, Options options) {
  if (!config.exec.has_value()) return absl::InvalidArgumentError("no exec config");
  const config::ExecConfig& exec = *config.exec;
  if (exec.command.empty()) return absl::InvalidArgumentError("exec plugin: command is empty");
  if (!SupportedApiVersion(exec.api_version)) {
    return absl::InvalidArgumentError(absl::StrCat("exec plugin: invalid apiVersion \"",
                                                   exec.api_version, "\" (want ", kExecCredentialV1,
                                                   " or ", kExecCredentialV1beta1, ")"));
  }
  if (exec.interactive_mode == "Always") {
    return absl::FailedPreconditionError(
        absl::StrCat("exec plugin ", exec.command,
                     " requires interactive mode (Always) but kubecpp gives plugins no terminal"));
  }
  absl::StatusOr<std::string> info = ExecInfoJson(config);
  if (!info.ok()) return info.status();
  return std::unique_ptr<ExecCredentialProvider>(
      new ExecCredentialProvider(exec, *std::move(info), options));
}

ExecCredentialProvider::ExecCredentialProvider(config::ExecConfig exec, std::string exec_info,
                                               Options options)
    : exec_(std::move(exec)),
      exec_info_(std::move(exec_info)),
      options_(options),
      clock_(options.clock != nullptr ? *options.clock : Clock::Real()) {}

bool ExecCredentialProvider::Valid(const ExecCredential& credential) const {
  return !credential.expiration.has_value() || clock_.Now() < *credential.expiration;
}

std::shared_ptr<const ExecCredential> ExecCredentialProvider::Cached() const {
  MutexLock lock(&mu_);
  if (cached_ != nullptr && Valid(*cached_)) return cached_;
  return nullptr;
}

void ExecCredentialProvider::Invalidate(const ExecCredential* used) {
  MutexLock lock(&mu_);
  if (cached_ != nullptr && cached_.get() == used) cached_.reset();
}

void ExecCredentialProvider::Cancel() { cancelled_.store(true); }

int64_t ExecCredentialProvider::runs() const {
  MutexLock lock(&mu_);
  return runs_;
}

absl::StatusOr<std::shared_ptr<const ExecCredential>> ExecCredentialProvider::Get() {
  MutexLock run_lock(&run_mu_);
  if (cancelled_.load()) return absl::CancelledError("exec credential provider is shut down");
  // Another caller may have run the plugin while this one waited for run_mu_.
  if (std::shared_ptr<const ExecCredential> cached = Cached()) return cached;
  absl::StatusOr<std::shared_ptr<const ExecCredential>> fresh = Run();
  if (!fresh.ok()) return fresh.status();
  MutexLock lock(&mu_);
  cached_ = *fresh;
  return fresh;
}

absl::StatusOr<std::shared_ptr<const ExecCredential>> ExecCredentialProvider::Run() {
  {
    MutexLock lock(&mu_);
    ++runs_;
  }
  const std::string name = absl::StrCat("exec plugin \"", exec_.command, "\"");
  auto with_hint = [&](std::string message) {
    if (!exec_.install_hint.empty()) absl::StrAppend(&message, "\n\n", exec_.install_hint);
    return message;
  };

  std::vector<std::string> overrides;
  for (const auto& [key, value] : exec_.env) overrides.push_back(absl::StrCat(key, "=", value));
  overrides.push_back(absl::StrCat("KUBERNETES_EXEC_INFO=", exec_info_));
  internal::ProcessSpec spec;
  spec.command = exec_.command;
  spec.args = exec_.args;
  spec.env = internal::MergeEnvironment(internal::CurrentEnvironment(), overrides);
  spec.timeout = options_.timeout;
  spec.cancelled = &cancelled_;

  absl::StatusOr<internal::ProcessResult> result = internal::RunProcess(spec);
  if (!result.ok()) {
    if (absl::IsCancelled(result.status())) return result.status();
    std::string message =
        absl::StrCat("getting credentials: ", name, ": ", result.status().message());
    if (absl::IsNotFound(result.status()) || absl::IsPermissionDenied(result.status())) {
      message = with_hint(std::move(message));
    }
    return absl::UnauthenticatedError(message);
  }
  if (result->term_signal != 0 || result->exit_code != 0) {
    std::string how = result->term_signal != 0
                          ? absl::StrCat("was killed by signal ", result->term_signal)
                          : absl::StrCat("exited with code ", result->exit_code);
    std::string message = absl::StrCat("getting credentials: ", name, " ", how);
    if (!result->stderr_data.empty()) {
      absl::StrAppend(&message, ": ", Tail(result->stderr_data, kMaxStderrInError));
    }
    return absl::UnauthenticatedError(with_hint(std::move(message)));
  }
  absl::StatusOr<ExecCredential> parsed =
      ParseExecCredential(result->stdout_data, exec_.api_version);
  if (!parsed.ok()) {
    return absl::UnauthenticatedError(
        absl::StrCat("getting credentials: ", name, ": ", parsed.status().message()));
  }
  return std::make_shared<const ExecCredential>(*std::move(parsed));
}

}  // namespace kube::transport
