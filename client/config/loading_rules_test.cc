#include "client/config/loading_rules.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/config/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(KubeconfigPrecedence, ExplicitPathIsTheOnlyCandidate) {
  EXPECT_THAT(KubeconfigPrecedence(
                  {.explicit_path = "/x/config", .kubeconfig_env = "/a:/b", .home_dir = "/home/u"}),
              ElementsAre("/x/config"));
}

TEST(KubeconfigPrecedence, KubeconfigListDropsEmptiesAndRepeatsKeepingOrder) {
  EXPECT_THAT(KubeconfigPrecedence({.kubeconfig_env = ":/b::/a:/b:/c:/a:", .home_dir = "/home/u"}),
              ElementsAre("/b", "/a", "/c"));
}

TEST(KubeconfigPrecedence, HomeConfigWhenKubeconfigIsUnsetOrEmpty) {
  EXPECT_THAT(KubeconfigPrecedence({.home_dir = "/home/u"}), ElementsAre("/home/u/.kube/config"));
  EXPECT_THAT(KubeconfigPrecedence({.kubeconfig_env = "", .home_dir = "/home/u/"}),
              ElementsAre("/home/u/.kube/config"));
  EXPECT_THAT(KubeconfigPrecedence({}), IsEmpty());
  // A KUBECONFIG holding only separators names no file, and the home file is not used either.
  EXPECT_THAT(KubeconfigPrecedence({.kubeconfig_env = "::", .home_dir = "/home/u"}), IsEmpty());
}

class MergeTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
};

