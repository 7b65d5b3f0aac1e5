#include "tools/kubecpp/plugin_flags.h"

#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace kube::tool {
namespace {

constexpr absl::string_view kFlags[] = {"--plugin", "--index", "--index-value", "--sha256",
                                        "--plugin-dir"};

}  // namespace

bool IsPluginFlag(absl::string_view arg) {
  for (absl::string_view flag : kFlags) {
    if (arg == flag || absl::StartsWith(arg, absl::StrCat(flag, "="))) return true;
  }
  return false;
}

absl::Status ParsePluginFlag(
    absl::string_view arg,
    absl::FunctionRef<absl::StatusOr<std::string>(absl::string_view name)> value,
    PluginFlags& flags) {
  const absl::string_view name = arg.substr(0, arg.find('='));
  absl::StatusOr<std::string> v = value(name);
  if (!v.ok()) return v.status();
  if (name == "--plugin") {
    flags.plugins.push_back(*std::move(v));
  } else if (name == "--index") {
    // --index NAME=VALUE; "--index=NAME=VALUE" reaches here as "NAME=VALUE" too.
    if (size_t eq = v->find('='); eq != std::string::npos) {
      flags.index = v->substr(0, eq);
      flags.index_value = v->substr(eq + 1);
    } else {
      flags.index = *std::move(v);
    }
    if (flags.index.empty()) return absl::InvalidArgumentError("--index needs an index name");
  } else if (name == "--index-value") {
    flags.index_value = *std::move(v);
  } else if (name == "--sha256") {
    flags.sha256 = *std::move(v);
  } else if (name == "--plugin-dir") {
    flags.plugin_dirs.push_back(*std::move(v));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<plugins::PluginLoader>> NewPluginLoader(const PluginFlags& flags) {
  plugins::PluginLoaderOptions options;
  options.allowed_directories = flags.plugin_dirs;
  return plugins::PluginLoader::Create(std::move(options));
}

absl::StatusOr<plugins::PluginUse> PluginUseOf(absl::string_view spec) {
  absl::StatusOr<plugins::PluginUse> use = plugins::ParsePluginUse(spec);
  if (!use.ok()) return use.status();
  if (absl::StartsWith(use->config, "@")) {
    const std::string path = use->config.substr(1);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return absl::NotFoundError(
          absl::StrCat("plugin ", use->path, ": cannot read the config file ", path));
    }
    use->config.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return use;
}

absl::StatusOr<std::vector<plugins::PluginUse>> PluginUsesOf(const std::vector<std::string>& specs,
                                                             absl::string_view sha256_flag) {
  if (!sha256_flag.empty() && specs.size() != 1) {
    return absl::InvalidArgumentError(
        specs.empty() ? "--sha256 needs a plugin"
                      : absl::StrCat("--sha256 is ambiguous with ", specs.size(),
                                     " plugins; pin each one as --plugin FILE.so@sha256:DIGEST"));
  }
  std::vector<plugins::PluginUse> uses;
  for (const std::string& spec : specs) {
    absl::StatusOr<plugins::PluginUse> use = PluginUseOf(spec);
    if (!use.ok()) return use.status();
    if (!sha256_flag.empty()) {
      if (use->sha256.empty()) {
        use->sha256 = std::string(sha256_flag);
      } else if (!absl::EqualsIgnoreCase(use->sha256, sha256_flag)) {
        return absl::InvalidArgumentError(absl::StrCat("plugin ", use->path, ": pinned to ",
                                                       use->sha256, " and --sha256 ", sha256_flag));
      }
    }
    uses.push_back(*std::move(use));
  }
  return uses;
}

}  // namespace kube::tool
