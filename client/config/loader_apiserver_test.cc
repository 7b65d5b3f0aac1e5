// Loads the real testenv kubeconfigs and proves the resulting RestConfigs are what the real
// kube-apiserver accepts: the produced host, CA and token are used, and only those, to talk to it.
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "client/config/loader.h"
#include "client/config/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/testenv/https_client.h"
#include "tools/testenv/testenv.h"

namespace kube::config {
namespace {

using ::testing::HasSubstr;

// ReadAll reads a whole small file (test helper; the files are the testenv's own).
std::string ReadAll(const std::string& path) {
  std::string out;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

class LoaderApiserverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testenv::Environment> env = testenv::Load();
    ASSERT_TRUE(env.ok()) << env.status().message();
    env_ = *env;
  }

  // Target is an Environment that holds nothing of the testenv's own knowledge except what
  // `config` says: server, host, port and CA come from the RestConfig. The CA is written to a
  // file when it came inline (the test client reads CA files only).
  testenv::Environment Target(const RestConfig& config) {
    testenv::Environment target;
    target.server = config.host;
    absl::string_view hostport = config.host;
    EXPECT_TRUE(absl::ConsumePrefix(&hostport, "https://")) << config.host;
    std::pair<std::string, std::string> hp = absl::StrSplit(hostport, ':');
    target.host = hp.first;
    uint32_t port = 0;
    EXPECT_TRUE(absl::SimpleAtoi(hp.second, &port)) << config.host;
    target.port = static_cast<uint16_t>(port);
    if (!config.tls.ca_data.empty()) {
      target.ca_file = scratch_.Write("ca-from-data.crt", config.tls.ca_data);
    } else {
      target.ca_file = config.tls.ca_file;
    }
    return target;
  }

  // TokenOf is the bearer token the config carries: inline, or read from its token file.
  static std::string TokenOf(const RestConfig& config) {
    if (!config.bearer_token.empty()) return config.bearer_token;
    if (config.bearer_token_file.empty()) return "";
    return std::string(absl::StripAsciiWhitespace(ReadAll(config.bearer_token_file)));
  }

  int Status(const RestConfig& config, const std::string& target) {
    absl::StatusOr<testenv::HttpsReply> reply =
        testenv::HttpsExchange(Target(config), {.target = target, .token = TokenOf(config)});
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? reply->status : -1;
  }

  absl::StatusOr<LoadedRestConfig> LoadExplicit(const std::string& path,
                                                ConfigOverrides overrides = {}) {
    return LoadRestConfig({.explicit_path = path,
                           .overrides = std::move(overrides),
                           .env = FixedEnvironment({}),
                           .home_dir = scratch_.path(),
                           .service_account_dir = scratch_.Path("no-service-account")});
  }

  testenv::Environment env_;
  testing::TempDir scratch_;
};

TEST_F(LoaderApiserverTest, AdminKubeconfigIsAccepted) {
  absl::StatusOr<LoadedRestConfig> loaded = LoadExplicit(env_.kubeconfig);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->source, LoadedRestConfig::Source::kKubeconfig);
  EXPECT_THAT(loaded->description, HasSubstr(absl::StrCat("kubeconfig ", env_.kubeconfig)));
  EXPECT_EQ(loaded->config.host, env_.server);
  EXPECT_EQ(loaded->config.namespace_, "default");
  EXPECT_FALSE(loaded->config.tls.insecure_skip_verify);
  EXPECT_FALSE(loaded->config.bearer_token.empty());
  EXPECT_EQ(Status(loaded->config, "/api/v1/namespaces/default"), 200);
  EXPECT_EQ(Status(loaded->config, "/api/v1/namespaces/default/secrets"), 200);
}

TEST_F(LoaderApiserverTest, LimitedKubeconfigIsAuthenticatedButForbidden) {
  absl::StatusOr<LoadedRestConfig> loaded = LoadExplicit(env_.limited_kubeconfig);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  // 403, not 401: the server knows who this is and refuses the secrets.
  EXPECT_EQ(Status(loaded->config, "/api/v1/namespaces/default/secrets"), 403);
}

