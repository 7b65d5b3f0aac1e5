#include "client/config/rest_config.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kube::config {
namespace {

std::string Redacted(const std::string& secret) { return secret.empty() ? "" : "<redacted>"; }

}  // namespace

std::string RestConfig::DebugString() const {
  std::string out = absl::StrCat("RestConfig{host=", host);
  if (tls.insecure_skip_verify) absl::StrAppend(&out, ", insecure");
  if (!tls.server_name.empty()) absl::StrAppend(&out, ", server_name=", tls.server_name);
  if (!tls.ca_file.empty()) absl::StrAppend(&out, ", ca_file=", tls.ca_file);
  if (!tls.ca_data.empty()) absl::StrAppend(&out, ", ca_data=<", tls.ca_data.size(), " bytes>");
  if (!tls.cert_file.empty()) absl::StrAppend(&out, ", cert_file=", tls.cert_file);
  if (!tls.cert_data.empty())
    absl::StrAppend(&out, ", cert_data=<", tls.cert_data.size(), " bytes>");
  if (!tls.key_file.empty()) absl::StrAppend(&out, ", key_file=", tls.key_file);
  if (!tls.key_data.empty()) absl::StrAppend(&out, ", key_data=", Redacted(tls.key_data));
  if (!bearer_token.empty()) absl::StrAppend(&out, ", bearer_token=", Redacted(bearer_token));
  if (!bearer_token_file.empty()) absl::StrAppend(&out, ", bearer_token_file=", bearer_token_file);
  if (!username.empty())
    absl::StrAppend(&out, ", username=", username, ", password=", Redacted(password));
  if (exec) {
    absl::StrAppend(&out, ", exec=", exec->command, " (", exec->args.size(), " args, ",
                    exec->env.size(), " env <redacted>)");
  }
  if (!impersonate.user.empty()) {
    absl::StrAppend(&out, ", impersonate=", impersonate.user, " groups=[",
                    absl::StrJoin(impersonate.groups, ","), "]");
  }
  absl::StrAppend(&out, ", qps=", qps, ", burst=", burst, ", namespace=", namespace_, "}");
  return out;
}

}  // namespace kube::config
