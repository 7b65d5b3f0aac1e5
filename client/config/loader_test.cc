#include "client/config/loader.h"

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/config/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::config {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string OneContext(absl::string_view name, absl::string_view server, absl::string_view token) {
  return absl::StrCat(
      "current-context: ", name, "\nclusters:\n- name: ", name, "\n  cluster: {server: '", server,
      "'}\nusers:\n- name: ", name, "\n  user: {token: ", token, "}\ncontexts:\n- name: ", name,
      "\n  context: {cluster: ", name, ", user: ", name, ", namespace: ns-", name, "}\n");
}

class LoaderTest : public ::testing::Test {
 protected:
  // Options with only the injected environment; HOME points at an empty scratch home.
  LoaderOptions Options(std::map<std::string, std::string> env = {}) {
    env.emplace("HOME", home_.path());
    return LoaderOptions{.env = FixedEnvironment(std::move(env)),
                         .service_account_dir = sa_.path()};
  }
  std::map<std::string, std::string> InClusterEnv() {
    sa_.Write("token", "sa-token");
    return {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}};
  }

  testing::TempDir home_;
  testing::TempDir files_;
  testing::TempDir sa_;
};

TEST_F(LoaderTest, ExplicitPathWinsOverKubeconfigAndHome) {
  const std::string explicit_path = files_.Write("explicit", OneContext("x", "https://x", "tx"));
  const std::string listed = files_.Write("listed", OneContext("l", "https://l", "tl"));
  home_.Write(".kube/config", OneContext("h", "https://h", "th"));
  LoaderOptions options = Options({{"KUBECONFIG", listed}});
  options.explicit_path = explicit_path;
  absl::StatusOr<LoadedRestConfig> loaded = LoadRestConfig(options);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->config.host, "https://x");
  EXPECT_EQ(loaded->config.bearer_token, "tx");
  EXPECT_EQ(loaded->config.namespace_, "ns-x");
  EXPECT_EQ(loaded->source, LoadedRestConfig::Source::kKubeconfig);
  EXPECT_EQ(loaded->description, absl::StrCat("kubeconfig ", explicit_path, " (context x)"));
  EXPECT_THAT(loaded->kubeconfig_files, ElementsAre(explicit_path));
  EXPECT_EQ(loaded->selected.context_origin, explicit_path);
}

TEST_F(LoaderTest, MissingExplicitPathIsNotFoundEvenWithOtherSources) {
  home_.Write(".kube/config", OneContext("h", "https://h", "th"));
  LoaderOptions options = Options(InClusterEnv());
  options.explicit_path = files_.Path("absent");
  absl::StatusOr<LoadedRestConfig> loaded = LoadRestConfig(options);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(loaded.status().message(), HasSubstr(files_.Path("absent")));
}

TEST_F(LoaderTest, KubeconfigListIsMergedAndWinsOverHome) {
  const std::string a = files_.Write("a", OneContext("a", "https://a", "ta"));
  const std::string b = files_.Write("b", OneContext("b", "https://b", "tb"));
  home_.Write(".kube/config", OneContext("h", "https://h", "th"));
  LoaderOptions options =
      Options({{"KUBECONFIG", absl::StrCat(files_.Path("missing"), ":", a, ":", b)}});
  absl::StatusOr<LoadedRestConfig> loaded = LoadRestConfig(options);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->config.host, "https://a");  // a's current-context comes first
  EXPECT_EQ(loaded->description, absl::StrCat("kubeconfig ", a, ":", b, " (context a)"));
  EXPECT_THAT(loaded->kubeconfig_files, ElementsAre(a, b));
  EXPECT_THAT(loaded->warnings, IsEmpty());

  // b's context is reachable through the merged view.
  options.overrides.context = "b";
  loaded = LoadRestConfig(options);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->config.host, "https://b");
  EXPECT_EQ(loaded->config.bearer_token, "tb");
  EXPECT_EQ(loaded->selected.context_origin, b);
}

TEST_F(LoaderTest, HomeConfigWhenKubeconfigIsUnset) {
  const std::string home_config = home_.Write(".kube/config", OneContext("h", "https://h", "th"));
  absl::StatusOr<LoadedRestConfig> loaded = LoadRestConfig(Options());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->config.host, "https://h");
  EXPECT_EQ(loaded->description, absl::StrCat("kubeconfig ", home_config, " (context h)"));
}

