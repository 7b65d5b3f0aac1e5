// libFuzzer target for the kubeconfig parser (docs/fuzzing.md), pushing what parses on through
// path resolution, merging and BuildRestConfig for every context. Checks:
//   - a rejected file is InvalidArgument naming the source;
//   - ResolveRelativePaths is idempotent, and merging a file into itself changes nothing;
//   - BuildRestConfig succeeds with a host or fails with a clear status; neither its error nor the
//     RestConfig's DebugString shows a user's token, password or key.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "base/fuzzing/fuzz_check.h"
#include "client/config/client_config.h"
#include "client/config/kubeconfig.h"
#include "client/config/loading_rules.h"

namespace {

using kube::fuzzing::FuzzCheck;
namespace config = kube::config;

// Credentials are replaced by these before BuildRestConfig, so finding one in a message is proof
// of a leak, not a coincidence (a short token may well be a substring of some error text).
constexpr absl::string_view kSentinels[] = {"kubecpp-fuzz-sentinel-token",
                                            "kubecpp-fuzz-sentinel-password",
                                            "kubecpp-fuzz-sentinel-key-data"};

void ReplaceCredentials(config::Kubeconfig& c) {
  for (auto& [name, user] : c.users) {
    if (!user.token.empty()) user.token = std::string(kSentinels[0]);
    if (!user.password.empty()) user.password = std::string(kSentinels[1]);
    if (!user.client_key_data.empty()) user.client_key_data = std::string(kSentinels[2]);
  }
}

void CheckNoSecret(absl::string_view message, absl::string_view input) {
  for (absl::string_view sentinel : kSentinels) {
    // libFuzzer learns strings a target searches for; one typed into a public field proves nothing.
    if (absl::StrContains(input, sentinel)) continue;
    FuzzCheck(!absl::StrContains(message, sentinel), "a message shows a credential", message);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<config::Kubeconfig> parsed = config::ParseKubeconfig(input, "fuzz.yaml");
  if (!parsed.ok()) {
    FuzzCheck(absl::IsInvalidArgument(parsed.status()) &&
                  absl::StartsWith(parsed.status().message(), "kubeconfig fuzz.yaml: "),
              "a rejected kubeconfig is not InvalidArgument naming the file",
              parsed.status().ToString());
    return 0;
  }

  // Paths resolve under a directory that does not exist, so no real file is ever opened.
  config::Kubeconfig resolved = *parsed;
  config::ResolveRelativePaths(resolved, "/nonexistent-kubecpp-fuzz/dir");
  config::Kubeconfig twice = resolved;
  config::ResolveRelativePaths(twice, "/nonexistent-kubecpp-fuzz/dir");
  FuzzCheck(twice == resolved, "ResolveRelativePaths is not idempotent", input);
  config::Kubeconfig merged = resolved;
  config::MergeKubeconfig(merged, resolved);
  FuzzCheck(merged == resolved, "merging a kubeconfig into itself changed it", input);

  ReplaceCredentials(resolved);
  std::vector<config::ConfigOverrides> overrides = {{}};
  for (const auto& [name, unused] : resolved.contexts) overrides.push_back({.context = name});
  for (const config::ConfigOverrides& o : overrides) {
    absl::StatusOr<config::RestConfig> built = config::BuildRestConfig(resolved, o);
    if (built.ok()) {
      FuzzCheck(!built->host.empty(), "a RestConfig without a host", input);
      CheckNoSecret(built->DebugString(), input);
      continue;
    }
    const absl::StatusCode code = built.status().code();
    FuzzCheck(code == absl::StatusCode::kInvalidArgument || code == absl::StatusCode::kNotFound ||
                  code == absl::StatusCode::kUnimplemented,
              "BuildRestConfig failed unclearly", built.status().ToString());
    CheckNoSecret(built.status().message(), input);
  }
  return 0;
}