TEST_F(LoaderApiserverTest, KubeconfigListMergesWithTheFirstFileWinning) {
  for (const auto& [list, expected] :
       {std::pair{absl::StrCat(env_.limited_kubeconfig, ":", env_.kubeconfig), 403},
        std::pair{absl::StrCat(env_.kubeconfig, ":", env_.limited_kubeconfig), 200}}) {
    absl::StatusOr<LoadedRestConfig> loaded =
        LoadRestConfig({.env = FixedEnvironment({{"KUBECONFIG", list}}),
                        .home_dir = scratch_.path(),
                        .service_account_dir = scratch_.Path("no-service-account")});
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ(Status(loaded->config, "/api/v1/namespaces/default/secrets"), expected) << list;
  }
  // Both users are reachable through the merged view by context name.
  absl::StatusOr<LoadedRestConfig> admin = LoadRestConfig(
      {.overrides = {.context = "kubecpp-admin@testenv"},
       .env = FixedEnvironment(
           {{"KUBECONFIG", absl::StrCat(env_.limited_kubeconfig, ":", env_.kubeconfig)}}),
       .home_dir = scratch_.path(),
       .service_account_dir = scratch_.Path("no-service-account")});
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_EQ(Status(admin->config, "/api/v1/namespaces/default/secrets"), 200);
}

TEST_F(LoaderApiserverTest, RelativePathsInlineDataAndTokenFileAreWhatTheServerAccepts) {
  // A kubeconfig of our own: the CA as inline data in one cluster and as a relative path in
  // another, the admin token in a relative tokenFile.
  const std::string ca_pem = ReadAll(env_.ca_file);
  ASSERT_FALSE(ca_pem.empty());
  scratch_.Write("kube/pki/ca.crt", ca_pem);
  scratch_.Write("kube/secrets/token", env_.admin_token + "\n");
  const std::string kubeconfig = scratch_.Write(
      "kube/config",
      absl::StrCat(
          "apiVersion: v1\nkind: Config\ncurrent-context: by-path\n", "clusters:\n",
          "- name: inline\n  cluster:\n    server: ", env_.server,
          "\n    certificate-authority-data: ", absl::Base64Escape(ca_pem), "\n",
          "- name: by-path\n  cluster:\n    server: ", env_.server,
          "\n    certificate-authority: pki/ca.crt\n",
          "users:\n- name: filer\n  user:\n    tokenFile: secrets/token\n", "contexts:\n",
          "- name: by-path\n  context: {cluster: by-path, user: filer, namespace: kube-system}\n",
          "- name: inline\n  context: {cluster: inline, user: filer}\n"));

  absl::StatusOr<LoadedRestConfig> by_path = LoadExplicit(kubeconfig);
  ASSERT_TRUE(by_path.ok()) << by_path.status();
  EXPECT_EQ(by_path->config.tls.ca_file, scratch_.Path("kube/pki/ca.crt"));
  EXPECT_EQ(by_path->config.bearer_token_file, scratch_.Path("kube/secrets/token"));
  EXPECT_EQ(by_path->config.namespace_, "kube-system");
  EXPECT_EQ(Status(by_path->config, "/api/v1/namespaces/kube-system"), 200);

  absl::StatusOr<LoadedRestConfig> inline_ca = LoadExplicit(kubeconfig, {.context = "inline"});
  ASSERT_TRUE(inline_ca.ok()) << inline_ca.status();
  EXPECT_EQ(inline_ca->config.tls.ca_data, ca_pem);
  EXPECT_EQ(Status(inline_ca->config, "/api/v1/namespaces/default"), 200);
}

TEST_F(LoaderApiserverTest, TokenOverrideIsWhatIsSent) {
  absl::StatusOr<LoadedRestConfig> wrong = LoadExplicit(env_.kubeconfig, {.token = "not-a-token"});
  ASSERT_TRUE(wrong.ok()) << wrong.status();
  EXPECT_EQ(Status(wrong->config, "/api/v1/namespaces/default"), 401);

  absl::StatusOr<LoadedRestConfig> limited =
      LoadExplicit(env_.kubeconfig, {.token = env_.limited_token});
  ASSERT_TRUE(limited.ok()) << limited.status();
  EXPECT_EQ(Status(limited->config, "/api/v1/namespaces/default/secrets"), 403);
}

}  // namespace
}  // namespace kube::config