TEST_F(LoaderTest, HomeDirOptionWinsOverHomeVariable) {
  testing::TempDir other_home;
  other_home.Write(".kube/config", OneContext("o", "https://o", "to"));
  home_.Write(".kube/config", OneContext("h", "https://h", "th"));
  LoaderOptions options = Options();
  options.home_dir = other_home.path();
  absl::StatusOr<LoadedRestConfig> loaded = LoadRestConfig(options);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->config.host, "https://o");
}

TEST_F(LoaderTest, FallsBackToInClusterWhenNothingIsConfigured) {
  sa_.Write("ca.crt", "-----BEGIN CERTIFICATE-----\n");
  LoaderOptions options = Options(InClusterEnv());
  options.overrides.namespace_ = "flag-ns";
  absl::StatusOr<LoadedRestConfig> loaded = LoadRestConfig(options);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->source, LoadedRestConfig::Source::kInCluster);
  EXPECT_EQ(loaded->description, "in-cluster");
  EXPECT_EQ(loaded->config.host, "https://10.96.0.1:443");
  EXPECT_EQ(loaded->config.bearer_token_file, sa_.Path("token"));
  EXPECT_EQ(loaded->config.tls.ca_file, sa_.Path("ca.crt"));
  EXPECT_EQ(loaded->config.namespace_, "flag-ns");
  EXPECT_THAT(loaded->kubeconfig_files, IsEmpty());
}

TEST_F(LoaderTest, AnEmptyKubeconfigAlsoFallsBackToInCluster) {
  const std::string empty = files_.Write("empty", "# nothing here\n");
  auto env = InClusterEnv();
  env["KUBECONFIG"] = empty;
  absl::StatusOr<LoadedRestConfig> loaded = LoadRestConfig(Options(env));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->description, "in-cluster");
}

TEST_F(LoaderTest, MissingKubeconfigFilesWarnAndFallBack) {
  auto env = InClusterEnv();
  env["KUBECONFIG"] = files_.Path("gone");
  absl::StatusOr<LoadedRestConfig> loaded = LoadRestConfig(Options(env));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->description, "in-cluster");
  EXPECT_THAT(loaded->warnings, ::testing::Contains(HasSubstr(files_.Path("gone"))));
}

TEST_F(LoaderTest, ABrokenKubeconfigNeverFallsBack) {
  const std::string broken = files_.Write("broken", "clusters: {not: a list}\n");
  auto env = InClusterEnv();
  env["KUBECONFIG"] = broken;
  absl::StatusOr<LoadedRestConfig> loaded = LoadRestConfig(Options(env));
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(loaded.status().message(), HasSubstr(broken));
}

TEST_F(LoaderTest, AnInvalidSelectionNeverFallsBackAndNamesTheFiles) {
  const std::string file = files_.Write("config", OneContext("a", "https://a", "ta"));
  auto env = InClusterEnv();
  env["KUBECONFIG"] = file;
  LoaderOptions options = Options(env);
  options.overrides.context = "typo";
  absl::StatusOr<LoadedRestConfig> loaded = LoadRestConfig(options);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(loaded.status().message(), AllOf(HasSubstr(absl::StrCat("kubeconfig ", file, ": ")),
                                               HasSubstr("context \"typo\"")));
}

TEST_F(LoaderTest, NothingAnywhereIsNotFoundListingWhatWasTried) {
  absl::StatusOr<LoadedRestConfig> loaded = LoadRestConfig(Options());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(loaded.status().message(),
              AllOf(HasSubstr(home_.Path(".kube/config")), HasSubstr("not running in a cluster")));
}

TEST_F(LoaderTest, InClusterCanBeDisallowed) {
  LoaderOptions options = Options(InClusterEnv());
  options.allow_in_cluster = false;
  absl::StatusOr<LoadedRestConfig> loaded = LoadRestConfig(options);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(loaded.status().message(), HasSubstr("in-cluster configuration was not allowed"));
}

TEST_F(LoaderTest, OverridesAloneAreEnough) {
  LoaderOptions options = Options(InClusterEnv());
  options.overrides.server = "https://flags";
  options.overrides.token = "flag-token";
  absl::StatusOr<LoadedRestConfig> loaded = LoadRestConfig(options);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->source, LoadedRestConfig::Source::kKubeconfig);
  EXPECT_EQ(loaded->config.host, "https://flags");
  EXPECT_EQ(loaded->description, "overrides only (no kubeconfig file) (no context)");
}

}  // namespace
}  // namespace kube::config
