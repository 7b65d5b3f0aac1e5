#include "tools/testenv/testenv.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace kube::testenv {
namespace {

constexpr absl::string_view kHowToStart =
    "start the control plane first: run the whole suite with ./dev test, or run "
    "`tools/testenv/testenv up` and then `bazel test --test_env=KUBECPP_TESTENV_DIR=$PWD/.testenv "
    "<targets>`";

}  // namespace

absl::StatusOr<Environment> ParseEnvFile(absl::string_view dir, absl::string_view contents) {
  absl::flat_hash_map<std::string, std::string> values;
  for (absl::string_view line : absl::StrSplit(contents, '\n', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(line, absl::MaxSplits('=', 1));
    values[kv.first] = std::string(kv.second);
  }
  Environment env;
  env.dir = std::string(dir);
  struct Field {
    const char* key;
    std::string* out;
  };
  for (const Field& f : {Field{"KUBECPP_TESTENV_KUBE_VERSION", &env.kube_version},
                         Field{"KUBECPP_TESTENV_SERVER", &env.server},
                         Field{"KUBECPP_TESTENV_CA_FILE", &env.ca_file},
                         Field{"KUBECPP_TESTENV_ADMIN_TOKEN", &env.admin_token},
                         Field{"KUBECPP_TESTENV_LIMITED_TOKEN", &env.limited_token},
                         Field{"KUBECPP_TESTENV_ADMIN_CERT", &env.admin_cert_file},
                         Field{"KUBECPP_TESTENV_ADMIN_KEY", &env.admin_key_file}}) {
    auto it = values.find(f.key);
    if (it == values.end() || it->second.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("testenv env file in ", dir, " lacks ", f.key));
    }
    *f.out = it->second;
  }
  for (const Field& f : {Field{"KUBECPP_TESTENV_ETCD_URL", &env.etcd_url},
                         Field{"KUBECPP_TESTENV_CTL", &env.ctl_binary},
                         Field{"KUBECPP_TESTENV_ETCD_BINARY", &env.etcd_binary},
                         Field{"KUBECPP_TESTENV_APISERVER_BINARY", &env.apiserver_binary}}) {
    if (auto it = values.find(f.key); it != values.end()) *f.out = it->second;
  }
  absl::string_view hostport = env.server;
  if (!absl::ConsumePrefix(&hostport, "https://")) {
    return absl::FailedPreconditionError(absl::StrCat("testenv server is not https: ", env.server));
  }
  std::pair<absl::string_view, absl::string_view> hp = absl::StrSplit(hostport, ':');
  uint32_t port = 0;
  if (!absl::SimpleAtoi(hp.second, &port) || port == 0 || port > 65535) {
    return absl::FailedPreconditionError(absl::StrCat("testenv server has no port: ", env.server));
  }
  env.host = std::string(hp.first);
  env.port = static_cast<uint16_t>(port);
  env.kubeconfig = absl::StrCat(dir, "/kubeconfig");
  env.limited_kubeconfig = absl::StrCat(dir, "/kubeconfig-limited");
  return env;
}

absl::StatusOr<Environment> Load() {
  const char* dir = std::getenv("KUBECPP_TESTENV_DIR");
  if (dir == nullptr || *dir == '\0') {
    return absl::FailedPreconditionError(absl::StrCat(
        "this test needs the real kube-apiserver but KUBECPP_TESTENV_DIR is unset; ", kHowToStart));
  }
  return LoadDir(dir);
}

absl::StatusOr<Environment> LoadDir(absl::string_view dir_view) {
  const std::string dir(dir_view);
  std::ifstream in(absl::StrCat(dir, "/env"));
  if (!in) {
    return absl::FailedPreconditionError(absl::StrCat("no testenv control plane in ", dir, " (",
                                                      dir, "/env is missing); ", kHowToStart));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  return ParseEnvFile(dir, contents.str());
}

}  // namespace kube::testenv