TEST_F(MergeTest, FirstFileWinsWholeEntriesAndFirstNonEmptyCurrentContext) {
  const std::string first = dir_.Write("one/config", R"yaml(
clusters:
- name: shared
  cluster: {server: https://first}
users:
- name: shared
  user: {token: first-token}
contexts:
- name: shared
  context: {cluster: shared, user: shared}
)yaml");
  const std::string second = dir_.Write("two/config", R"yaml(
current-context: from-second
clusters:
- name: shared
  cluster:
    server: https://second
    tls-server-name: only-in-second
    insecure-skip-tls-verify: true
- name: only-second
  cluster: {server: https://only-second}
users:
- name: shared
  user: {token: second-token, as: someone}
contexts:
- name: shared
  context: {cluster: shared, user: shared, namespace: second-ns}
- name: from-second
  context: {cluster: only-second}
)yaml");
  const std::string third = dir_.Write("three/config", R"yaml(
current-context: from-third
contexts:
- name: from-third
  context: {cluster: shared}
)yaml");

  absl::StatusOr<MergedKubeconfig> merged =
      LoadAndMergeKubeconfigs({.kubeconfig_env = absl::StrCat(first, ":", second, ":", third)});
  ASSERT_TRUE(merged.ok()) << merged.status();
  const Kubeconfig& c = merged->config;
  EXPECT_THAT(merged->loaded, ElementsAre(first, second, third));
  EXPECT_EQ(c.current_context, "from-second");

  // The whole entry comes from the first file: no field of the second file's "shared" leaks in.
  const KubeconfigCluster& shared = c.clusters.at("shared");
  EXPECT_EQ(shared.server, "https://first");
  EXPECT_EQ(shared.tls_server_name, "");
  EXPECT_FALSE(shared.insecure_skip_tls_verify);
  EXPECT_EQ(shared.origin, first);
  EXPECT_EQ(c.users.at("shared").token, "first-token");
  EXPECT_EQ(c.users.at("shared").impersonate, "");
  EXPECT_EQ(c.contexts.at("shared").namespace_, "");
  // Names only later files define are added.
  EXPECT_EQ(c.clusters.at("only-second").server, "https://only-second");
  EXPECT_EQ(c.clusters.at("only-second").origin, second);
  EXPECT_TRUE(c.contexts.contains("from-third"));
}

TEST_F(MergeTest, OrderOfTheListDecides) {
  const std::string a =
      dir_.Write("a", "current-context: a\nclusters:\n- name: c\n  cluster: {server: https://a}\n");
  const std::string b =
      dir_.Write("b", "current-context: b\nclusters:\n- name: c\n  cluster: {server: https://b}\n");
  absl::StatusOr<MergedKubeconfig> ab = LoadAndMergeKubeconfigs({.kubeconfig_env = a + ":" + b});
  absl::StatusOr<MergedKubeconfig> ba = LoadAndMergeKubeconfigs({.kubeconfig_env = b + ":" + a});
  ASSERT_TRUE(ab.ok() && ba.ok());
  EXPECT_EQ(ab->config.current_context, "a");
  EXPECT_EQ(ab->config.clusters.at("c").server, "https://a");
  EXPECT_EQ(ba->config.current_context, "b");
  EXPECT_EQ(ba->config.clusters.at("c").server, "https://b");
}

TEST_F(MergeTest, RelativePathsStayWithTheFileThatNamedThem) {
  const std::string a = dir_.Write("a/config", R"yaml(
clusters:
- name: from-a
  cluster: {server: https://a, certificate-authority: ca.crt}
users:
- name: from-a
  user: {tokenFile: token}
)yaml");
  const std::string b = dir_.Write("b/nested/config", R"yaml(
clusters:
- name: from-b
  cluster: {server: https://b, certificate-authority: ../ca.crt}
users:
- name: from-b
  user: {client-certificate: u.crt, client-key: u.key}
)yaml");
  absl::StatusOr<MergedKubeconfig> merged =
      LoadAndMergeKubeconfigs({.kubeconfig_env = a + ":" + b});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->config.clusters.at("from-a").certificate_authority, dir_.Path("a/ca.crt"));
  EXPECT_EQ(merged->config.users.at("from-a").token_file, dir_.Path("a/token"));
  EXPECT_EQ(merged->config.clusters.at("from-b").certificate_authority, dir_.Path("b/ca.crt"));
  EXPECT_EQ(merged->config.users.at("from-b").client_certificate, dir_.Path("b/nested/u.crt"));
  EXPECT_EQ(merged->config.users.at("from-b").client_key, dir_.Path("b/nested/u.key"));
}

TEST_F(MergeTest, MissingListedFilesAreSkippedAndReported) {
  const std::string real = dir_.Write("real", "current-context: x\n");
  const std::string missing = dir_.Path("missing");
  absl::StatusOr<MergedKubeconfig> merged =
      LoadAndMergeKubeconfigs({.kubeconfig_env = missing + ":" + real});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_THAT(merged->loaded, ElementsAre(real));
  EXPECT_THAT(merged->missing, ElementsAre(missing));
  EXPECT_EQ(merged->config.current_context, "x");
}

TEST_F(MergeTest, MissingHomeConfigIsAnEmptyConfig) {
  absl::StatusOr<MergedKubeconfig> merged = LoadAndMergeKubeconfigs({.home_dir = dir_.path()});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_TRUE(merged->config.empty());
  EXPECT_THAT(merged->loaded, IsEmpty());
  EXPECT_THAT(merged->missing, ElementsAre(dir_.Path(".kube/config")));
}

TEST_F(MergeTest, HomeConfigIsRead) {
  dir_.Write(".kube/config", "current-context: home\n");
  absl::StatusOr<MergedKubeconfig> merged = LoadAndMergeKubeconfigs({.home_dir = dir_.path()});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->config.current_context, "home");
}

TEST_F(MergeTest, MissingExplicitPathIsNotFound) {
  const std::string missing = dir_.Path("nope");
  dir_.Write(".kube/config", "current-context: home\n");
  absl::StatusOr<MergedKubeconfig> merged =
      LoadAndMergeKubeconfigs({.explicit_path = missing, .home_dir = dir_.path()});
  EXPECT_EQ(merged.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(merged.status().message(), HasSubstr(missing));
}

TEST_F(MergeTest, ABrokenFileInTheListFailsTheLoadNamingIt) {
  const std::string good = dir_.Write("good", "current-context: x\n");
  const std::string bad = dir_.Write("bad", "contexts: {oops: 1}\n");
  absl::StatusOr<MergedKubeconfig> merged =
      LoadAndMergeKubeconfigs({.kubeconfig_env = good + ":" + bad});
  EXPECT_EQ(merged.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(merged.status().message(), HasSubstr(absl::StrCat("kubeconfig ", bad, ": contexts")));
}

TEST(MergeKubeconfig, KeepsExistingEntries) {
  Kubeconfig merged;
  merged.users["u"].token = "kept";
  Kubeconfig next;
  next.users["u"].token = "dropped";
  next.users["v"].token = "added";
  next.current_context = "next";
  MergeKubeconfig(merged, next);
  EXPECT_EQ(merged.users.at("u").token, "kept");
  EXPECT_EQ(merged.users.at("v").token, "added");
  EXPECT_EQ(merged.current_context, "next");
  Kubeconfig later;
  later.current_context = "later";
  MergeKubeconfig(merged, later);
  EXPECT_EQ(merged.current_context, "next");
}

}  // namespace
}  // namespace kube::config
